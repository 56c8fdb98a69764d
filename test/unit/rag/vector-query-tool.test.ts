import { beforeAll, describe, expect, it } from 'vitest'
import { ready } from '../../helpers/lumos.js'
import { Document, Retriever, WasmVectorStore, createRetrievalContext, createVectorQueryTool } from '../../../runtime/rag/index.js'
import { fakeEmbedder } from './fake-embedder.js'

beforeAll(async () => {
  await ready()
})

async function retriever() {
  const r = new Retriever({ vectorStore: new WasmVectorStore(), embedder: fakeEmbedder() })
  await r.add(Document.fromMarkdown('# Workflows\n\nSuspend a workflow and resume it later with resume data.', { source: 'wf.md' }).chunk())
  await r.add(Document.fromMarkdown('# Memory\n\nThe agent memory store keeps threads.', { source: 'mem.md', lang: 'en' }).chunk())
  return r
}

const ctx = { abortSignal: new AbortController().signal } as never

describe('createVectorQueryTool', () => {
  it('is a tool that returns cited passages', async () => {
    const tool = createVectorQueryTool({ retriever: await retriever(), topK: 1 })
    expect(tool.kind).toBe('lumos.tool')
    expect(tool.id).toBe('search_knowledge_base')
    expect(tool.jsonSchema).toEqual({ type: 'object', properties: { query: { type: 'string', description: expect.any(String) } }, required: ['query'], additionalProperties: false })
    const out = await tool.execute({ query: 'resume workflow' }, ctx)
    expect(out).toEqual({
      context: '[1] # Workflows\n\nSuspend a workflow and resume it later with resume data.\n\nSources:\n[1] wf.md',
      citations: [{ n: 1, source: 'wf.md', chunkIds: ['wf.md#0'] }],
    })
  })

  it('a fixed filter always applies; the model filter only when allowed, ANDed', async () => {
    const r = await retriever()
    const fixed = createVectorQueryTool({ retriever: r, filter: { source: 'mem.md' } })
    expect((await fixed.execute({ query: 'resume workflow', filter: { source: 'wf.md' } }, ctx)).citations.map((c) => c.source)).toEqual(['mem.md'])
    const open = createVectorQueryTool({ retriever: r, allowModelFilter: true, id: 'docs' })
    expect(open.id).toBe('docs')
    expect(Object.keys((open.jsonSchema as { properties: object }).properties)).toEqual(['query', 'filter'])
    expect((await open.execute({ query: 'agent memory', filter: { source: 'wf.md' } }, ctx)).citations.map((c) => c.source)).toEqual(['wf.md'])
    const both = createVectorQueryTool({ retriever: r, allowModelFilter: true, filter: { lang: 'en' } })
    expect(await both.execute({ query: 'workflow', filter: { source: 'wf.md' } }, ctx)).toEqual({ context: 'No relevant passages found.', citations: [] })
  })

  it('needs a retriever', () => {
    expect(() => createVectorQueryTool({} as never)).toThrow(expect.objectContaining({ code: 'RETRIEVER_CONFIG_INVALID' }))
  })
})

describe('createRetrievalContext', () => {
  it('returns a system-message text with the passages, or "" when nothing is found', async () => {
    const r = await retriever()
    const get = createRetrievalContext(r, { topK: 1, preamble: 'Context:' })
    expect(await get('how do I resume a workflow?')).toBe('Context:\n\n[1] # Workflows\n\nSuspend a workflow and resume it later with resume data.\n\nSources:\n[1] wf.md')
    expect(await get('   ')).toBe('')
    const strict = createRetrievalContext(r, { mode: 'keyword', minScore: 0.0001 })
    expect(await strict('zebra')).toBe('')
    const filtered = createRetrievalContext(r, { filter: { lang: 'fr' } })
    expect(await filtered('workflow')).toBe('')
  })
})
