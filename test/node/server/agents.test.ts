import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { createFixture, postJson, sseData, start } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return out
    out.push(value)
  }
}

describe('agents REST', () => {
  it('lists agents with tools and JSON Schemas', async () => {
    served = await start(createFixture().options)
    const res = await fetch(`${served.url}/api/agents`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.agents.map((a: { id: string }) => a.id)).toEqual(['assistant', 'echo'])
    expect(body.agents[0]).toMatchObject({ id: 'assistant', name: 'Assistant', description: 'Answers with the weather tool.', memory: false })
    expect(body.agents[0].tools).toEqual([{ id: 'weather', description: 'Current weather for a city.', inputSchema: expect.objectContaining({ type: 'object', required: ['city'] }) }])
    const one = await (await fetch(`${served.url}/api/agents/echo`)).json()
    expect(one).toEqual({ id: 'echo', name: 'echo', description: null, tools: [], memory: false })
    const tools = await (await fetch(`${served.url}/api/tools`)).json()
    expect(tools.tools).toEqual([expect.objectContaining({ id: 'weather', agents: ['assistant'] })])
    const health = await (await fetch(`${served.url}/api/health`)).json()
    expect(health).toEqual({ ok: true, version: '0.1.0' })
  })

  it('unknown agent: 404 AGENT_NOT_FOUND with the list of ids', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/api/agents/nope/generate`, { prompt: 'hi' })
    expect(res.status).toBe(404)
    const body = await res.json()
    expect(body.error).toMatchObject({ code: 'AGENT_NOT_FOUND', details: { id: 'nope', available: ['assistant', 'echo'] } })
    expect(typeof body.error.fix).toBe('string')
  })

  it('generate runs the tool loop and returns text, tool calls, usage and the UI message', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/api/agents/assistant/generate`, { prompt: 'What is the weather?' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.text).toBe('It is sunny in Paris (21 °C).')
    expect(body.finishReason).toBe('stop')
    expect(body.steps).toBe(2)
    expect(body.toolCalls).toEqual([{ toolCallId: 'call_w1', toolName: 'weather', input: { city: 'Paris' } }])
    expect(body.toolResults).toEqual([{ toolCallId: 'call_w1', toolName: 'weather', input: { city: 'Paris' }, output: { city: 'Paris', forecast: 'sunny', celsius: 21 }, isError: false }])
    expect(body.usage).toMatchObject({ inputTokens: 50, outputTokens: 16, totalTokens: 66 })
    expect(body.runId).toMatch(/^run_/)
    expect(body.messages[0].parts.map((p: { type: string }) => p.type)).toEqual(['step-start', 'tool-weather', 'step-start', 'text'])
  })

  it('generate accepts UIMessage[] and ModelMessage[]', async () => {
    served = await start(createFixture().options)
    const ui = await postJson(`${served.url}/api/agents/echo/generate`, { messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hello there' }] }] })
    expect((await ui.json()).text).toBe('Echo: hello there')
    const model = await postJson(`${served.url}/api/agents/echo/generate`, { messages: [{ role: 'user', content: 'plain' }] })
    expect((await model.json()).text).toBe('Echo: plain')
  })

  it('bad input: 400 with a typed code', async () => {
    served = await start(createFixture().options)
    const empty = await postJson(`${served.url}/api/agents/echo/generate`, {})
    expect(empty.status).toBe(400)
    expect((await empty.json()).error.code).toBe('REQUEST_INVALID')
    const blank = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: '   ' })
    expect(blank.status).toBe(400)
    expect((await blank.json()).error.code).toBe('AGENT_INPUT_INVALID')
    const opts = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'x', options: { temperature: 9 } })
    expect(opts.status).toBe(400)
    expect((await opts.json()).error).toMatchObject({ code: 'REQUEST_INVALID', details: { param: 'options.temperature' } })
    const thread = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'x', threadId: 't1' })
    expect((await thread.json()).error).toMatchObject({ code: 'REQUEST_INVALID', details: { param: 'resourceId' } })
  })

  it('a model failure is 502 with the typed code and no stack or internal message', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'boom' })
    expect(res.status).toBe(502)
    const text = await res.text()
    expect(JSON.parse(text).error.code).toBe('AGENT_MODEL_ERROR')
    expect(text).not.toMatch(/\bat .*:\d+:\d+|stack/)
  })

  it('stream: UI message stream SSE with the protocol header', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/api/agents/assistant/stream`, { prompt: 'weather please' })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const data = await sseData(res)
    expect(data[data.length - 1]).toBe('[DONE]')
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as UIMessageChunk)
    const types = chunks.map((c) => c.type)
    expect(types[0]).toBe('start')
    expect(types).toContain('tool-input-available')
    expect(types).toContain('tool-output-available')
    expect(types[types.length - 1]).toBe('finish')
    expect(chunks.filter((c) => c.type === 'text-delta').map((c) => (c as { delta: string }).delta).join('')).toBe('It is sunny in Paris (21 °C).')
  })

  it('useChat compatibility: DefaultChatTransport + readUIMessageStream build the assistant message', async () => {
    served = await start(createFixture().options)
    const transport = new DefaultChatTransport<UIMessage>({ api: `${served.url}/api/agents/assistant/stream` })
    const userMessage: UIMessage = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'What is the weather in Paris?' }] }
    const stream = await transport.sendMessages({ chatId: 'chat-1', messages: [userMessage], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    const snapshots = await readAll(readUIMessageStream<UIMessage>({ stream, terminateOnError: true }))
    const final = snapshots[snapshots.length - 1]
    expect(final.role).toBe('assistant')
    const tool = final.parts.find((p) => p.type === 'tool-weather') as { state: string; input: unknown; output: unknown; toolCallId: string }
    expect(tool).toMatchObject({ toolCallId: 'call_w1', state: 'output-available', input: { city: 'Paris' }, output: { city: 'Paris', forecast: 'sunny', celsius: 21 } })
    const text = final.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')
    expect(text).toBe('It is sunny in Paris (21 °C).')
    expect(final.parts.filter((p) => p.type === 'step-start')).toHaveLength(2)

    // Second turn: the whole chat (with the tool part) goes back, as useChat does.
    const stream2 = await transport.sendMessages({
      chatId: 'chat-1',
      messages: [userMessage, final, { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'thanks' }] }],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    })
    const snaps2 = await readAll(readUIMessageStream<UIMessage>({ stream: stream2, terminateOnError: true }))
    expect(snaps2[snaps2.length - 1].parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('')).toBe('Echo: thanks')
  })

  it('useChat: an error before the stream starts is reported by the transport', async () => {
    served = await start(createFixture().options)
    const transport = new DefaultChatTransport<UIMessage>({ api: `${served.url}/api/agents/missing/stream` })
    await expect(transport.sendMessages({ chatId: 'c', messages: [{ id: 'u', role: 'user', parts: [{ type: 'text', text: 'x' }] }], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })).rejects.toThrow(/AGENT_NOT_FOUND/)
  })
})
