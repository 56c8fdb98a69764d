import { expect } from 'vitest'
import { compareKeys } from '../../../../runtime/storage/index.js'
import type { Thread } from '../../../../runtime/storage/index.js'
import { PAST, textMessage, type CaseContext, type TestFn } from './context.js'

export function threadCases(test: TestFn, ctx: CaseContext): void {
  test('threads: create, get, update, delete', async () => {
    const { store } = ctx
    const created = await store.createThread({ id: 't1', resourceId: 'alice', title: 'Hello', metadata: { topic: 'greeting', n: 1, nested: { ok: true, list: [1, 'two', null] } } })
    expect(created).toEqual({
      id: 't1',
      resourceId: 'alice',
      title: 'Hello',
      metadata: { topic: 'greeting', n: 1, nested: { ok: true, list: [1, 'two', null] } },
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    })
    expect(created.updatedAt.getTime()).toBe(created.createdAt.getTime())
    expect(await store.getThread({ threadId: 't1', resourceId: 'alice' })).toEqual(created)

    const generated = await store.createThread({ resourceId: 'alice' })
    expect(generated.id).toMatch(/^.{8,}$/)
    expect(generated.id).not.toBe('t1')
    expect(generated.title).toBeNull()
    expect(generated.metadata).toEqual({})

    const past = await store.createThread({ id: 't-past', resourceId: 'alice', createdAt: PAST })
    expect(past.createdAt.getTime()).toBe(PAST.getTime())
    const renamed = await store.updateThread({ threadId: 't-past', resourceId: 'alice', title: 'Renamed', metadata: { replaced: true } })
    expect(renamed.title).toBe('Renamed')
    expect(renamed.metadata).toEqual({ replaced: true })
    expect(renamed.createdAt.getTime()).toBe(PAST.getTime())
    expect(renamed.updatedAt.getTime()).toBeGreaterThan(PAST.getTime())
    const titleOnly = await store.updateThread({ threadId: 't-past', resourceId: 'alice', title: null })
    expect(titleOnly.title).toBeNull()
    expect(titleOnly.metadata).toEqual({ replaced: true })
    expect(await store.getThread({ threadId: 't-past', resourceId: 'alice' })).toEqual(titleOnly)

    await store.deleteThread({ threadId: 't1', resourceId: 'alice' })
    await expect(store.getThread({ threadId: 't1', resourceId: 'alice' })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
    await expect(store.deleteThread({ threadId: 't1', resourceId: 'alice' })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
    await expect(store.updateThread({ threadId: 't1', resourceId: 'alice', title: 'x' })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
  })

  test('threads: creating an existing id', async () => {
    const { store } = ctx
    const first = await store.createThread({ id: 'dup', resourceId: 'alice', title: 'first' })
    await expect(store.createThread({ id: 'dup', resourceId: 'alice', title: 'second' })).rejects.toMatchObject({ code: 'THREAD_ALREADY_EXISTS' })
    expect(await store.createThread({ id: 'dup', resourceId: 'alice', title: 'second', ifExists: 'return' })).toEqual(first)
    await expect(store.createThread({ id: 'dup', resourceId: 'bob', ifExists: 'return' })).rejects.toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    await expect(store.createThread({ id: 'dup', resourceId: 'bob' })).rejects.toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    expect((await store.getThread({ threadId: 'dup', resourceId: 'alice' })).title).toBe('first')
  })

  test('threads: list by resource, most recently updated first, paged', async () => {
    const { store } = ctx
    const base = Date.UTC(2024, 0, 1)
    for (let i = 0; i < 12; i++) await store.createThread({ id: `a${String(i).padStart(2, '0')}`, resourceId: 'alice', createdAt: new Date(base + i * 1000) })
    // equal updatedAt: ordered by id
    await store.createThread({ id: 'tie-b', resourceId: 'alice', createdAt: new Date(base + 5500) })
    await store.createThread({ id: 'tie-a', resourceId: 'alice', createdAt: new Date(base + 5500) })
    for (let i = 0; i < 3; i++) await store.createThread({ id: `b${i}`, resourceId: 'bob', createdAt: new Date(base + i) })

    const seen: Thread[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await store.listThreads({ resourceId: 'alice', limit: 5, cursor })
      expect(page.items.length).toBeLessThanOrEqual(5)
      seen.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor !== null && pages < 10)
    expect(pages).toBe(3)
    expect(seen.map((t) => t.id)).toEqual(['a11', 'a10', 'a09', 'a08', 'a07', 'a06', 'tie-a', 'tie-b', 'a05', 'a04', 'a03', 'a02', 'a01', 'a00'])
    expect(seen.every((t) => t.resourceId === 'alice')).toBe(true)

    // appending a message moves the thread to the front
    await store.appendMessages({ threadId: 'a00', resourceId: 'alice', messages: [textMessage('hi')] })
    expect((await store.listThreads({ resourceId: 'alice', limit: 1 })).items.map((t) => t.id)).toEqual(['a00'])

    const bob = await store.listThreads({ resourceId: 'bob' })
    expect(bob).toEqual({ items: expect.any(Array), nextCursor: null })
    expect(bob.items.map((t) => t.id)).toEqual(['b2', 'b1', 'b0'])
    expect(await store.listThreads({ resourceId: 'nobody' })).toEqual({ items: [], nextCursor: null })
  })

  test('threads: tenant scoping', async () => {
    const { store } = ctx
    await store.createThread({ id: 'secret', resourceId: 'alice', title: 'alice only' })
    const [m] = await store.appendMessages({ threadId: 'secret', resourceId: 'alice', messages: [textMessage('private')] })
    await store.setWorkingMemory({ target: { scope: 'thread', threadId: 'secret', resourceId: 'alice' }, value: 'alice notes' })
    const bob = { threadId: 'secret', resourceId: 'bob' }
    const denied = { code: 'THREAD_ACCESS_DENIED' }
    await expect(store.getThread(bob)).rejects.toMatchObject(denied)
    await expect(store.updateThread({ ...bob, title: 'pwned' })).rejects.toMatchObject(denied)
    await expect(store.deleteThread(bob)).rejects.toMatchObject(denied)
    await expect(store.appendMessages({ ...bob, messages: [textMessage('spam')] })).rejects.toMatchObject(denied)
    await expect(store.listMessages(bob)).rejects.toMatchObject(denied)
    await expect(store.deleteMessages({ ...bob, ids: [m.id] })).rejects.toMatchObject(denied)
    await expect(store.loadContext({ ...bob, lastMessages: 10 })).rejects.toMatchObject(denied)
    await expect(store.getWorkingMemory({ scope: 'thread', ...bob })).rejects.toMatchObject(denied)
    await expect(store.setWorkingMemory({ target: { scope: 'thread', ...bob }, value: 'x' })).rejects.toMatchObject(denied)
    expect(await store.getMessages({ resourceId: 'bob', ids: [m.id] })).toEqual([])
    expect(await store.getMessages({ resourceId: 'bob', threadId: 'secret', ids: [m.id] })).toEqual([])
    expect((await store.listThreads({ resourceId: 'bob' })).items).toEqual([])

    // nothing changed for alice
    const alice = { threadId: 'secret', resourceId: 'alice' }
    expect((await store.getThread(alice)).title).toBe('alice only')
    expect((await store.listMessages(alice)).items.map((x) => x.id)).toEqual([m.id])
    expect(await store.getWorkingMemory({ scope: 'thread', ...alice })).toBe('alice notes')

    const missing = { threadId: 'nope', resourceId: 'alice' }
    const notFound = { code: 'THREAD_NOT_FOUND' }
    await expect(store.getThread(missing)).rejects.toMatchObject(notFound)
    await expect(store.appendMessages({ ...missing, messages: [textMessage('x')] })).rejects.toMatchObject(notFound)
    await expect(store.listMessages(missing)).rejects.toMatchObject(notFound)
    await expect(store.deleteMessages({ ...missing, ids: ['x'] })).rejects.toMatchObject(notFound)
    await expect(store.getWorkingMemory({ scope: 'thread', ...missing })).rejects.toMatchObject(notFound)
  })

  test('threads: ids sort by code point in lists', async () => {
    const { store } = ctx
    const at = new Date(Date.UTC(2024, 5, 1))
    const ids = ['\uE000', '😀', 'z', 'Z', 'é', 'e\u0301', '中']
    for (const id of ids) await store.createThread({ id, resourceId: 'r', createdAt: at })
    const listed = (await store.listThreads({ resourceId: 'r', limit: 3 })).items.map((t) => t.id)
    const all: string[] = [...listed]
    let page = await store.listThreads({ resourceId: 'r', limit: 3 })
    while (page.nextCursor !== null) {
      page = await store.listThreads({ resourceId: 'r', limit: 3, cursor: page.nextCursor })
      all.push(...page.items.map((t) => t.id))
    }
    expect(all).toEqual([...ids].sort(compareKeys))
    expect(all).toEqual(['Z', 'e\u0301', 'z', 'é', '中', '\uE000', '😀'])
  })
}
