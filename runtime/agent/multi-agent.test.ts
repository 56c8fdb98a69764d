import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { Agent } from './index.js'
import type { SubAgentRun } from './index.js'
import { createTool } from '../tools/index.js'
import type { AgentStreamPart } from '../stream/index.js'
import { MockModel } from '../test/index.js'
import { createInMemoryTracer } from '../tracing/index.js'

const search = createTool({ id: 'search', description: 'Search', inputSchema: z.object({ q: z.string() }), execute: ({ q }) => `results for ${q}` })

function researcherAgent() {
  const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'search', input: { q: 'lumos' } }] }, { text: 'Lumos is an agent framework.', chunks: ['Lumos is ', 'an agent framework.'] }] })
  return { model, agent: new Agent({ id: 'researcher', description: 'Finds facts on the web.', model, tools: { search } }) }
}

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of stream as unknown as AsyncIterable<T>) out.push(x)
  return out
}

describe('supervisor with sub-agents', () => {
  test('sub-agent exposed as a { prompt } tool; its run (text + steps) is in the parent result; the model reads only the text', async () => {
    const { model: subModel, agent: researcher } = researcherAgent()
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'researcher', input: { prompt: 'What is Lumos?' }, toolCallId: 'd1' }] }, { text: 'Summary: Lumos is an agent framework.' }] })
    const boss = new Agent({ id: 'boss', model, agents: { researcher } })
    const r = await boss.generate('Tell me about Lumos')
    expect(model.calls[0].tools).toEqual([
      {
        type: 'function', name: 'researcher', description: 'Finds facts on the web.',
        inputSchema: { type: 'object', properties: { prompt: { type: 'string', description: expect.any(String) } }, required: ['prompt'], additionalProperties: false },
      },
    ])
    expect(subModel.calls[0].prompt).toEqual([{ role: 'user', content: [{ type: 'text', text: 'What is Lumos?' }] }])
    const run = r.toolResults[0].output as SubAgentRun
    expect(run).toMatchObject({ agentId: 'researcher', path: ['researcher'], text: 'Lumos is an agent framework.', finishReason: 'stop' })
    expect(run.steps).toHaveLength(2)
    expect(run.steps[0].toolResults[0].output).toBe('results for lumos')
    expect(model.calls[1].prompt[2].content).toEqual([{ type: 'tool-result', toolCallId: 'd1', toolName: 'researcher', output: { type: 'text', value: 'Lumos is an agent framework.' } }])
    expect(r.text).toBe('Summary: Lumos is an agent framework.')
  })

  test('context and abort flow into the sub-agent', async () => {
    let seenContext: unknown
    const probe = createTool({ id: 'probe', description: 'p', execute: (_: unknown, ctx) => { seenContext = ctx.context; return 'ok' } })
    const sub = new Agent({ id: 'sub', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'probe', input: {} }] }, { text: 'done' }] }), tools: { probe } })
    const boss = new Agent({ id: 'boss', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'sub', input: { prompt: 'go' } }] }, { text: 'ok' }] }), agents: { sub } })
    await boss.generate('x', { context: { tenant: 't1' } })
    expect(seenContext).toEqual({ tenant: 't1' })
  })

  test('missing prompt is a TOOL_INPUT_INVALID result, not a crash', async () => {
    const { agent: researcher } = researcherAgent()
    const boss = new Agent({ id: 'boss', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'researcher', input: { question: 'x' } }] }, { text: 'ok' }] }), agents: { researcher } })
    const r = await boss.generate('x')
    expect(r.toolResults[0].error?.code).toBe('TOOL_INPUT_INVALID')
  })

  test('delegation depth limit (default 3): the 4th level gets an AGENT_DELEGATION_DEPTH error result', async () => {
    // a -> b -> c -> d -> e, every model delegates once, then answers.
    const names = ['a', 'b', 'c', 'd', 'e']
    const models = names.map((_, i) => new MockModel({ responses: i < 4 ? [{ toolCalls: [{ toolName: names[i + 1], input: { prompt: 'deeper' } }] }, { text: `${names[i]} done` }] : [{ text: 'e done' }] }))
    let next: Agent | undefined
    const agents: Agent[] = []
    for (let i = 4; i >= 0; i--) {
      next = new Agent({ id: names[i], model: models[i], agents: next ? { [names[i + 1]]: next } : undefined })
      agents.unshift(next)
    }
    const r = await agents[0].generate('start')
    expect(r.text).toBe('a done')
    expect(models[4].calls).toHaveLength(0) // e never ran
    const d = (((r.toolResults[0].output as SubAgentRun).steps[0].toolResults[0].output as SubAgentRun).steps[0].toolResults[0].output as SubAgentRun)
    expect(d.path).toEqual(['b', 'c', 'd'])
    expect(d.steps[0].toolResults[0].error).toMatchObject({ code: 'AGENT_DELEGATION_DEPTH', details: { depth: 4, maxDelegationDepth: 3 } })
    // and d's model read the refusal
    expect(models[3].calls[1].prompt[2].content[0]).toMatchObject({ output: { type: 'error-text', value: expect.stringContaining('above the limit of 3') } })
  })

  test('maxDelegationDepth is configurable on the top-level agent', async () => {
    const leaf = new Agent({ id: 'leaf', model: new MockModel({ responses: [{ text: 'leaf' }] }) })
    const boss = new Agent({ id: 'boss', maxDelegationDepth: 0, model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'leaf', input: { prompt: 'x' } }] }, { text: 'ok' }] }), agents: { leaf } })
    const r = await boss.generate('x')
    expect(r.toolResults[0].error?.code).toBe('AGENT_DELEGATION_DEPTH')
  })

  test('streaming: sub-agent parts are forwarded as agent-part with agentId and path; parent text excludes them', async () => {
    const { agent: researcher } = researcherAgent()
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'researcher', input: { prompt: 'What is Lumos?' }, toolCallId: 'd1' }] }, { text: 'Done.' }] })
    const s = await new Agent({ id: 'boss', model, agents: { researcher } }).stream('x')
    const parts = await collect(s.fullStream)
    const forwarded = parts.filter((p): p is Extract<AgentStreamPart, { type: 'agent-part' }> => p.type === 'agent-part')
    expect(forwarded.length).toBeGreaterThan(5)
    expect(forwarded.every((p) => p.agentId === 'researcher' && p.toolCallId === 'd1' && p.path.join('/') === 'researcher')).toBe(true)
    expect(forwarded.map((p) => p.part.type)).toContain('tool-result')
    expect(forwarded.filter((p) => p.part.type === 'text-delta').map((p) => (p.part as { delta: string }).delta)).toEqual(['Lumos is ', 'an agent framework.'])
    // forwarded before the delegating tool's result
    const idxResult = parts.findIndex((p) => p.type === 'tool-result')
    expect(parts.findIndex((p) => p.type === 'agent-part')).toBeLessThan(idxResult)
    expect(await collect(s.textStream)).toEqual(['Done.'])
    // UI stream carries them as transient data-agent chunks
    const s2 = await new Agent({ id: 'boss', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'researcher', input: { prompt: 'q' } }] }, { text: 'Done.' }] }), agents: { researcher: researcherAgent().agent } }).stream('x')
    expect(await s2.toResponse().text()).toContain('"type":"data-agent","data":{"agentId":"researcher","path":["researcher"]')
  })

  test('streaming: nested sub-agents keep the full path', async () => {
    const leaf = new Agent({ id: 'leaf', model: new MockModel({ responses: [{ text: 'leaf text', chunks: ['leaf text'] }] }) })
    const mid = new Agent({ id: 'mid', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'leaf', input: { prompt: 'x' } }] }, { text: 'mid text' }] }), agents: { leaf } })
    const top = new Agent({ id: 'top', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'mid', input: { prompt: 'x' } }] }, { text: 'top text' }] }), agents: { mid } })
    const parts = await collect((await top.stream('x')).fullStream)
    const leafDeltas = parts.filter((p) => p.type === 'agent-part' && p.part.type === 'text-delta' && p.agentId === 'leaf')
    expect(leafDeltas).toEqual([expect.objectContaining({ path: ['mid', 'leaf'], part: { type: 'text-delta', id: 't0', delta: 'leaf text' } })])
  })

  test('sub-agent spans nest under the delegating tool span in one trace', async () => {
    const tracer = createInMemoryTracer()
    const { agent: researcher } = researcherAgent()
    await new Agent({ id: 'boss', tracer, model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'researcher', input: { prompt: 'q' } }] }, { text: 'ok' }] }), agents: { researcher } }).generate('x')
    const [bossRun] = tracer.find('invoke_agent boss')
    const [subRun] = tracer.find('invoke_agent researcher')
    const [delegate] = tracer.find('execute_tool researcher')
    expect(subRun.parentSpanId).toBe(delegate.spanId)
    expect(new Set(tracer.spans.map((s) => s.traceId))).toEqual(new Set([bossRun.traceId]))
    expect(subRun.attributes['lumos.run.depth']).toBe(1)
  })
})
