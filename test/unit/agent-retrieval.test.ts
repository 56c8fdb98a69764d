import { beforeAll, describe, expect, it } from 'vitest'
import { ready } from '../helpers/lumos.js'
import { Agent } from '../../runtime/agent/agent.js'
import { Memory } from '../../runtime/memory/memory.js'
import { Document, Retriever, WasmVectorStore } from '../../runtime/rag/index.js'
import { InMemoryStore } from '../../runtime/storage/index.js'
import { MockModel } from '../../runtime/test/mock-model.js'
import { fakeEmbedder } from './rag/fake-embedder.js'

beforeAll(async () => {
  await ready()
})

async function retriever() {
  const r = new Retriever({ vectorStore: new WasmVectorStore(), embedder: fakeEmbedder() })
  await r.add(Document.fromMarkdown('# Workflows\n\nSuspend a workflow and resume it later with resume data.', { source: 'wf.md' }).chunk())
  await r.add(Document.fromMarkdown('# Memory\n\nThe agent memory store keeps threads.', { source: 'mem.md' }).chunk())
  return r
}

const PREAMBLE = 'Use the following retrieved passages when they are relevant to the user. Cite them as [n]; say so if they do not contain the answer.'
const WF_CONTEXT = `${PREAMBLE}\n\n[1] # Workflows\n\nSuspend a workflow and resume it later with resume data.\n\nSources:\n[1] wf.md`

describe('AgentConfig.retrieval', () => {
  it('adds the retrieved context as a system message after the instructions, for that run', async () => {
    const model = new MockModel({ responses: [{ text: 'ok' }] })
    const agent = new Agent({ id: 'a', model, instructions: 'Be brief.', retrieval: { retriever: await retriever(), topK: 1 } })
    await agent.generate('how do I resume a workflow?')
    expect(model.calls[0].prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: WF_CONTEXT },
      { role: 'user', content: [{ type: 'text', text: 'how do I resume a workflow?' }] },
    ])
  })

  it('queries with the latest user message; streaming gets the same prompt', async () => {
    const model = new MockModel({ responses: [{ text: 'ok' }] })
    const agent = new Agent({ id: 'a', model, retrieval: { retriever: await retriever(), topK: 1, preamble: 'Passages:' } })
    const run = await agent.stream([
      { role: 'user', content: 'resume workflow' },
      { role: 'assistant', content: 'Use resume().' },
      { role: 'user', content: 'and the memory store threads?' },
    ])
    await run.text
    expect(model.calls[0].prompt[0]).toEqual({ role: 'system', content: 'Passages:\n\n[1] # Memory\n\nThe agent memory store keeps threads.\n\nSources:\n[1] mem.md' })
    expect(model.calls[0].prompt).toHaveLength(4)
  })

  it('with memory: the context is in the prompt of its own turn only and never stored', async () => {
    const model = new MockModel({ responses: [{ text: 'first' }, { text: 'second' }] })
    const memory = new Memory({ store: new InMemoryStore() })
    const agent = new Agent({ id: 'a', model, memory, retrieval: { retriever: await retriever(), topK: 1 } })
    const opts = { memory: { thread: 't1', resource: 'u1' } }
    await agent.generate('how do I resume a workflow?', opts)
    await agent.generate('and the memory store threads?', opts)
    const second = model.calls[1].prompt
    const systems = second.filter((m) => m.role === 'system').map((m) => m.content as string)
    expect(systems).toHaveLength(1)
    expect(systems[0]).toContain('[1] # Memory')
    expect(systems[0]).not.toContain('Workflows')
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    const stored = await memory.getUIMessages({ threadId: 't1', resourceId: 'u1' })
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(JSON.stringify(stored)).not.toContain('retrieved passages')
  })

  it('adds nothing when no passage passes minScore', async () => {
    const model = new MockModel({ responses: [{ text: 'ok' }] })
    const agent = new Agent({ id: 'a', model, retrieval: { retriever: await retriever(), minScore: 1e9 } })
    await agent.generate('resume workflow')
    expect(model.calls[0].prompt).toEqual([{ role: 'user', content: [{ type: 'text', text: 'resume workflow' }] }])
  })

  it('a retrieval option without a retriever is AGENT_CONFIG_INVALID', () => {
    expect(() => new Agent({ id: 'a', model: new MockModel(), retrieval: {} as never })).toThrow(expect.objectContaining({ code: 'AGENT_CONFIG_INVALID' }))
  })
})
