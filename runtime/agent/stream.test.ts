import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from 'ai'
import type { UIMessage, UIMessageChunk } from 'ai'
import { Agent } from './index.js'
import { createTool } from '../tools/index.js'
import type { AgentStreamPart } from '../stream/index.js'
import { MockModel } from '../test/index.js'

const add = createTool({ id: 'add', description: 'Add', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of stream as unknown as AsyncIterable<T>) out.push(x)
  return out
}

const roundTrip = () => new MockModel({ responses: [{ toolCalls: [{ toolName: 'add', input: { a: 2, b: 3 }, toolCallId: 'c1' }] }, { text: 'The sum is 5.', chunks: ['The ', 'sum is ', '5.'] }] })

let unhandled: unknown[] = []
const onUnhandled = (e: unknown) => unhandled.push(e)
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
})

describe('fullStream', () => {
  test('typed parts in protocol order, with step usage and the total', async () => {
    const s = await new Agent({ id: 'math', model: roundTrip(), tools: { add } }).stream('What is 2+3?')
    const parts = await collect(s.fullStream)
    expect(parts.map((p) => p.type)).toEqual([
      'start', 'start-step', 'tool-input-start', 'tool-input-delta', 'tool-input-end', 'tool-call', 'tool-result', 'finish-step',
      'start-step', 'text-start', 'text-delta', 'text-delta', 'text-delta', 'text-end', 'finish-step', 'finish',
    ])
    expect(parts[0]).toEqual({ type: 'start', agentId: 'math', runId: s.runId })
    expect(parts[5]).toEqual({ type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: { a: 2, b: 3 } })
    expect(parts[6]).toEqual({ type: 'tool-result', toolCallId: 'c1', toolName: 'add', input: { a: 2, b: 3 }, output: 5 })
    expect(parts[7]).toMatchObject({ type: 'finish-step', stepNumber: 0, finishReason: 'tool-calls', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } })
    expect(parts[15]).toMatchObject({ type: 'finish', finishReason: 'stop', steps: 2, totalUsage: { inputTokens: 20, outputTokens: 10, totalTokens: 30 } })
    expect(await s.text).toBe('The sum is 5.')
    expect(await s.finishReason).toBe('stop')
    expect((await s.usage).totalTokens).toBe(30)
    expect((await s.toolResults)[0].output).toBe(5)
  })

  test('textStream is derived; streams replay from the start for late readers', async () => {
    const s = await new Agent({ id: 'math', model: roundTrip(), tools: { add } }).stream('What is 2+3?')
    expect(await s.text).toBe('The sum is 5.') // run finished before anyone read the stream
    expect(await collect(s.textStream)).toEqual(['The ', 'sum is ', '5.'])
    expect((await collect(s.fullStream)).length).toBe(16)
  })

  test('reasoning parts and chunk delays', async () => {
    const model = new MockModel({ chunkDelayMs: 5, responses: [{ reasoning: 'thinking', text: 'a b' }] })
    const s = await new Agent({ id: 'r', model }).stream('x')
    const parts = await collect(s.fullStream)
    expect(parts.filter((p) => p.type.startsWith('reasoning')).map((p) => p.type)).toEqual(['reasoning-start', 'reasoning-delta', 'reasoning-end'])
    expect((await s.result).reasoningText).toBe('thinking')
  })

  test('tool errors arrive as tool-error parts', async () => {
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'add', input: { a: 1 } }] }, { text: 'ok' }] })
    const parts = await collect((await new Agent({ id: 'e', model, tools: { add } }).stream('x')).fullStream)
    const err = parts.find((p) => p.type === 'tool-error') as Extract<AgentStreamPart, { type: 'tool-error' }>
    expect(err.error.code).toBe('TOOL_INPUT_INVALID')
  })

  test('a model error ends the stream with an error part; promises reject; nothing unhandled', async () => {
    const model = new MockModel({ responses: [{ text: 'partial ', streamError: new Error('connection reset') }] })
    const s = await new Agent({ id: 'e', model }).stream('x')
    const parts = await collect(s.fullStream)
    expect(parts.map((p) => p.type)).toEqual(['start', 'start-step', 'text-start', 'text-delta', 'text-end', 'error'])
    expect((parts[5] as { error: { code: string } }).error.code).toBe('AGENT_MODEL_ERROR')
    await expect(s.text).rejects.toMatchObject({ code: 'AGENT_MODEL_ERROR' })
    const s2 = await new Agent({ id: 'e', model: new MockModel({ responses: [{ error: new Error('401') }] }) }).stream('x')
    await s2.consumeStream() // nobody reads s2.result: must not be an unhandled rejection
    await new Promise((r) => setTimeout(r, 20))
    expect(unhandled).toEqual([])
  })
})

