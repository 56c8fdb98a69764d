import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { Agent } from '../../../runtime/agent/agent.js'
import type { AgentStreamResult } from '../../../runtime/agent/stream-result.js'
import { createFixture, postJson, sseData, start, weatherModel } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

const client = (s: ServedApp, apiKey = 'unused-key') => new OpenAI({ baseURL: `${s.url}/v1`, apiKey, maxRetries: 0 })

describe('OpenAI-compatible endpoints with the official openai client', () => {
  it('models.list returns the agent ids', async () => {
    served = await start(createFixture().options)
    const page = await client(served).models.list()
    expect(page.data.map((m) => m.id)).toEqual(['assistant', 'echo'])
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'lumos' })
    const one = await client(served).models.retrieve('echo')
    expect(one.id).toBe('echo')
  })

  it('non-streaming completion with tool activity and usage', async () => {
    served = await start(createFixture().options)
    const completion = await client(served).chat.completions.create({
      model: 'assistant',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is the weather?' },
      ],
    })
    expect(completion.object).toBe('chat.completion')
    expect(completion.model).toBe('assistant')
    expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: 'It is sunny in Paris (21 °C).' })
    expect(completion.choices[0].finish_reason).toBe('stop')
    expect(completion.usage).toEqual({ prompt_tokens: 50, completion_tokens: 16, total_tokens: 66 })
    const lumos = (completion as unknown as { lumos: { toolCalls: unknown[]; toolResults: Array<{ output: unknown }> } }).lumos
    expect(lumos.toolCalls).toEqual([{ toolCallId: 'call_w1', toolName: 'weather', input: { city: 'Paris' } }])
    expect(lumos.toolResults[0].output).toEqual({ city: 'Paris', forecast: 'sunny', celsius: 21 })
  })

  it('streaming completion: role, content deltas, tool events, finish, usage, [DONE]', async () => {
    served = await start(createFixture().options)
    const stream = await client(served).chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'weather in Paris?' }], stream: true, stream_options: { include_usage: true } })
    let content = ''
    const events: Array<{ type: string; toolName: string }> = []
    const finishReasons: Array<string | null> = []
    let usage: unknown
    let roleSeen = false
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk')
      const choice = chunk.choices[0]
      if (choice?.delta.role === 'assistant') roleSeen = true
      if (choice?.delta.content) content += choice.delta.content
      if (choice?.finish_reason) finishReasons.push(choice.finish_reason)
      const ev = (chunk as unknown as { lumos_event?: { type: string; toolName: string } }).lumos_event
      if (ev) events.push({ type: ev.type, toolName: ev.toolName })
      if (chunk.usage) usage = chunk.usage
    }
    expect(roleSeen).toBe(true)
    expect(content).toBe('It is sunny in Paris (21 °C).')
    expect(events).toEqual([
      { type: 'tool-call', toolName: 'weather' },
      { type: 'tool-result', toolName: 'weather' },
    ])
    expect(finishReasons).toEqual(['stop'])
    expect(usage).toEqual({ prompt_tokens: 50, completion_tokens: 16, total_tokens: 66 })
  })

  it('the raw stream ends with data: [DONE]', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/v1/chat/completions`, { model: 'echo', messages: [{ role: 'user', content: 'hi' }], stream: true })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const data = await sseData(res)
    expect(data[data.length - 1]).toBe('[DONE]')
    expect(data.filter((d) => d.includes('"usage"'))).toEqual([])
  })

  it('multi-turn history with assistant tool_calls and tool messages', async () => {
    served = await start(createFixture().options)
    const completion = await client(served).chat.completions.create({
      model: 'echo',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'result text' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    })
    expect(completion.choices[0].message.content).toBe('Echo: second')
  })

  it('unknown model: 404 in the OpenAI error format', async () => {
    served = await start(createFixture().options)
    const err = await client(served).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.NotFoundError)
    const e = err as InstanceType<typeof OpenAI.NotFoundError>
    expect(e.status).toBe(404)
    expect(e.code).toBe('model_not_found')
    expect(e.type).toBe('not_found_error')
    expect(e.param).toBe('model')
    expect(e.message).toMatch(/assistant, echo/)
  })

  it('bad requests: 400 BadRequestError', async () => {
    served = await start(createFixture().options)
    const noMessages = await client(served).chat.completions.create({ model: 'echo', messages: [] }).catch((e: unknown) => e)
    expect(noMessages).toBeInstanceOf(OpenAI.BadRequestError)
    expect((noMessages as { param: string }).param).toBe('messages')
    const withTools = await client(served)
      .chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] })
      .catch((e: unknown) => e)
    expect(withTools).toBeInstanceOf(OpenAI.BadRequestError)
    expect((withTools as { param: string }).param).toBe('tools')
    const badRole = await client(served).chat.completions.create({ model: 'echo', messages: [{ role: 'function', name: 'f', content: 'x' }] }).catch((e: unknown) => e)
    expect(badRole).toBeInstanceOf(OpenAI.BadRequestError)
    const res = await postJson(`${served.url}/v1/chat/completions`, '{"model": "echo",')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'REQUEST_JSON_INVALID' } })
  })

  it('a model failure mid-stream surfaces as an APIError in the client', async () => {
    served = await start(createFixture().options)
    const stream = await client(served).chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'boom' }], stream: true })
    const run = async () => {
      for await (const _ of stream) void _
    }
    await expect(run()).rejects.toBeInstanceOf(OpenAI.APIError)
  })

  it('a client disconnect mid-stream aborts the agent run', async () => {
    const slow = new Agent({ id: 'slow', model: weatherModel(30) })
    let runError: unknown
    const original = slow.stream.bind(slow) as (input: unknown, options?: object) => Promise<AgentStreamResult>
    slow.stream = (async (input: unknown, options?: object) => {
      const run = await original(input, options)
      run.result.catch((e: unknown) => (runError = e))
      return run
    }) as unknown as typeof slow.stream
    served = await start({ agents: { slow } })
    const controller = new AbortController()
    const stream = await client(served).chat.completions.create(
      { model: 'slow', messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten eleven twelve' }], stream: true },
      { signal: controller.signal },
    )
    const iterator = stream[Symbol.asyncIterator]()
    await iterator.next()
    controller.abort()
    await new Promise((r) => setTimeout(r, 300))
    expect(runError).toMatchObject({ code: 'AGENT_ABORTED' })
  })
})
