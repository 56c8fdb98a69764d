// End to end: the Agent over real provider packages (spec v3 and v2) and Lumos's built-in model,
// talking HTTP to a local fake OpenAI-compatible server. One tool round trip each, offline.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { createOpenAICompatible as createOpenAICompatibleV1 } from 'openai-compatible-v1'
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { startFakeOpenAIServer } from '../../../adapters/node/test/index.js'
import type { FakeOpenAIServer } from '../../../adapters/node/test/index.js'
import { Agent } from '../../../runtime/agent/index.js'
import { createTool } from '../../../runtime/tools/index.js'
import { openaiCompatible } from '../../../runtime/models/index.js'
import type { ModelInput } from '../../../runtime/models/index.js'

const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), outputSchema: z.number(), execute: async ({ a, b }) => a + b })

let server: FakeOpenAIServer
beforeAll(async () => {
  server = await startFakeOpenAIServer({ apiKey: 'sk-test' })
})
afterAll(() => server.close())

const models: Array<[string, () => ModelInput]> = [
  ['lumos openaiCompatible (built-in)', () => openaiCompatible({ baseURL: server.url, apiKey: 'sk-test', model: 'gpt-4o-mini', retry: false })],
  ['@ai-sdk/openai-compatible 2.x (spec v3)', () => createOpenAICompatible({ name: 'fake', baseURL: server.url, apiKey: 'sk-test', includeUsage: true }).chatModel('gpt-4o-mini')],
  ['@ai-sdk/openai-compatible 1.x (spec v2, via resolveModel/fromV2)', () => createOpenAICompatibleV1({ name: 'fake', baseURL: server.url, apiKey: 'sk-test', includeUsage: true }).chatModel('gpt-4o-mini') as ModelInput],
]

describe.each(models)('%s', (_label, makeModel) => {
  test('generate: one tool round trip over HTTP', async () => {
    const before = server.requests.length
    server.enqueue({ toolCalls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 3 } }] }, { text: 'The answer is 5.' })
    const agent = new Agent({ id: 'math', instructions: 'You add numbers.', model: makeModel(), tools: { add }, modelSettings: { retry: false } })
    const r = await agent.generate('What is 2+3?', { maxSteps: 5 })
    expect(r.text).toBe('The answer is 5.')
    expect(r.steps).toHaveLength(2)
    expect(r.toolResults).toEqual([{ toolCallId: 'call_1', toolName: 'add', input: { a: 2, b: 3 }, output: 5, isError: false }])
    expect(r.finishReason).toBe('stop')
    expect(r.usage.totalTokens).toBeGreaterThan(0)
    const [first, second] = server.requests.slice(before)
    expect(first.headers.authorization).toBe('Bearer sk-test')
    expect(first.body.messages[0]).toEqual({ role: 'system', content: 'You add numbers.' })
    expect(first.body.tools[0]).toMatchObject({ type: 'function', function: { name: 'add', description: 'Add two numbers', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } } })
    const toolMsg = second.body.messages.find((m: { role: string }) => m.role === 'tool')
    expect(toolMsg).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: '5' })
  })

  test('stream: tool round trip as SSE, read back by the AI SDK UI reader', async () => {
    server.enqueue({ toolCalls: [{ id: 'call_9', name: 'add', arguments: { a: 20, b: 22 } }], chunkSize: 5 }, { text: 'It is 42, friend.', chunkSize: 4 })
    const agent = new Agent({ id: 'math', model: makeModel(), tools: { add }, modelSettings: { retry: false } })
    const s = await agent.stream('What is 20+22?')
    const chunks: UIMessageChunk[] = []
    const chunkStream = parseJsonEventStream({ stream: s.toResponse().body!, schema: uiMessageChunkSchema }).pipeThrough(
      new TransformStream({
        transform(result, controller) {
          if (!result.success) throw result.error
          chunks.push(result.value as UIMessageChunk)
          controller.enqueue(result.value as UIMessageChunk)
        },
      }),
    )
    let message: UIMessage | undefined
    for await (const m of readUIMessageStream({ stream: chunkStream, terminateOnError: true })) message = m
    expect(message!.parts.filter((p) => p.type !== 'step-start')).toEqual([
      expect.objectContaining({ type: 'tool-add', toolCallId: 'call_9', state: 'output-available', input: { a: 20, b: 22 }, output: 42 }),
      expect.objectContaining({ type: 'text', text: 'It is 42, friend.' }),
    ])
    expect(chunks.filter((c) => c.type === 'text-delta').length).toBeGreaterThan(1)
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', messageMetadata: { usage: expect.objectContaining({ totalTokens: expect.any(Number) }) } })
    expect(await s.text).toBe('It is 42, friend.')
  })

  test('structured output with response_format json', async () => {
    const before = server.requests.length
    server.enqueue({ json: { city: 'Paris', population: 2102650 } })
    const agent = new Agent({ id: 'geo', model: makeModel(), modelSettings: { retry: false } })
    const o = await agent.generate('Largest French city?', { structuredOutput: { schema: z.object({ city: z.string(), population: z.number() }), name: 'city' } })
    expect(o.object).toEqual({ city: 'Paris', population: 2102650 })
    expect(server.requests[before].body.response_format?.type).toMatch(/^json_(object|schema)$/)
  })
})

test('a provider HTTP error surfaces as a typed error (no retries configured)', async () => {
  server.enqueue({ status: 400, error: 'bad model' })
  const agent = new Agent({ id: 'x', model: openaiCompatible({ baseURL: server.url, apiKey: 'sk-test', model: 'nope', retry: false }) })
  await expect(agent.generate('hi')).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: expect.objectContaining({ status: 400 }) })
})
