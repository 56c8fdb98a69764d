import type { Client, Transaction } from '@libsql/client'
import { LumosError } from '../../../runtime/errors.js'
import { BackendStore, createMutex, type BackendStoreOptions, type StoreBackend, type StoreWriter } from '../../../runtime/storage/index.js'
import { createSqliteWriter, SQLITE_META_DDL, SQLITE_SCHEMA_VERSION_QUERY, sqliteMigrationPlan } from '../../../runtime/storage/sqlite-dialect.js'

export interface LibsqlStoreOptions extends BackendStoreOptions {
  /** `file:./data/lumos.db` (tested), `:memory:`, or a libsql/Turso URL. */
  url: string
  authToken?: string
  /** Blob chunk size (default 1 MiB). */
  maxValueBytes?: number
  /** Wait this long for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number
}

const DEFAULT_CHUNK = 1024 * 1024
const IN_LIST_MAX = 500 // keeps `IN (?, ...)` lists far below SQLite's parameter limit

/**
 * Store on SQLite through `@libsql/client`. A local file runs in WAL mode with `synchronous=FULL`,
 * so a write is on disk when its promise resolves. One connection, one operation at a time: SQLite
 * has a single writer anyway, and this keeps every batch one `BEGIN IMMEDIATE` transaction.
 */
export class LibsqlStore extends BackendStore {
  private constructor(backend: StoreBackend, options: BackendStoreOptions) {
    super(backend, options)
  }

  /** Opens (creating if needed) the database and migrates its schema. */
  static async open(options: LibsqlStoreOptions): Promise<LibsqlStore> {
    if (typeof options?.url !== 'string' || options.url === '') {
      throw new LumosError('STORE_INPUT_INVALID', 'LibsqlStore.open needs `url`, e.g. "file:./lumos.db".', { details: { path: 'url' } })
    }
    const maxValueBytes = options.maxValueBytes ?? DEFAULT_CHUNK
    if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1) throw new LumosError('STORE_INPUT_INVALID', 'maxValueBytes must be a positive integer.', { details: { path: 'maxValueBytes' } })
    let driver: typeof import('@libsql/client')
    try {
      driver = await import('@libsql/client')
    } catch (cause) {
      throw new LumosError('STORE_DRIVER_MISSING', 'LibsqlStore needs the "@libsql/client" package: npm i @libsql/client', { cause })
    }
    let client: Client
    try {
      client = driver.createClient({ url: options.url, authToken: options.authToken, concurrency: 1, timeout: options.busyTimeoutMs ?? 5000 })
      if (client.protocol === 'file') {
        await client.execute('PRAGMA journal_mode=WAL')
        await client.execute('PRAGMA synchronous=FULL')
      }
      await migrate(client)
    } catch (cause) {
      if (LumosError.isInstance(cause)) throw cause
      throw new LumosError('STORE_UNAVAILABLE', `Could not open the libsql database ${options.url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    return new LibsqlStore(createLibsqlBackend(client, maxValueBytes), options)
  }
}

async function migrate(client: Client): Promise<void> {
  const tx = await client.transaction('write')
  try {
    await tx.execute(SQLITE_META_DDL)
    for (const stmt of sqliteMigrationPlan((await tx.execute(SQLITE_SCHEMA_VERSION_QUERY)).rows, 'The database')) await tx.execute(stmt)
    await tx.commit()
  } finally {
    tx.close()
  }
}

function createLibsqlBackend(client: Client, maxValueBytes: number): StoreBackend {
  const mutex = createMutex()
  const run = async <T>(mode: 'read' | 'write', fn: (tx: StoreWriter) => Promise<T>): Promise<T> => {
    const tx: Transaction = await client.transaction(mode === 'write' ? 'write' : 'deferred')
    try {
      const result = await fn(
        createSqliteWriter({
          exec: (sql, args) => tx.execute({ sql, args }),
          batch: (stmts) => tx.batch(stmts),
          inListMax: IN_LIST_MAX,
          countByReturning: false,
          chunkByChunk: false,
        }),
      )
      await tx.commit()
      return result
    } catch (error) {
      if (!tx.closed) await tx.rollback().catch(() => undefined)
      throw error
    } finally {
      tx.close()
    }
  }
  return {
    kind: 'libsql',
    maxValueBytes,
    read: (fn) => mutex.run(() => run('read', fn)),
    write: (fn) => mutex.run(() => run('write', fn)),
    close: () => mutex.run(async () => client.close()),
  }
}
