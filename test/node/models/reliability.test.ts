import type { LanguageModelV3 } from '@ai-sdk/provider'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../../adapters/node/test/index.js'
import { LumosError } from '../../../runtime/errors.js'
import { openaiCompatible, withFallback, withRetry, withTimeout } from '../../../runtime/models/index.js'
import type { RetryOptions } from '../../../runtime/models/index.js'
import { collect, failure, streamError, textOf, userPrompt } from './helpers.js'

let a: FakeOpenAIServer
let b: FakeOpenAIServer
beforeAll(async () => {
  ;[a, b] = await Promise.all([startFakeOpenAIServer(), startFakeOpenAIServer({ defaultReply: () => ({ text: 'from B' }) })])
})
afterAll(() => Promise.all([a.close(), b.close()]))
beforeEach(() => {
  a.requests.length = 0
  b.requests.length = 0
  expect(a.pending() + b.pending()).toBe(0)
})

const on = (server: FakeOpenAIServer, retry: RetryOptions | false = false, timeoutMs?: number) =>
  openaiCompatible({ baseURL: server.url, model: 'm', name: server === a ? 'A' : 'B', retry, timeoutMs })
const gaps = (server: FakeOpenAIServer) => server.requests.slice(1).map((r, i) => r.at - server.requests[i].at)
const fast = { initialDelayMs: 1, jitter: 0 }

