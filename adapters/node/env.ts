import { modelSettingsFromVars } from '../../runtime/models/index.js'
import type { ModelSettings } from '../../runtime/models/index.js'

/**
 * ModelSettings from the environment: <PROVIDER>_API_KEY / <PROVIDER>_BASE_URL for every built-in
 * provider (see providerEnvVars()), CLOUDFLARE_ACCOUNT_ID, and Ollama's own OLLAMA_HOST.
 */
export function modelSettingsFromEnv(env: Record<string, string | undefined> = process.env): ModelSettings {
  const settings = modelSettingsFromVars(env)
  const providers = (settings.providers ??= {})
  // OLLAMA_HOST is host[:port] (the ollama CLI's variable), without scheme or /v1.
  const host = env.OLLAMA_HOST
  if (host && !providers.ollama?.baseURL) {
    const origin = /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `http://${host}`
    providers.ollama = { ...providers.ollama, baseURL: `${origin}/v1` }
  }
  return settings
}
