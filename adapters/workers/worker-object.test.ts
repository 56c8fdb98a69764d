// createWorkerHandler + createAgentObject in workerd (Miniflare, SQLite Durable Objects): routing of
// threads and runs to their objects, workflow sleep -> alarm, and an evicted sleeping run continued
// by alarm(). Pure helpers (routeToObject, earliestWakeAt, loadSnapshotBytes) are checked in Node.
//   npx vitest run adapters/workers/worker-object.test.ts
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startWorkerd } from '../../test/portable/runners/workerd.js'
import { earliestWakeAt } from './agent-object.js'
import { loadSnapshotBytes } from './snapshot-source.js'
import { routeToObject } from './worker-handler.js'

const json = (path: string, body: unknown) => new Request(`http://x${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('routeToObject', () => {
  it('names the object of a thread or a run, and leaves the rest to the front Worker', async () => {
    expect(await routeToObject(json('/api/agents/a/stream', { id: 'chat-1', resourceId: 'u', messages: [] }))).toEqual({ name: 'thread:chat-1' })
    expect(await routeToObject(json('/api/agents/a/generate', { prompt: 'x', threadId: 't', resourceId: 'u' }))).toEqual({ name: 'thread:t' })
    expect(await routeToObject(json('/api/agents/a/stream', { id: 'chat-1', messages: [] }))).toBeNull() // no resource: stateless, like the server reads it
    expect(await routeToObject(json('/api/agents/a/generate', { prompt: 'x', threadId: 't' }))).toBeNull() // the front answers the 400
    expect(await routeToObject(new Request('http://x/api/threads/t%201/messages?resourceId=u'))).toEqual({ name: 'thread:t 1' })
    expect(await routeToObject(new Request('http://x/api/workflows/w/runs/r9'))).toEqual({ name: 'run:r9' })
    expect(await routeToObject(json('/api/workflows/w/runs/r9/resume', {}))).toEqual({ name: 'run:r9' })
    expect(await routeToObject(json('/api/workflows/w/runs', { runId: 'r1' }))).toEqual({ name: 'run:r1' })
    const fresh = await routeToObject(json('/api/workflows/w/runs/stream', { inputData: 1 }))
    const runId = JSON.parse(fresh!.body!).runId
    expect(fresh).toEqual({ name: `run:${runId}`, body: JSON.stringify({ inputData: 1, runId }) })
    const thread = await routeToObject(json('/api/threads', { resourceId: 'u' }))
    expect(thread?.name).toBe(`thread:${JSON.parse(thread!.body!).id}`)
    for (const path of ['/api/agents', '/api/health', '/v1/chat/completions', '/openapi.json']) expect(await routeToObject(new Request(`http://x${path}`))).toBeNull()
    expect(await routeToObject(new Request('http://x/api/threads?resourceId=u'))).toBeNull()
    expect(await routeToObject(new Request('http://x/api/agents/a/stream', { method: 'POST', body: '{"threadId":"t","resourceId":"u"}' }))).toBeNull() // not JSON content-type
  })
})

describe('earliestWakeAt / loadSnapshotBytes', () => {
  it('finds the earliest wake time in a snapshot', () => {
    expect(earliestWakeAt({ root: { results: {}, children: [{ wakeAt: 30 }, { x: { wakeAt: 20 } }] } })).toBe(20)
    expect(earliestWakeAt({ root: { results: { a: { status: 'success' } } } })).toBeUndefined()
  })

  it('reads bundled bytes, an asset, a KV value and an R2 object; missing ones are typed errors', async () => {
    const bytes = new Uint8Array([1, 2, 3])
    expect(await loadSnapshotBytes({ bytes: bytes.buffer })).toEqual(bytes)
    let asked = ''
    const assets = { fetch: async (req: Request | string | URL) => ((asked = new URL(String(req instanceof Request ? req.url : req)).pathname), asked === '/docs.lumos' ? new Response(bytes) : new Response('no', { status: 404 })) }
    expect(await loadSnapshotBytes({ assets, path: '/docs.lumos' })).toEqual(bytes)
    await expect(loadSnapshotBytes({ assets, path: '/nope.lumos' })).rejects.toMatchObject({ code: 'SNAPSHOT_SOURCE_UNAVAILABLE', details: { status: 404 } })
    const kv = { get: async (key: string) => (key === 'k' ? bytes.buffer : null) }
    expect(await loadSnapshotBytes({ kv, key: 'k' })).toEqual(bytes)
    await expect(loadSnapshotBytes({ kv, key: 'x' })).rejects.toMatchObject({ code: 'SNAPSHOT_SOURCE_UNAVAILABLE' })
    const r2 = { get: async (key: string) => (key === 'k' ? { arrayBuffer: async () => bytes.buffer } : null) }
    expect(await loadSnapshotBytes({ r2, key: 'k' })).toEqual(bytes)
    await expect(loadSnapshotBytes({ r2: undefined as never, key: 'k' })).rejects.toMatchObject({ code: 'SNAPSHOT_SOURCE_UNAVAILABLE', details: { source: 'r2' } })
  })
})

