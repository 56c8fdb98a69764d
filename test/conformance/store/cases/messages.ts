import { expect } from 'vitest'
import type { StoredMessage, Store } from '../../../../runtime/storage/index.js'
import { PAST, textMessage, type CaseContext, type TestFn } from './context.js'

const alice = { threadId: 'chat', resourceId: 'alice' }

async function appendMany(store: Store, from: number, count: number, perCall = 50): Promise<StoredMessage[]> {
  const out: StoredMessage[] = []
  for (let i = from; i < from + count; i += perCall) {
    const n = Math.min(perCall, from + count - i)
    out.push(...(await store.appendMessages({ ...alice, messages: Array.from({ length: n }, (_, k) => textMessage(`message ${i + k}`, (i + k) % 2 ? 'assistant' : 'user', `m${i + k}`)) })))
  }
  return out
}

async function pageAll(store: Store, direction: 'forward' | 'backward', limit: number): Promise<StoredMessage[][]> {
  const pages: StoredMessage[][] = []
  let cursor: string | null = null
  do {
    const page = await store.listMessages({ ...alice, direction, limit, cursor })
    pages.push(page.items)
    cursor = page.nextCursor
  } while (cursor !== null && pages.length < 1000)
  return pages
}

function expectAscending(messages: StoredMessage[]): void {
  for (let i = 1; i < messages.length; i++) expect(messages[i].seq).toBeGreaterThan(messages[i - 1].seq)
}

