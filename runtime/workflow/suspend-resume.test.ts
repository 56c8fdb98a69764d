import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LumosError } from '../errors.js'
import { InMemoryStore } from '../storage/in-memory-store.js'
import { createStep, createWorkflow } from './index.js'

const approval = createStep({
  id: 'approve',
  inputSchema: z.object({ draft: z.string() }),
  outputSchema: z.object({ approved: z.boolean(), draft: z.string() }),
  resumeSchema: z.object({ approved: z.boolean() }),
  suspendSchema: z.object({ question: z.string() }),
  execute: async ({ inputData, resumeData, suspend }) => {
    if (!resumeData) return suspend({ question: `approve "${inputData.draft}"?` })
    return { approved: resumeData.approved, draft: inputData.draft }
  },
})
let draftRuns = 0
const draft = createStep({ id: 'draft', execute: async ({ inputData }) => (draftRuns++, { draft: `draft of ${inputData.topic}` }) })
const publish = createStep({ id: 'publish', execute: async ({ inputData }) => ({ published: inputData.approved, text: inputData.draft }) })
const review = createWorkflow({ id: 'review', inputSchema: z.object({ topic: z.string() }) }).then(draft).then(approval).then(publish).commit()

describe('suspend and resume', () => {
  it('suspends with the payload, persists, and resumes from a fresh run object', async () => {
    const store = new InMemoryStore()
    draftRuns = 0
    const run = await review.createRun({ store, runId: 'r1', resourceId: 'u1' })
    const r = await run.start({ inputData: { topic: 'cats' } })
    expect(r.status).toBe('suspended')
    expect(r.suspended).toEqual([{ stepId: 'approve', path: ['approve'], suspendPayload: { question: 'approve "draft of cats"?' } }])
    const stored = await store.getWorkflowRun({ workflowId: 'review', runId: 'r1' })
    expect(stored).toMatchObject({ status: 'suspended', resourceId: 'u1' })
    const again = await review.getRun('r1', { store })
    expect(again.status).toBe('suspended')
    const done = await again.resume({ step: 'approve', resumeData: { approved: true } })
    expect(done.status).toBe('success')
    expect(done.result).toEqual({ published: true, text: 'draft of cats' })
    expect(draftRuns).toBe(1)
    expect(done.steps.approve).toMatchObject({ status: 'success', resumeData: { approved: true }, suspendPayload: { question: 'approve "draft of cats"?' } })
    expect((await store.getWorkflowRun({ workflowId: 'review', runId: 'r1' }))!.status).toBe('success')
  })

  it('bad inputs: unknown run, not suspended, invalid resume data (run stays intact)', async () => {
    const store = new InMemoryStore()
    await expect(review.getRun('nope', { store })).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' })
    await expect(review.recover('nope', { store })).rejects.toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' })
    const run = await review.createRun({ store, runId: 'r2' })
    await run.start({ inputData: { topic: 'dogs' } })
    const before = await store.getWorkflowRun({ workflowId: 'review', runId: 'r2' })
    const loaded = await review.getRun('r2', { store })
    const err = await loaded.resume({ step: 'approve', resumeData: { approved: 'yes' } }).catch((e) => e)
    expect(err).toMatchObject({ code: 'WORKFLOW_RESUME_DATA_INVALID', details: { stepId: 'approve', issues: [{ path: 'approved' }] } })
    const after = await store.getWorkflowRun({ workflowId: 'review', runId: 'r2' })
    expect(after).toEqual(before)
    expect(loaded.status).toBe('suspended')
    await expect(loaded.resume({ step: 'draft', resumeData: {} })).rejects.toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED' })
    expect((await loaded.resume({ step: 'approve', resumeData: { approved: false } })).result).toEqual({ published: false, text: 'draft of dogs' })
    const err2 = await loaded.resume({ step: 'approve', resumeData: { approved: true } }).catch((e) => e)
    expect(err2).toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED', details: { status: 'success' } })
    const reloaded = await review.getRun('r2', { store })
    await expect(reloaded.resume({ resumeData: { approved: true } })).rejects.toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED', details: { status: 'success' } })
    // a run id can be started once
    await expect((await review.createRun({ store, runId: 'r2' })).start({ inputData: { topic: 'x' } })).rejects.toMatchObject({ code: 'WORKFLOW_RESUME_CONFLICT' })
  })

  it('two concurrent resumes: exactly one wins, the other gets WORKFLOW_RESUME_CONFLICT', async () => {
    const store = new InMemoryStore()
    const run = await review.createRun({ store, runId: 'race' })
    await run.start({ inputData: { topic: 'race' } })
    const a = await review.getRun('race', { store })
    const b = await review.getRun('race', { store })
    const results = await Promise.allSettled([a.resume({ resumeData: { approved: true } }), b.resume({ resumeData: { approved: false } })])
    const ok = results.filter((r) => r.status === 'fulfilled')
    const bad = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    expect(ok.length).toBe(1)
    expect(bad.length).toBe(1)
    expect(bad[0].reason).toMatchObject({ code: 'WORKFLOW_RESUME_CONFLICT' })
    const final = await review.getRun('race', { store })
    expect(final.status).toBe('success')
    const winner = (ok[0] as PromiseFulfilledResult<{ result?: unknown }>).value.result
    expect(final.snapshot!.result).toEqual(winner)
  })

  it('nested workflow suspend/resume by step id and by path; parallel suspensions resume one at a time', async () => {
    const ask = (id: string) =>
      createStep({
        id,
        resumeSchema: z.object({ answer: z.string() }),
        execute: async ({ resumeData, suspend }) => (resumeData ? { [id]: resumeData.answer } : suspend({ ask: id })),
      })
    const inner = createWorkflow({ id: 'inner' }).parallel([ask('q1'), ask('q2')]).commit()
    const outer = createWorkflow({ id: 'outer2' }).then(inner).map(({ inputData }) => ({ ...inputData.q1, ...inputData.q2 })).commit()
    const store = new InMemoryStore()
    const run = await outer.createRun({ store, runId: 'n1' })
    const r = await run.start({ inputData: {} })
    expect(r.status).toBe('suspended')
    expect(r.suspended).toEqual([
      { stepId: 'q1', path: ['inner', 'q1'], suspendPayload: { ask: 'q1' } },
      { stepId: 'q2', path: ['inner', 'q2'], suspendPayload: { ask: 'q2' } },
    ])
    await expect((await outer.getRun('n1', { store })).resume({ resumeData: { answer: 'a' } })).rejects.toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED' })
    const r2 = await (await outer.getRun('n1', { store })).resume({ step: ['inner', 'q2'], resumeData: { answer: 'B' } })
    expect(r2.status).toBe('suspended')
    expect(r2.suspended!.map((s) => s.path)).toEqual([['inner', 'q1']])
    await expect((await outer.getRun('n1', { store })).resume({ step: 'q1', resumeData: { answer: 1 } })).rejects.toMatchObject({ code: 'WORKFLOW_RESUME_DATA_INVALID' })
    const r3 = await (await outer.getRun('n1', { store })).resume({ step: 'q1', resumeData: { answer: 'A' } })
    expect(r3.status).toBe('success')
    expect(r3.result).toEqual({ q1: 'A', q2: 'B' })
  })

  it('suspend inside a loop and foreach resumes the right iteration/item', async () => {
    const gate = createStep({
      id: 'gate',
      execute: async ({ inputData, resumeData, suspend }) => {
        if (inputData.n === 2 && !resumeData) return suspend({ at: inputData.n })
        return { n: inputData.n + 1 }
      },
    })
    const wf = createWorkflow({ id: 'loopgate' }).dountil(gate, async ({ inputData }) => inputData.n >= 4).commit()
    const store = new InMemoryStore()
    const run = await wf.createRun({ store, runId: 'l1' })
    expect((await run.start({ inputData: { n: 0 } })).suspended).toEqual([{ stepId: 'gate', path: ['gate'], suspendPayload: { at: 2 } }])
    const done = await (await wf.getRun('l1', { store })).resume({ step: 'gate', resumeData: { ok: true } })
    expect(done.result).toEqual({ n: 4 })

    const item = createStep({ id: 'item', execute: async ({ inputData, resumeData, suspend }) => (inputData % 2 === 1 && !resumeData ? suspend({ item: inputData }) : inputData * 10 + (resumeData?.add ?? 0)) })
    const each = createWorkflow({ id: 'eachgate' }).foreach(item, { concurrency: 3 }).commit()
    const run2 = await each.createRun({ store, runId: 'f1' })
    const s = await run2.start({ inputData: [0, 1, 2, 3] })
    expect(s.suspended!.map((x) => x.path)).toEqual([['item#1'], ['item#3']])
    const s2 = await (await each.getRun('f1', { store })).resume({ step: ['item#3'], resumeData: { add: 3 } })
    expect(s2.status).toBe('suspended')
    const s3 = await (await each.getRun('f1', { store })).resume({ step: 'item', resumeData: { add: 1 } })
    expect(s3.result).toEqual([0, 11, 20, 33])
  })

  it('a step output failing outputSchema fails the run with the step id and issues', async () => {
    const bad = createStep({ id: 'bad', outputSchema: z.object({ n: z.number() }), execute: async () => ({ n: 'one' }) as never })
    const wf = createWorkflow({ id: 'badout' }).then(bad).commit()
    const store = new InMemoryStore()
    const r = await (await wf.createRun({ store, runId: 'b1' })).start({ inputData: {} })
    expect(r.status).toBe('failed')
    expect(r.error).toBeInstanceOf(LumosError)
    expect(r.error).toMatchObject({ code: 'WORKFLOW_STEP_OUTPUT_INVALID', details: { stepId: 'bad', issues: [{ path: 'n' }] } })
    const loaded = await wf.getRun('b1', { store })
    expect(loaded.status).toBe('failed')
    expect(loaded.snapshot!.error).toMatchObject({ code: 'WORKFLOW_STEP_OUTPUT_INVALID', details: { stepId: 'bad' } })
  })
})
