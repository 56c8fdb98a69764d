import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../../adapters/node/test/index.js'
import { LumosError } from '../../../runtime/errors.js'
import { openaiCompatible } from '../../../runtime/models/index.js'
import { collect, failure, partTypes, streamError, textOf, userPrompt } from './helpers.js'

let server: FakeOpenAIServer
beforeAll(async () => {
  server = await startFakeOpenAIServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  expect(server.pending()).toBe(0)
})

const model = (extra: Partial<Parameters<typeof openaiCompatible>[0]> = {}) =>
  openaiCompatible({ baseURL: server.url, model: 'fake-1', name: 'acme', apiKey: 'sk-test', retry: false, ...extra })

describe('openaiCompatible doGenerate', () => {
  it('sends a chat-completions request and maps text, usage, finish reason and metadata', async () => {
    const result = await model({ headers: { 'x-team': 'lumos' } }).doGenerate({
      prompt: [{ role: 'system', content: 'Be brief.' }, ...userPrompt('hello there')],
      temperature: 0,
      headers: { 'x-call': '1', 'x-skip': undefined },
    })
    expect(result.content).toEqual([{ type: 'text', text: 'echo: hello there' }])
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' })
    expect(result.response).toMatchObject({ id: 'chatcmpl-fake-1', modelId: 'fake-1' })
    expect(result.response?.timestamp).toBeInstanceOf(Date)
    const [request] = server.requests
    expect(request.path).toBe('/v1/chat/completions')
    expect(request.body).toEqual({
      model: 'fake-1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello there' },
      ],
      temperature: 0,
    })
    expect(request.headers).toMatchObject({ authorization: 'Bearer sk-test', 'x-team': 'lumos', 'x-call': '1', 'content-type': 'application/json' })
    expect(request.headers['x-skip']).toBeUndefined()
    expect(result.request?.body).toBe(request.rawBody)
  })

  it('returns tool calls with their raw argument strings, reasoning, and detailed usage', async () => {
    server.enqueue({
      reasoning: 'The user wants weather.',
      toolCalls: [
        { id: 'call_a', name: 'weather', arguments: { city: 'Paris' } },
        { id: 'call_b', name: 'broken', arguments: '{"city": "Par' },
        { id: 'call_c', name: 'noargs', arguments: '' },
      ],
      usage: {
        prompt_tokens: 50,
        completion_tokens: 30,
        total_tokens: 80,
        prompt_tokens_details: { cached_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    })
    const result = await model().doGenerate({
      prompt: userPrompt('weather?'),
      tools: [{ type: 'function', name: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: { type: 'required' },
    })
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'The user wants weather.' },
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'weather', input: '{"city":"Paris"}' },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'broken', input: '{"city": "Par' },
      { type: 'tool-call', toolCallId: 'call_c', toolName: 'noargs', input: '{}' },
    ])
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' })
    expect(result.usage).toMatchObject({
      inputTokens: { total: 50, noCache: 30, cacheRead: 20, cacheWrite: undefined },
      outputTokens: { total: 30, text: 18, reasoning: 12 },
    })
    expect(server.requests[0].body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
    })
  })

  it('reads DeepSeek cache-hit usage and maps length / content_filter finish reasons', async () => {
    server.enqueue({ text: 'cut', finishReason: 'length', usage: { prompt_tokens: 10, completion_tokens: 5, prompt_cache_hit_tokens: 4 } })
    server.enqueue({ text: '', finishReason: 'content_filter' })
    server.enqueue({ text: 'x', finishReason: 'something_new', usage: false })
    const a = await model().doGenerate({ prompt: userPrompt('a') })
    expect(a.finishReason).toEqual({ unified: 'length', raw: 'length' })
    expect(a.usage.inputTokens).toEqual({ total: 10, noCache: 6, cacheRead: 4, cacheWrite: undefined })
    const b = await model().doGenerate({ prompt: userPrompt('b') })
    expect(b.finishReason).toEqual({ unified: 'content-filter', raw: 'content_filter' })
    expect(b.content).toEqual([])
    const c = await model().doGenerate({ prompt: userPrompt('c') })
    expect(c.finishReason).toEqual({ unified: 'other', raw: 'something_new' })
    expect(c.usage.inputTokens.total).toBeUndefined()
  })

  it('JSON mode: json_object with the schema in a system message, or json_schema with structuredOutputs', async () => {
    const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } as const
    server.enqueue({ json: { n: 42 } }, { json: { n: 7 } })
    const plain = await model().doGenerate({ prompt: userPrompt('give n'), responseFormat: { type: 'json', schema } })
    expect(JSON.parse((plain.content[0] as { text: string }).text)).toEqual({ n: 42 })
    expect(server.requests[0].body.response_format).toEqual({ type: 'json_object' })
    expect(server.requests[0].body.messages.at(-1).content).toContain(JSON.stringify(schema))
    expect(plain.warnings).toEqual([{ type: 'compatibility', feature: 'responseFormat', details: 'JSON schema sent as a system message' }])

    const strict = await model({ structuredOutputs: true }).doGenerate({ prompt: userPrompt('give n'), responseFormat: { type: 'json', schema, name: 'n' } })
    expect(JSON.parse((strict.content[0] as { text: string }).text)).toEqual({ n: 7 })
    expect(server.requests[1].body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'n', schema } })
  })

  it('maps HTTP failures to typed errors', async () => {
    server.enqueue(
      { status: 401, error: 'Incorrect API key provided.' },
      { status: 403, error: 'Forbidden model' },
      { status: 429, error: 'Slow down', headers: { 'retry-after': '7' } },
      { status: 500, error: 'upstream exploded' },
      { status: 400, error: 'Unknown parameter: foo' },
      { status: 503, body: '<html>Service Unavailable</html>' },
    )
    const m = model({ envVarName: 'ACME_API_KEY' })
    const call = () => m.doGenerate({ prompt: userPrompt('x') })
    const auth = await failure(call())
    expect(auth).toMatchObject({ code: 'MODEL_AUTH_FAILED', details: { status: 401, envVar: 'ACME_API_KEY' } })
    expect(auth.message).toContain('Set ACME_API_KEY')
    expect(auth.message).toContain('Incorrect API key provided.')
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_AUTH_FAILED', details: { status: 403 } })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_RATE_LIMITED', details: { status: 429, retryAfterMs: 7000, retryable: true } })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', message: 'acme answered HTTP 500: upstream exploded', details: { status: 500, retryable: true } })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: { status: 400, retryable: false } })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: { status: 503, retryable: true } })
  })

  it('rejects a wrong key against a server that checks it (stream too)', async () => {
    const guarded = await startFakeOpenAIServer({ apiKey: 'right' })
    try {
      const m = openaiCompatible({ baseURL: guarded.url, model: 'x', apiKey: 'wrong', retry: false, envVarName: 'OPENAI_API_KEY' })
      await expect(m.doStream({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_AUTH_FAILED', message: expect.stringContaining('OPENAI_API_KEY') })
      const ok = openaiCompatible({ baseURL: guarded.url, model: 'x', apiKey: 'right', retry: false })
      expect((await ok.doGenerate({ prompt: userPrompt('hi') })).content).toEqual([{ type: 'text', text: 'echo: hi' }])
    } finally {
      await guarded.close()
    }
  })

  it('reports malformed bodies, error objects in 200 bodies and network failures', async () => {
    server.enqueue({ fault: 'malformed-json' }, { status: 200, body: '{"error":{"message":"overloaded","code":502}}' }, { status: 200, body: '{"choices":[]}' }, { fault: 'cut' })
    const call = () => model().doGenerate({ prompt: userPrompt('x') })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_RESPONSE_INVALID' })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: { status: 502, retryable: true } })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_RESPONSE_INVALID' })
    await expect(call()).rejects.toMatchObject({ code: 'MODEL_NETWORK_ERROR', details: { retryable: true } })

    const closed = await startFakeOpenAIServer()
    await closed.close()
    const unreachable = openaiCompatible({ baseURL: closed.url, model: 'x', retry: false })
    const error = await failure(unreachable.doGenerate({ prompt: userPrompt('x') }))
    expect(error).toMatchObject({ code: 'MODEL_NETWORK_ERROR', details: { url: `${closed.url}/chat/completions` } })
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it('propagates a caller abort as the AbortError itself, not a Lumos error', async () => {
    server.enqueue({ fault: 'stall' })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const error = await failure(model().doGenerate({ prompt: userPrompt('x'), abortSignal: controller.signal }))
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(LumosError.isInstance(error)).toBe(false)
  })
})

describe('openaiCompatible doStream', () => {
  it('streams text with exact parts and requests usage', async () => {
    server.enqueue({ id: 'chatcmpl-s1', text: 'Hello, world!', chunkSize: 5, usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })
    const { stream, request } = await model().doStream({ prompt: userPrompt('hi') })
    const parts = await collect(stream)
    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'chatcmpl-s1', modelId: 'fake-1', timestamp: expect.any(Date) },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hello' },
      { type: 'text-delta', id: 'text-0', delta: ', wor' },
      { type: 'text-delta', id: 'text-0', delta: 'ld!' },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 4, text: 4, reasoning: undefined },
          raw: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        },
      },
    ])
    expect(server.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
    expect(JSON.parse(request?.body as string)).toEqual(server.requests[0].body)
  })

  it('assembles tool-call arguments split across many chunks, for parallel calls', async () => {
    const args = { city: 'Zürich', days: [1, 2, 3], note: 'a "quoted" word' }
    server.enqueue({
      text: 'Let me check.',
      toolCalls: [
        { id: 'call_1', name: 'weather', arguments: args },
        { id: 'call_2', name: 'time', arguments: { tz: 'Europe/Zurich' } },
      ],
      chunkSize: 3,
    })
    const parts = await collect((await model().doStream({ prompt: userPrompt('?') })).stream)
    expect(textOf(parts)).toBe('Let me check.')
    const deltas = (id: string) => parts.filter((p) => p.type === 'tool-input-delta' && p.id === id).map((p) => (p as { delta: string }).delta)
    expect(deltas('call_1').length).toBeGreaterThan(10)
    expect(deltas('call_1').join('')).toBe(JSON.stringify(args))
    expect(deltas('call_2').join('')).toBe('{"tz":"Europe/Zurich"}')
    expect(parts.filter((p) => p.type === 'tool-input-start')).toEqual([
      { type: 'tool-input-start', id: 'call_1', toolName: 'weather' },
      { type: 'tool-input-start', id: 'call_2', toolName: 'time' },
    ])
    const calls = parts.filter((p) => p.type === 'tool-call')
    expect(calls).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: JSON.stringify(args) },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'time', input: '{"tz":"Europe/Zurich"}' },
    ])
    const types = partTypes(parts)
    expect(types.indexOf('text-end')).toBeLessThan(types.indexOf('tool-input-start'))
    for (const id of ['call_1', 'call_2']) {
      const end = parts.findIndex((p) => p.type === 'tool-input-end' && p.id === id)
      const lastDelta = parts.findLastIndex((p) => p.type === 'tool-input-delta' && p.id === id)
      expect(lastDelta).toBeLessThan(end)
      expect(end).toBeLessThan(parts.findIndex((p) => p.type === 'tool-call' && p.toolCallId === id))
    }
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } })
  })

  it('passes malformed streamed tool-call JSON through unchanged', async () => {
    server.enqueue({ toolCalls: [{ id: 'c', name: 'calc', arguments: '{"expr": 1+' }], chunkSize: 2 })
    const parts = await collect((await model().doStream({ prompt: userPrompt('?') })).stream)
    expect(parts.find((p) => p.type === 'tool-call')).toEqual({ type: 'tool-call', toolCallId: 'c', toolName: 'calc', input: '{"expr": 1+' })
  })

  it('streams reasoning_content as reasoning parts before the text, with CRLF framing', async () => {
    server.enqueue({ reasoning: 'Think first.', text: 'Answer.', lineEnding: '\r\n', chunkSize: 6 })
    const parts = await collect((await model().doStream({ prompt: userPrompt('?'), includeRawChunks: true })).stream)
    const meaningful = parts.filter((p) => p.type !== 'raw' && p.type !== 'finish' && p.type !== 'response-metadata')
    expect(meaningful).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Think ' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'first.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Answer' },
      { type: 'text-delta', id: 'text-1', delta: '.' },
      { type: 'text-end', id: 'text-1' },
    ])
    expect(parts.filter((p) => p.type === 'raw').length).toBe(7) // role, 2 reasoning, 2 text, finish, usage
  })

  it('reports malformed SSE data as an error part, then an error finish', async () => {
    server.enqueue({ fault: 'malformed-sse', reply: { text: 'never seen' } })
    const parts = await collect((await model().doStream({ prompt: userPrompt('?') })).stream)
    expect(streamError(parts)).toMatchObject({ code: 'MODEL_RESPONSE_INVALID' })
    expect(partTypes(parts).slice(-2)).toEqual(['error', 'finish'])
    expect(parts.at(-1)).toMatchObject({ finishReason: { unified: 'error' } })
    expect(textOf(parts)).toBe('')
  })

  it('turns a connection cut mid-stream into MODEL_STREAM_INTERRUPTED without completing the partial tool call', async () => {
    server.enqueue({ fault: 'cut', reply: { text: 'Hello there, this is long', chunkSize: 5 } })
    const parts = await collect((await model().doStream({ prompt: userPrompt('?') })).stream)
    expect(textOf(parts)).toBe('Hello')
    expect(streamError(parts)).toMatchObject({ code: 'MODEL_STREAM_INTERRUPTED', details: { retryable: true } })
    expect(partTypes(parts).slice(-3)).toEqual(['text-end', 'error', 'finish'])

    server.enqueue({ fault: 'cut', reply: { toolCalls: [{ id: 't', name: 'weather', arguments: { city: 'Paris' } }] } })
    const toolParts = await collect((await model().doStream({ prompt: userPrompt('?') })).stream)
    expect(streamError(toolParts)).toMatchObject({ code: 'MODEL_STREAM_INTERRUPTED' })
    expect(toolParts.some((p) => p.type === 'tool-call')).toBe(false)
  })

  it('treats a clean close without finish_reason or [DONE] as interrupted', async () => {
    server.enqueue({ fault: 'end-without-finish', reply: { text: 'abc' } })
    const parts = await collect((await model().doStream({ prompt: userPrompt('?') })).stream)
    expect(textOf(parts)).toBe('abc')
    expect(streamError(parts)).toMatchObject({ code: 'MODEL_STREAM_INTERRUPTED' })
  })

  it('accepts a stream that has finish_reason but no [DONE], and [DONE] without usage', async () => {
    server.enqueue({ text: 'ok', usage: false })
    const parts = await collect((await model({ includeUsage: false }).doStream({ prompt: userPrompt('?') })).stream)
    expect(server.requests[0].body.stream_options).toBeUndefined()
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' }, usage: { inputTokens: { total: undefined } } })
  })

  it('reports an in-stream error object and HTTP errors before the stream', async () => {
    server.enqueue(() => ({ status: 429, error: 'busy', headers: { 'retry-after': '1' } }))
    await expect(model().doStream({ prompt: userPrompt('?') })).rejects.toMatchObject({ code: 'MODEL_RATE_LIMITED', details: { retryAfterMs: 1000 } })
  })

  it('reads Groq x_groq usage and parses SSE framed with CR only', async () => {
    const sse = [
      'data: {"id":"g","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}',
      'data: {"id":"g","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"usage":{"prompt_tokens":5,"completion_tokens":1}}}',
      'data: [DONE]',
    ].join('\r\r')
    const fetch = (async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } })) as typeof globalThis.fetch
    const m = openaiCompatible({ baseURL: 'http://groq.test/v1', model: 'g', retry: false, fetch })
    const parts = await collect((await m.doStream({ prompt: userPrompt('x') })).stream)
    expect(textOf(parts)).toBe('hi')
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: { total: 5 }, outputTokens: { total: 1 } } })
  })

  it('lets apiKey win over a user Authorization header without duplicating it', async () => {
    await model({ headers: { Authorization: 'Bearer user' } }).doGenerate({ prompt: userPrompt('x') })
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-test')
  })

  it('propagates a caller abort mid-stream as the AbortError', async () => {
    server.enqueue({ fault: 'stall-mid-stream', reply: { text: 'Hello world' } })
    const controller = new AbortController()
    const { stream } = await model().doStream({ prompt: userPrompt('?'), abortSignal: controller.signal })
    const reader = stream.getReader()
    const seen: string[] = []
    const reading = (async () => {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        seen.push(next.value.type)
        if (next.value.type === 'text-delta') controller.abort()
      }
    })()
    const error = await failure(reading)
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(LumosError.isInstance(error)).toBe(false)
    expect(seen).toContain('text-delta')
  })
})
