// A Deno Deploy-style function: one `Deno.serve` handler serving the Lumos HTTP API (REST, AI SDK UI
// streams, OpenAI-compatible), with conversation memory in Deno KV (a local SQLite file, FoundationDB
// on Deno Deploy). Model from env: LUMOS_MODEL, OPENAI_API_KEY / OPENAI_BASE_URL; none = offline answerer.
//   deno run -A main.ts          (see README.md)
import { Agent, createApp, DenoKvStore, Memory, modelSettingsFromVars, offlineAnswerer, resolveModel, type Store } from '../../adapters/deno/index.js'
import type { DenoLike } from './deno-types.js'

declare const Deno: DenoLike

export type Env = Record<string, string | undefined>

/** The model the env names: "provider/model-id", else openai/gpt-4o-mini with an OpenAI-compatible endpoint, else offline. */
export function modelOf(env: Env) {
  const id = env.LUMOS_MODEL || (env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? 'openai/gpt-4o-mini' : '')
  return id ? resolveModel(id, modelSettingsFromVars(env)) : offlineAnswerer()
}

/** The app: one assistant with memory on `store`; requests name the thread with threadId + resourceId. */
export function createDenoApp(store: Store, env: Env) {
  const assistant = new Agent({
    id: 'assistant',
    description: 'A helpful assistant that remembers the conversation.',
    instructions: 'You are a concise, friendly assistant. Use the conversation so far.',
    model: modelOf(env),
    memory: new Memory({ store, options: { lastMessages: 40 } }),
  })
  return createApp({ agents: [assistant], store, ...(env.LUMOS_TOKEN ? { auth: { tokens: [env.LUMOS_TOKEN] } } : {}) })
}

if ((import.meta as ImportMeta & { main?: boolean }).main) {
  const env = Deno.env.toObject()
  // Deno Deploy: Deno.openKv() with no path is the project's KV; locally LUMOS_KV_PATH picks a file.
  const store = await DenoKvStore.open(env.LUMOS_KV_PATH ? { path: env.LUMOS_KV_PATH } : {})
  const app = createDenoApp(store, env)
  Deno.serve({ hostname: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 8000) }, app.fetch)
}