const assetsDir = await mkdtemp(join(tmpdir(), 'lumos-assets-'))
await copyFile(new URL('../../examples/worker/docs.lumos', import.meta.url).pathname, join(assetsDir, 'docs.lumos'))

const mf = await startWorkerd({
  entry: new URL('./test/object-entry.ts', import.meta.url).pathname,
  durableObjects: { LUMOS_OBJECT: { className: 'LumosAgentObject', useSQLite: true } },
  extra: { assets: { directory: assetsDir, binding: 'ASSETS', routerConfig: { has_user_worker: true } } },
})
afterAll(async () => {
  await rm(assetsDir, { recursive: true, force: true })
})

async function call(path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await mf!.dispatchFetch(`http://lumos.test${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

describe.skipIf(mf === null)('createWorkerHandler + createAgentObject in workerd', () => {
  it('loads an index snapshot from the [assets] binding at cold start', async () => {
    const sources = (await call('/__snapshot?q=bearer%20token%20auth')).body as string[]
    expect(sources.length).toBeGreaterThan(0)
    expect(sources).toContain('runtime/server/README.md')
  })

  it('keeps each thread in its own object; the front Worker has no cross-object thread list', async () => {
    expect((await call('/api/agents/helper/generate', { prompt: 'hi', threadId: 'a', resourceId: 'u' })).status).toBe(200)
    expect((await call('/api/agents/helper/generate', { prompt: 'again', threadId: 'a', resourceId: 'u' })).status).toBe(200)
    expect((await call('/api/agents/helper/generate', { prompt: 'other', threadId: 'b', resourceId: 'u' })).status).toBe(200)
    const a = await call('/api/threads/a/messages?resourceId=u')
    expect(a.body.items.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect((await call('/api/threads/b/messages?resourceId=u')).body.items).toHaveLength(2)
    const list = await call('/api/threads?resourceId=u')
    expect(list.status).toBe(404)
    expect(list.body.error.code).toBe('FEATURE_NOT_CONFIGURED')
    const created = await call('/api/threads', { resourceId: 'u', title: 'new' })
    expect(created.status).toBe(201)
    expect((await call(`/api/threads/${created.body.id}?resourceId=u`)).body.title).toBe('new')
  })

  it('a workflow sleep sets the object alarm at the wake time; the run finishes in its request', async () => {
    const t0 = Date.now()
    const pending = call('/api/workflows/nap/runs', { runId: 'r1', inputData: { n: 2 } })
    await new Promise((resolve) => setTimeout(resolve, 500))
    const { alarm } = (await call('/__obj/run%3Ar1/alarm')).body
    expect(alarm).toBeGreaterThanOrEqual(t0 + 1500 - 50)
    expect(alarm).toBeLessThanOrEqual(Date.now() + 1500)
    const done = await pending
    expect(done.body).toMatchObject({ runId: 'r1', status: 'success', result: { n: 5 } })
    expect((await call('/api/workflows/nap/runs/r1')).body.status).toBe('success')
  })

  it('a run left sleeping by an evicted object is continued by alarm() at its wake time', async () => {
    const seeded = (await call('/__obj/run%3Ar2/seed?runId=r2')).body
    expect(seeded.status).toBe('running')
    expect((await call('/api/workflows/nap/runs/r2')).body.status).toBe('running')
    let status = 'running'
    const deadline = Date.now() + 10_000
    while (status === 'running' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      status = (await call('/api/workflows/nap/runs/r2')).body.status
    }
    expect(status).toBe('success')
    expect(Date.now()).toBeGreaterThanOrEqual(seeded.wakeAt)
    expect((await call('/api/workflows/nap/runs/r2')).body.snapshot.result).toEqual({ n: 5 })
  }, 20_000)
})
