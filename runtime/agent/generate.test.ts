import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import * as v from 'valibot'
import { Agent, hasToolCall, stepCountIs } from './index.js'
import { createTool } from '../tools/index.js'
import type { ToolContext } from '../tools/index.js'
import { MockModel } from '../test/index.js'

const addSchema = z.object({ a: z.number(), b: z.number() })
const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema: addSchema, outputSchema: z.number(), execute: async ({ a, b }) => a + b })

function mathAgent(model: MockModel, extra: Partial<ConstructorParameters<typeof Agent>[0]> = {}) {
  return new Agent({ id: 'math', name: 'Math', instructions: 'You add numbers.', model, tools: { add }, ...extra })
}

describe('generate', () => {
  test('one tool round trip: text, steps, toolCalls, toolResults, usage, finishReason, messages', async () => {
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'add', input: { a: 2, b: 3 }, toolCallId: 'c1' }] }, { text: 'It is 5.', usage: { inputTokens: 30, outputTokens: 4 } }] })
    const r = await mathAgent(model).generate('What is 2+3?', { maxSteps: 5 })
    expect(r.text).toBe('It is 5.')
    expect(r.steps).toHaveLength(2)
    expect(r.toolCalls).toEqual([{ toolCallId: 'c1', toolName: 'add', input: { a: 2, b: 3 } }])
    expect(r.toolResults).toEqual([{ toolCallId: 'c1', toolName: 'add', input: { a: 2, b: 3 }, output: 5, isError: false }])
    expect(r.usage).toEqual({ inputTokens: 40, outputTokens: 9, totalTokens: 49, reasoningTokens: undefined, cachedInputTokens: undefined })
    expect(r.finishReason).toBe('stop')
    expect(r.stoppedBy).toBe('model')
    expect(r.response.messages).toEqual([
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: { a: 2, b: 3 } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'add', output: { type: 'json', value: 5 } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It is 5.' }] },
    ])
    // What the model saw.
    expect(model.calls[0].prompt).toEqual([
      { role: 'system', content: 'You add numbers.' },
      { role: 'user', content: [{ type: 'text', text: 'What is 2+3?' }] },
    ])
    expect(model.calls[0].tools).toEqual([
      { type: 'function', name: 'add', description: 'Add two numbers', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } },
    ])
    expect(model.calls[1].prompt).toHaveLength(4)
    expect(model.calls[1].prompt[3]).toEqual(r.response.messages[1])
  })

  test('call settings are passed to the model', async () => {
    const model = new MockModel({ responses: [{ text: 'x' }] })
    const controller = new AbortController()
    await mathAgent(model).generate('hi', {
      temperature: 0.2, topP: 0.9, topK: 3, maxOutputTokens: 64, seed: 7, stop: ['END'], presencePenalty: 0.1, frequencyPenalty: 0.3,
      headers: { 'x-a': '1' }, providerOptions: { openai: { user: 'u' } }, toolChoice: 'required', abortSignal: controller.signal,
    })
    expect(model.calls[0]).toMatchObject({
      temperature: 0.2, topP: 0.9, topK: 3, maxOutputTokens: 64, seed: 7, stopSequences: ['END'], presencePenalty: 0.1, frequencyPenalty: 0.3,
      headers: { 'x-a': '1' }, providerOptions: { openai: { user: 'u' } }, toolChoice: { type: 'required' }, abortSignal: controller.signal,
    })
    await mathAgent(new MockModel({ responses: [{ text: 'x' }] }), { defaultOptions: { temperature: 0.5 } }).generate('hi')
    const m2 = new MockModel({ responses: [{ text: 'x' }] })
    await mathAgent(m2, { defaultOptions: { temperature: 0.5 } }).generate('hi', { toolChoice: { type: 'tool', toolName: 'add' } })
    expect(m2.calls[0]).toMatchObject({ temperature: 0.5, toolChoice: { type: 'tool', toolName: 'add' } })
  })

  test('parallel tool calls in one step run concurrently and keep call order', async () => {
    let running = 0
    let maxRunning = 0
    const slow = createTool({
      id: 'slow', description: 'Slow echo', inputSchema: z.object({ ms: z.number(), tag: z.string() }),
      execute: async ({ ms, tag }) => {
        running++
        maxRunning = Math.max(maxRunning, running)
        await new Promise((r) => setTimeout(r, ms))
        running--
        return tag
      },
    })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'slow', input: { ms: 60, tag: 'a' } }, { toolName: 'slow', input: { ms: 10, tag: 'b' } }, { toolName: 'slow', input: { ms: 30, tag: 'c' } }] }, { text: 'done' }] })
    const t0 = performance.now()
    const r = await new Agent({ id: 'p', model, tools: { slow } }).generate('go')
    const elapsed = performance.now() - t0
    expect(maxRunning).toBe(3)
    expect(elapsed).toBeLessThan(100 + 60) // sequential would be >= 100 ms of sleeping plus overhead; concurrent ~60
    expect(r.toolResults.map((x) => x.output)).toEqual(['a', 'b', 'c'])
    expect(model.calls[1].prompt[2].content).toHaveLength(3)
  })

  test('tools receive abortSignal, context, toolCallId, agent and messages', async () => {
    let seen: ToolContext<{ userId: string }> | undefined
    const probe = createTool({ id: 'probe', description: 'p', execute: (_input: unknown, ctx: ToolContext<{ userId: string }>) => { seen = ctx; return 'ok' } })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'probe', input: {}, toolCallId: 'x9' }] }, { text: 'fine' }] })
    const agent = new Agent<{ userId: string }>({ id: 'ctx-agent', name: 'Ctx', model, tools: { probe } })
    await agent.generate('go', { context: { userId: 'u1' } })
    expect(seen!.context).toEqual({ userId: 'u1' })
    expect(seen!.toolCallId).toBe('x9')
    expect(seen!.agent).toBe(agent)
    expect(seen!.abortSignal).toBeInstanceOf(AbortSignal)
    expect(seen!.abortSignal.aborted).toBe(false)
    expect(seen!.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'go' }] }])
  })

  test('instructions as an async function of the context', async () => {
    const model = new MockModel({ responses: [{ text: 'x' }] })
    const agent = new Agent<{ lang: string }>({ id: 'i', model, instructions: async ({ context, agent }) => `Answer in ${context.lang}. You are ${agent.name}.` })
    await agent.generate('hi', { context: { lang: 'French' } })
    expect(model.calls[0].prompt[0]).toEqual({ role: 'system', content: 'Answer in French. You are i.' })
  })

  test('message lists (ModelMessage and useChat UIMessage shapes)', async () => {
    const model = new MockModel({ responses: [{ text: 'x' }, { text: 'y' }] })
    const agent = new Agent({ id: 'm', model })
    await agent.generate([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi there' },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', image: 'https://x/y.png' }] },
    ])
    expect(model.calls[0].prompt).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hello' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'hi there' }] },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'file', data: 'https://x/y.png', mediaType: 'image/*' }] },
    ])
    await agent.generate([
      { id: '1', role: 'user', parts: [{ type: 'text', text: 'add 1 and 2' }] },
      { id: '2', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-add', toolCallId: 't1', state: 'output-available', input: { a: 1, b: 2 }, output: 3 }, { type: 'step-start' }, { type: 'text', text: '3' }] },
      { id: '3', role: 'user', parts: [{ type: 'text', text: 'thanks' }] },
    ])
    expect(model.calls[1].prompt).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'add 1 and 2' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'add', input: { a: 1, b: 2 } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'add', output: { type: 'json', value: 3 } }] },
      { role: 'assistant', content: [{ type: 'text', text: '3' }] },
      { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
    ])
  })

  test('tool output is what the model reads: strings as text, toModelOutput overrides', async () => {
    const greet = createTool({ id: 'greet', description: 'g', execute: () => 'hello' })
    const big = createTool({ id: 'big', description: 'b', execute: () => ({ rows: [1, 2, 3] }), toModelOutput: (o: { rows: number[] }) => ({ type: 'text', value: `${o.rows.length} rows` }) })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'greet', input: {} }, { toolName: 'big', input: {} }] }, { text: 'ok' }] })
    const r = await new Agent({ id: 'o', model, tools: { greet, big } }).generate('go')
    expect(model.calls[1].prompt[2].content).toEqual([
      { type: 'tool-result', toolCallId: 'call_0_0', toolName: 'greet', output: { type: 'text', value: 'hello' } },
      { type: 'tool-result', toolCallId: 'call_0_1', toolName: 'big', output: { type: 'text', value: '3 rows' } },
    ])
    expect(r.toolResults[1].output).toEqual({ rows: [1, 2, 3] })
  })

  test('valibot tool schemas: converted for the model, validated on input', async () => {
    const mul = createTool({ id: 'mul', description: 'Multiply', inputSchema: v.object({ a: v.number(), b: v.number() }), execute: ({ a, b }) => a * b })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'mul', input: { a: 'x', b: 2 } }] }, { toolCalls: [{ toolName: 'mul', input: { a: 4, b: 2 } }] }, { text: '8' }] })
    const r = await new Agent({ id: 'v', model, tools: { mul } }).generate('4*2')
    expect(model.calls[0].tools![0]).toMatchObject({ inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } })
    expect(r.toolResults.map((x) => [x.isError, x.error?.code, x.output])).toEqual([[true, 'TOOL_INPUT_INVALID', undefined], [false, undefined, 8]])
  })
})

