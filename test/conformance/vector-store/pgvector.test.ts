import { afterAll, beforeAll } from 'vitest'
import { PgVectorStore } from '../../../adapters/node/vector/pgvector-store.js'
import type { VectorStore } from '../../../runtime/rag/vector-store.js'
import { startPglitePgvector, type PglitePgvector } from '../../helpers/pglite-pgvector.js'
import { runVectorStoreConformance } from './vector-store.case.js'

// Real pgvector (PGlite wasm) over the wire through the `postgres` driver; one database for the
// file, a fresh table per store, dropped after each test.
let pg: PglitePgvector
let n = 0
const tables = new WeakMap<VectorStore, string>()

beforeAll(async () => {
  pg = await startPglitePgvector()
}, 60_000)
afterAll(async () => {
  await pg?.close()
})

runVectorStoreConformance('PgVectorStore', {
  create: async ({ metric, dimensions }) => {
    const table = `conf_${n++}`
    const store = await PgVectorStore.connect({ sql: pg.sql, table, metric, dimensions })
    tables.set(store, table)
    return store
  },
  cleanup: async (store) => {
    await store.close()
    await pg.sql.unsafe(`DROP TABLE IF EXISTS "${tables.get(store)}"`)
  },
})
