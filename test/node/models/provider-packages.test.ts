// AI SDK provider packages (spec v2 through fromV2, spec v3 directly) against the fake server,
// used only through Lumos's v3 interface and wrappers.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModelV2, LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { createOpenAICompatible as createOpenAICompatibleV1 } from 'openai-compatible-v1'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../../adapters/node/test/index.js'
import { fromV2, resolveModel, withFallback } from '../../../runtime/models/index.js'
import { collect, streamError, textOf, userPrompt } from './helpers.js'

let server: FakeOpenAIServer
beforeAll(async () => {
  server = await startFakeOpenAIServer()
})
afterAll(() => server.close())
beforeEach(() => {
  server.requests.length = 0
  expect(server.pending()).toBe(0)
})

const v2Model = (): LanguageModelV2 => createOpenAICompatibleV1({ name: 'fakev2', baseURL: server.url, apiKey: 'k2', includeUsage: true }).chatModel('fake-v2')
const v3Model = (): LanguageModelV3 => createOpenAICompatible({ name: 'fakev3', baseURL: server.url, apiKey: 'k3', includeUsage: true }).chatModel('fake-v3')

const weatherTool: NonNullable<LanguageModelV3CallOptions['tools']>[number] = {
  type: 'function',
  name: 'weather',
  description: 'Weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}

// Both packages must behave the same through the v3 interface.
describe.each([
  ['spec v2 package through fromV2', () => fromV2(v2Model()), 'fakev2.chat'],
  ['spec v3 package directly', () => v3Model(), 'fakev3.chat'],
])('%s', (_name, make, provider) => {
  it('generates text with v3 usage and finish reason shapes', async () => {
    server.enqueue({ text: 'Bonjour', usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11, prompt_tokens_details: { cached_tokens: 4 } } })
    const model = make()
    expect(model).toMatchObject({ specificationVersion: 'v3', provider })
    const result = await model.doGenerate({ prompt: userPrompt('hello'), temperature: 0 })
    expect(result.content).toEqual([{ type: 'text', text: 'Bonjour' }])
    expect(result.finishReason).toMatchObject({ unified: 'stop' })
    expect(result.usage.inputTokens).toMatchObject({ total: 9, cacheRead: 4, noCache: 5 })
    expect(result.usage.outputTokens.total).toBe(2)
    expect(result.warnings).toEqual([])
    expect(server.requests[0].body).toMatchObject({ messages: [{ role: 'user', content: 'hello' }], temperature: 0 })
  })

  it('generates tool calls and accepts v3 tool results (incl. execution-denied) in the prompt', async () => {
    server.enqueue({ toolCalls: [{ id: 'call_9', name: 'weather', arguments: { city: 'Oslo' } }] })
    const result = await make().doGenerate({
      prompt: [
        ...userPrompt('weather?'),
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c0', toolName: 'weather', input: { city: 'Rome' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c0', toolName: 'weather', output: { type: 'execution-denied', reason: 'not allowed' } }] },
      ],
      tools: [weatherTool],
      toolChoice: { type: 'auto' },
    })
    expect(result.content).toEqual([expect.objectContaining({ type: 'tool-call', toolCallId: 'call_9', toolName: 'weather', input: '{"city":"Oslo"}' })])
    expect(result.finishReason).toMatchObject({ unified: 'tool-calls' })
    const body = server.requests[0].body
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'weather', description: 'Weather for a city', parameters: weatherTool.inputSchema } }])
    expect(body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'c0', content: 'not allowed' })
  })

  it('streams text and tool calls as v3 parts with a v3 finish', async () => {
    server.enqueue({ text: 'Let me look.', toolCalls: [{ id: 'call_s', name: 'weather', arguments: { city: 'Lima' } }], chunkSize: 3 })
    const parts = await collect((await make().doStream({ prompt: userPrompt('go'), tools: [weatherTool] })).stream)
    expect(parts[0]).toEqual({ type: 'stream-start', warnings: [] })
    expect(textOf(parts)).toBe('Let me look.')
    expect(parts.filter((p) => p.type === 'tool-call')).toEqual([expect.objectContaining({ toolCallId: 'call_s', toolName: 'weather', input: '{"city":"Lima"}' })])
    const finish = parts.at(-1)
    expect(finish).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls' } })
    expect((finish as { usage: { inputTokens: { total?: number } } }).usage.inputTokens.total).toBeGreaterThan(0)
    expect(streamError(parts)).toBeUndefined()
  })

  it('is retried by resolveModel on 5xx and 429 (AI SDK APICallError), honouring Retry-After', async () => {
    server.enqueue({ status: 500 }, { status: 429, headers: { 'retry-after-ms': '150' } }, { text: 'recovered' })
    const model = resolveModel(make(), { retry: { initialDelayMs: 1, jitter: 0 } })
    expect((await model.doGenerate({ prompt: userPrompt('x') })).content).toEqual([{ type: 'text', text: 'recovered' }])
    expect(server.requests).toHaveLength(3)
    expect(server.requests[2].at - server.requests[1].at).toBeGreaterThanOrEqual(140)
  })

  it('falls back from a 401 to the next model', async () => {
    server.enqueue({ status: 401 }, { text: 'second model' })
    const model = withFallback([make(), 'local/echo'], { providers: { local: { baseURL: server.url } }, retry: false })
    expect((await model.doGenerate({ prompt: userPrompt('x') })).content).toEqual([{ type: 'text', text: 'second model' }])
  })
})

