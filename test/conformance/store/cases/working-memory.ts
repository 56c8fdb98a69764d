import { expect } from 'vitest'
import { textMessage, type CaseContext, type TestFn } from './context.js'

export function workingMemoryCases(test: TestFn, ctx: CaseContext): void {
  test('working memory: per thread and per resource', async () => {
    const { store } = ctx
    await store.createThread({ id: 't1', resourceId: 'alice' })
    await store.createThread({ id: 't2', resourceId: 'alice' })
    await store.createThread({ id: 't3', resourceId: 'bob' })
    const t1 = { scope: 'thread', threadId: 't1', resourceId: 'alice' } as const
    const t2 = { scope: 'thread', threadId: 't2', resourceId: 'alice' } as const
    const aliceRes = { scope: 'resource', resourceId: 'alice' } as const
    const bobRes = { scope: 'resource', resourceId: 'bob' } as const

    expect(await store.getWorkingMemory(t1)).toBeNull()
    expect(await store.getWorkingMemory(aliceRes)).toBeNull()

    const markdown = '# User\n- name: Alice\n- likes: **tea**\n'
    const json = JSON.stringify({ name: 'Alice', prefs: { tea: true } })
    await store.setWorkingMemory({ target: t1, value: markdown })
    await store.setWorkingMemory({ target: aliceRes, value: json })
    await store.setWorkingMemory({ target: bobRes, value: 'bob' })
    expect(await store.getWorkingMemory(t1)).toBe(markdown)
    expect(await store.getWorkingMemory(t2)).toBeNull()
    expect(await store.getWorkingMemory(aliceRes)).toBe(json)
    expect(await store.getWorkingMemory(bobRes)).toBe('bob')
    // a thread id equal to a resource id does not collide
    await store.createThread({ id: 'alice', resourceId: 'alice' })
    expect(await store.getWorkingMemory({ scope: 'thread', threadId: 'alice', resourceId: 'alice' })).toBeNull()

    await store.setWorkingMemory({ target: t1, value: '' })
    expect(await store.getWorkingMemory(t1)).toBe('')
    await store.setWorkingMemory({ target: t1, value: null })
    expect(await store.getWorkingMemory(t1)).toBeNull()
    await store.setWorkingMemory({ target: aliceRes, value: 'v2' })
    expect(await store.getWorkingMemory(aliceRes)).toBe('v2')

    await expect(store.setWorkingMemory({ target: { scope: 'thread', threadId: 'nope', resourceId: 'alice' }, value: 'x' })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
    await expect(store.setWorkingMemory({ target: { scope: 'user' } as never, value: 'x' })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    await expect(store.setWorkingMemory({ target: aliceRes, value: 42 as never })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
  })

  test('loadContext: thread, last N messages and working memory in one read', async () => {
    const { store } = ctx
    const ref = { threadId: 'chat', resourceId: 'alice' }
    await store.setWorkingMemory({ target: { scope: 'resource', resourceId: 'alice' }, value: 'profile' })

    // first turn: the thread does not exist yet
    expect(await store.loadContext({ ...ref, lastMessages: 5, workingMemory: 'resource' })).toEqual({ thread: null, messages: [], olderCursor: null, workingMemory: 'profile' })
    expect(await store.loadContext({ ...ref, workingMemory: 'thread' })).toEqual({ thread: null, messages: [], olderCursor: null, workingMemory: null })

    const thread = await store.createThread({ id: 'chat', resourceId: 'alice' })
    expect(await store.loadContext({ ...ref, lastMessages: 5 })).toEqual({ thread, messages: [], olderCursor: null, workingMemory: null })

    const all = await store.appendMessages({ ...ref, messages: Array.from({ length: 10 }, (_, i) => textMessage(`m${i}`, 'user', `m${i}`)) })
    await store.setWorkingMemory({ target: { scope: 'thread', ...ref }, value: 'thread notes' })

    const loaded = await store.loadContext({ ...ref, lastMessages: 4, workingMemory: 'thread' })
    expect(loaded.thread).toEqual(await store.getThread(ref))
    expect(loaded.messages).toEqual(all.slice(6))
    expect(loaded.workingMemory).toBe('thread notes')
    expect(loaded.olderCursor).toEqual(expect.any(String))
    const older = await store.listMessages({ ...ref, direction: 'backward', limit: 100, cursor: loaded.olderCursor })
    expect(older).toEqual({ items: all.slice(0, 6), nextCursor: null })

    expect((await store.loadContext({ ...ref, lastMessages: 10 })).olderCursor).toBeNull()
    expect((await store.loadContext({ ...ref, lastMessages: 50 })).messages).toEqual(all)
    const none = await store.loadContext({ ...ref, lastMessages: 0, workingMemory: 'resource' })
    expect(none.messages).toEqual([])
    expect(none.workingMemory).toBe('profile')
    expect((await store.listMessages({ ...ref, direction: 'backward', limit: 100, cursor: none.olderCursor })).items).toEqual(all)
    await expect(store.loadContext({ ...ref, lastMessages: -1 })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
  })
}