describe('withRetry', () => {
  it('honours Retry-After in seconds (429), measured between the requests the server saw', async () => {
    a.enqueue({ status: 429, error: 'slow down', headers: { 'retry-after': '1' } }, { text: 'finally' })
    const result = await on(a, fast).doGenerate({ prompt: userPrompt('x') })
    expect(result.content).toEqual([{ type: 'text', text: 'finally' }])
    expect(a.requests).toHaveLength(2)
    expect(gaps(a)[0]).toBeGreaterThanOrEqual(950)
    expect(gaps(a)[0]).toBeLessThan(2500)
  })

  it('honours retry-after-ms and caps a far-away HTTP-date Retry-After at maxRetryAfterMs', async () => {
    a.enqueue({ status: 429, headers: { 'retry-after-ms': '150' } }, { text: 'ok' })
    await on(a, fast).doGenerate({ prompt: userPrompt('x') })
    expect(gaps(a)[0]).toBeGreaterThanOrEqual(140)
    expect(gaps(a)[0]).toBeLessThan(900)

    a.requests.length = 0
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString()
    a.enqueue({ status: 503, headers: { 'retry-after': inAnHour } }, { text: 'ok' })
    await on(a, { ...fast, maxRetryAfterMs: 200 }).doGenerate({ prompt: userPrompt('x') })
    expect(gaps(a)[0]).toBeGreaterThanOrEqual(190)
    expect(gaps(a)[0]).toBeLessThan(900)
  })

  it('retries 500 with exponential backoff, then succeeds', async () => {
    a.enqueue({ status: 500 }, { status: 502 }, { text: 'third time' })
    const result = await on(a, { initialDelayMs: 60, jitter: 0 }).doGenerate({ prompt: userPrompt('x') })
    expect(result.content).toEqual([{ type: 'text', text: 'third time' }])
    const [first, second] = gaps(a)
    expect(first).toBeGreaterThanOrEqual(55)
    expect(second).toBeGreaterThanOrEqual(115)
  })

  it('never retries 400 or 401, and gives up after maxRetries with the last error', async () => {
    a.enqueue({ status: 400, error: 'bad' })
    await expect(on(a, fast).doGenerate({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: { status: 400 } })
    expect(a.requests).toHaveLength(1)
    a.enqueue({ status: 401 })
    await expect(on(a, fast).doGenerate({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_AUTH_FAILED' })
    expect(a.requests).toHaveLength(2)
    a.enqueue({ status: 500 }, { status: 500 }, { status: 504 })
    await expect(on(a, { ...fast, maxRetries: 2 }).doGenerate({ prompt: userPrompt('x') })).rejects.toMatchObject({
      code: 'MODEL_HTTP_ERROR',
      details: { status: 504 },
    })
    expect(a.requests).toHaveLength(5)
  })

  it('retries network errors and 408/409', async () => {
    a.enqueue({ fault: 'cut' }, { status: 408 }, { status: 409 }, { text: 'up again' })
    const result = await on(a, { ...fast, maxRetries: 3 }).doGenerate({ prompt: userPrompt('x') })
    expect(result.content).toEqual([{ type: 'text', text: 'up again' }])
    expect(a.requests).toHaveLength(4)
  })

  it('stops at once when the caller aborts during the backoff wait', async () => {
    a.enqueue({ status: 429, headers: { 'retry-after': '10' } })
    const controller = new AbortController()
    const started = performance.now()
    setTimeout(() => controller.abort(), 100)
    const error = await failure(on(a, fast).doGenerate({ prompt: userPrompt('x'), abortSignal: controller.signal }))
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(a.requests).toHaveLength(1)
  })

  it('retries a stream that fails before its first content part, not after', async () => {
    a.enqueue({ status: 500 }, { fault: 'end-without-finish', reply: { text: '' } }, { text: 'streamed' })
    const parts = await collect((await on(a, fast).doStream({ prompt: userPrompt('x') })).stream)
    expect(textOf(parts)).toBe('streamed')
    expect(streamError(parts)).toBeUndefined()
    expect(a.requests).toHaveLength(3)

    a.requests.length = 0
    a.enqueue({ fault: 'cut', reply: { text: 'partial text here' } })
    const cut = await collect((await on(a, fast).doStream({ prompt: userPrompt('x') })).stream)
    expect(textOf(cut)).toBe('part')
    expect(streamError(cut)).toMatchObject({ code: 'MODEL_STREAM_INTERRUPTED' })
    expect(a.requests).toHaveLength(1)
  })

  it('wraps any v3 model and rejects bad options', () => {
    expect(() => withRetry(on(a), { maxRetries: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => withRetry(on(a), { jitter: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    const wrapped = withRetry(on(a))
    expect(wrapped).toMatchObject({ specificationVersion: 'v3', provider: 'A', modelId: 'm' })
  })
})

describe('withTimeout', () => {
  it('fails a silent generate call with MODEL_TIMEOUT and aborts the request', async () => {
    a.enqueue({ fault: 'stall' })
    const started = performance.now()
    await expect(on(a, false, 150).doGenerate({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_TIMEOUT', details: { timeoutMs: 150 } })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('times out a stream before its response and between chunks, but not a slow steady stream', async () => {
    a.enqueue({ fault: 'stall' })
    await expect(on(a, false, 150).doStream({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_TIMEOUT' })

    a.enqueue({ fault: 'stall-mid-stream', reply: { text: 'Hello world' } })
    const parts = await collect((await on(a, false, 150).doStream({ prompt: userPrompt('x') })).stream)
    expect(textOf(parts)).toBe('Hell')
    expect(streamError(parts)).toMatchObject({ code: 'MODEL_TIMEOUT' })
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'error' } })

    a.enqueue({ text: 'abcdefghij', chunkSize: 1, chunkDelayMs: 40 })
    const started = performance.now()
    const slow = await collect((await on(a, false, 200).doStream({ prompt: userPrompt('x') })).stream)
    expect(performance.now() - started).toBeGreaterThan(400) // longer than the timeout in total
    expect(textOf(slow)).toBe('abcdefghij')
    expect(streamError(slow)).toBeUndefined()
  })

  it('retries a timed-out attempt (timeout applies per attempt)', async () => {
    a.enqueue({ fault: 'stall' }, { text: 'second try' })
    const result = await on(a, fast, 150).doGenerate({ prompt: userPrompt('x') })
    expect(result.content).toEqual([{ type: 'text', text: 'second try' }])
    expect(a.requests).toHaveLength(2)
  })

  it('keeps a caller abort an AbortError, and times out models that ignore abort signals', async () => {
    a.enqueue({ fault: 'stall' })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const error = await failure(on(a, false, 5000).doGenerate({ prompt: userPrompt('x'), abortSignal: controller.signal }))
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(LumosError.isInstance(error)).toBe(false)

    const deaf: LanguageModelV3 = {
      specificationVersion: 'v3',
      provider: 'deaf',
      modelId: 'x',
      supportedUrls: {},
      doGenerate: () => new Promise(() => {}),
      doStream: () => new Promise(() => {}),
    }
    await expect(withTimeout(deaf, 50).doGenerate({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_TIMEOUT' })
    expect(() => withTimeout(deaf, -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

describe('withFallback', () => {
  it('uses the next model when the first one 500s (generate and stream)', async () => {
    a.enqueue({ status: 500 }, { status: 500 })
    const model = withFallback([on(a), on(b)], { retry: false })
    expect((await model.doGenerate({ prompt: userPrompt('x') })).content).toEqual([{ type: 'text', text: 'from B' }])
    expect(textOf(await collect((await model.doStream({ prompt: userPrompt('x') })).stream))).toBe('from B')
    expect([a.requests.length, b.requests.length]).toEqual([2, 2])
    expect(model.provider).toBe('lumos.fallback')
    expect(model.modelId).toBe('A/m | B/m')
  })

  it('falls back on auth failures, including a missing key for a model string', async () => {
    a.enqueue({ status: 401 })
    const model = withFallback(['openai/gpt-4o-mini', on(a), 'local/m'], { providers: { local: { baseURL: b.url } }, retry: false })
    const result = await model.doGenerate({ prompt: userPrompt('x') })
    expect(result.content).toEqual([{ type: 'text', text: 'from B' }])
    expect(b.requests).toHaveLength(1)
  })

  it('throws other errors at once and reports MODEL_FALLBACK_EXHAUSTED when all fail', async () => {
    a.enqueue({ status: 400, error: 'bad request' })
    const model = withFallback([on(a), on(b)])
    await expect(model.doGenerate({ prompt: userPrompt('x') })).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: { status: 400 } })
    expect(b.requests).toHaveLength(0)

    a.enqueue({ status: 503 })
    b.enqueue({ status: 429, headers: { 'retry-after': '1' } })
    const error = await failure(model.doGenerate({ prompt: userPrompt('x') }))
    expect(error).toMatchObject({
      code: 'MODEL_FALLBACK_EXHAUSTED',
      details: { attempts: [{ model: 'A/m', code: 'MODEL_HTTP_ERROR' }, { model: 'B/m', code: 'MODEL_RATE_LIMITED' }] },
      cause: { code: 'MODEL_RATE_LIMITED' },
    })
  })

  it('switches streams only before the first content part', async () => {
    a.enqueue({ fault: 'end-without-finish', reply: { text: '' } })
    const model = withFallback([on(a), on(b)])
    const parts = await collect((await model.doStream({ prompt: userPrompt('x') })).stream)
    expect(textOf(parts)).toBe('from B')
    expect(parts.filter((p) => p.type === 'stream-start')).toHaveLength(1)

    a.enqueue({ fault: 'cut', reply: { text: 'started answering' } })
    const cut = await collect((await model.doStream({ prompt: userPrompt('x') })).stream)
    expect(textOf(cut)).toBe('star')
    expect(streamError(cut)).toMatchObject({ code: 'MODEL_STREAM_INTERRUPTED' })
    expect(b.requests).toHaveLength(1)
  })

  it('rejects an empty list', () => {
    expect(() => withFallback([])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})
