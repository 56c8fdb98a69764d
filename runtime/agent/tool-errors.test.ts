import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { Agent } from './index.js'
import { createTool } from '../tools/index.js'
import type { Tool } from '../tools/index.js'
import { MockModel } from '../test/index.js'

const add = createTool({ id: 'add', description: 'Add', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => a + b })

/** Runs one bad call then a final answer; returns the error result and what the model read. */
async function oneBadCall(tools: Record<string, Tool>, call: { toolName: string; input: unknown }) {
  const model = new MockModel({ responses: [{ toolCalls: [{ ...call, toolCallId: 'bad' }] }, { text: 'recovered' }] })
  const r = await new Agent({ id: 'e', model, tools }).generate('go')
  const toolMessage = model.calls[1].prompt[2]
  expect(toolMessage.role).toBe('tool')
  return { r, modelSaw: (toolMessage.content as Array<{ output: unknown }>)[0].output as { type: string; value: string } }
}

describe('tool failures go back to the model and the loop continues', () => {
  test('schema issues -> TOOL_INPUT_INVALID with the issues', async () => {
    const { r, modelSaw } = await oneBadCall({ add }, { toolName: 'add', input: { a: 'two', b: 3 } })
    expect(r.text).toBe('recovered')
    expect(r.toolResults[0]).toMatchObject({ isError: true, output: undefined, input: { a: 'two', b: 3 }, error: { code: 'TOOL_INPUT_INVALID', details: { issues: [{ path: 'a' }] } } })
    expect(modelSaw.type).toBe('error-text')
    expect(modelSaw.value).toMatch(/^Invalid input for tool 'add': a: .*number.*Call the tool again/)
  })

  test('unknown tool -> TOOL_NOT_FOUND listing the available tools', async () => {
    const { r, modelSaw } = await oneBadCall({ add }, { toolName: 'subtract', input: {} })
    expect(r.toolResults[0].error?.code).toBe('TOOL_NOT_FOUND')
    expect(modelSaw).toEqual({ type: 'error-text', value: "Tool 'subtract' does not exist. Available tools: add." })
  })

  test('malformed tool-call JSON -> TOOL_INPUT_INVALID, raw text kept as input', async () => {
    const { r, modelSaw } = await oneBadCall({ add }, { toolName: 'add', input: '{"a": 1, "b":' })
    expect(r.toolResults[0]).toMatchObject({ isError: true, input: '{"a": 1, "b":', error: { code: 'TOOL_INPUT_INVALID' } })
    expect(modelSaw.value).toMatch(/^Tool 'add' input is not valid JSON/)
    expect(r.steps[0].response.messages[0].content).toEqual([{ type: 'tool-call', toolCallId: 'bad', toolName: 'add', input: '{"a": 1, "b":' }])
  })

  test('tool exception -> TOOL_EXECUTION_FAILED with the cause', async () => {
    const cause = new Error('db down')
    const flaky = createTool({ id: 'flaky', description: 'f', execute: async () => { throw cause } })
    const { r, modelSaw } = await oneBadCall({ flaky }, { toolName: 'flaky', input: {} })
    expect(r.toolResults[0].error).toMatchObject({ code: 'TOOL_EXECUTION_FAILED', cause })
    expect(modelSaw.value).toBe("Tool 'flaky' failed: db down")
  })

  test('a synchronous throw is handled the same way', async () => {
    const sync = createTool({ id: 'sync', description: 's', execute: () => { throw new TypeError('bad') } })
    const { r } = await oneBadCall({ sync }, { toolName: 'sync', input: {} })
    expect(r.toolResults[0].error?.code).toBe('TOOL_EXECUTION_FAILED')
  })

  test('tool timeout -> TOOL_TIMEOUT, and the tool sees its abortSignal fire', async () => {
    let observedAbort: unknown
    const slow = createTool({
      id: 'slow', description: 's', timeoutMs: 30,
      execute: (_: unknown, { abortSignal }) => new Promise((resolve) => {
        const t = setTimeout(() => resolve('too late'), 2000)
        abortSignal.addEventListener('abort', () => { clearTimeout(t); observedAbort = abortSignal.reason })
      }),
    })
    const t0 = performance.now()
    const { r, modelSaw } = await oneBadCall({ slow }, { toolName: 'slow', input: {} })
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(r.toolResults[0].error).toMatchObject({ code: 'TOOL_TIMEOUT', details: { timeoutMs: 30 } })
    expect(modelSaw.value).toBe("Tool 'slow' timed out after 30 ms.")
    expect(observedAbort).toMatchObject({ code: 'TOOL_TIMEOUT' })
  })

  test('invalid output -> TOOL_OUTPUT_INVALID', async () => {
    const liar = createTool({ id: 'liar', description: 'l', outputSchema: z.number(), execute: () => 'not a number' as unknown as number })
    const { r } = await oneBadCall({ liar }, { toolName: 'liar', input: {} })
    expect(r.toolResults[0].error?.code).toBe('TOOL_OUTPUT_INVALID')
  })

  test('the model can correct itself: bad call, then good call', async () => {
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'add', input: { a: 1 } }] }, { toolCalls: [{ toolName: 'add', input: { a: 1, b: 2 } }] }, { text: '3' }] })
    const r = await new Agent({ id: 'c', model, tools: { add } }).generate('1+2')
    expect(r.toolResults.map((t) => t.isError)).toEqual([true, false])
    expect(r.toolResults[1].output).toBe(3)
    expect(r.text).toBe('3')
  })
})
