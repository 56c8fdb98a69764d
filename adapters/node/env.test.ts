import { describe, expect, it } from 'vitest'
import { resolveModel } from '../../runtime/models/index.js'
import { modelSettingsFromEnv } from './env.js'

describe('modelSettingsFromEnv', () => {
  it('fills keys, base URLs and the Cloudflare account from env vars', () => {
    const settings = modelSettingsFromEnv({
      OPENAI_API_KEY: 'sk-1',
      OPENAI_BASE_URL: 'https://proxy.test/v1',
      DEEPSEEK_API_KEY: 'sk-2',
      LMSTUDIO_BASE_URL: 'http://127.0.0.1:1234/v1',
      CLOUDFLARE_API_TOKEN: 'cf',
      CLOUDFLARE_ACCOUNT_ID: 'acc',
      UNRELATED: 'x',
    })
    expect(settings).toEqual({
      providers: {
        openai: { apiKey: 'sk-1', baseURL: 'https://proxy.test/v1' },
        deepseek: { apiKey: 'sk-2' },
        lmstudio: { baseURL: 'http://127.0.0.1:1234/v1' },
        'workers-ai': { apiKey: 'cf', accountId: 'acc' },
      },
    })
  })

  it("maps Ollama's OLLAMA_HOST when OLLAMA_BASE_URL is not set", () => {
    expect(modelSettingsFromEnv({ OLLAMA_HOST: '10.0.0.5:11434' }).providers?.ollama).toEqual({ baseURL: 'http://10.0.0.5:11434/v1' })
    expect(modelSettingsFromEnv({ OLLAMA_HOST: 'https://ollama.test/' }).providers?.ollama).toEqual({ baseURL: 'https://ollama.test/v1' })
    expect(modelSettingsFromEnv({ OLLAMA_HOST: 'x:1', OLLAMA_BASE_URL: 'http://y:2/v1' }).providers?.ollama).toEqual({ baseURL: 'http://y:2/v1' })
  })

  it('reads process.env by default and feeds resolveModel', async () => {
    const saved = process.env.GROQ_API_KEY
    process.env.GROQ_API_KEY = 'gsk-env'
    try {
      let auth: string | undefined
      const fetch = (async (_url: unknown, init?: RequestInit) => {
        auth = new Headers(init?.headers).get('authorization') ?? undefined
        return new Response(JSON.stringify({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }))
      }) as typeof globalThis.fetch
      const model = resolveModel('groq/llama-3.1-8b-instant', { ...modelSettingsFromEnv(), fetch })
      await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] })
      expect(auth).toBe('Bearer gsk-env')
    } finally {
      if (saved === undefined) delete process.env.GROQ_API_KEY
      else process.env.GROQ_API_KEY = saved
    }
  })
})
