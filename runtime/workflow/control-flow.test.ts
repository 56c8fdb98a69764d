import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InMemoryStore } from '../storage/in-memory-store.js'
import { createStep, cloneStep, createWorkflow } from './index.js'
import type { WorkflowEvent } from './index.js'

const add = (n: number, id = `add${n}`) =>
  createStep({ id, inputSchema: z.object({ value: z.number() }), outputSchema: z.object({ value: z.number() }), execute: async ({ inputData }) => ({ value: inputData.value + n }) })

describe('workflow control flow', () => {
  it('then chains outputs and validates the workflow input', async () => {
    const wf = createWorkflow({ id: 'chain', inputSchema: z.object({ value: z.number() }), outputSchema: z.object({ value: z.number() }) }).then(add(1)).then(add(10)).commit()
    const run = await wf.createRun()
    const r = await run.start({ inputData: { value: 1 } })
    expect(r.status).toBe('success')
    expect(r.result).toEqual({ value: 12 })
    expect(r.steps.add1).toMatchObject({ status: 'success', output: { value: 2 } })
    const bad = await wf.createRun()
    await expect(bad.start({ inputData: { value: 'x' } as never })).rejects.toMatchObject({ code: 'WORKFLOW_INPUT_INVALID' })
    expect(bad.status).toBe('pending')
  })

  it('writes a version-checked snapshot after every step', async () => {
    const store = new InMemoryStore()
    const versions: Array<[number | undefined, string]> = []
    const spy = Object.create(store, {
      putWorkflowRun: { value: (input: Parameters<InMemoryStore['putWorkflowRun']>[0]) => (versions.push([input.expectedVersion, input.status]), store.putWorkflowRun(input)) },
    })
    const wf = createWorkflow({ id: 'versions' }).then(add(1)).then(add(2)).then(add(3)).commit()
    const r = await (await wf.createRun({ store: spy, runId: 'v1' })).start({ inputData: { value: 0 } })
    expect(r.result).toEqual({ value: 6 })
    // start, after add1, after add2, then the last step together with the final status
    expect(versions).toEqual([[0, 'running'], [1, 'running'], [2, 'running'], [3, 'success']])
    expect((await store.getWorkflowRun({ workflowId: 'versions', runId: 'v1' }))!.version).toBe(4)
  })

  it('parallel and branch give { [stepId]: output }', async () => {
    const wf = createWorkflow({ id: 'par' })
      .parallel([add(1), add(2)])
      .map(({ inputData }) => ({ value: inputData.add1.value + inputData.add2.value }))
      .branch([
        [async ({ inputData }) => inputData.value > 100, add(1000, 'big')],
        [async ({ inputData }) => inputData.value <= 100, add(-1, 'small')],
        [async () => true, add(0, 'always')],
      ])
      .commit()
    const r = await (await wf.createRun()).start({ inputData: { value: 5 } })
    expect(r.status).toBe('success')
    expect(r.result).toEqual({ small: { value: 12 }, always: { value: 13 } })
    expect(r.steps.big).toBeUndefined()
  })

  it('dountil and dowhile loop with exact iteration counts', async () => {
    let untilCalls = 0
    let whileCalls = 0
    const inc = createStep({ id: 'inc', execute: async ({ inputData }) => (untilCalls++, { value: inputData.value + 1 }) })
    const dbl = createStep({ id: 'dbl', execute: async ({ inputData }) => (whileCalls++, { value: inputData.value * 2 }) })
    const wf = createWorkflow({ id: 'loops' })
      .dountil(inc, async ({ inputData }) => inputData.value >= 5)
      .dowhile(dbl, async ({ inputData, iterationCount }) => inputData.value < 100 && iterationCount < 10)
      .commit()
    const r = await (await wf.createRun()).start({ inputData: { value: 0 } })
    expect(r.result).toEqual({ value: 160 }) // 5 -> 10 20 40 80 160
    expect(untilCalls).toBe(5)
    expect(whileCalls).toBe(5)
    // the loops run the step at least once
    const r2 = await (await wf.createRun()).start({ inputData: { value: 1000 } })
    expect(r2.result).toEqual({ value: 2002 })
  })

  it('foreach keeps order and honours concurrency', async () => {
    let active = 0
    let peak = 0
    const sq = createStep({
      id: 'sq',
      execute: async ({ inputData }) => {
        active++
        peak = Math.max(peak, active)
        await new Promise((r) => setTimeout(r, (5 - inputData) * 3))
        active--
        return inputData * inputData
      },
    })
    const wf = createWorkflow({ id: 'each' }).foreach(sq, { concurrency: 2 }).map(({ inputData }) => inputData.reduce((a: number, b: number) => a + b, 0)).commit()
    const r = await (await wf.createRun()).start({ inputData: [1, 2, 3, 4] })
    expect(r.status).toBe('success')
    expect(r.steps.sq.output).toEqual([1, 4, 9, 16])
    expect(r.result).toBe(30)
    expect(peak).toBe(2)
    const notArray = await (await wf.createRun()).start({ inputData: 5 })
    expect(notArray.status).toBe('failed')
    expect(notArray.error).toMatchObject({ code: 'WORKFLOW_STEP_FAILED' })
  })

  it('sleep and sleepUntil pass the input through and record the wake time', async () => {
    const store = new InMemoryStore()
    const seen: number[] = []
    const wf = createWorkflow({ id: 'sleepy' }).then(add(1)).sleep(30).sleepUntil(new Date(Date.now() + 10)).then(add(1, 'again')).commit()
    const run = await wf.createRun({ store })
    run.watch((e) => e.type === 'workflow-sleep' && seen.push(e.wakeAt))
    const t0 = Date.now()
    const r = await run.start({ inputData: { value: 0 } })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(28)
    expect(r.result).toEqual({ value: 2 })
    expect(seen.length).toBe(2)
    expect(run.wakeAt).toBeUndefined()
  })

  it('state, getStepResult, getInitData and bail', async () => {
    const a = createStep({ id: 'a', execute: async ({ inputData, setState, state }) => (setState({ ...(state as object), seen: ['a'] }), { x: inputData.n * 2 }) })
    const b = createStep({
      id: 'b',
      execute: async ({ getStepResult, getInitData, state, bail }) => {
        if (getInitData().n > 10) return bail({ bailed: true, state })
        return { sum: getStepResult('a').x + getInitData().n, state }
      },
    })
    const never = createStep({ id: 'never', execute: async () => ({ ran: true }) })
    const wf = createWorkflow({ id: 'ctx', stateSchema: z.object({ seen: z.array(z.string()).default([]) }) }).then(a).then(b).then(never).commit()
    const r = await (await wf.createRun()).start({ inputData: { n: 3 } })
    expect(r.result).toEqual({ ran: true })
    expect(r.steps.b.output).toEqual({ sum: 9, state: { seen: ['a'] } })
    const bailed = await (await wf.createRun()).start({ inputData: { n: 20 } })
    expect(bailed.status).toBe('success')
    expect(bailed.result).toEqual({ bailed: true, state: { seen: ['a'] } })
    expect(bailed.steps.never).toBeUndefined()
  })

  it('nested workflows run as steps', async () => {
    const inner = createWorkflow({ id: 'inner', inputSchema: z.object({ value: z.number() }) }).then(add(1)).then(add(2)).commit()
    const outer = createWorkflow({ id: 'outer' }).then(add(100, 'first')).then(inner).then(add(1000, 'last')).commit()
    const r = await (await outer.createRun()).start({ inputData: { value: 0 } })
    expect(r.result).toEqual({ value: 1103 })
    expect(r.steps.inner.output).toEqual({ value: 103 })
    expect(r.steps.inner.nested!.results.add2.output).toEqual({ value: 103 })
  })

  it('commit rejects duplicate step ids and empty workflows; uncommitted workflows cannot run', async () => {
    const s = add(1)
    expect(() => createWorkflow({ id: 'dup' }).then(s).parallel([add(2), s]).commit()).toThrow(expect.objectContaining({ code: 'WORKFLOW_DEFINITION_INVALID', details: { workflowId: 'dup', stepId: 'add1' } }))
    expect(() => createWorkflow({ id: 'dup' }).then(s).then(s).commit()).toThrow(/add1/)
    expect(() => createWorkflow({ id: 'empty' }).commit()).toThrow(expect.objectContaining({ code: 'WORKFLOW_DEFINITION_INVALID' }))
    expect(createWorkflow({ id: 'ok' }).then(s).then(cloneStep(s, { id: 'add1b' })).commit().committed).toBe(true)
    await expect(createWorkflow({ id: 'nc' }).then(s).createRun()).rejects.toMatchObject({ code: 'WORKFLOW_DEFINITION_INVALID' })
    expect(() => createStep({ id: '', execute: () => 1 })).toThrow(expect.objectContaining({ code: 'WORKFLOW_DEFINITION_INVALID' }))
    const committed = createWorkflow({ id: 'c' }).then(s).commit()
    expect(() => committed.then(add(3))).toThrow(expect.objectContaining({ code: 'WORKFLOW_DEFINITION_INVALID' }))
  })

  it('stream yields the events in order and the result', async () => {
    const wf = createWorkflow({ id: 'streamed' }).then(add(1)).then(add(2)).commit()
    const run = await wf.createRun()
    const stream = run.stream({ inputData: { value: 0 } })
    const events: WorkflowEvent[] = []
    for await (const e of stream) events.push(e)
    expect(events.map((e) => e.type + ('stepId' in e ? `:${e.stepId}` : ''))).toEqual(['workflow-start', 'step-start:add1', 'step-result:add1', 'step-start:add2', 'step-result:add2', 'workflow-finish'])
    expect(events[2]).toMatchObject({ output: { value: 1 }, path: ['add1'] })
    expect(events[5]).toMatchObject({ status: 'success', result: { value: 3 } })
    expect((await stream.result).result).toEqual({ value: 3 })
  })
})
