// Deno entry (not a vitest file): `deno test` runs the Store conformance suite on DenoKvStore, the
// wasm smoke test, KV persistence across reopen and serve(). `vitest` maps to the portable harness
// through ./deno.json, so the suite files run unchanged. Command (also spawned by ../deno.test.ts):
//   node_modules/.bin/deno test -A --no-check --config test/conformance/runtimes/deno/deno.json test/conformance/runtimes/deno/suite.deno.ts
import { describe, expect, it } from 'vitest'
// the same module instance as 'vitest' here (deno.json maps vitest to it)
import { registerDenoTests } from '../../../portable/index.js'
import { DenoKvStore, ready, serve, type DenoKv } from '../../../../adapters/deno/index.js'
import { runStoreConformance } from '../../store/store.case.js'
import { queryBothIndexes } from '../wasm-smoke.js'

interface DenoApi {
  openKv(path?: string): Promise<DenoKv>
  makeTempDir(): Promise<string>
  remove(path: string, options?: { recursive?: boolean }): Promise<void>
}
const deno = (globalThis as unknown as { Deno: DenoApi }).Deno

runStoreConformance({ name: 'DenoKvStore (deno)', create: () => DenoKvStore.open({ path: ':memory:' }) })

describe('deno adapter', () => {
  it('loads the wasm core with Deno.readFile and queries both indexes', async () => {
    await ready()
    expect(queryBothIndexes('Deno KV keeps memory on disk', 'deno memory')).toEqual({ vector: ['x', 'z'], keyword: ['a'] })
  })

  it('keeps threads, big messages and blobs in a KV file across reopen', async () => {
    const dir = await deno.makeTempDir()
    const path = `${dir}/lumos.kv`
    try {
      const big = 'x'.repeat(200_000) // > 64 KiB: stored in parts
      const bytes = Uint8Array.from({ length: 1_000_003 }, (_, i) => (i * 7) & 0xff)
      const a = await DenoKvStore.open({ path })
      await a.batch([
        { type: 'createThread', id: 't', resourceId: 'u' },
        { type: 'appendMessages', threadId: 't', resourceId: 'u', messages: [{ id: 'm1', role: 'user', content: { parts: [{ type: 'text', text: big }] } }] },
        { type: 'putBlob', key: 'snap', bytes },
      ])
      await a.close()
      const b = await DenoKvStore.open({ path })
      const ctx = await b.loadContext({ threadId: 't', resourceId: 'u' })
      expect(ctx.messages.map((m) => [m.id, m.seq, (m.content.parts[0] as unknown as { text: string }).text.length])).toEqual([['m1', 1, 200_000]])
      const back = await b.getBlob('snap')
      expect(back?.byteLength).toBe(bytes.byteLength)
      expect(back?.every((v, i) => v === bytes[i])).toBe(true)
      await b.close()
    } finally {
      await deno.remove(dir, { recursive: true })
    }
  })

  it('two stores on one KV file (separate handles, no shared lock) never lose or duplicate writes', async () => {
    const dir = await deno.makeTempDir()
    const path = `${dir}/shared.kv`
    const a = await DenoKvStore.open({ path })
    const b = await DenoKvStore.open({ path })
    try {
      await a.createThread({ id: 't', resourceId: 'u' })
      const append = (s: DenoKvStore, i: number) => s.appendMessages({ threadId: 't', resourceId: 'u', messages: [{ id: `m${i}`, role: 'user', content: { parts: [{ type: 'text', text: String(i) }] } }] })
      await Promise.all(Array.from({ length: 30 }, (_, i) => append(i % 2 === 0 ? a : b, i)))
      const page = await b.listMessages({ threadId: 't', resourceId: 'u', limit: 100 })
      expect(page.items.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
      expect(new Set(page.items.map((m) => m.id)).size).toBe(30)

      // optimistic concurrency across handles: exactly one conditional put wins
      await a.putWorkflowRun({ workflowId: 'w', runId: 'r', status: 'running', snapshot: {}, expectedVersion: 0 })
      const outcomes = await Promise.allSettled([a, b, a, b].map((s, i) => s.putWorkflowRun({ workflowId: 'w', runId: 'r', status: `s${i}`, snapshot: { i }, expectedVersion: 1 })))
      expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBe(1)
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'STORE_VERSION_CONFLICT' })
      expect((await b.getWorkflowRun({ workflowId: 'w', runId: 'r' }))?.version).toBe(2)
    } finally {
      await a.close()
      await b.close()
      await deno.remove(dir, { recursive: true })
    }
  })

  it('deletes a thread of 1,200 messages (more than one atomic allows) and refuses an oversized batch whole', async () => {
    const kv = await deno.openKv(':memory:')
    const store = await DenoKvStore.open({ kv })
    try {
      await store.createThread({ id: 't', resourceId: 'u' })
      const msg = (i: number) => ({ id: `m${i}`, role: 'user' as const, content: { parts: [{ type: 'text', text: `n${i}` }] } })
      for (let b = 0; b < 3; b++) await store.appendMessages({ threadId: 't', resourceId: 'u', messages: Array.from({ length: 400 }, (_, i) => msg(b * 400 + i)) })
      await expect(store.appendMessages({ threadId: 't', resourceId: 'u', messages: Array.from({ length: 600 }, (_, i) => msg(5000 + i)) })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
      expect((await store.loadContext({ threadId: 't', resourceId: 'u', lastMessages: 1 })).messages.map((m) => m.seq)).toEqual([1200])

      await store.deleteThread({ threadId: 't', resourceId: 'u' })
      let left = 0
      for await (const _ of kv.list({ prefix: ['lumos', 'm'] })) left++
      for await (const _ of kv.list({ prefix: ['lumos', 'mi'] })) left++
      expect(left).toBe(0)
      // the same ids are free again, and the recreated thread starts empty
      await store.createThread({ id: 't', resourceId: 'u' })
      expect(await store.getMessages({ resourceId: 'u', ids: ['m0', 'm1199'] })).toEqual([])
      expect((await store.appendMessages({ threadId: 't', resourceId: 'u', messages: [msg(0)] })).map((m) => [m.id, m.seq])).toEqual([['m0', 1]])
      expect((await store.listMessages({ threadId: 't', resourceId: 'u' })).items.map((m) => m.id)).toEqual(['m0'])
    } finally {
      await store.close()
      kv.close()
    }
  }, 60_000)

  it('serve() answers on Deno.serve', async () => {
    const controller = new AbortController()
    let port = 0
    const server = serve({ fetch: (req: Request) => Response.json({ path: new URL(req.url).pathname }) }, { port: 0, signal: controller.signal, onListen: (a) => (port = a.port) })
    try {
      const res = await fetch(`http://127.0.0.1:${port}/hello`)
      expect(await res.json()).toEqual({ path: '/hello' })
    } finally {
      controller.abort()
      await server.finished
    }
  })
})

registerDenoTests()
