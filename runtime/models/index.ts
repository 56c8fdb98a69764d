// Lumos's model interface is the AI SDK provider spec v3 (LanguageModelV3): any provider package
// works, v2 packages through fromV2(), and "provider/model-id" strings resolve to the built-in model.
export type { LanguageModelV2, LanguageModelV3, ModelInput, ModelSettings, ProviderSettings, RetryOptions } from './types.js'
export { openaiCompatible, type OpenAICompatibleOptions } from './openai-compatible.js'
export { resolveModel, providerEnvVars, modelSettingsFromVars, type ProviderEnvVars } from './resolve.js'
export { withRetry } from './retry.js'
export { withTimeout } from './timeout.js'
export { withFallback } from './fallback.js'
export { fromV2 } from './from-v2.js'
export { createSseParser, type SseEvent } from './sse.js'
export { isRetryableError, isAuthError } from './model-utils.js'
export { offlineAnswerer, type OfflineAnswererOptions } from './offline-answerer.js'
