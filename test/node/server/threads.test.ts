import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { createFixture, postJson, start } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

const send = (url: string, method: string, body: unknown) => fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('threads, messages and working memory', () => {
  it('CRUD with resource scoping (403 for another resource, 404 for unknown)', async () => {
    const fx = createFixture()
    served = await start(fx.options)
    const u = served.url
    const created = await postJson(`${u}/api/threads`, { resourceId: 'alice', id: 't1', title: 'First', metadata: { tag: 'x' } })
    expect(created.status).toBe(201)
    const thread = await created.json()
    expect(thread).toMatchObject({ id: 't1', resourceId: 'alice', title: 'First', metadata: { tag: 'x' } })
    expect(typeof thread.createdAt).toBe('string')

    const dup = await postJson(`${u}/api/threads`, { resourceId: 'alice', id: 't1' })
    expect(dup.status).toBe(409)
    expect((await dup.json()).error.code).toBe('THREAD_ALREADY_EXISTS')

    await postJson(`${u}/api/threads`, { resourceId: 'alice', id: 't2' })
    await postJson(`${u}/api/threads`, { resourceId: 'bob', id: 'b1' })
    const list = await (await fetch(`${u}/api/threads?resourceId=alice&limit=1`)).json()
    expect(list.items).toHaveLength(1)
    expect(typeof list.nextCursor).toBe('string')
    const rest = await (await fetch(`${u}/api/threads?resourceId=alice&limit=1&cursor=${encodeURIComponent(list.nextCursor)}`)).json()
    expect([list.items[0].id, rest.items[0].id].sort()).toEqual(['t1', 't2'])

    const denied = await fetch(`${u}/api/threads/t1?resourceId=bob`)
    expect(denied.status).toBe(403)
    expect((await denied.json()).error.code).toBe('THREAD_ACCESS_DENIED')
    const missing = await fetch(`${u}/api/threads/zzz?resourceId=alice`)
    expect(missing.status).toBe(404)
    expect((await missing.json()).error.code).toBe('THREAD_NOT_FOUND')
    const noResource = await fetch(`${u}/api/threads/t1`)
    expect(noResource.status).toBe(400)
    expect((await noResource.json()).error).toMatchObject({ code: 'REQUEST_INVALID', details: { param: 'resourceId' } })

    const patched = await send(`${u}/api/threads/t1`, 'PATCH', { resourceId: 'alice', title: 'Renamed' })
    expect((await patched.json()).title).toBe('Renamed')
    const patchDenied = await send(`${u}/api/threads/t1`, 'PATCH', { resourceId: 'bob', title: 'x' })
    expect(patchDenied.status).toBe(403)

    await fx.store.appendMessages({ threadId: 't1', resourceId: 'alice', messages: [1, 2, 3].map((i) => ({ id: `m${i}`, role: 'user' as const, content: { parts: [{ type: 'text', text: `msg ${i}` }] } })) })
    const back = await (await fetch(`${u}/api/threads/t1/messages?resourceId=alice&direction=backward&limit=2`)).json()
    expect(back.items.map((m: { id: string }) => m.id)).toEqual(['m2', 'm3'])
    expect(back.items[0]).toMatchObject({ threadId: 't1', resourceId: 'alice', role: 'user', seq: 2, content: { parts: [{ type: 'text', text: 'msg 2' }] } })
    const msgDenied = await fetch(`${u}/api/threads/t1/messages?resourceId=bob`)
    expect(msgDenied.status).toBe(403)
    const badDir = await fetch(`${u}/api/threads/t1/messages?resourceId=alice&direction=sideways`)
    expect(badDir.status).toBe(400)

    const del = await fetch(`${u}/api/threads/t1?resourceId=alice`, { method: 'DELETE' })
    expect(await del.json()).toEqual({ deleted: true })
    expect((await fetch(`${u}/api/threads/t1?resourceId=alice`)).status).toBe(404)
  })

  it('working memory get/set per thread and per resource', async () => {
    const fx = createFixture()
    served = await start(fx.options)
    const u = served.url
    await postJson(`${u}/api/threads`, { resourceId: 'alice', id: 't1' })
    expect(await (await fetch(`${u}/api/threads/t1/working-memory?resourceId=alice`)).json()).toEqual({ value: null })
    const put = await send(`${u}/api/threads/t1/working-memory`, 'PUT', { resourceId: 'alice', value: '# Name\nAlice' })
    expect(await put.json()).toEqual({ value: '# Name\nAlice' })
    expect(await (await fetch(`${u}/api/threads/t1/working-memory?resourceId=alice&scope=thread`)).json()).toEqual({ value: '# Name\nAlice' })
    await send(`${u}/api/threads/t1/working-memory`, 'PUT', { resourceId: 'alice', scope: 'resource', value: 'shared' })
    expect(await (await fetch(`${u}/api/threads/t1/working-memory?resourceId=alice&scope=resource`)).json()).toEqual({ value: 'shared' })
    expect(await fx.store.getWorkingMemory({ scope: 'resource', resourceId: 'alice' })).toBe('shared')
    const denied = await send(`${u}/api/threads/t1/working-memory`, 'PUT', { resourceId: 'bob', scope: 'resource', value: 'steal' })
    expect(denied.status).toBe(403)
    expect(await fx.store.getWorkingMemory({ scope: 'resource', resourceId: 'bob' })).toBe(null)
    const badValue = await send(`${u}/api/threads/t1/working-memory`, 'PUT', { resourceId: 'alice', value: 42 })
    expect(badValue.status).toBe(400)
  })

  it('without a store the routes answer 404 FEATURE_NOT_CONFIGURED', async () => {
    served = await start({ ...createFixture().options, store: undefined })
    const res = await fetch(`${served.url}/api/threads?resourceId=a`)
    expect(res.status).toBe(404)
    expect((await res.json()).error).toMatchObject({ code: 'FEATURE_NOT_CONFIGURED', details: { option: 'store' } })
  })

  it('traces: runs grouped by trace, newest first', async () => {
    const fx = createFixture()
    served = await start(fx.options)
    await postJson(`${served.url}/api/agents/assistant/generate`, { prompt: 'weather?' })
    await postJson(`${served.url}/api/agents/assistant/generate`, { prompt: 'hello' })
    const body = await (await fetch(`${served.url}/api/traces?limit=5`)).json()
    expect(body.traces).toHaveLength(2)
    // newest first: the 'hello' run has one model call, the weather run two plus a tool span
    expect(body.traces[0].name).toBe('invoke_agent Assistant')
    expect(body.traces[0].spans.map((s: { name: string }) => s.name)).toEqual(['invoke_agent Assistant', 'chat mock-model'])
    expect(body.traces[1].spans.length).toBeGreaterThanOrEqual(4)
    expect(new Set(body.traces[1].spans.map((s: { traceId: string }) => s.traceId)).size).toBe(1)
    const one = await (await fetch(`${served.url}/api/traces?limit=1`)).json()
    expect(one.traces).toHaveLength(1)
  })

  it('traces need a span-keeping tracer (an exporting tracer is ignored, not a crash)', async () => {
    const exporting = { startSpan: () => ({}) } as never
    served = await start({ ...createFixture().options, tracer: exporting })
    const res = await fetch(`${served.url}/api/traces`)
    expect(res.status).toBe(404)
    expect((await res.json()).error).toMatchObject({ code: 'FEATURE_NOT_CONFIGURED', details: { option: 'tracer' } })
  })
})
