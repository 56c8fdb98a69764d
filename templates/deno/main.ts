// A Lumos agent on Deno: the same HTTP app as on Node and Workers.
import { Agent, createApp, modelSettingsFromVars, offlineAnswerer, resolveModel } from 'lumosai'

export function createDenoApp(env: Record<string, string | undefined> = Deno.env.toObject()) {
  const model = env.LUMOS_MODEL ? resolveModel(env.LUMOS_MODEL, modelSettingsFromVars(env)) : offlineAnswerer()
  const assistant = new Agent({ id: 'assistant', description: 'A helpful assistant', instructions: 'You are a helpful assistant.', model })
  return createApp({ agents: [assistant], ...(env.LUMOS_TOKEN ? { auth: { tokens: [env.LUMOS_TOKEN] } } : {}) })
}

if (import.meta.main) {
  const app = createDenoApp()
  Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.env.get('PORT') ?? 4111) }, app.fetch)
}
