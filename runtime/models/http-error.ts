import { LumosError } from '../errors.js'
import { parseRetryAfter } from './model-utils.js'

/** The human part of an error body: OpenAI-style `{ error: { message } }`, `{ error }`, `{ message }` or text. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text)
    const message = body?.error?.message ?? body?.error ?? body?.message
    if (typeof message === 'string') return message
  } catch {
    // not JSON: use the text itself
  }
  return text.trim().slice(0, 300)
}

/**
 * Maps a non-2xx response to a LumosError: 401/403 MODEL_AUTH_FAILED (naming the env var to set),
 * 429 MODEL_RATE_LIMITED, everything else MODEL_HTTP_ERROR; retryable are 408, 409, 429 and 5xx.
 */
export async function httpError(response: Response, provider: string, envVarName?: string): Promise<LumosError> {
  const { status } = response
  const text = await response.text().catch(() => '')
  const said = serverMessage(text)
  const suffix = said ? `: ${said}` : ''
  if (status === 401 || status === 403) {
    const fix = envVarName ? `Set ${envVarName} to a valid API key` : 'Pass a valid `apiKey`'
    return new LumosError('MODEL_AUTH_FAILED', `${provider} rejected the credentials (HTTP ${status}${suffix}). ${fix}.`, {
      details: { status, provider, envVar: envVarName, body: text },
    })
  }
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500
  const retryAfterMs = retryable ? parseRetryAfter(response.headers) : undefined
  const details = { status, provider, retryable, retryAfterMs, body: text }
  return status === 429
    ? new LumosError('MODEL_RATE_LIMITED', `${provider} rate-limited the call (HTTP 429${suffix})`, { details })
    : new LumosError('MODEL_HTTP_ERROR', `${provider} answered HTTP ${status}${suffix}`, { details })
}