describe('loop limits', () => {
  const forever = () => new MockModel({ responses: (_o, i) => ({ toolCalls: [{ toolName: 'add', input: { a: i, b: 1 } }] }) })

  test('maxSteps reached -> finishReason tool-calls, steps.length === maxSteps, no exception', async () => {
    const model = forever()
    const r = await mathAgent(model).generate('loop', { maxSteps: 3 })
    expect(r.steps).toHaveLength(3)
    expect(model.calls).toHaveLength(3)
    expect(r.finishReason).toBe('tool-calls')
    expect(r.stoppedBy).toBe('max-steps')
    expect(r.toolResults.map((x) => x.output)).toEqual([1, 2, 3])
  })

  test('agent default maxSteps is 10', async () => {
    const r = await mathAgent(forever()).generate('loop')
    expect(r.steps).toHaveLength(10)
  })

  test('stopWhen predicates', async () => {
    const r = await mathAgent(forever()).generate('loop', { stopWhen: stepCountIs(2) })
    expect(r.steps).toHaveLength(2)
    expect(r.stoppedBy).toBe('stop-condition')
    const r2 = await mathAgent(forever()).generate('loop', { stopWhen: [({ steps }) => steps.length === 4, hasToolCall('nope')] })
    expect(r2.steps).toHaveLength(4)
  })

  test('onStepFinish sees every step in order', async () => {
    const seen: number[] = []
    await mathAgent(forever()).generate('loop', { maxSteps: 3, onStepFinish: async (s) => { seen.push(s.stepNumber) } })
    expect(seen).toEqual([0, 1, 2])
  })

  test('invalid maxSteps', async () => {
    await expect(mathAgent(forever()).generate('x', { maxSteps: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})

describe('input validation', () => {
  const agent = new Agent({ id: 'in', model: new MockModel({ repeatLast: true, responses: [{ text: 'x' }] }), maxInputChars: 100 })

  test('empty input -> AGENT_INPUT_INVALID', async () => {
    await expect(agent.generate('')).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
    await expect(agent.generate('   \n')).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
    await expect(agent.generate([])).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
    await expect(agent.generate([{ role: 'user', content: '' }])).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
    await expect(agent.generate(undefined as never)).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
    await expect(agent.generate([{ role: 'robot', content: 'x' } as never])).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
    await expect(agent.stream('')).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID' })
  })

  test('oversized input -> AGENT_INPUT_INVALID naming the limit', async () => {
    await expect(agent.generate('x'.repeat(101))).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID', message: expect.stringContaining('100'), details: { size: 101, limit: 100 } })
    await expect(agent.generate([{ role: 'user', content: 'x'.repeat(60) }, { role: 'user', content: 'y'.repeat(60) }])).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID', details: { size: 120, limit: 100 } })
    await expect(agent.generate('x'.repeat(100))).resolves.toMatchObject({ text: 'x' })
  })

  test('default limit is 1,000,000 characters', async () => {
    const a = new Agent({ id: 'big', model: new MockModel({ repeatLast: true, responses: [{ text: 'x' }] }) })
    await expect(a.generate('x'.repeat(1_000_001))).rejects.toMatchObject({ code: 'AGENT_INPUT_INVALID', message: expect.stringContaining('1000000') })
    await expect(a.generate('x'.repeat(1_000_000))).resolves.toMatchObject({ text: 'x' })
  })
})

describe('run-level failures', () => {
  test('a model error rejects with AGENT_MODEL_ERROR carrying the cause; LumosErrors pass through', async () => {
    const boom = new Error('503 upstream')
    await expect(new Agent({ id: 'e', model: new MockModel({ responses: [{ error: boom }] }) }).generate('x')).rejects.toMatchObject({ code: 'AGENT_MODEL_ERROR', cause: boom })
    const { LumosError } = await import('../errors.js')
    const typed = new LumosError('MODEL_RATE_LIMITED', 'slow down')
    await expect(new Agent({ id: 'e', model: new MockModel({ responses: [{ error: typed }] }) }).generate('x')).rejects.toBe(typed)
  })

  test('abort during generate rejects with AGENT_ABORTED', async () => {
    const controller = new AbortController()
    const model = new MockModel({ chunkDelayMs: 200, responses: [{ text: 'late' }] })
    const p = new Agent({ id: 'a', model }).generate('x', { abortSignal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    await expect(p).rejects.toMatchObject({ code: 'AGENT_ABORTED' })
  })
})
