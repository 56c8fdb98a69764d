import postgres from 'postgres'
import { describe, expect, inject, it } from 'vitest'
import { PostgresStore } from '../../../adapters/node/stores/index.js'
import { setWriteFault } from '../../../runtime/storage/index.js'
import { runStoreConformance } from './store.case.js'

const url = inject('postgresUrl') ?? ''
const skipReason = inject('postgresSkipReason') || 'no PostgreSQL server (see test/setup/postgres.ts)'

if (url === '') {
  describe.skip(`PostgresStore (skipped: ${skipReason})`, () => {
    it('needs a PostgreSQL server', () => undefined)
  })
} else {
  let n = 0
  const admin = postgres(url, { max: 2, onnotice: () => undefined })
  const schemas = new WeakMap<object, string>()

  const open = async (schema: string, extra: Partial<Parameters<typeof PostgresStore.connect>[0]> = {}): Promise<PostgresStore> => {
    const store = await PostgresStore.connect({ url, schema, max: 10, ...extra })
    schemas.set(store, schema)
    return store
  }
  const dropSchema = async (store: object): Promise<void> => {
    const schema = schemas.get(store)
    if (schema) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  }

  // each test gets a fresh schema in one shared server
  runStoreConformance({ name: 'PostgresStore', create: () => open(`lumos_t${process.pid}_${n++}`), cleanup: dropSchema })
  runStoreConformance({ name: 'PostgresStore (64 KiB chunks)', create: () => open(`lumos_c${process.pid}_${n++}`, { maxValueBytes: 64 * 1024 }), cleanup: dropSchema })

  describe('PostgresStore specifics', () => {
    it('a connection killed in the middle of a batch leaves nothing behind, and the store recovers', async () => {
      const schema = `lumos_kill_${process.pid}`
      const victim = postgres(url, { max: 1, onnotice: () => undefined, connection: { application_name: 'lumos-victim' } })
      const store = await open(schema, { sql: victim })
      const terminate = () => admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lumos-victim'`
      // a session lock on the blob key makes the store's next statement wait, so the kill lands while it is in flight
      const holder = await admin.reserve()
      try {
        await store.createThread({ id: 'chat', resourceId: 'alice' })
        await store.appendMessages({ threadId: 'chat', resourceId: 'alice', messages: [{ id: 'm1', role: 'user', content: { parts: [{ type: 'text', text: 'kept' }] } }] })
        // between two statements, and while a statement (putBlob waiting for the key's lock) is in flight
        for (const when of ['between', 'in-flight', 'between', 'in-flight']) {
          if (when === 'in-flight') await holder`SELECT pg_advisory_lock(hashtext('lumos-blob:big'))`
          setWriteFault(store, async ({ index }) => {
            if (index !== (when === 'between' ? 2 : 1)) return
            if (when === 'between') await terminate()
            // postgres.js queries are lazy: .then() sends it
            else setTimeout(() => void terminate().then(() => undefined), 100)
          })
          await expect(
            store.batch([
              { type: 'appendMessages', threadId: 'chat', resourceId: 'alice', messages: [{ role: 'user', content: { parts: [{ type: 'text', text: 'lost' }] } }] },
              { type: 'putBlob', key: 'big', bytes: new Uint8Array(3 * 1024 * 1024).fill(7) },
              { type: 'setWorkingMemory', target: { scope: 'resource', resourceId: 'alice' }, value: 'lost' },
            ]),
          ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', cause: { code: expect.stringMatching(/^(57P01|CONNECTION_CLOSED|CONNECTION_DESTROYED|ECONNRESET)$/) } })
          setWriteFault(store, undefined)
          if (when === 'in-flight') await holder`SELECT pg_advisory_unlock(hashtext('lumos-blob:big'))`
          // the pool reconnects; nothing of the failed batch is visible
          expect((await store.listMessages({ threadId: 'chat', resourceId: 'alice' })).items.map((m) => m.id)).toEqual(['m1'])
          expect(await store.getBlob('big')).toBeNull()
          expect(await store.getWorkingMemory({ scope: 'resource', resourceId: 'alice' })).toBeNull()
          const [row] = await admin.unsafe(`SELECT count(*)::int AS n FROM "${schema}".lumos_blob_chunks`)
          expect(row.n).toBe(0)
        }
        // and writes work again
        expect((await store.appendMessages({ threadId: 'chat', resourceId: 'alice', messages: [{ id: 'm2', role: 'user', content: { parts: [] } }] }))[0].seq).toBe(2)
      } finally {
        setWriteFault(store, undefined)
        holder.release()
        await dropSchema(store)
        await store.close()
        await victim.end({ timeout: 5 })
      }
    })

    it('migrates once, concurrently, and refuses a newer schema version', async () => {
      const schema = `lumos_mig_${process.pid}`
      const stores = await Promise.all([open(schema), open(schema), open(schema)])
      try {
        await stores[0].createThread({ id: 't', resourceId: 'r' })
        expect((await stores[2].getThread({ threadId: 't', resourceId: 'r' })).id).toBe('t')
        const [meta] = await admin.unsafe(`SELECT value FROM "${schema}".lumos_meta WHERE key = 'schema_version'`)
        expect(meta.value).toBe('1')
        await admin.unsafe(`UPDATE "${schema}".lumos_meta SET value = '99' WHERE key = 'schema_version'`)
        await expect(PostgresStore.connect({ url, schema })).rejects.toMatchObject({ code: 'STORE_SCHEMA_UNSUPPORTED', details: { found: 99, supported: 1 } })
      } finally {
        await dropSchema(stores[0])
        await Promise.all(stores.map((s) => s.close()))
      }
    })

    it('two stores (two pools, as two processes would) race on one thread and one run', async () => {
      const schema = `lumos_race_${process.pid}`
      const [a, b] = await Promise.all([open(schema), open(schema)])
      try {
        await a.createThread({ id: 'chat', resourceId: 'alice' })
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? a : b).appendMessages({ threadId: 'chat', resourceId: 'alice', messages: Array.from({ length: 5 }, (_, k) => ({ role: 'user' as const, content: { parts: [{ type: 'text', text: `${i}.${k}` }] } })) }),
          ),
        )
        const all = (await a.listMessages({ threadId: 'chat', resourceId: 'alice', limit: 1000 })).items
        expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
        await a.putWorkflowRun({ workflowId: 'wf', runId: 'r', status: 'running', snapshot: 0, expectedVersion: 0 })
        const results = await Promise.allSettled([a, b, a, b].map((s, i) => s.putWorkflowRun({ workflowId: 'wf', runId: 'r', status: 'running', snapshot: i, expectedVersion: 1 })))
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
        expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['STORE_VERSION_CONFLICT', 'STORE_VERSION_CONFLICT', 'STORE_VERSION_CONFLICT'])
      } finally {
        await dropSchema(a)
        await Promise.all([a.close(), b.close()])
      }
    })
  })

  // ends the admin pool after every suite in this file
  describe('teardown', () => {
    it('closes the admin connection', async () => {
      await admin.end({ timeout: 5 })
    })
  })
}