describe('stream extras', () => {
  test('structured output streams the JSON text and resolves s.object', async () => {
    const model = new MockModel({ responses: [{ text: '{"n":1', chunks: ['{"n"', ':1'] }, { text: '{"n":2}', chunks: ['{"n":', '2}'] }] })
    const s = await new Agent({ id: 'so', model }).stream('x', { structuredOutput: { schema: z.object({ n: z.number() }) } })
    expect(await s.object).toEqual({ n: 2 })
    const deltas = (await collect(s.fullStream)).filter((p) => p.type === 'text-delta').map((p) => (p as { delta: string }).delta)
    expect(deltas).toEqual(['{"n"', ':1', '{"n":', '2}'])
  })

  test('parallel tools in a stream: results arrive as each finishes, finish-step after all', async () => {
    const wait = createTool({ id: 'wait', description: 'w', inputSchema: z.object({ ms: z.number() }), execute: async ({ ms }) => { await new Promise((r) => setTimeout(r, ms)); return ms } })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'wait', input: { ms: 60 }, toolCallId: 'slow' }, { toolName: 'wait', input: { ms: 5 }, toolCallId: 'fast' }] }, { text: 'ok' }] })
    const parts = await collect((await new Agent({ id: 'p', model, tools: { wait } }).stream('x')).fullStream)
    const order = parts.filter((p) => p.type === 'tool-result' || p.type === 'finish-step').map((p) => (p.type === 'tool-result' ? p.toolCallId : p.type))
    expect(order).toEqual(['fast', 'slow', 'finish-step', 'finish-step'])
  })
})

describe('abort', () => {
  test('abort mid-stream: slow tool observes the signal, stream ends with abort, nothing dangles', async () => {
    let toolSawAbort = false
    let toolFinished = false
    const slow = createTool({
      id: 'slow', description: 's',
      execute: (_: unknown, { abortSignal }) => new Promise((resolve, reject) => {
        const t = setTimeout(() => { toolFinished = true; resolve('done') }, 5000)
        abortSignal.addEventListener('abort', () => { toolSawAbort = true; clearTimeout(t); reject(abortSignal.reason) })
      }),
    })
    const controller = new AbortController()
    const model = new MockModel({ chunkDelayMs: 2, responses: [{ text: 'calling', toolCalls: [{ toolName: 'slow', input: {} }] }, { text: 'never' }] })
    const s = await new Agent({ id: 'a', model, tools: { slow } }).stream('x', { abortSignal: controller.signal })
    const parts: AgentStreamPart[] = []
    const t0 = performance.now()
    for await (const p of s.fullStream as unknown as AsyncIterable<AgentStreamPart>) {
      parts.push(p)
      if (p.type === 'tool-call') setTimeout(() => controller.abort(), 10)
    }
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(parts[parts.length - 1]).toEqual({ type: 'abort' })
    expect(parts.some((p) => p.type === 'finish')).toBe(false)
    expect(toolSawAbort).toBe(true)
    expect(toolFinished).toBe(false)
    await expect(s.result).rejects.toMatchObject({ code: 'AGENT_ABORTED' })
    expect(model.calls).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 30))
    expect(unhandled).toEqual([])
  })

  test('abort while the model streams text cancels the provider stream', async () => {
    const model = new MockModel({ chunkDelayMs: 20, responses: [{ text: 'one two three four five six seven eight nine ten' }] })
    const s = await new Agent({ id: 'a', model }).stream('x')
    const reader = s.textStream.getReader()
    expect((await reader.read()).value).toBe('one ')
    s.abort()
    const rest: string[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest.push(value)
    }
    expect(rest.length).toBeLessThan(3)
    const parts = await collect(s.fullStream)
    expect(parts[parts.length - 1].type).toBe('abort')
    await expect(s.text).rejects.toMatchObject({ code: 'AGENT_ABORTED' })
  })

  test('cancelling the response body (client went away) aborts the run', async () => {
    let toolSawAbort = false
    const slow = createTool({ id: 'slow', description: 's', execute: (_: unknown, { abortSignal }) => new Promise((resolve) => abortSignal.addEventListener('abort', () => { toolSawAbort = true; resolve('x') })) })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'slow', input: {} }] }, { text: 'never' }] })
    const s = await new Agent({ id: 'a', model, tools: { slow } }).stream('x')
    const body = s.toResponse().body!.getReader()
    await body.read()
    await new Promise((r) => setTimeout(r, 10))
    await body.cancel()
    await expect(s.result).rejects.toMatchObject({ code: 'AGENT_ABORTED' })
    expect(toolSawAbort).toBe(true)
  })
})

