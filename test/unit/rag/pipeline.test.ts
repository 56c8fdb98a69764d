import { beforeAll, describe, expect, it } from 'vitest'
import { ready } from '../../helpers/lumos.js'
import { Document, Retriever, WasmVectorStore, createVectorQueryTool } from '../../../runtime/rag/index.js'
import { lexicalEmbedder } from '../../../runtime/embeddings/index.js'

beforeAll(async () => {
  await ready()
})

const DOCS: [string, string][] = [
  ['docs/workflows.md', '# Workflows\n\n## Suspend and resume\n\nA step can suspend a workflow run. Call run.resume() with resume data to continue the suspended run.\n\n## Retries\n\nSteps retry on failure with a backoff.'],
  ['docs/memory.md', '# Memory\n\nThreads keep the conversation history. Working memory stores facts about the user across threads.'],
  ['docs/deploy.md', '# Deploy\n\nDeploy an agent to Cloudflare Workers with wrangler deploy. The wasm core loads as a module.'],
]

describe('RAG pipeline (issue example) with the lexical embedder', () => {
  it('documents → chunks → hybrid retrieval → cited context, and the snapshot answers the same', async () => {
    const rag = new Retriever({ store: new WasmVectorStore(), embedder: lexicalEmbedder({ dimensions: 256 }), keyword: true })
    for (const [source, md] of DOCS) await rag.add(Document.fromMarkdown(md, { source }).chunk({ strategy: 'markdown', maxSize: 130, overlap: 20 }))
    const hits = await rag.query('how do I resume a workflow?', { topK: 3, mode: 'hybrid', filter: { source: { $in: ['docs/workflows.md', 'docs/memory.md'] } } })
    expect(hits.slice(0, 2).map((h) => h.id).sort()).toEqual(['docs/workflows.md#0', 'docs/workflows.md#1'])
    expect(hits.some((h) => h.text.includes('run.resume()'))).toBe(true)
    for (const h of hits) expect(['docs/workflows.md', 'docs/memory.md']).toContain(h.metadata.source)
    const context = rag.buildContext(hits, { maxTokens: 2000 })
    // the heading chunk and its paragraph are adjacent: one passage
    expect(context.text.startsWith('[1] # Workflows\n\n## Suspend and resume\n\nA step can suspend a workflow run. Call run.resume()')).toBe(true)
    expect(context.citations[0]).toMatchObject({ n: 1, source: 'docs/workflows.md' })

    const loaded = await Retriever.load(rag.save(), { embedder: lexicalEmbedder({ dimensions: 256 }) })
    for (const mode of ['vector', 'keyword', 'hybrid'] as const) {
      expect(await loaded.query('deploy to workers', { mode, topK: 5 })).toEqual(await rag.query('deploy to workers', { mode, topK: 5 }))
    }
    const tool = createVectorQueryTool({ retriever: loaded, topK: 1 })
    const out = await tool.execute({ query: 'wrangler deploy' }, { abortSignal: new AbortController().signal } as never)
    expect(out.citations).toEqual([{ n: 1, source: 'docs/deploy.md', chunkIds: ['docs/deploy.md#0'] }])
  })
})

