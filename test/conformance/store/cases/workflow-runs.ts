import { expect } from 'vitest'
import type { WorkflowRun } from '../../../../runtime/storage/index.js'
import type { CaseContext, TestFn } from './context.js'

export function workflowCases(test: TestFn, ctx: CaseContext): void {
  test('workflow runs: put and get with versions', async () => {
    const { store } = ctx
    const ref = { workflowId: 'onboarding', runId: 'run-1' }
    expect(await store.getWorkflowRun(ref)).toBeNull()
    const v1 = await store.putWorkflowRun({ ...ref, status: 'running', snapshot: { step: 'a', context: { x: [1, 2] } }, resourceId: 'alice', expectedVersion: 0 })
    expect(v1).toEqual({ ...ref, resourceId: 'alice', status: 'running', snapshot: { step: 'a', context: { x: [1, 2] } }, version: 1, createdAt: expect.any(Date), updatedAt: expect.any(Date) })
    expect(await store.getWorkflowRun(ref)).toEqual(v1)

    const v2 = await store.putWorkflowRun({ ...ref, status: 'suspended', snapshot: { step: 'b' }, expectedVersion: 1 })
    expect(v2.version).toBe(2)
    expect(v2.resourceId).toBe('alice')
    expect(v2.createdAt).toEqual(v1.createdAt)

    await expect(store.putWorkflowRun({ ...ref, status: 'failed', snapshot: null, expectedVersion: 1 })).rejects.toMatchObject({
      code: 'STORE_VERSION_CONFLICT',
      details: { workflowId: 'onboarding', runId: 'run-1', expectedVersion: 1, actualVersion: 2 },
    })
    await expect(store.putWorkflowRun({ ...ref, status: 'failed', snapshot: null, expectedVersion: 0 })).rejects.toMatchObject({ code: 'STORE_VERSION_CONFLICT' })
    await expect(store.putWorkflowRun({ workflowId: 'onboarding', runId: 'nope', status: 'x', snapshot: 1, expectedVersion: 3 })).rejects.toMatchObject({ code: 'STORE_VERSION_CONFLICT' })
    expect(await store.getWorkflowRun({ workflowId: 'onboarding', runId: 'nope' })).toBeNull()
    expect(await store.getWorkflowRun(ref)).toEqual(v2)

    // unconditional writes still advance the version
    const v3 = await store.putWorkflowRun({ ...ref, status: 'success', snapshot: 'done', resourceId: null })
    expect(v3).toMatchObject({ version: 3, status: 'success', snapshot: 'done', resourceId: null })
    expect(await store.deleteWorkflowRun(ref)).toBe(true)
    expect(await store.deleteWorkflowRun(ref)).toBe(false)
    expect(await store.getWorkflowRun(ref)).toBeNull()
    await expect(store.putWorkflowRun({ ...ref, status: 'running', snapshot: { bad: new Map() } as never })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
  })

  test('workflow runs: two writers with the same expected version, exactly one wins', async () => {
    const { store } = ctx
    for (let round = 0; round < 10; round++) {
      const ref = { workflowId: 'race', runId: `run-${round}` }
      // creation race (expectedVersion 0)
      const created = await Promise.allSettled(
        ['A', 'B'].map((w) => store.putWorkflowRun({ ...ref, status: 'running', snapshot: { writer: w, step: 0 }, expectedVersion: 0 })),
      )
      const createdOk = created.filter((r): r is PromiseFulfilledResult<WorkflowRun> => r.status === 'fulfilled')
      expect(createdOk.length).toBe(1)
      expect(created.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'STORE_VERSION_CONFLICT' } })

      // update race (expectedVersion 1)
      const updated = await Promise.allSettled(
        ['C', 'D'].map((w) => store.putWorkflowRun({ ...ref, status: 'running', snapshot: { writer: w, step: 1 }, expectedVersion: 1 })),
      )
      const winners = updated.filter((r): r is PromiseFulfilledResult<WorkflowRun> => r.status === 'fulfilled')
      expect(winners.length).toBe(1)
      expect(updated.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'STORE_VERSION_CONFLICT' } })
      const stored = await store.getWorkflowRun(ref)
      expect(stored).toEqual(winners[0].value)
      expect(stored?.version).toBe(2)
    }
  })

  test('workflow runs: list by workflow and status', async () => {
    const { store } = ctx
    const runs = [
      ['wf1', 'r1', 'running', 'alice'],
      ['wf1', 'r2', 'suspended', 'alice'],
      ['wf1', 'r3', 'success', 'bob'],
      ['wf1', 'r4', 'running', 'bob'],
      ['wf1', 'r5', 'failed', null],
      ['wf2', 'r1', 'running', 'alice'],
    ] as const
    for (const [workflowId, runId, status, resourceId] of runs) await store.putWorkflowRun({ workflowId, runId, status, resourceId, snapshot: { runId } })

    const all: WorkflowRun[] = []
    let page = await store.listWorkflowRuns({ workflowId: 'wf1', limit: 2 })
    all.push(...page.items)
    while (page.nextCursor !== null) {
      page = await store.listWorkflowRuns({ workflowId: 'wf1', limit: 2, cursor: page.nextCursor })
      all.push(...page.items)
    }
    expect(all.map((r) => r.runId).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5'])
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]
      const b = all[i]
      expect(a.createdAt.getTime() > b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.runId < b.runId)).toBe(true)
    }
    const running = await store.listWorkflowRuns({ workflowId: 'wf1', status: 'running' })
    expect(running.items.map((r) => r.runId).sort()).toEqual(['r1', 'r4'])
    expect(running.items.every((r) => r.workflowId === 'wf1')).toBe(true)
    const waiting = await store.listWorkflowRuns({ workflowId: 'wf1', status: ['suspended', 'failed'] })
    expect(waiting.items.map((r) => r.runId).sort()).toEqual(['r2', 'r5'])
    const bobs = await store.listWorkflowRuns({ workflowId: 'wf1', resourceId: 'bob', status: 'running' })
    expect(bobs.items.map((r) => r.runId)).toEqual(['r4'])
    expect(await store.listWorkflowRuns({ workflowId: 'wf3' })).toEqual({ items: [], nextCursor: null })
    expect(await store.listWorkflowRuns({ workflowId: 'wf1', status: [] })).toEqual({ items: [], nextCursor: null })
  })
}
