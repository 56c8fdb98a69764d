import type { LanguageModelV3, LanguageModelV3StreamPart } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { failureParts, linkedController, wrapModel } from './model-utils.js'

/**
 * Fails a call with MODEL_TIMEOUT (retryable) when the model is silent for `ms`: for doGenerate the
 * whole call; for doStream the wait for the response, then every wait for the next part (so both
 * time to first chunk and the idle gap between chunks). The inner call is aborted through its
 * abortSignal; a caller abort still surfaces as the caller's own abort error.
 */
export function withTimeout(model: LanguageModelV3, ms: number): LanguageModelV3 {
  if (!(ms > 0)) throw new LumosError('INVALID_ARGUMENT', `timeoutMs must be a positive number of milliseconds, got ${ms}`, { details: { timeoutMs: ms } })
  if (ms === Number.POSITIVE_INFINITY) return model

  const timeoutError = () =>
    new LumosError('MODEL_TIMEOUT', `${model.provider} model ${model.modelId} was silent for ${ms} ms`, { details: { timeoutMs: ms, retryable: true } })

  // Settles like `work`, or rejects with MODEL_TIMEOUT (and aborts the inner call) after `ms`.
  const race = <T>(work: PromiseLike<T>, controller: AbortController): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = timeoutError()
        reject(error)
        controller.abort(error)
      }, ms)
      Promise.resolve(work).then(
        (value) => (clearTimeout(timer), resolve(value)),
        (error) => (clearTimeout(timer), reject(error)),
      )
    })

  return wrapModel(model, {
    async doGenerate(call) {
      const { controller, unlink } = linkedController(call.abortSignal)
      try {
        return await race(model.doGenerate({ ...call, abortSignal: controller.signal }), controller)
      } finally {
        unlink()
      }
    },
    async doStream(call) {
      const { controller, unlink } = linkedController(call.abortSignal)
      let result
      try {
        result = await race(model.doStream({ ...call, abortSignal: controller.signal }), controller)
      } catch (error) {
        unlink()
        throw error
      }
      const reader = result.stream.getReader()
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(out) {
          try {
            const next = await race(reader.read(), controller)
            if (!next.done) return out.enqueue(next.value)
            unlink()
            out.close()
          } catch (error) {
            unlink()
            if (!(LumosError.isInstance(error) && error.code === 'MODEL_TIMEOUT') || call.abortSignal?.aborted) return out.error(error)
            reader.cancel(error).catch(() => {})
            for (const part of failureParts(error)) out.enqueue(part)
            out.close()
          }
        },
        cancel(reason) {
          unlink()
          return reader.cancel(reason)
        },
      })
      return { ...result, stream }
    },
  })
}
