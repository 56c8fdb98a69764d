import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { Agent } from '../../../runtime/agent/agent.js'
import { Memory } from '../../../runtime/memory/memory.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'
import { postJson, start, weatherModel, weatherTool } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

async function last<T>(stream: ReadableStream<T>): Promise<T> {
  let out: T | undefined
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return out as T
    out = value
  }
}

describe('agents with memory over HTTP', () => {
  it('useChat turns are saved to the thread (chat id = thread, resourceId from the body), without duplicates', async () => {
    const store = new InMemoryStore()
    const agent = new Agent({ id: 'mem', model: weatherModel(), tools: { weather: weatherTool }, memory: new Memory({ store }) })
    served = await start({ agents: { mem: agent }, store })
    const agents = await (await fetch(`${served.url}/api/agents`)).json()
    expect(agents.agents[0].memory).toBe(true)

    const transport = new DefaultChatTransport<UIMessage>({ api: `${served.url}/api/agents/mem/stream`, body: { resourceId: 'alice' } })
    const u1: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'weather in Paris?' }] }
    const a1 = await last(readUIMessageStream<UIMessage>({ stream: await transport.sendMessages({ chatId: 'chat-9', messages: [u1], trigger: 'submit-message', messageId: undefined, abortSignal: undefined }), terminateOnError: true }))
    const u2: UIMessage = { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'and now?' }] }
    const a2 = await last(readUIMessageStream<UIMessage>({ stream: await transport.sendMessages({ chatId: 'chat-9', messages: [u1, a1, u2], trigger: 'submit-message', messageId: undefined, abortSignal: undefined }), terminateOnError: true }))
    expect(a2.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')).toBe('Echo: and now?')

    const page = await (await fetch(`${served.url}/api/threads/chat-9/messages?resourceId=alice`)).json()
    expect(page.items.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(page.items[0].content.parts).toEqual([{ type: 'text', text: 'weather in Paris?' }])
    const thread = await (await fetch(`${served.url}/api/threads/chat-9?resourceId=alice`)).json()
    expect(thread.resourceId).toBe('alice')
    const denied = await fetch(`${served.url}/api/threads/chat-9/messages?resourceId=bob`)
    expect(denied.status).toBe(403)
  })

  it('generate with threadId/resourceId; memory agent without a thread is a 400', async () => {
    const store = new InMemoryStore()
    const agent = new Agent({ id: 'mem', model: weatherModel(), memory: new Memory({ store }) })
    served = await start({ agents: { mem: agent }, store })
    const ok = await postJson(`${served.url}/api/agents/mem/generate`, { prompt: 'hello', threadId: 't1', resourceId: 'bob' })
    expect(ok.status).toBe(200)
    expect((await store.listMessages({ threadId: 't1', resourceId: 'bob' })).items).toHaveLength(2)
    const missing = await postJson(`${served.url}/api/agents/mem/generate`, { prompt: 'hello' })
    expect(missing.status).toBe(400)
    expect((await missing.json()).error.code).toBe('MEMORY_THREAD_REQUIRED')
  })
})
