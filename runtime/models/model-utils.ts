import type {
  LanguageModelV3,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider'
import { LumosError } from '../errors.js'

export const emptyUsage = (): LanguageModelV3Usage => ({
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
})

/** The two parts every Lumos stream ends with after a failure: the error, then an 'error' finish. */
export const failureParts = (error: unknown, usage = emptyUsage()): LanguageModelV3StreamPart[] => [
  { type: 'error', error },
  { type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage },
]

/** A model with the same identity as `model` and new call methods (supportedUrls may be a getter). */
export function wrapModel(
  model: LanguageModelV3,
  impl: Pick<LanguageModelV3, 'doGenerate' | 'doStream'>,
  identity: { provider?: string; modelId?: string } = {},
): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: identity.provider ?? model.provider,
    modelId: identity.modelId ?? model.modelId,
    get supportedUrls() {
      return model.supportedUrls
    },
    doGenerate: impl.doGenerate,
    doStream: impl.doStream,
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A controller that aborts when `parent` does; call `unlink` when the work is over. */
export function linkedController(parent?: AbortSignal): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController()
  if (!parent) return { controller, unlink: () => {} }
  const onAbort = () => controller.abort(parent.reason)
  if (parent.aborted) onAbort()
  else parent.addEventListener('abort', onAbort, { once: true })
  return { controller, unlink: () => parent.removeEventListener('abort', onAbort) }
}

const get = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined

/** Worth repeating: Lumos errors flagged retryable (429, 5xx, 408, 409, network, timeout) or AI SDK errors with isRetryable. */
export function isRetryableError(error: unknown): boolean {
  return LumosError.isInstance(error) ? error.details?.retryable === true : get(error, 'isRetryable') === true
}

/** Credentials missing or rejected (Lumos codes, AI SDK APICallError 401/403, AI SDK LoadAPIKeyError). */
export function isAuthError(error: unknown): boolean {
  if (LumosError.isInstance(error)) {
    return error.code === 'MODEL_AUTH_FAILED' || error.code === 'MODEL_AUTH_MISSING' || error.code === 'MODEL_BASE_URL_MISSING'
  }
  const status = get(error, 'statusCode')
  return status === 401 || status === 403 || get(error, 'name') === 'AI_LoadAPIKeyError'
}

/** Milliseconds from a Retry-After (seconds or HTTP date) or retry-after-ms header; undefined if absent. */
export function parseRetryAfter(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  if (ms >= 0) return ms
  const value = headers.get('retry-after')
  if (!value) return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The server-requested wait carried by an error (Lumos details or AI SDK APICallError headers). */
export function retryAfterOf(error: unknown): number | undefined {
  if (LumosError.isInstance(error)) {
    const ms = error.details?.retryAfterMs
    return typeof ms === 'number' ? ms : undefined
  }
  const headers = get(error, 'responseHeaders') as Record<string, string> | undefined
  return headers ? parseRetryAfter({ get: (name) => headers[name] ?? null }) : undefined
}

const META_PARTS = new Set(['stream-start', 'response-metadata', 'raw'])

/**
 * Reads a stream up to its first content part without losing anything: `error` is set when the
 * stream failed before any content (an `error` part or a read failure), so wrappers can still retry
 * or fall back; `result.stream` replays every part read so far and then the rest.
 */
export async function peekStream(
  result: LanguageModelV3StreamResult,
): Promise<{ error?: unknown; failed: boolean; result: LanguageModelV3StreamResult; cancel: () => Promise<void> }> {
  const reader = result.stream.getReader()
  const head: LanguageModelV3StreamPart[] = []
  let error: unknown
  let failed = false
  let thrown = false
  for (;;) {
    let next: ReadableStreamReadResult<LanguageModelV3StreamPart>
    try {
      next = await reader.read()
    } catch (e) {
      error = e
      failed = thrown = true
      break
    }
    if (next.done) break
    head.push(next.value)
    if (next.value.type === 'error') {
      error = next.value.error
      failed = true
      break
    }
    if (!META_PARTS.has(next.value.type)) break
  }
  let i = 0
  const stream = new ReadableStream<LanguageModelV3StreamPart>({
    async pull(out) {
      if (i < head.length) return out.enqueue(head[i++])
      if (thrown) return out.error(error)
      const next = await reader.read()
      if (next.done) out.close()
      else out.enqueue(next.value)
    },
    cancel: (reason) => reader.cancel(reason),
  })
  return { error, failed, result: { ...result, stream }, cancel: () => reader.cancel().catch(() => {}) }
}
