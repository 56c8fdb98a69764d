import { expect } from 'vitest'
import { setWriteFault } from '../../../../runtime/storage/index.js'
import type { Store, StoreOp } from '../../../../runtime/storage/index.js'
import { PAST, pseudoRandomBytes, textMessage, type CaseContext, type TestFn } from './context.js'

const alice = { threadId: 'chat', resourceId: 'alice' }

function checksum(bytes: Uint8Array | null): string {
  if (bytes === null) return 'null'
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.byteLength; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
  return `${bytes.byteLength}:${h >>> 0}`
}

/** Everything observable for resource "alice", workflow "wf" and all blobs. */
async function dump(store: Store): Promise<unknown> {
  const threads = (await store.listThreads({ resourceId: 'alice', limit: 1000 })).items
  const perThread = await Promise.all(
    threads.map(async (t) => ({
      thread: t,
      messages: (await store.listMessages({ threadId: t.id, resourceId: 'alice', limit: 1000 })).items,
      wm: await store.getWorkingMemory({ scope: 'thread', threadId: t.id, resourceId: 'alice' }),
    })),
  )
  const blobs = (await store.listBlobs({ limit: 1000 })).items
  const bytes = await Promise.all(blobs.map(async (b) => checksum(await store.getBlob(b.key))))
  return {
    perThread,
    resourceWm: await store.getWorkingMemory({ scope: 'resource', resourceId: 'alice' }),
    runs: (await store.listWorkflowRuns({ workflowId: 'wf', limit: 1000 })).items,
    blobs,
    bytes,
  }
}

async function seed(store: Store): Promise<void> {
  await store.createThread({ id: 'chat', resourceId: 'alice', createdAt: PAST })
  await store.appendMessages({ ...alice, messages: [textMessage('one', 'user', 'm1'), textMessage('two', 'assistant', 'm2')] })
  await store.setWorkingMemory({ target: { scope: 'thread', ...alice }, value: 'thread wm v1' })
  await store.setWorkingMemory({ target: { scope: 'resource', resourceId: 'alice' }, value: 'resource wm v1' })
  await store.putWorkflowRun({ workflowId: 'wf', runId: 'r1', status: 'running', snapshot: { step: 1 } })
  await store.putBlob('seg/0', new Uint8Array([1, 2, 3]))
}

/** A turn's worth of writes touching every kind of record; `tail` ops go last. */
function turn(tail: StoreOp[]): StoreOp[] {
  return [
    { type: 'createThread', id: 'new-thread', resourceId: 'alice', title: 'new' },
    { type: 'appendMessages', ...alice, messages: [textMessage('three', 'user', 'm3'), textMessage('four', 'assistant', 'm4')] },
    { type: 'appendMessages', threadId: 'new-thread', resourceId: 'alice', messages: [textMessage('hello', 'user', 'n1')] },
    { type: 'setWorkingMemory', target: { scope: 'thread', ...alice }, value: 'thread wm v2' },
    { type: 'setWorkingMemory', target: { scope: 'resource', resourceId: 'alice' }, value: 'resource wm v2' },
    { type: 'updateThread', ...alice, title: 'renamed' },
    { type: 'deleteMessages', ...alice, ids: ['m1'] },
    { type: 'putWorkflowRun', workflowId: 'wf', runId: 'r1', status: 'success', snapshot: { step: 2 }, expectedVersion: 1 },
    { type: 'appendBlob', key: 'seg/0', bytes: pseudoRandomBytes(3 * 1024 * 1024 + 5, 9) },
    { type: 'putBlob', key: 'seg/1', bytes: new Uint8Array([4, 5]) },
    { type: 'deleteBlob', key: 'seg/0' },
    ...tail,
  ]
}

