import type { LanguageModelV3 } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { fromV2 } from './from-v2.js'
import { openaiCompatible } from './openai-compatible.js'
import { RETRYING, withRetry } from './retry.js'
import { withTimeout } from './timeout.js'
import type { ModelInput, ModelSettings, ProviderSettings } from './types.js'

// provider -> [default baseURL, API key env var, key required]. Base URL env vars are derived:
// `${NAME}_BASE_URL` with '-' as '_' (OPENAI_BASE_URL, WORKERS_AI_BASE_URL, OLLAMA_BASE_URL).
const PROVIDERS: Record<string, [baseURL: string, keyEnv: string, keyRequired: boolean]> = {
  openai: ['https://api.openai.com/v1', 'OPENAI_API_KEY', true],
  deepseek: ['https://api.deepseek.com/v1', 'DEEPSEEK_API_KEY', true],
  groq: ['https://api.groq.com/openai/v1', 'GROQ_API_KEY', true],
  openrouter: ['https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY', true],
  together: ['https://api.together.xyz/v1', 'TOGETHER_API_KEY', true],
  xai: ['https://api.x.ai/v1', 'XAI_API_KEY', true],
  'workers-ai': ['https://api.cloudflare.com/client/v4/accounts/{accountId}/ai/v1', 'CLOUDFLARE_API_TOKEN', true],
  ollama: ['http://localhost:11434/v1', 'OLLAMA_API_KEY', false],
  lmstudio: ['http://localhost:1234/v1', 'LMSTUDIO_API_KEY', false],
  vllm: ['http://localhost:8000/v1', 'VLLM_API_KEY', false],
}

export interface ProviderEnvVars {
  apiKey?: string
  baseURL?: string
  accountId?: string
}

/** The environment variable names each built-in provider reads, for adapters that fill ModelSettings. */
export function providerEnvVars(): Record<string, ProviderEnvVars> {
  const vars: Record<string, ProviderEnvVars> = {}
  for (const [name, [, apiKey]] of Object.entries(PROVIDERS)) {
    vars[name] = { apiKey, baseURL: `${name.toUpperCase().replace(/-/g, '_')}_BASE_URL` }
  }
  vars['workers-ai'].accountId = 'CLOUDFLARE_ACCOUNT_ID'
  return vars
}

/**
 * ModelSettings from a record of environment values (process.env, Deno.env.toObject(), a Worker's
 * env bindings). Runtime code never reads the environment itself: adapters call this.
 */
export function modelSettingsFromVars(env: Record<string, unknown>): ModelSettings {
  const providers: Record<string, ProviderSettings> = {}
  for (const [name, names] of Object.entries(providerEnvVars())) {
    const settings: ProviderSettings = {}
    for (const key of ['apiKey', 'baseURL', 'accountId'] as const) {
      const value = names[key] && env[names[key]]
      if (typeof value === 'string' && value) settings[key] = value
    }
    if (Object.keys(settings).length > 0) providers[name] = settings
  }
  return { providers }
}

// Fails every call with `error`: configuration problems surface on first use, so a model string
// can be resolved before credentials exist and withFallback can skip to the next model.
const failing = (provider: string, modelId: string, error: LumosError): LanguageModelV3 => ({
  specificationVersion: 'v3',
  provider,
  modelId,
  supportedUrls: {},
  doGenerate: () => Promise.reject(error),
  doStream: () => Promise.reject(error),
})

function fromString(id: string, settings: ModelSettings): LanguageModelV3 {
  const slash = id.indexOf('/')
  const name = id.slice(0, Math.max(slash, 0))
  const modelId = id.slice(slash + 1)
  const known = PROVIDERS[name]
  const provider = settings.providers?.[name] ?? {}
  if (slash <= 0 || !modelId || (!known && !provider.baseURL)) {
    const list = Object.keys(PROVIDERS)
    const why = slash <= 0 || !modelId ? `Model string "${id}" is not of the form "provider/model-id"` : `Unknown model provider "${name}" in "${id}"`
    throw new LumosError('MODEL_PROVIDER_UNKNOWN', `${why}. Known providers: ${list.join(', ')} (or any name with providers.<name>.baseURL).`, {
      details: { model: id, provider: name, known: list },
    })
  }
  const [defaultURL, envVarName, keyRequired] = known ?? ['', undefined, false]
  let baseURL = provider.baseURL ?? defaultURL
  if (baseURL.includes('{accountId}')) {
    if (!provider.accountId) {
      return failing(name, modelId, new LumosError('MODEL_BASE_URL_MISSING', `${name} needs an account id: set CLOUDFLARE_ACCOUNT_ID (providers["${name}"].accountId) or providers["${name}"].baseURL.`, {
        details: { provider: name, envVar: 'CLOUDFLARE_ACCOUNT_ID' },
      }))
    }
    baseURL = baseURL.replace('{accountId}', encodeURIComponent(provider.accountId))
  }
  if (keyRequired && !provider.apiKey) {
    return failing(name, modelId, new LumosError('MODEL_AUTH_MISSING', `No API key for ${name}: set ${envVarName} (or providers["${name}"].apiKey).`, {
      details: { provider: name, envVar: envVarName },
    }))
  }
  return openaiCompatible({
    baseURL,
    apiKey: provider.apiKey,
    model: modelId,
    name,
    headers: provider.headers,
    fetch: settings.fetch,
    retry: settings.retry,
    timeoutMs: settings.timeoutMs,
    envVarName,
    ...(name === 'openai' ? { structuredOutputs: true, maxTokensField: 'max_completion_tokens' } : {}),
  })
}

/**
 * Turns any ModelInput into a spec v3 model:
 * - "provider/model-id" strings -> the built-in openaiCompatible() model with the provider's default
 *   baseURL and `settings.providers[provider]` (apiKey, baseURL, headers); unknown provider ->
 *   MODEL_PROVIDER_UNKNOWN (thrown now). A missing key (MODEL_AUTH_MISSING) or workers-ai account id
 *   (MODEL_BASE_URL_MISSING) is reported on the first call, so fallbacks and late-bound env work.
 * - v3 models pass through, v2 models are adapted with fromV2(); both get withRetry (unless
 *   `retry: false` or already retrying) and withTimeout when `timeoutMs` is set.
 */
export function resolveModel(model: ModelInput, settings: ModelSettings = {}): LanguageModelV3 {
  if (typeof model === 'string') return fromString(model, settings)
  const version = (model as { specificationVersion?: unknown } | null)?.specificationVersion
  if (version !== 'v3' && version !== 'v2') {
    throw new LumosError('MODEL_VERSION_UNSUPPORTED', `Expected a "provider/model-id" string or a spec v2/v3 model, got ${version === undefined ? typeof model : `specificationVersion ${String(version)}`}.`, {
      details: { specificationVersion: version },
    })
  }
  let resolved = model.specificationVersion === 'v2' ? fromV2(model) : model
  const retrying = (resolved as { [RETRYING]?: boolean })[RETRYING] === true
  if (settings.timeoutMs !== undefined) resolved = withTimeout(resolved, settings.timeoutMs)
  if (settings.retry !== false && !retrying) resolved = withRetry(resolved, settings.retry)
  return resolved
}
