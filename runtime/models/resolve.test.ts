import type { LanguageModelV2, LanguageModelV3 } from '@ai-sdk/provider'
import { describe, expect, it } from 'vitest'
import { LumosError } from '../errors.js'
import { modelSettingsFromVars, providerEnvVars, resolveModel } from './index.js'
import type { ModelSettings } from './index.js'

const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hi' }] }]

/** A fetch stub that records requests and answers every call with "ok". */
function recorder() {
  const calls: Array<{ url: string; headers: Record<string, string>; body: any }> = []
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), headers: Object.fromEntries(new Headers(init?.headers)), body: JSON.parse(String(init?.body)) })
    return new Response(JSON.stringify({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }), { headers: { 'content-type': 'application/json' } })
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

async function call(model: string, settings: ModelSettings) {
  const r = recorder()
  const resolved = resolveModel(model, { ...settings, fetch: r.fetch, retry: false })
  await resolved.doGenerate({ prompt, maxOutputTokens: 10 })
  return { resolved, request: r.calls[0] }
}

describe('resolveModel with model strings', () => {
  it('resolves each built-in provider to its default baseURL with the configured key', async () => {
    const key = (apiKey: string) => ({ apiKey })
    const providers = {
      openai: key('sk-openai'),
      deepseek: key('sk-deepseek'),
      groq: key('gsk'),
      openrouter: key('sk-or'),
      together: key('tg'),
      xai: key('xai'),
      'workers-ai': { apiKey: 'cf-token', accountId: 'acc123' },
    }
    const cases: Array<[string, string, string, string | undefined]> = [
      ['openai/gpt-4o-mini', 'https://api.openai.com/v1/chat/completions', 'gpt-4o-mini', 'Bearer sk-openai'],
      ['deepseek/deepseek-chat', 'https://api.deepseek.com/v1/chat/completions', 'deepseek-chat', 'Bearer sk-deepseek'],
      ['groq/llama-3.1-8b-instant', 'https://api.groq.com/openai/v1/chat/completions', 'llama-3.1-8b-instant', 'Bearer gsk'],
      ['openrouter/anthropic/claude-3.5-sonnet', 'https://openrouter.ai/api/v1/chat/completions', 'anthropic/claude-3.5-sonnet', 'Bearer sk-or'],
      ['together/meta-llama/Llama-3-8b', 'https://api.together.xyz/v1/chat/completions', 'meta-llama/Llama-3-8b', 'Bearer tg'],
      ['xai/grok-3', 'https://api.x.ai/v1/chat/completions', 'grok-3', 'Bearer xai'],
      ['workers-ai/@cf/meta/llama-3.1-8b-instruct', 'https://api.cloudflare.com/client/v4/accounts/acc123/ai/v1/chat/completions', '@cf/meta/llama-3.1-8b-instruct', 'Bearer cf-token'],
      ['ollama/llama3.2', 'http://localhost:11434/v1/chat/completions', 'llama3.2', undefined],
      ['lmstudio/qwen2.5-7b-instruct', 'http://localhost:1234/v1/chat/completions', 'qwen2.5-7b-instruct', undefined],
      ['vllm/mistral-7b', 'http://localhost:8000/v1/chat/completions', 'mistral-7b', undefined],
    ]
    for (const [id, url, modelId, auth] of cases) {
      const { resolved, request } = await call(id, { providers })
      expect(request.url).toBe(url)
      expect(request.body.model).toBe(modelId)
      expect(request.headers.authorization).toBe(auth)
      expect(resolved).toMatchObject({ specificationVersion: 'v3', provider: id.split('/')[0], modelId })
    }
  })

  it('uses OpenAI-specific request fields only for openai', async () => {
    const openai = await call('openai/o3-mini', { providers: { openai: { apiKey: 'k' } } })
    expect(openai.request.body).toMatchObject({ max_completion_tokens: 10 })
    const deepseek = await call('deepseek/deepseek-chat', { providers: { deepseek: { apiKey: 'k' } } })
    expect(deepseek.request.body).toMatchObject({ max_tokens: 10 })
  })

  it('takes baseURL and headers overrides, and custom providers that have a baseURL', async () => {
    const over = await call('ollama/llama3.2', { providers: { ollama: { baseURL: 'http://gpu-box:11434/v1/', headers: { 'x-a': '1' } } } })
    expect(over.request.url).toBe('http://gpu-box:11434/v1/chat/completions')
    expect(over.request.headers['x-a']).toBe('1')
    const custom = await call('mycorp/model-7', { providers: { mycorp: { baseURL: 'https://llm.mycorp.test/v1', apiKey: 'k' } } })
    expect(custom.request.url).toBe('https://llm.mycorp.test/v1/chat/completions')
    expect(custom.request.headers.authorization).toBe('Bearer k')
  })

  it('throws MODEL_PROVIDER_UNKNOWN listing the known providers', () => {
    const error = (() => {
      try {
        resolveModel('anthropc/claude')
      } catch (e) {
        return e as LumosError
      }
    })()
    expect(error).toMatchObject({ code: 'MODEL_PROVIDER_UNKNOWN', details: { provider: 'anthropc' } })
    expect(error?.message).toContain('openai, deepseek')
    expect(error?.details?.known).toEqual(expect.arrayContaining(['openai', 'deepseek', 'ollama', 'lmstudio', 'workers-ai', 'openrouter', 'groq']))
    for (const bad of ['gpt-4o', '/gpt-4o', 'openai/']) {
      expect(() => resolveModel(bad)).toThrow(expect.objectContaining({ code: 'MODEL_PROVIDER_UNKNOWN' }))
    }
  })

  it('reports a missing key on the first call, naming the env var, without any request', async () => {
    const r = recorder()
    const model = resolveModel('deepseek/deepseek-chat', { fetch: r.fetch })
    await expect(model.doGenerate({ prompt })).rejects.toMatchObject({ code: 'MODEL_AUTH_MISSING', message: expect.stringContaining('DEEPSEEK_API_KEY') })
    await expect(model.doStream({ prompt })).rejects.toMatchObject({ code: 'MODEL_AUTH_MISSING', details: { envVar: 'DEEPSEEK_API_KEY' } })
    const workers = resolveModel('workers-ai/@cf/x', { providers: { 'workers-ai': { apiKey: 't' } } })
    await expect(workers.doGenerate({ prompt })).rejects.toMatchObject({ code: 'MODEL_BASE_URL_MISSING', message: expect.stringContaining('CLOUDFLARE_ACCOUNT_ID') })
    expect(r.calls).toHaveLength(0)
  })
})

