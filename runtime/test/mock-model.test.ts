import { describe, expect, test } from 'vitest'
import { MockModel } from './index.js'

async function collect<T>(s: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of s as unknown as AsyncIterable<T>) out.push(x)
  return out
}

describe('MockModel', () => {
  test('doGenerate: scripted text and tool calls, recorded calls, default usage', async () => {
    const m = new MockModel({ responses: [{ text: 'hi', reasoning: 'hmm' }, { toolCalls: [{ toolName: 'a', input: { x: 1 } }, { toolName: 'b', input: 'not json', toolCallId: 'id2' }] }] })
    const r1 = await m.doGenerate({ prompt: [] })
    expect(r1.content).toEqual([{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'hi' }])
    expect(r1.finishReason).toEqual({ unified: 'stop', raw: 'stop' })
    expect(r1.usage.inputTokens.total).toBe(10)
    const r2 = await m.doGenerate({ prompt: [], temperature: 0 })
    expect(r2.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_1_0', toolName: 'a', input: '{"x":1}' },
      { type: 'tool-call', toolCallId: 'id2', toolName: 'b', input: 'not json' },
    ])
    expect(r2.finishReason.unified).toBe('tool-calls')
    expect(m.calls.map((c) => c.temperature)).toEqual([undefined, 0])
    await expect(m.doGenerate({ prompt: [] })).rejects.toThrow(/no scripted response for call 3/)
  })

  test('doStream: parts in order, custom chunks, stream errors', async () => {
    const m = new MockModel({ responses: [{ text: 'ab', chunks: ['a', 'b'], toolCalls: [{ toolName: 't', input: {} }] }, { text: 'x', streamError: 'boom' }, { error: new Error('down') }] })
    const parts = await collect((await m.doStream({ prompt: [] })).stream)
    expect(parts.map((p) => p.type)).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta', 'text-delta', 'text-end', 'tool-input-start', 'tool-input-delta', 'tool-input-end', 'tool-call', 'finish'])
    const errParts = await collect((await m.doStream({ prompt: [] })).stream)
    expect(errParts[errParts.length - 1]).toEqual({ type: 'error', error: 'boom' })
    await expect(m.doStream({ prompt: [] })).rejects.toThrow('down')
  })

  test('chunk delays honour the abort signal; a function script sees the call', async () => {
    const m = new MockModel({ chunkDelayMs: 30, responses: (o, i) => ({ text: `call ${i} with ${o.prompt.length} messages` }) })
    const controller = new AbortController()
    const { stream } = await m.doStream({ prompt: [], abortSignal: controller.signal })
    const reader = stream.getReader()
    await reader.read()
    controller.abort(new Error('stop'))
    await expect((async () => { for (;;) if ((await reader.read()).done) break })()).rejects.toThrow('stop')
    const r = await m.doGenerate({ prompt: [{ role: 'system', content: 's' }] })
    expect(r.content).toEqual([{ type: 'text', text: 'call 1 with 1 messages' }])
  })
})