export function messageCases(test: TestFn, ctx: CaseContext): void {
  test('messages: append assigns seq, fills fields and bumps thread.updatedAt', async () => {
    const { store } = ctx
    await store.createThread({ ...{ id: 'chat', resourceId: 'alice' }, createdAt: PAST })
    const at = new Date(Date.UTC(2023, 4, 5, 6, 7, 8, 9))
    const toolPart = { type: 'tool-weather', toolCallId: 'call_1', state: 'output-available', input: { city: 'Paris' }, output: { tempC: 21.5, sunny: true } }
    const filePart = { type: 'file', mediaType: 'image/png', url: 'lumos-blob:uploads/cat.png', filename: 'cat.png' }
    const stored = await store.appendMessages({
      ...alice,
      messages: [
        { id: 'u1', role: 'user', content: { parts: [{ type: 'text', text: 'Weather in Paris?' }, filePart] }, createdAt: at },
        { role: 'assistant', content: { parts: [{ type: 'step-start' }, toolPart, { type: 'text', text: 'Sunny, 21.5 °C.' }], metadata: { model: 'm', tokens: 12 } } },
        textMessage('be brief', 'system'),
      ],
    })
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3])
    expect(stored[0]).toEqual({ id: 'u1', threadId: 'chat', resourceId: 'alice', role: 'user', content: { parts: [{ type: 'text', text: 'Weather in Paris?' }, filePart] }, createdAt: at, seq: 1 })
    expect(stored[1].id).toMatch(/^.{8,}$/)
    expect(stored[1].content).toEqual({ parts: [{ type: 'step-start' }, toolPart, { type: 'text', text: 'Sunny, 21.5 °C.' }], metadata: { model: 'm', tokens: 12 } })
    expect(stored[2].role).toBe('system')

    const listed = await store.listMessages(alice)
    expect(listed).toEqual({ items: stored, nextCursor: null })
    const thread = await store.getThread(alice)
    expect(thread.updatedAt.getTime()).toBeGreaterThan(PAST.getTime())

    const more = await store.appendMessages({ ...alice, messages: [textMessage('next')] })
    expect(more[0].seq).toBe(4)
    expect(await store.appendMessages({ ...alice, messages: [] })).toEqual([])
  })

  test('messages: page through 250 forwards and backwards in pages of 7', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    const all = await appendMany(store, 0, 250)
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1))

    const forward = await pageAll(store, 'forward', 7)
    expect(forward.length).toBe(36)
    expect(forward.slice(0, -1).every((p) => p.length === 7)).toBe(true)
    expect(forward[35].length).toBe(250 - 35 * 7)
    const fwd = forward.flat()
    expect(fwd.map((m) => m.id)).toEqual(all.map((m) => m.id))
    expect(fwd).toEqual(all)

    const backward = await pageAll(store, 'backward', 7)
    expect(backward.length).toBe(36)
    expect(backward[0].map((m) => m.seq)).toEqual([244, 245, 246, 247, 248, 249, 250])
    for (const page of backward) expectAscending(page)
    expect(backward[35].map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
    expect([...backward].reverse().flat().map((m) => m.id)).toEqual(all.map((m) => m.id))
  })

  test('messages: paging is stable while messages are appended between pages', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    await appendMany(store, 0, 20)

    const seen: StoredMessage[] = []
    let page = await store.listMessages({ ...alice, limit: 7 })
    seen.push(...page.items)
    await appendMany(store, 20, 3)
    while (page.nextCursor !== null) {
      page = await store.listMessages({ ...alice, limit: 7, cursor: page.nextCursor })
      seen.push(...page.items)
      if (seen.length === 14) await appendMany(store, 23, 2)
    }
    expect(seen.map((m) => m.id)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`))

    const older: StoredMessage[][] = []
    let back = await store.listMessages({ ...alice, direction: 'backward', limit: 7 })
    older.push(back.items)
    await appendMany(store, 25, 4)
    while (back.nextCursor !== null) {
      back = await store.listMessages({ ...alice, direction: 'backward', limit: 7, cursor: back.nextCursor })
      older.push(back.items)
    }
    expect(older.reverse().flat().map((m) => m.id)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`))
  })

  test('messages: concurrent appends to one thread lose nothing', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, w) => store.appendMessages({ ...alice, messages: Array.from({ length: 5 }, (_, k) => textMessage(`w${w}-${k}`, 'user', `w${w}-${k}`)) })),
    )
    for (const batch of results) {
      // each append is contiguous and in the given order
      expect(batch.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4].map((k) => batch[0].seq + k))
    }
    const stored = (await store.listMessages({ ...alice, limit: 1000 })).items
    expect(stored.length).toBe(100)
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(new Set(stored.map((m) => m.id)).size).toBe(100)
    expect(stored.map((m) => m.id).sort()).toEqual(results.flat().map((m) => m.id).sort())
  })

  test('messages: get by ids', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    await store.createThread({ id: 'other', resourceId: 'alice' })
    await store.createThread({ id: 'bobs', resourceId: 'bob' })
    const msgs = await appendMany(store, 0, 5)
    const [o] = await store.appendMessages({ threadId: 'other', resourceId: 'alice', messages: [textMessage('o', 'user', 'o1')] })
    const [b] = await store.appendMessages({ threadId: 'bobs', resourceId: 'bob', messages: [textMessage('b', 'user', 'b1')] })

    expect(await store.getMessages({ resourceId: 'alice', ids: ['m3', 'missing', 'm0', 'o1', 'b1'] })).toEqual([msgs[3], msgs[0], o])
    expect(await store.getMessages({ resourceId: 'alice', threadId: 'chat', ids: ['m3', 'o1'] })).toEqual([msgs[3]])
    expect(await store.getMessages({ resourceId: 'bob', ids: ['b1', 'm1'] })).toEqual([b])
    expect(await store.getMessages({ resourceId: 'alice', ids: [] })).toEqual([])
  })

  test('messages: delete by ids', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice', createdAt: PAST })
    await store.createThread({ id: 'other', resourceId: 'alice' })
    await appendMany(store, 0, 5)
    await store.appendMessages({ threadId: 'other', resourceId: 'alice', messages: [textMessage('o', 'user', 'o1')] })

    expect(await store.deleteMessages({ ...alice, ids: ['m1', 'm4', 'missing', 'o1'] })).toBe(2)
    expect((await store.listMessages(alice)).items.map((m) => [m.id, m.seq])).toEqual([['m0', 1], ['m2', 3], ['m3', 4]])
    expect(await store.getMessages({ resourceId: 'alice', ids: ['o1'] })).toHaveLength(1)
    expect(await store.deleteMessages({ ...alice, ids: ['m1'] })).toBe(0)
    // seq numbers are never reused, even after deleting the newest message
    const [next] = await store.appendMessages({ ...alice, messages: [textMessage('after delete')] })
    expect(next.seq).toBe(6)
  })

  test('messages: duplicate ids and invalid content are rejected and write nothing', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    await store.createThread({ id: 'other', resourceId: 'alice' })
    await appendMany(store, 0, 2)
    const before = await store.getThread(alice)

    await expect(store.appendMessages({ ...alice, messages: [textMessage('new', 'user', 'fresh'), textMessage('again', 'user', 'm1')] })).rejects.toMatchObject({
      code: 'MESSAGE_ALREADY_EXISTS',
      details: { ids: ['m1'] },
    })
    await expect(store.appendMessages({ threadId: 'other', resourceId: 'alice', messages: [textMessage('x', 'user', 'm0')] })).rejects.toMatchObject({ code: 'MESSAGE_ALREADY_EXISTS' })
    await expect(store.appendMessages({ ...alice, messages: [textMessage('a', 'user', 'same'), textMessage('b', 'user', 'same')] })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })

    const bad: unknown[] = [
      { role: 'user', content: { parts: 'text' } },
      { role: 'user', content: { parts: [{ text: 'no type' }] } },
      { role: 'user', content: { parts: [{ type: 'file', data: new Uint8Array([1]) }] } },
      { role: 'user', content: { parts: [{ type: 'text', text: 'nul \u0000 char' }] } },
      { role: 'user', content: { parts: [{ type: 'text', text: 'lone \uD800 surrogate' }] } },
      { role: 'user', content: { parts: [{ type: 'text', text: 'x', n: Number.NaN }] } },
      { role: 'user', content: { parts: [{ type: 'text', text: 'x', when: new Date() }] } },
      { role: 'tool', content: { parts: [{ type: 'text', text: 'x' }] } },
      { id: '', role: 'user', content: { parts: [] } },
    ]
    for (const message of bad) {
      await expect(store.appendMessages({ ...alice, messages: [textMessage('ok'), message as never] })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    }
    expect((await store.listMessages(alice)).items.map((m) => m.id)).toEqual(['m0', 'm1'])
    expect(await store.getMessages({ resourceId: 'alice', ids: ['fresh'] })).toEqual([])
    expect((await store.getThread(alice)).updatedAt).toEqual(before.updatedAt)

    // JSON semantics: undefined object fields are dropped, everything else round-trips
    const [m] = await store.appendMessages({ ...alice, messages: [{ role: 'user', content: { parts: [{ type: 'text', text: 't', skip: undefined, deep: [[1.5, -2], { a: null }, false] }] } }] })
    expect((await store.getMessages({ resourceId: 'alice', ids: [m.id] }))[0].content).toStrictEqual({ parts: [{ type: 'text', text: 't', deep: [[1.5, -2], { a: null }, false] }] })
  })

  test('messages: invalid paging arguments', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    await appendMany(store, 0, 10)
    const page = await store.listMessages({ ...alice, limit: 3 })
    await expect(store.listMessages({ ...alice, direction: 'backward', cursor: page.nextCursor })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    await expect(store.listMessages({ ...alice, cursor: 'garbage!' })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    await expect(store.listMessages({ ...alice, limit: 0 })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    await expect(store.listMessages({ ...alice, limit: 1001 })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    await expect(store.listMessages({ ...alice, limit: 2.5 })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    const threads = await store.listThreads({ resourceId: 'alice', limit: 1 })
    expect(threads.nextCursor).toBeNull()
    await expect(store.listThreads({ resourceId: 'alice', cursor: page.nextCursor })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
  })

  test('messages: deleting a thread cascades to its messages and working memory', async () => {
    const { store } = ctx
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    await store.createThread({ id: 'keep', resourceId: 'alice' })
    const msgs = await appendMany(store, 0, 5)
    await store.appendMessages({ threadId: 'keep', resourceId: 'alice', messages: [textMessage('kept', 'user', 'k1')] })
    await store.setWorkingMemory({ target: { scope: 'thread', ...alice }, value: '# notes' })
    await store.setWorkingMemory({ target: { scope: 'thread', threadId: 'keep', resourceId: 'alice' }, value: 'keep notes' })
    await store.setWorkingMemory({ target: { scope: 'resource', resourceId: 'alice' }, value: 'profile' })

    await store.deleteThread(alice)
    expect(await store.getMessages({ resourceId: 'alice', ids: msgs.map((m) => m.id) })).toEqual([])
    await expect(store.getWorkingMemory({ scope: 'thread', ...alice })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
    expect(await store.getWorkingMemory({ scope: 'resource', resourceId: 'alice' })).toBe('profile')
    expect(await store.getWorkingMemory({ scope: 'thread', threadId: 'keep', resourceId: 'alice' })).toBe('keep notes')
    expect((await store.getMessages({ resourceId: 'alice', ids: ['k1'] })).length).toBe(1)

    // a new thread with the same id starts empty
    await store.createThread({ id: 'chat', resourceId: 'alice' })
    expect(await store.listMessages(alice)).toEqual({ items: [], nextCursor: null })
    expect(await store.getWorkingMemory({ scope: 'thread', ...alice })).toBeNull()
    // the deleted ids are free again
    const [again] = await store.appendMessages({ ...alice, messages: [textMessage('again', 'user', 'm0')] })
    expect(again.seq).toBe(1)
  })
}