describe('resolveModel with model objects', () => {
  const stub = (failures: number) => {
    let calls = 0
    const model: LanguageModelV3 = {
      specificationVersion: 'v3',
      provider: 'stub',
      modelId: 's',
      supportedUrls: {},
      async doGenerate() {
        calls++
        if (calls <= failures) throw new LumosError('MODEL_HTTP_ERROR', 'flaky', { details: { retryable: true } })
        return { content: [{ type: 'text', text: 'ok' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: {} as never, warnings: [] }
      },
      doStream: () => Promise.reject(new Error('unused')),
    }
    return { model, calls: () => calls }
  }

  it('keeps v3 models and adds retries unless disabled', async () => {
    const flaky = stub(1)
    const resolved = resolveModel(flaky.model, { retry: { initialDelayMs: 1 } })
    expect(resolved).toMatchObject({ specificationVersion: 'v3', provider: 'stub', modelId: 's' })
    expect((await resolved.doGenerate({ prompt })).content).toEqual([{ type: 'text', text: 'ok' }])
    expect(flaky.calls()).toBe(2)
    const noRetry = stub(1)
    await expect(resolveModel(noRetry.model, { retry: false }).doGenerate({ prompt })).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR' })
    expect(noRetry.calls()).toBe(1)
    // Already wrapped: not retried twice.
    const once = stub(5)
    const twice = resolveModel(resolveModel(once.model, { retry: { maxRetries: 1, initialDelayMs: 1 } }), { retry: { maxRetries: 1, initialDelayMs: 1 } })
    await expect(twice.doGenerate({ prompt })).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR' })
    expect(once.calls()).toBe(2)
  })

  it('adapts v2 models and rejects anything else', async () => {
    const v2: LanguageModelV2 = {
      specificationVersion: 'v2',
      provider: 'old',
      modelId: 'o',
      supportedUrls: {},
      doGenerate: async () => ({ content: [{ type: 'text', text: 'v2' }], finishReason: 'unknown', usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, warnings: [] }),
      doStream: () => Promise.reject(new Error('unused')),
    }
    const result = await resolveModel(v2).doGenerate({ prompt })
    expect(result.finishReason).toEqual({ unified: 'other', raw: 'unknown' })
    expect(result.usage.inputTokens.total).toBe(1)
    expect(() => resolveModel({ specificationVersion: 'v1' } as never)).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_UNSUPPORTED' }))
    expect(() => resolveModel(42 as never)).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_UNSUPPORTED' }))
  })

  it('applies timeoutMs to model objects', async () => {
    const silent: LanguageModelV3 = { specificationVersion: 'v3', provider: 'p', modelId: 'm', supportedUrls: {}, doGenerate: () => new Promise(() => {}), doStream: () => new Promise(() => {}) }
    await expect(resolveModel(silent, { timeoutMs: 30, retry: false }).doGenerate({ prompt })).rejects.toMatchObject({ code: 'MODEL_TIMEOUT' })
  })
})

describe('environment names', () => {
  it('lists the env vars per provider', () => {
    const vars = providerEnvVars()
    expect(vars.openai).toEqual({ apiKey: 'OPENAI_API_KEY', baseURL: 'OPENAI_BASE_URL' })
    expect(vars.deepseek).toEqual({ apiKey: 'DEEPSEEK_API_KEY', baseURL: 'DEEPSEEK_BASE_URL' })
    expect(vars.ollama).toEqual({ apiKey: 'OLLAMA_API_KEY', baseURL: 'OLLAMA_BASE_URL' })
    expect(vars['workers-ai']).toEqual({ apiKey: 'CLOUDFLARE_API_TOKEN', baseURL: 'WORKERS_AI_BASE_URL', accountId: 'CLOUDFLARE_ACCOUNT_ID' })
  })

  it('builds settings from an env record, ignoring empty and non-string values', () => {
    expect(
      modelSettingsFromVars({ OPENAI_API_KEY: 'sk', OLLAMA_BASE_URL: 'http://h:1/v1', GROQ_API_KEY: '', CLOUDFLARE_ACCOUNT_ID: 'a', CLOUDFLARE_API_TOKEN: 't', AI: {} }),
    ).toEqual({
      providers: { openai: { apiKey: 'sk' }, ollama: { baseURL: 'http://h:1/v1' }, 'workers-ai': { apiKey: 't', accountId: 'a' } },
    })
  })
})
