import type { LanguageModelV3StreamPart } from '@ai-sdk/provider'
import { describe, expect, it } from 'vitest'
import { LumosError } from '../errors.js'
import { isAuthError, isRetryableError, parseRetryAfter, peekStream, retryAfterOf, sleep } from './model-utils.js'

const headers = (init: Record<string, string>) => new Headers(init)

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    expect(parseRetryAfter(headers({ 'retry-after': '3' }), now)).toBe(3000)
    expect(parseRetryAfter(headers({ 'retry-after': '0.25' }), now)).toBe(250)
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' }), now)).toBe(5000)
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }), now)).toBe(0)
    expect(parseRetryAfter(headers({ 'retry-after-ms': '120', 'retry-after': '9' }), now)).toBe(120)
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
    expect(parseRetryAfter(headers({}), now)).toBeUndefined()
  })

  it('reads the wait from Lumos errors and AI SDK APICallError headers', () => {
    expect(retryAfterOf(new LumosError('MODEL_RATE_LIMITED', 'x', { details: { retryAfterMs: 42 } }))).toBe(42)
    expect(retryAfterOf({ responseHeaders: { 'retry-after': '2' } })).toBe(2000)
    expect(retryAfterOf(new Error('x'))).toBeUndefined()
  })
})

describe('error classification', () => {
  it('retries flagged Lumos errors and AI SDK errors with isRetryable, nothing else', () => {
    expect(isRetryableError(new LumosError('MODEL_HTTP_ERROR', 'x', { details: { retryable: true } }))).toBe(true)
    expect(isRetryableError(new LumosError('MODEL_HTTP_ERROR', 'x', { details: { retryable: false } }))).toBe(false)
    expect(isRetryableError(Object.assign(new Error('x'), { isRetryable: true }))).toBe(true)
    expect(isRetryableError(new TypeError('fetch failed'))).toBe(false)
    expect(isRetryableError(undefined)).toBe(false)
  })

  it('recognises auth failures', () => {
    expect(isAuthError(new LumosError('MODEL_AUTH_FAILED', 'x'))).toBe(true)
    expect(isAuthError(new LumosError('MODEL_AUTH_MISSING', 'x'))).toBe(true)
    expect(isAuthError(Object.assign(new Error('x'), { statusCode: 401 }))).toBe(true)
    expect(isAuthError(Object.assign(new Error('x'), { name: 'AI_LoadAPIKeyError' }))).toBe(true)
    expect(isAuthError(Object.assign(new Error('x'), { statusCode: 400 }))).toBe(false)
  })
})

describe('sleep', () => {
  it('rejects with the abort reason at once', async () => {
    const controller = new AbortController()
    const started = performance.now()
    const pending = sleep(10_000, controller.signal)
    setTimeout(() => controller.abort(new Error('stop')), 20)
    await expect(pending).rejects.toThrow('stop')
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('peekStream', () => {
  const streamOf = (parts: LanguageModelV3StreamPart[], fail?: Error) =>
    new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part)
        if (fail) controller.error(fail)
        else controller.close()
      },
    })
  const all = async (stream: ReadableStream<LanguageModelV3StreamPart>) => {
    const out: LanguageModelV3StreamPart[] = []
    for await (const part of stream as unknown as AsyncIterable<LanguageModelV3StreamPart>) out.push(part)
    return out
  }
  const parts: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'r' },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', delta: 'hi' },
  ]

  it('stops at the first content part and replays everything', async () => {
    const peeked = await peekStream({ stream: streamOf(parts) })
    expect(peeked.failed).toBe(false)
    expect(await all(peeked.result.stream)).toEqual(parts)
  })

  it('reports an error part or a read failure before content', async () => {
    const error = new Error('boom')
    const withPart = await peekStream({ stream: streamOf([parts[0], { type: 'error', error }]) })
    expect(withPart).toMatchObject({ failed: true, error })
    expect(await all(withPart.result.stream)).toEqual([parts[0], { type: 'error', error }])
    const thrown = await peekStream({ stream: streamOf([parts[0]], error) })
    expect(thrown).toMatchObject({ failed: true, error })
    await expect(all(thrown.result.stream)).rejects.toBe(error)
  })
})
