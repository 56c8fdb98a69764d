import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Agent } from '../agent/agent.js'
import { InMemoryStore } from '../storage/in-memory-store.js'
import { MockModel } from '../test/mock-model.js'
import { createTool } from '../tools/tool.js'
import { createStep, createWorkflow, workflowTool } from './index.js'
import type { WorkflowEvent } from './index.js'

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('retries, timeouts, cancellation', () => {
  it('retries with exponential backoff, then succeeds', async () => {
    let calls = 0
    const times: number[] = []
    const flaky = createStep({
      id: 'flaky',
      retries: 2,
      retryDelayMs: 10,
      backoff: 'exponential',
      execute: async ({ retryCount }) => {
        calls++
        times.push(Date.now())
        if (retryCount < 2) throw new Error(`boom ${retryCount}`)
        return { ok: retryCount }
      },
    })
    const wf = createWorkflow({ id: 'retry' }).then(flaky).commit()
    const run = await wf.createRun()
    const events: WorkflowEvent[] = []
    run.watch((e) => events.push(e))
    const r = await run.start({ inputData: {} })
    expect(r.result).toEqual({ ok: 2 })
    expect(calls).toBe(3)
    expect(r.steps.flaky.attempts).toBe(3)
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(9)
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(19)
    expect(events.filter((e) => e.type === 'step-retry').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2])
  })

  it('fails with WORKFLOW_STEP_FAILED after the retries (workflow retryConfig as default)', async () => {
    let calls = 0
    const broken = createStep({ id: 'broken', execute: async () => { calls++; throw new Error('always') } })
    const wf = createWorkflow({ id: 'retry2', retryConfig: { attempts: 1 } }).then(broken).commit()
    const r = await (await wf.createRun()).start({ inputData: {} })
    expect(r.status).toBe('failed')
    expect(r.error).toMatchObject({ code: 'WORKFLOW_STEP_FAILED', details: { stepId: 'broken', attempts: 2 } })
    expect((r.error!.cause as Error).message).toBe('always')
    expect(calls).toBe(2)
    expect(r.steps.broken).toMatchObject({ status: 'failed', error: { code: 'WORKFLOW_STEP_FAILED' } })
  })

  it('times a step out (its abortSignal fires) and retries a timeout', async () => {
    let sawAbort = false
    const slow = createStep({
      id: 'slow',
      timeoutMs: 20,
      execute: ({ abortSignal }) =>
        new Promise((resolve) => {
          abortSignal.addEventListener('abort', () => (sawAbort = true))
          setTimeout(() => resolve('late'), 300)
        }),
    })
    const r = await (await createWorkflow({ id: 'to' }).then(slow).commit().createRun()).start({ inputData: {} })
    expect(r.status).toBe('failed')
    expect(r.error).toMatchObject({ code: 'WORKFLOW_STEP_TIMEOUT', details: { stepId: 'slow', timeoutMs: 20 } })
    expect(sawAbort).toBe(true)
    const once = createStep({ id: 'once', timeoutMs: 20, retries: 1, execute: ({ retryCount }) => (retryCount === 0 ? wait(200).then(() => 'slow') : 'fast') })
    expect((await (await createWorkflow({ id: 'to2' }).then(once).commit().createRun()).start({ inputData: {} })).result).toBe('fast')
  })

  it('cancel() while running, abort() from a step, an abortSignal, and canceling a suspended run', async () => {
    const store = new InMemoryStore()
    let after = 0
    const hang = createStep({ id: 'hang', execute: ({ abortSignal }) => new Promise((_, reject) => abortSignal.addEventListener('abort', () => reject(new Error('aborted')))) })
    const next = createStep({ id: 'next', execute: () => ++after })
    const wf = createWorkflow({ id: 'cancel' }).then(hang).then(next).commit()
    const run = await wf.createRun({ store, runId: 'c1' })
    const p = run.start({ inputData: {} })
    await wait(10)
    await run.cancel()
    const r = await p
    expect(r.status).toBe('canceled')
    expect(r.error).toMatchObject({ code: 'WORKFLOW_CANCELED' })
    expect(after).toBe(0)
    expect((await store.getWorkflowRun({ workflowId: 'cancel', runId: 'c1' }))!.status).toBe('canceled')

    const selfAbort = createStep({ id: 'self', execute: ({ abort }) => (abort(), 1) })
    const r2 = await (await createWorkflow({ id: 'cancel2' }).then(selfAbort).then(next).commit().createRun()).start({ inputData: {} })
    expect(r2.status).toBe('canceled')
    expect(after).toBe(0)

    const ac = new AbortController()
    const p3 = (await wf.createRun()).start({ inputData: {}, abortSignal: ac.signal })
    setTimeout(() => ac.abort(), 5)
    expect((await p3).status).toBe('canceled')

    // canceled from elsewhere (another request/process): the owner stops at its next snapshot write
    const slowStep = createStep({ id: 'slowStep', execute: () => wait(40).then(() => 1) })
    const wf5 = createWorkflow({ id: 'cancel5' }).then(slowStep).then(next).commit()
    const p5 = (await wf5.createRun({ store, runId: 'c5' })).start({ inputData: {} })
    await wait(10)
    await (await wf5.getRun('c5', { store })).cancel()
    const r5 = await p5
    expect(r5.status).toBe('canceled')
    expect(r5.error).toMatchObject({ code: 'WORKFLOW_CANCELED' })
    expect(after).toBe(0)

    const ask = createStep({ id: 'ask', execute: ({ suspend }) => suspend({}) })
    const wf4 = createWorkflow({ id: 'cancel4' }).then(ask).commit()
    await (await wf4.createRun({ store, runId: 'c4' })).start({ inputData: {} })
    await (await wf4.getRun('c4', { store })).cancel()
    await expect((await wf4.getRun('c4', { store })).resume({ resumeData: {} })).rejects.toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED', details: { status: 'canceled' } })
  })
})