export function batchCases(test: TestFn, ctx: CaseContext): void {
  test('batch: one atomic write for a whole agent turn', async () => {
    const { store } = ctx
    const results = await store.batch([
      { type: 'createThread', id: 'chat', resourceId: 'alice', title: 'Trip', ifExists: 'return' },
      { type: 'appendMessages', ...alice, messages: [textMessage('plan a trip', 'user', 'u1'), textMessage('sure', 'assistant', 'a1')] },
      { type: 'setWorkingMemory', target: { scope: 'resource', resourceId: 'alice' }, value: '- likes trains' },
      { type: 'putBlob', key: 'k', bytes: new Uint8Array([7]) },
    ])
    const [thread, messages, wm, blob] = results
    expect(thread.title).toBe('Trip')
    expect(messages.map((m) => m.seq)).toEqual([1, 2])
    expect(wm).toBeUndefined()
    expect(blob).toMatchObject({ key: 'k', size: 1, segments: 1 })
    const loaded = await store.loadContext({ ...alice, lastMessages: 10, workingMemory: 'resource' })
    expect(loaded.thread?.title).toBe('Trip')
    expect(loaded.thread?.updatedAt.getTime()).toBeGreaterThanOrEqual(thread.createdAt.getTime())
    expect(loaded.messages).toEqual(messages)
    expect(loaded.workingMemory).toBe('- likes trains')
    expect(await store.batch([])).toEqual([])

    // the whole turn applies, in order
    await store.putWorkflowRun({ workflowId: 'wf', runId: 'r1', status: 'running', snapshot: { step: 1 } })
    await store.putBlob('seg/0', new Uint8Array([1]))
    const out = await store.batch(turn([]))
    expect(out).toHaveLength(11)
    expect((await store.listMessages(alice)).items.map((m) => m.id)).toEqual(['u1', 'a1', 'm3', 'm4'])
    expect(await store.getBlob('seg/0')).toBeNull()
    expect((await store.getWorkflowRun({ workflowId: 'wf', runId: 'r1' }))?.version).toBe(2)
  })

  test('batch: a batch with one invalid op writes nothing', async () => {
    const { store } = ctx
    await seed(store)
    const before = await dump(store)
    const failures: Array<[StoreOp[], string]> = [
      // rejected by validation before anything runs
      [turn([{ type: 'appendMessages', ...alice, messages: [{ role: 'user', content: { parts: 'oops' } } as never] }]), 'STORE_INPUT_INVALID'],
      [turn([{ type: 'nope' } as never]), 'STORE_INPUT_INVALID'],
      // rejected while executing, after the earlier ops ran inside the transaction
      [turn([{ type: 'appendMessages', threadId: 'missing', resourceId: 'alice', messages: [textMessage('x')] }]), 'THREAD_NOT_FOUND'],
      [turn([{ type: 'updateThread', threadId: 'chat', resourceId: 'mallory', title: 'x' }]), 'THREAD_ACCESS_DENIED'],
      [turn([{ type: 'appendMessages', ...alice, messages: [textMessage('dup', 'user', 'm2')] }]), 'MESSAGE_ALREADY_EXISTS'],
      [turn([{ type: 'appendMessages', ...alice, messages: [textMessage('dup', 'user', 'n1')] }]), 'MESSAGE_ALREADY_EXISTS'],
      [turn([{ type: 'createThread', id: 'new-thread', resourceId: 'alice' }]), 'THREAD_ALREADY_EXISTS'],
      [turn([{ type: 'putWorkflowRun', workflowId: 'wf', runId: 'r1', status: 'x', snapshot: null, expectedVersion: 1 }]), 'STORE_VERSION_CONFLICT'],
    ]
    for (const [ops, code] of failures) {
      await expect(store.batch(ops)).rejects.toMatchObject({ code })
      expect(await dump(store)).toEqual(before)
    }
    expect(await store.getMessages({ resourceId: 'alice', ids: ['m3', 'n1'] })).toEqual([])
    await expect(store.getThread({ threadId: 'new-thread', resourceId: 'alice' })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
  })

  test('batch: a failure in the middle of the write leaves nothing half-written', async () => {
    const { store } = ctx
    await seed(store)
    const before = await dump(store)
    const ops = turn([])
    for (const at of [1, 5, 9, ops.length - 1]) {
      setWriteFault(store, ({ index }) => {
        if (index === at) throw new Error(`injected fault before op ${at}`)
      })
      const error = await store.batch(ops).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: { message: `injected fault before op ${at}` } })
      expect(await dump(store)).toEqual(before)
    }
    // an async fault is awaited inside the transaction, too
    setWriteFault(store, async ({ index }) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (index === 3) throw new Error('late fault')
    })
    await expect(store.batch(ops)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(await dump(store)).toEqual(before)

    // the store is healthy afterwards and the same batch now succeeds
    setWriteFault(store, undefined)
    await store.batch(ops)
    expect((await store.listMessages(alice)).items.map((m) => m.id)).toEqual(['m2', 'm3', 'm4'])
    expect(await store.getWorkingMemory({ scope: 'resource', resourceId: 'alice' })).toBe('resource wm v2')
  })

  test('close: later calls reject with STORE_CLOSED', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    await store.close()
    await expect(store.getThread(alice)).rejects.toMatchObject({ code: 'STORE_CLOSED' })
    await expect(store.appendMessages({ ...alice, messages: [textMessage('x')] })).rejects.toMatchObject({ code: 'STORE_CLOSED' })
    await store.close()
  })
}