describe('toResponse(): AI SDK UI message stream', () => {
  async function readWithAiSdk(response: Response): Promise<{ chunks: UIMessageChunk[]; message: UIMessage }> {
    const chunks: UIMessageChunk[] = []
    const chunkStream = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema }).pipeThrough(
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
    return { chunks, message: message! }
  }

  test('headers, SSE framing, and the UIMessage useChat would build', async () => {
    const s = await new Agent({ id: 'math', model: roundTrip(), tools: { add } }).stream('What is 2+3?')
    const response = s.toResponse({ headers: { 'x-extra': '1' } })
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('x-extra')).toBe('1')
    const { chunks, message } = await readWithAiSdk(response)
    expect(chunks.map((c) => c.type)).toEqual([
      'start', 'start-step', 'tool-input-start', 'tool-input-delta', 'tool-input-available', 'tool-output-available', 'finish-step',
      'start-step', 'text-start', 'text-delta', 'text-delta', 'text-delta', 'text-end', 'finish-step', 'finish',
    ])
    expect(message.id).toBe(s.runId)
    expect(message.role).toBe('assistant')
    expect(message.parts).toEqual([
      { type: 'step-start' },
      expect.objectContaining({ type: 'tool-add', toolCallId: 'c1', state: 'output-available', input: { a: 2, b: 3 }, output: 5 }),
      { type: 'step-start' },
      expect.objectContaining({ type: 'text', text: 'The sum is 5.', state: 'done' }),
    ])
  })

  test('raw SSE ends with [DONE]', async () => {
    const s = await new Agent({ id: 'x', model: new MockModel({ responses: [{ text: 'hi' }] }) }).stream('x')
    const text = await s.toResponse({ messageId: 'm1' }).text()
    expect(text.startsWith('data: {"type":"start","messageId":"m1"}\n\n')).toBe(true)
    expect(text.endsWith('data: {"type":"finish","finishReason":"stop","messageMetadata":{"usage":{"inputTokens":10,"outputTokens":5,"totalTokens":15}}}\n\ndata: [DONE]\n\n')).toBe(true)
  })

  test('tool errors become output-error parts; model errors an error chunk (masked by default)', async () => {
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'add', input: { a: 1 }, toolCallId: 'e1' }] }, { error: new Error('secret upstream detail') }] })
    const s = await new Agent({ id: 'x', model, tools: { add } }).stream('x')
    const chunks: UIMessageChunk[] = []
    const parsed = parseJsonEventStream({ stream: s.toResponse({ onError: (e) => `failed: ${(e as { code?: string }).code}` }).body!, schema: uiMessageChunkSchema })
    for await (const r of parsed as unknown as AsyncIterable<{ success: true; value: UIMessageChunk }>) {
      expect(r.success).toBe(true)
      chunks.push(r.value)
    }
    expect(chunks.find((c) => c.type === 'tool-output-error')).toMatchObject({ toolCallId: 'e1', errorText: expect.stringMatching(/^Invalid input for tool 'add'/) })
    expect(chunks[chunks.length - 1]).toEqual({ type: 'error', errorText: 'failed: AGENT_MODEL_ERROR' })
    // Default error text: only the code, never the (provider) message.
    const s2 = await new Agent({ id: 'x', model: new MockModel({ responses: [{ error: new Error('secret upstream detail') }] }) }).stream('x')
    const sse = await s2.toResponse().text()
    expect(sse).toContain('"errorText":"An error occurred (AGENT_MODEL_ERROR)."')
    expect(sse).not.toContain('secret')
    const { toUIMessageChunk } = await import('../stream/index.js')
    expect(toUIMessageChunk({ type: 'error', error: new Error('secret') }, {}, 'r')).toEqual({ type: 'error', errorText: 'An error occurred.' })
  })

  test('toTextResponse streams plain text', async () => {
    const s = await new Agent({ id: 'x', model: roundTrip(), tools: { add } }).stream('x')
    const res = s.toTextResponse()
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await res.text()).toBe('The sum is 5.')
  })
})