describe('durable sleep and recovery in one process', () => {
  it('a second owner recovers a sleeping run, sleeps only the remaining time, and the first owner loses', async () => {
    const store = new InMemoryStore()
    let firstRuns = 0
    const build = () =>
      createWorkflow({ id: 'nap' })
        .then(createStep({ id: 'first', execute: () => ++firstRuns }))
        .sleep(150)
        .then(createStep({ id: 'after', execute: ({ inputData }) => ({ woke: inputData }) }))
        .commit()
    const original = await build().createRun({ store, runId: 's1' })
    const t0 = Date.now()
    const p = original.start({ inputData: {} })
    p.catch(() => {})
    await wait(40)
    const loaded = await build().getRun('s1', { store })
    expect(loaded.status).toBe('running')
    expect(loaded.wakeAt).toBeGreaterThanOrEqual(t0 + 150)
    expect(loaded.wakeAt).toBeLessThanOrEqual(t0 + 200)
    const r = await loaded.recover()
    const elapsed = Date.now() - t0
    expect(r.result).toEqual({ woke: 1 })
    expect(firstRuns).toBe(1)
    expect(elapsed).toBeGreaterThanOrEqual(145)
    expect(elapsed).toBeLessThan(290)
    await expect(p).rejects.toMatchObject({ code: 'WORKFLOW_RESUME_CONFLICT' })
    // recovering a finished run returns it unchanged
    expect((await build().recover('s1', { store })).result).toEqual({ woke: 1 })
  })
})

describe('per-step persistence', () => {
  it('a finished parallel branch is stored while its sibling still runs', async () => {
    const store = new InMemoryStore()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const fast = createStep({ id: 'fast', execute: () => 'quick' })
    const slow = createStep({ id: 'slow', execute: () => gate.then(() => 'late') })
    const wf = createWorkflow({ id: 'pp' }).parallel([fast, slow]).commit()
    const p = (await wf.createRun({ store, runId: 'p1' })).start({ inputData: {} })
    await wait(20)
    const mid = await wf.getRun('p1', { store })
    expect(mid.status).toBe('running')
    expect(mid.snapshot!.root.results.fast).toMatchObject({ status: 'success', output: 'quick' })
    expect(mid.snapshot!.root.results.slow).toMatchObject({ status: 'running' })
    release()
    expect((await p).result).toEqual({ fast: 'quick', slow: 'late' })
    expect((await store.getWorkflowRun({ workflowId: 'pp', runId: 'p1' }))!.version).toBe(4) // start, fast, slow, finish
  })
})

