import type { LanguageModelV3 } from '@ai-sdk/provider'
import { offlineAnswerer } from '../../runtime/models/offline-answerer.js'
import { resolveModel } from '../../runtime/models/resolve.js'
import { modelSettingsFromEnv } from './env.js'

/**
 * The model the environment asks for: LUMOS_MODEL ("provider/model-id"), else openai/gpt-4o-mini
 * when OPENAI_API_KEY is set, else ollama/llama3.2 when OLLAMA_HOST is set; with none of them the
 * offline answerer, so a fresh offline machine still gets (cited, clearly labelled) answers.
 */
export function modelFromEnv(env: Record<string, string | undefined> = process.env): LanguageModelV3 {
  const id = env.LUMOS_MODEL || (env.OPENAI_API_KEY ? 'openai/gpt-4o-mini' : env.OLLAMA_HOST ? 'ollama/llama3.2' : undefined)
  return id ? resolveModel(id, modelSettingsFromEnv(env)) : offlineAnswerer()
}