describe('fromV2 conversions', () => {
  it('maps v2 warnings, provider tools and stream parts', async () => {
    let seen: unknown
    const v2: LanguageModelV2 = {
      specificationVersion: 'v2',
      provider: 'p',
      modelId: 'm',
      supportedUrls: { 'image/*': [/^https:/] },
      async doGenerate(options) {
        seen = options
        return {
          content: [{ type: 'tool-result', toolCallId: 't', toolName: 'search', result: { hits: 1 }, providerExecuted: true }],
          finishReason: 'unknown',
          usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: 2, cachedInputTokens: 3 },
          warnings: [
            { type: 'unsupported-setting', setting: 'topK', details: 'no topK' },
            { type: 'unsupported-tool', tool: { type: 'function', name: 'x', inputSchema: {} } },
            { type: 'other', message: 'hm' },
          ],
        }
      },
      async doStream() {
        return {
          stream: new ReadableStream({
            start(c) {
              c.enqueue({ type: 'stream-start', warnings: [{ type: 'unsupported-setting', setting: 'seed' }] })
              c.enqueue({ type: 'text-start', id: '1' })
              c.enqueue({ type: 'text-delta', id: '1', delta: 'hi' })
              c.enqueue({ type: 'text-end', id: '1' })
              c.enqueue({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } })
              c.close()
            },
          }),
        }
      },
    }
    const model = fromV2(v2)
    expect(model.supportedUrls).toEqual({ 'image/*': [/^https:/] })
    const result = await model.doGenerate({
      prompt: [
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'a',
              toolName: 'b',
              output: { type: 'content', value: [{ type: 'text', text: 't' }, { type: 'image-data', data: 'AA==', mediaType: 'image/png' }, { type: 'image-url', url: 'https://x/y.png' }] },
            },
            { type: 'tool-approval-response', approvalId: 'z', approved: false },
          ],
        },
      ],
      tools: [{ type: 'provider', id: 'p.search', name: 'search', args: { k: 1 } }, { ...weatherTool, strict: true }],
    })
    expect(seen).toMatchObject({
      prompt: [
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              output: { type: 'content', value: [{ type: 'text', text: 't' }, { type: 'media', data: 'AA==', mediaType: 'image/png' }, { type: 'text', text: 'https://x/y.png' }] },
            },
          ],
        },
      ],
      tools: [{ type: 'provider-defined', id: 'p.search', name: 'search', args: { k: 1 } }, { type: 'function', name: 'weather' }],
    })
    expect((seen as { prompt: Array<{ content: unknown[] }> }).prompt[0].content).toHaveLength(1)
    expect((seen as { tools: Array<Record<string, unknown>> }).tools[1]).not.toHaveProperty('strict')
    expect(result.content).toEqual([{ type: 'tool-result', toolCallId: 't', toolName: 'search', result: { hits: 1 } }])
    expect(result.finishReason).toEqual({ unified: 'other', raw: 'unknown' })
    expect(result.usage).toEqual({
      inputTokens: { total: 10, noCache: 7, cacheRead: 3, cacheWrite: undefined },
      outputTokens: { total: 5, text: 3, reasoning: 2 },
      raw: { inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: 2, cachedInputTokens: 3 },
    })
    expect(result.warnings).toEqual([
      { type: 'unsupported', feature: 'topK', details: 'no topK' },
      { type: 'unsupported', feature: 'tool x' },
      { type: 'other', message: 'hm' },
    ])
    const parts = await collect((await model.doStream({ prompt: userPrompt('x') })).stream)
    expect(parts[0]).toEqual({ type: 'stream-start', warnings: [{ type: 'unsupported', feature: 'seed' }] })
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } } })
    expect(() => fromV2(v3Model() as never)).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_UNSUPPORTED' }))
  })
})
