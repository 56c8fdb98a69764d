import type { Client, InArgs, InStatement, Row, Transaction } from '@libsql/client'
import { LumosError } from '../../../runtime/errors.js'
import { BackendStore, createMutex, type BackendStoreOptions, type BlobRow, type StoreBackend, type StoredMessage, type StoreWriter, type ThreadRow, type WorkflowRun } from '../../../runtime/storage/index.js'
import { LIBSQL_MIGRATIONS } from './libsql-schema.js'

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
    await tx.execute('CREATE TABLE IF NOT EXISTS lumos_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    const rs = await tx.execute("SELECT value FROM lumos_meta WHERE key = 'schema_version'")
    const found = rs.rows.length === 0 ? 0 : Number(rs.rows[0].value)
    if (found > LIBSQL_MIGRATIONS.length) {
      throw new LumosError('STORE_SCHEMA_UNSUPPORTED', `The database has Lumos schema version ${found}; this version supports up to ${LIBSQL_MIGRATIONS.length}.`, {
        details: { found, supported: LIBSQL_MIGRATIONS.length },
      })
    }
    for (let v = found; v < LIBSQL_MIGRATIONS.length; v++) for (const sql of LIBSQL_MIGRATIONS[v]) await tx.execute(sql)
    if (found < LIBSQL_MIGRATIONS.length) {
      await tx.execute({ sql: "INSERT INTO lumos_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", args: [String(LIBSQL_MIGRATIONS.length)] })
    }
    await tx.commit()
  } finally {
    tx.close()
  }
}

// ------------------------------------------------------------------ rows

const num = (v: unknown): number => Number(v)
const str = (v: unknown): string => String(v)

function threadRow(r: Row): ThreadRow {
  return {
    id: str(r.id),
    resourceId: str(r.resource_id),
    title: r.title === null ? null : str(r.title),
    metadata: JSON.parse(str(r.metadata)),
    createdAt: new Date(num(r.created_at)),
    updatedAt: new Date(num(r.updated_at)),
    lastSeq: num(r.last_seq),
  }
}

function messageRow(r: Row): StoredMessage {
  return {
    id: str(r.id),
    threadId: str(r.thread_id),
    resourceId: str(r.resource_id),
    role: str(r.role) as StoredMessage['role'],
    content: JSON.parse(str(r.content)),
    createdAt: new Date(num(r.created_at)),
    seq: num(r.seq),
  }
}

function runRow(r: Row): WorkflowRun {
  return {
    workflowId: str(r.workflow_id),
    runId: str(r.run_id),
    resourceId: r.resource_id === null ? null : str(r.resource_id),
    status: str(r.status),
    snapshot: JSON.parse(str(r.snapshot)),
    version: num(r.version),
    createdAt: new Date(num(r.created_at)),
    updatedAt: new Date(num(r.updated_at)),
  }
}

function blobRow(r: Row): BlobRow {
  return { key: str(r.key), size: num(r.size), segments: num(r.segments), chunks: num(r.chunks), updatedAt: new Date(num(r.updated_at)) }
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v)
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  throw new LumosError('STORE_DATA_CORRUPT', `A blob chunk is not binary (got ${typeof v}).`)
}

function slices<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += IN_LIST_MAX) out.push(items.slice(i, i + IN_LIST_MAX))
  return out
}

const marks = (n: number): string => new Array(n).fill('?').join(', ')

const THREAD_COLS = 'id, resource_id, title, metadata, created_at, updated_at, last_seq'
const MESSAGE_COLS = 'id, thread_id, resource_id, seq, role, content, created_at'
const RUN_COLS = 'workflow_id, run_id, resource_id, status, snapshot, version, created_at, updated_at'
const BLOB_COLS = 'key, size, segments, chunks, updated_at'

// ------------------------------------------------------------------ backend

type Exec = (sql: string, args?: InArgs) => Promise<{ rows: Row[]; rowsAffected: number }>