describe('agents, tools and workflows as steps and tools', () => {
  it('an agent step maps { prompt } to { text }; a tool step runs the tool', async () => {
    const agent = new Agent({ id: 'writer', model: new MockModel({ responses: [{ text: 'a poem' }] }) })
    const tool = createTool({ id: 'shout', description: 'upper-case', inputSchema: z.object({ text: z.string() }), execute: async ({ text }) => ({ text: text.toUpperCase() }) })
    const wf = createWorkflow({ id: 'ai' })
      .map(({ inputData }) => ({ prompt: `write about ${inputData.topic}` }))
      .then(agent)
      .then(tool)
      .commit()
    const r = await (await wf.createRun()).start({ inputData: { topic: 'the sea' } })
    expect(r.status).toBe('success')
    expect(r.steps.writer.output).toEqual({ text: 'a poem' })
    expect(r.result).toEqual({ text: 'A POEM' })
    const bad = await (await createWorkflow({ id: 'ai2' }).then(agent).commit().createRun()).start({ inputData: { nope: 1 } })
    expect(bad.status).toBe('failed')
    expect(bad.error).toMatchObject({ code: 'WORKFLOW_STEP_INPUT_INVALID', details: { stepId: 'writer', issues: [{ path: 'prompt' }] } })
    const badTool = await (await createWorkflow({ id: 'ai3' }).then(tool).commit().createRun()).start({ inputData: { text: 5 } })
    expect(badTool.error).toMatchObject({ code: 'WORKFLOW_STEP_INPUT_INVALID', details: { stepId: 'shout' } })
  })

  it('workflowTool lets an agent start a workflow run', async () => {
    const store = new InMemoryStore()
    const wf = createWorkflow({ id: 'double', description: 'Doubles a number', inputSchema: z.object({ n: z.number() }) })
      .then(createStep({ id: 'x2', execute: ({ inputData }) => ({ n: inputData.n * 2 }) }))
      .commit()
    const tool = workflowTool(wf, { store })
    expect(tool.jsonSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } })
    const agent = new Agent({ id: 'calc', model: new MockModel({ responses: [{ toolCalls: [{ toolName: 'double', input: { n: 21 } }] }, { text: 'done' }] }), tools: { double: tool } })
    const res = await agent.generate('double 21')
    expect(res.toolResults[0].output).toMatchObject({ status: 'success', result: { n: 42 } })
    const runId = (res.toolResults[0].output as { runId: string }).runId
    expect((await wf.getRun(runId, { store })).status).toBe('success')
  })
})

describe('graph', () => {
  it('returns nodes, edges and a mermaid flowchart', () => {
    const s = (id: string) => createStep({ id, execute: () => 1 })
    const inner = createWorkflow({ id: 'inner' }).then(s('i1')).commit()
    const wf = createWorkflow({ id: 'g' })
      .then(s('a'))
      .parallel([s('b'), s('c')])
      .branch([[() => true, s('d')], [() => false, inner]])
      .dountil(s('e'), () => true)
      .foreach(s('f'), { concurrency: 2 })
      .sleep(5)
      .commit()
    const g = wf.graph()
    expect(g.nodes.map((n) => `${n.id}:${n.type}${n.mode ? ':' + n.mode : ''}`)).toEqual([
      '__start:start', 'a:step', 'b:step:parallel', 'c:step:parallel', 'd:step:branch', 'inner:workflow:branch', 'e:step:dountil', 'f:step:foreach', 'sleep-1:sleep', '__end:end',
    ])
    expect(g.edges.map((e) => `${e.from}>${e.to}${e.label ? '|' + e.label : ''}`)).toEqual([
      '__start>a', 'a>b', 'a>c', 'b>d|condition 1', 'c>d|condition 1', 'b>inner|condition 2', 'c>inner|condition 2',
      'd>e', 'inner>e', 'e>e|dountil', 'e>f|foreach (x2)', 'f>sleep-1', 'sleep-1>__end',
    ])
    expect(g.nodes[5].graph!.nodes.map((n) => n.id)).toEqual(['__start', 'i1', '__end'])
    const m = wf.toMermaid()
    expect(m.split('\n')[0]).toBe('flowchart TD')
    expect(m).toContain('n0(("start"))')
    expect(m).toContain('n5[["inner (branch)"]]')
    expect(m).toContain('n6 -->|"dountil"| n6')
    expect(g.mermaid).toBe(m)
  })
})
