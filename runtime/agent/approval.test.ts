import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InMemoryStore } from '../storage/in-memory-store.js'
import { MockModel } from '../test/mock-model.js'
import { createTool } from '../tools/tool.js'
import { Agent } from './agent.js'

function setup() {
  const executed: number[] = []
  const transfer = createTool({
    id: 'transfer',
    description: 'Moves money',
    inputSchema: z.object({ amount: z.number() }),
    requireApproval: true,
    execute: async ({ amount }) => (executed.push(amount), { ok: true, amount }),
  })
  const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'transfer', input: { amount: 5 }, toolCallId: 'call-1' }] }, { text: 'transfer finished' }] })
  const make = () => new Agent({ id: 'bank', instructions: 'You move money.', model, tools: { transfer } })
  return { executed, model, make }
}

describe('tool approval (human in the loop)', () => {
  it('suspends before a requireApproval tool, stores the run, and continues after approval from a fresh agent object', async () => {
    const { executed, model, make } = setup()
    const store = new InMemoryStore()
    const first = await make().generate('send 5', { approvalStore: store })
    expect(first.stoppedBy).toBe('approval')
    expect(first.suspended).toEqual({ runId: first.runId, toolCalls: [{ toolCallId: 'call-1', toolName: 'transfer', input: { amount: 5 } }] })
    expect(executed).toEqual([])
    expect(await store.getWorkflowRun({ workflowId: 'agent:bank', runId: first.runId })).toMatchObject({ status: 'suspended', version: 1 })
    // another request: a new Agent object, only the ids and the store
    const done = await make().approveToolCall({ runId: first.runId, toolCallId: 'call-1', store })
    expect(executed).toEqual([5])
    expect(done.text).toBe('transfer finished')
    expect(done.suspended).toBeUndefined()
    const prompt = model.calls[1].prompt
    expect(prompt[0]).toEqual({ role: 'system', content: 'You move money.' })
    expect(prompt.filter((m) => m.role === 'system').length).toBe(1)
    expect(prompt[prompt.length - 1]).toMatchObject({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call-1', output: { type: 'json', value: { ok: true, amount: 5 } } }] })
    expect((await store.getWorkflowRun({ workflowId: 'agent:bank', runId: first.runId }))!.status).toBe('success')
    await expect(make().approveToolCall({ runId: first.runId, toolCallId: 'call-1', store })).rejects.toMatchObject({ code: 'TOOL_APPROVAL_NOT_FOUND' })
  })

  it('decline sends the reason to the model and never runs the tool', async () => {
    const { executed, model, make } = setup()
    const store = new InMemoryStore()
    const first = await make().generate('send 5', { approvalStore: store })
    await make().declineToolCall({ runId: first.runId, toolCallId: 'call-1', store, reason: 'too much' })
    expect(executed).toEqual([])
    const prompt = model.calls[1].prompt
    expect(prompt[prompt.length - 1]).toMatchObject({ role: 'tool', content: [{ toolCallId: 'call-1', output: { type: 'error-text', value: 'The user declined this tool call: too much' } }] })
  })

  it('bad inputs: unknown ids, no approvalStore, concurrent approvals', async () => {
    const { make } = setup()
    const store = new InMemoryStore()
    await expect(make().approveToolCall({ runId: 'nope', toolCallId: 'x', store })).rejects.toMatchObject({ code: 'TOOL_APPROVAL_NOT_FOUND' })
    await expect(make().generate('send 5')).rejects.toMatchObject({ code: 'AGENT_CONFIG_INVALID' })
    const s2 = setup()
    const first = await s2.make().generate('send 5', { approvalStore: store })
    await expect(s2.make().approveToolCall({ runId: first.runId, toolCallId: 'other', store })).rejects.toMatchObject({ code: 'TOOL_APPROVAL_NOT_FOUND' })
    const results = await Promise.allSettled([
      s2.make().approveToolCall({ runId: first.runId, toolCallId: 'call-1', store }),
      s2.make().approveToolCall({ runId: first.runId, toolCallId: 'call-1', store }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1)
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'WORKFLOW_RESUME_CONFLICT' })
    expect(s2.executed).toEqual([5])
  })
})