function accessor(exec: Exec, batch: (stmts: InStatement[]) => Promise<unknown>): StoreWriter {
  return {
    async getThread(id) {
      const { rows } = await exec(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE id = ?`, [id])
      return rows.length === 0 ? null : threadRow(rows[0])
    },
    async listThreads(resourceId, after, limit) {
      const { rows } =
        after === null
          ? await exec(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE resource_id = ? ORDER BY updated_at DESC, id ASC LIMIT ?`, [resourceId, limit])
          : await exec(
              `SELECT ${THREAD_COLS} FROM lumos_threads WHERE resource_id = ? AND (updated_at < ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at DESC, id ASC LIMIT ?`,
              [resourceId, after.updatedAt.getTime(), after.updatedAt.getTime(), after.id, limit],
            )
      return rows.map(threadRow)
    },
    async listMessages(threadId, q) {
      const { rows } =
        q.direction === 'forward'
          ? await exec(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE thread_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`, [threadId, q.from ?? 0, q.limit])
          : await exec(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, [threadId, q.from ?? Number.MAX_SAFE_INTEGER, q.limit])
      return rows.map(messageRow)
    },
    async getMessages(ids) {
      const out: StoredMessage[] = []
      for (const part of slices(ids)) out.push(...(await exec(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE id IN (${marks(part.length)})`, part)).rows.map(messageRow))
      return out
    },
    async getWorkingMemory(kind, id) {
      const { rows } = await exec('SELECT value FROM lumos_working_memory WHERE kind = ? AND id = ?', [kind, id])
      return rows.length === 0 ? null : str(rows[0].value)
    },
    async getWorkflowRun(workflowId, runId) {
      const { rows } = await exec(`SELECT ${RUN_COLS} FROM lumos_workflow_runs WHERE workflow_id = ? AND run_id = ?`, [workflowId, runId])
      return rows.length === 0 ? null : runRow(rows[0])
    },
    async listWorkflowRuns(q) {
      const where = ['workflow_id = ?']
      const args: Array<string | number> = [q.workflowId]
      if (q.statuses !== null) {
        where.push(`status IN (${marks(q.statuses.length)})`)
        args.push(...q.statuses)
      }
      if (q.resourceId !== null) {
        where.push('resource_id = ?')
        args.push(q.resourceId)
      }
      if (q.after !== null) {
        where.push('(created_at < ? OR (created_at = ? AND run_id > ?))')
        args.push(q.after.createdAt.getTime(), q.after.createdAt.getTime(), q.after.runId)
      }
      args.push(q.limit)
      const { rows } = await exec(`SELECT ${RUN_COLS} FROM lumos_workflow_runs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, run_id ASC LIMIT ?`, args)
      return rows.map(runRow)
    },
    async getBlob(key) {
      const { rows } = await exec(`SELECT ${BLOB_COLS} FROM lumos_blobs WHERE key = ?`, [key])
      return rows.length === 0 ? null : blobRow(rows[0])
    },
    async getBlobChunks(key, count) {
      const { rows } = await exec('SELECT data FROM lumos_blob_chunks WHERE key = ? AND idx < ? ORDER BY idx ASC', [key, count])
      return rows.map((r) => toBytes(r.data))
    },
    async listBlobs(prefix, upper, after, limit) {
      const where = ['key >= ?']
      const args: Array<string | number> = [prefix]
      if (upper !== null) {
        where.push('key < ?')
        args.push(upper)
      }
      if (after !== null) {
        where.push('key > ?')
        args.push(after)
      }
      args.push(limit)
      const { rows } = await exec(`SELECT ${BLOB_COLS} FROM lumos_blobs WHERE ${where.join(' AND ')} ORDER BY key ASC LIMIT ?`, args)
      return rows.map(blobRow)
    },

    async insertThread(t) {
      const { rowsAffected } = await exec(`INSERT INTO lumos_threads (${THREAD_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, [
        t.id,
        t.resourceId,
        t.title,
        JSON.stringify(t.metadata),
        t.createdAt.getTime(),
        t.updatedAt.getTime(),
        t.lastSeq,
      ])
      return rowsAffected === 1
    },
    async updateThread(t) {
      await exec('UPDATE lumos_threads SET title = ?, metadata = ?, updated_at = ?, last_seq = ? WHERE id = ?', [t.title, JSON.stringify(t.metadata), t.updatedAt.getTime(), t.lastSeq, t.id])
    },
    async deleteThread(id) {
      await exec('DELETE FROM lumos_threads WHERE id = ?', [id])
    },
    async existingMessageIds(ids) {
      const out: string[] = []
      for (const part of slices(ids)) out.push(...(await exec(`SELECT id FROM lumos_messages WHERE id IN (${marks(part.length)})`, part)).rows.map((r) => str(r.id)))
      return out
    },
    async insertMessages(rows) {
      await batch(
        rows.map((m) => ({
          sql: `INSERT INTO lumos_messages (${MESSAGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          args: [m.id, m.threadId, m.resourceId, m.seq, m.role, JSON.stringify(m.content), m.createdAt.getTime()],
        })),
      )
    },
    async deleteMessages(threadId, ids) {
      let n = 0
      for (const part of slices(ids)) n += (await exec(`DELETE FROM lumos_messages WHERE thread_id = ? AND id IN (${marks(part.length)})`, [threadId, ...part])).rowsAffected
      return n
    },
    async deleteThreadMessages(threadId) {
      await exec('DELETE FROM lumos_messages WHERE thread_id = ?', [threadId])
    },
    async setWorkingMemory(kind, id, value, updatedAt) {
      if (value === null) await exec('DELETE FROM lumos_working_memory WHERE kind = ? AND id = ?', [kind, id])
      else
        await exec('INSERT INTO lumos_working_memory (kind, id, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [
          kind,
          id,
          value,
          updatedAt.getTime(),
        ])
    },
    async insertWorkflowRun(r) {
      const { rowsAffected } = await exec(`INSERT INTO lumos_workflow_runs (${RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workflow_id, run_id) DO NOTHING`, [
        r.workflowId,
        r.runId,
        r.resourceId,
        r.status,
        JSON.stringify(r.snapshot),
        r.version,
        r.createdAt.getTime(),
        r.updatedAt.getTime(),
      ])
      return rowsAffected === 1
    },
    async updateWorkflowRun(r, expectedVersion) {
      const { rowsAffected } = await exec(
        'UPDATE lumos_workflow_runs SET resource_id = ?, status = ?, snapshot = ?, version = ?, updated_at = ? WHERE workflow_id = ? AND run_id = ? AND version = ?',
        [r.resourceId, r.status, JSON.stringify(r.snapshot), r.version, r.updatedAt.getTime(), r.workflowId, r.runId, expectedVersion],
      )
      return rowsAffected === 1
    },
    async deleteWorkflowRun(workflowId, runId) {
      return (await exec('DELETE FROM lumos_workflow_runs WHERE workflow_id = ? AND run_id = ?', [workflowId, runId])).rowsAffected === 1
    },
    async putBlobRow(b) {
      await exec(
        `INSERT INTO lumos_blobs (${BLOB_COLS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET size = excluded.size, segments = excluded.segments, chunks = excluded.chunks, updated_at = excluded.updated_at`,
        [b.key, b.size, b.segments, b.chunks, b.updatedAt.getTime()],
      )
    },
    async deleteBlobRow(key) {
      await exec('DELETE FROM lumos_blobs WHERE key = ?', [key])
    },
    async putBlobChunks(key, start, chunks) {
      for (let i = 0; i < chunks.length; i++) await exec('INSERT INTO lumos_blob_chunks (key, idx, data) VALUES (?, ?, ?)', [key, start + i, chunks[i]])
    },
    async deleteBlobChunks(key) {
      await exec('DELETE FROM lumos_blob_chunks WHERE key = ?', [key])
    },
  }
}

function createLibsqlBackend(client: Client, maxValueBytes: number): StoreBackend {
  const mutex = createMutex()
  const run = async <T>(mode: 'read' | 'write', fn: (tx: StoreWriter) => Promise<T>): Promise<T> => {
    const tx: Transaction = await client.transaction(mode === 'write' ? 'write' : 'deferred')
    try {
      const result = await fn(
        accessor(
          (sql, args) => tx.execute(args === undefined ? sql : { sql, args }),
          (stmts) => tx.batch(stmts),
        ),
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
