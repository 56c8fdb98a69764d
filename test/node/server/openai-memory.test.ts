// Agents with memory behind the OpenAI-compatible endpoint: the protocol is stateless (clients
// resend the conversation), so those runs use `memory: false` and store nothing.
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { Agent } from '../../../runtime/agent/agent.js'
import { Memory } from '../../../runtime/memory/memory.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { start } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

function setup() {
  const store = new InMemoryStore()
  const model = new MockModel({ responses: (o) => ({ text: `seen ${o.prompt.length} messages` }) })
  const agent = new Agent({ id: 'support', model, memory: new Memory({ store }) })
  return { store, model, agent }
}

describe('OpenAI-compatible endpoint with a memory agent', () => {
  it('non-streaming and streaming completions work and store no thread', async () => {
    const { store, model, agent } = setup()
    served = await start({ agents: { support: agent }, store })
    const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: 'unused', maxRetries: 0 })
    const messages = [
      { role: 'user' as const, content: 'hi' },
      { role: 'assistant' as const, content: 'hello' },
      { role: 'user' as const, content: 'what now?' },
    ]
    const done = await client.chat.completions.create({ model: 'support', messages })
    expect(done.choices[0].message.content).toBe('seen 3 messages')
    let text = ''
    for await (const chunk of await client.chat.completions.create({ model: 'support', messages, stream: true })) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toBe('seen 3 messages')
    // Without `memory: false` these runs would fail with MEMORY_THREAD_REQUIRED (no thread to pass).
    expect(model.calls).toHaveLength(2)
  })

  it('agent.generate(..., { memory: false }) runs without reading or writing memory', async () => {
    const { store, model, agent } = setup()
    await agent.generate('first', { memory: { thread: 't', resource: 'r' } })
    const r = await agent.generate('second', { memory: false })
    expect(r.text).toBe('seen 1 messages')
    expect(model.calls[1].prompt).toEqual([{ role: 'user', content: [{ type: 'text', text: 'second' }] }])
    expect((await store.listMessages({ threadId: 't', resourceId: 'r' })).items).toHaveLength(2)
    await expect(agent.generate('third')).rejects.toMatchObject({ code: 'MEMORY_THREAD_REQUIRED' })
  })
})
