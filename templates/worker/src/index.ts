// A Lumos agent on Cloudflare Workers: REST, AI SDK UI streams and OpenAI-compatible endpoints.
import { Agent, createApp, modelSettingsFromVars, offlineAnswerer, resolveModel } from 'lumosai'

export interface Env {
  LUMOS_MODEL?: string
  OPENAI_API_KEY?: string
  OPENAI_BASE_URL?: string
  /** Bearer token required by the API when set (set it for any deployed Worker). */
  LUMOS_TOKEN?: string
}

export function createWorkerApp(env: Env) {
  const vars = env as unknown as Record<string, string | undefined>
  const model = env.LUMOS_MODEL ? resolveModel(env.LUMOS_MODEL, modelSettingsFromVars(vars)) : offlineAnswerer()
  const assistant = new Agent({ id: 'assistant', description: 'A helpful assistant', instructions: 'You are a helpful assistant.', model })
  return createApp({ agents: [assistant], ...(env.LUMOS_TOKEN ? { auth: { tokens: [env.LUMOS_TOKEN] } } : {}) })
}

// One app per isolate: env does not change between requests of a deployment.
let app: ReturnType<typeof createWorkerApp> | undefined

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    app ??= createWorkerApp(env)
    return app.fetch(request)
  },
}
