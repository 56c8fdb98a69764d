import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { isAuthError, isRetryableError, peekStream } from './model-utils.js'
import { resolveModel } from './resolve.js'
import type { ModelInput, ModelSettings } from './types.js'

const describe = (model: LanguageModelV3) => `${model.provider}/${model.modelId}`

/**
 * Tries the models in order: the next one is used when a call fails with a retryable error (after
 * that model's own retries) or an auth/config error (missing or rejected key). Any other error, or a
 * caller abort, is thrown at once. Streams switch models only before their first content part;
 * after that, errors stay in the stream. When all fail: MODEL_FALLBACK_EXHAUSTED (details.attempts,
 * cause = last error). Strings are resolved with `settings` (see resolveModel).
 */
export function withFallback(models: ModelInput[], settings?: ModelSettings): LanguageModelV3 {
  if (!Array.isArray(models) || models.length === 0) {
    throw new LumosError('INVALID_ARGUMENT', 'withFallback() needs a non-empty array of models', { details: { models } })
  }
  const list = models.map((model) => resolveModel(model, settings))
  const shouldFallBack = (error: unknown) => isRetryableError(error) || isAuthError(error)

  async function run<T>(call: LanguageModelV3CallOptions, attempt: (model: LanguageModelV3) => Promise<T | { next: unknown }>): Promise<T> {
    const attempts: Array<{ model: string; code?: string; message: string }> = []
    let lastError: unknown
    for (const model of list) {
      let error: unknown
      try {
        const value = await attempt(model)
        if (!(value && typeof value === 'object' && 'next' in value)) return value
        error = value.next
      } catch (e) {
        if (call.abortSignal?.aborted || !shouldFallBack(e)) throw e
        error = e
      }
      lastError = error
      attempts.push({
        model: describe(model),
        code: LumosError.isInstance(error) ? error.code : undefined,
        message: error instanceof Error ? error.message : String(error),
      })
    }
    throw new LumosError('MODEL_FALLBACK_EXHAUSTED', `All ${list.length} models failed: ${attempts.map((a) => `${a.model}: ${a.message}`).join('; ')}`, {
      cause: lastError,
      details: { attempts },
    })
  }

  return {
    specificationVersion: 'v3',
    provider: 'lumos.fallback',
    modelId: list.map(describe).join(' | '),
    get supportedUrls() {
      return list[0].supportedUrls
    },
    doGenerate: (call) => run(call, (model) => Promise.resolve(model.doGenerate(call))),
    doStream: (call) =>
      run(call, async (model) => {
        const peeked = await peekStream(await model.doStream(call))
        if (!peeked.failed || call.abortSignal?.aborted || !shouldFallBack(peeked.error)) return peeked.result
        await peeked.cancel()
        return { next: peeked.error }
      }),
  }
}
