import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { isRetryableError, peekStream, retryAfterOf, sleep, wrapModel } from './model-utils.js'
import type { RetryOptions } from './types.js'

/** Marks models whose retry policy is already applied (withRetry, openaiCompatible) so resolveModel adds none. */
export const RETRYING = Symbol.for('lumos.model.retrying')

function check(name: string, value: number, min: number, max = Number.POSITIVE_INFINITY): number {
  if (!(value >= min && value <= max)) {
    throw new LumosError('INVALID_ARGUMENT', `retry.${name} must be a number in [${min}, ${max}], got ${value}`, { details: { [name]: value } })
  }
  return value
}

/**
 * Repeats failed calls with exponential backoff and jitter: 429, 5xx, 408, 409, network errors and
 * timeouts (anything `isRetryable`), never other 4xx. A server Retry-After wins over the backoff
 * (capped by `maxRetryAfterMs`). An aborted call signal stops at once, also while waiting.
 * Streams are retried while they fail before their first content part; later errors stay in the stream.
 */
export function withRetry(model: LanguageModelV3, options: RetryOptions = {}): LanguageModelV3 {
  const maxRetries = check('maxRetries', options.maxRetries ?? 2, 0, 100)
  const initialDelayMs = check('initialDelayMs', options.initialDelayMs ?? 500, 0)
  const maxDelayMs = check('maxDelayMs', options.maxDelayMs ?? 10_000, 0)
  const jitter = check('jitter', options.jitter ?? 0.5, 0, 1)
  const maxRetryAfterMs = check('maxRetryAfterMs', options.maxRetryAfterMs ?? 60_000, 0)

  const delay = (error: unknown, attempt: number): number => {
    const retryAfter = retryAfterOf(error)
    if (retryAfter !== undefined) return Math.min(retryAfter, maxRetryAfterMs)
    return Math.min(maxDelayMs, initialDelayMs * 2 ** attempt) * (1 - jitter * Math.random())
  }

  // `attempt` resolves to a value, or to { retry: error } when the failure may be repeated.
  async function run<T>(call: LanguageModelV3CallOptions, attempt: (last: boolean) => Promise<T | { retry: unknown }>): Promise<T> {
    for (let n = 0; ; n++) {
      let error: unknown
      try {
        const value = await attempt(n >= maxRetries)
        if (!(value && typeof value === 'object' && 'retry' in value)) return value
        error = value.retry
      } catch (e) {
        if (call.abortSignal?.aborted || n >= maxRetries || !isRetryableError(e)) throw e
        error = e
      }
      await sleep(delay(error, n), call.abortSignal)
    }
  }

  const wrapped = wrapModel(model, {
    doGenerate: (call) => run(call, () => Promise.resolve(model.doGenerate(call))),
    doStream: (call) =>
      run(call, async (last) => {
        const peeked = await peekStream(await model.doStream(call))
        if (!peeked.failed || last || call.abortSignal?.aborted || !isRetryableError(peeked.error)) return peeked.result
        await peeked.cancel()
        return { retry: peeked.error }
      }),
  })
  return Object.assign(wrapped, { [RETRYING]: true })
}
