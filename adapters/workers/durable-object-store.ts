import { LumosError } from '../../runtime/errors.js'
import { BackendStore, createMutex, type BackendStoreOptions, type StoreBackend, type StoreWriter } from '../../runtime/storage/index.js'
import { createSqliteWriter, SQLITE_META_DDL, SQLITE_SCHEMA_VERSION_QUERY, sqliteMigrationPlan } from '../../runtime/storage/sqlite-dialect.js'

/** The part of `ctx.storage` (a SQLite-backed Durable Object's `DurableObjectStorage`) the store uses. */
export interface DurableObjectSqlStorage {
  sql: { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] } }
  transaction<T>(closure: (txn: unknown) => Promise<T>): Promise<T>
  transactionSync<T>(closure: () => T): T
}

export interface DurableObjectStoreOptions extends BackendStoreOptions {
  /** Blob chunk size; must stay under the 2 MB row limit (default 1 MiB). */
  maxValueBytes?: number
}

const DEFAULT_CHUNK = 1024 * 1024
const ROW_LIMIT = 2 * 1024 * 1024 - 64 * 1024 // headroom for the other columns of a chunk row
const IN_LIST_MAX = 90 // Durable Object SQL allows at most 100 bound parameters per statement

/**
 * Store on a Durable Object's SQLite storage (`ctx.storage.sql`): one row per thread, message, run and
 * blob chunk, in the object's own database. Construct it in the object's constructor:
 * `this.store = new DurableObjectStore(ctx.storage)` (the schema is migrated synchronously).
 *
 * Writes run in `ctx.storage.transaction()`, which rolls back every `sql.exec` of the batch when it
 * throws. (The SQL API is synchronous; the async variant is used because the shared write logic is
 * async; `transactionSync` runs the migrations.) Calls run one at a time so a read never sees a
 * batch half-applied. One message or snapshot is one row, so each must stay under 2 MB of JSON.
 * Requires a SQLite-backed class (`new_sqlite_classes` in wrangler.toml migrations).
 */
export class DurableObjectStore extends BackendStore {
  constructor(storage: DurableObjectSqlStorage, options: DurableObjectStoreOptions = {}) {
    const maxValueBytes = options.maxValueBytes ?? DEFAULT_CHUNK
    if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1 || maxValueBytes > ROW_LIMIT) {
      throw new LumosError('STORE_INPUT_INVALID', `maxValueBytes must be an integer in 1..${ROW_LIMIT} (the 2 MB Durable Object row limit).`, { details: { path: 'maxValueBytes' } })
    }
    if (typeof storage?.sql?.exec !== 'function') {
      throw new LumosError('STORE_UNAVAILABLE', 'DurableObjectStore needs a SQLite-backed Durable Object: declare the class under `new_sqlite_classes` in your wrangler migrations and pass `ctx.storage`.')
    }
    migrate(storage)
    super(createDurableObjectBackend(storage, maxValueBytes), options)
  }
}

function migrate(storage: DurableObjectSqlStorage): void {
  storage.transactionSync(() => {
    const sql = storage.sql
    sql.exec(SQLITE_META_DDL)
    for (const stmt of sqliteMigrationPlan(sql.exec(SQLITE_SCHEMA_VERSION_QUERY).toArray(), 'The Durable Object')) sql.exec(stmt.sql, ...stmt.args)
  })
}

// Durable Object SQL has no changes count, so changed rows are counted with RETURNING
function accessor(storage: DurableObjectSqlStorage): StoreWriter {
  return createSqliteWriter({
    exec: async (query, args) => {
      const rows = storage.sql.exec(query, ...args).toArray()
      return { rows, rowsAffected: rows.length }
    },
    inListMax: IN_LIST_MAX,
    countByReturning: true,
    chunkByChunk: true, // one row at a time keeps the cursor's memory at one chunk
  })
}

function createDurableObjectBackend(storage: DurableObjectSqlStorage, maxValueBytes: number): StoreBackend {
  const mutex = createMutex()
  const tx = accessor(storage)
  let closed = false
  const guard = (): void => {
    if (closed) throw new LumosError('STORE_CLOSED', 'This durable-object store was closed.')
  }
  return {
    kind: 'durable-object',
    maxValueBytes,
    read: (fn) =>
      mutex.run(async () => {
        guard()
        return fn(tx)
      }),
    write: (fn) =>
      mutex.run(async () => {
        guard()
        return storage.transaction(() => fn(tx))
      }),
    // the database belongs to the object; closing only stops this store from using it
    close: async () => {
      closed = true
    },
  }
}
