import type { LanguageModelV2, LanguageModelV3 } from '@ai-sdk/provider'

// The AI SDK provider spec v3 is Lumos's model interface; v2 (AI SDK 5 provider packages) is adapted.
// '@ai-sdk/provider' 3.x ships the v2 types too, so the public types need no second package.
export type { LanguageModelV2, LanguageModelV3 }

/** A model object (spec v3 or v2) or a "provider/model-id" string such as 'openai/gpt-4o-mini'. */
export type ModelInput = LanguageModelV3 | LanguageModelV2 | string

export interface ProviderSettings {
  apiKey?: string
  baseURL?: string
  headers?: Record<string, string>
  /** Cloudflare account id, used to build the workers-ai baseURL when `baseURL` is not set. */
  accountId?: string
}

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  maxRetries?: number
  /** First backoff delay (default 500 ms); doubles on every retry. */
  initialDelayMs?: number
  /** Upper bound for one backoff delay (default 10 s). */
  maxDelayMs?: number
  /** Fraction of each backoff delay that is randomised, 0..1 (default 0.5; 0 = deterministic). */
  jitter?: number
  /** Upper bound for a server-sent Retry-After (default 60 s). */
  maxRetryAfterMs?: number
}

export interface ModelSettings {
  /** Per-provider credentials and endpoints, keyed by the provider prefix of model strings. */
  providers?: Record<string, ProviderSettings>
  fetch?: typeof fetch
  /** Retry policy for resolved models; `false` disables retries. */
  retry?: RetryOptions | false
  /** Per-call timeout (streams: time to first chunk and longest gap between chunks). */
  timeoutMs?: number
}
