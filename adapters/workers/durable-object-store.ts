import { LumosError } from '../../runtime/errors.js'
import { BackendStore, createMutex, type BackendStoreOptions, type BlobRow, type StoreBackend, type StoredMessage, type StoreWriter, type ThreadRow, type WorkflowRun } from '../../runtime/storage/index.js'
import { DO_SQL_MIGRATIONS } from './sql-schema.js'

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
    sql.exec('CREATE TABLE IF NOT EXISTS lumos_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    const rows = sql.exec("SELECT value FROM lumos_meta WHERE key = 'schema_version'").toArray()
    const found = rows.length === 0 ? 0 : Number(rows[0].value)
    if (found > DO_SQL_MIGRATIONS.length) {
      throw new LumosError('STORE_SCHEMA_UNSUPPORTED', `The Durable Object has Lumos schema version ${found}; this version supports up to ${DO_SQL_MIGRATIONS.length}.`, {
        details: { found, supported: DO_SQL_MIGRATIONS.length },
      })
    }
    for (let v = found; v < DO_SQL_MIGRATIONS.length; v++) for (const stmt of DO_SQL_MIGRATIONS[v]) sql.exec(stmt)
    if (found < DO_SQL_MIGRATIONS.length) {
      sql.exec("INSERT INTO lumos_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(DO_SQL_MIGRATIONS.length))
    }
  })
}

// ------------------------------------------------------------------ rows

type Row = Record<string, unknown>
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
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
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

function accessor(storage: DurableObjectSqlStorage): StoreWriter {
  const q = (query: string, ...args: unknown[]): Row[] => storage.sql.exec(query, ...args).toArray()
  return {
    async getThread(id) {
      const rows = q(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE id = ?`, id)
      return rows.length === 0 ? null : threadRow(rows[0])
    },
    async listThreads(resourceId, after, limit) {
      const rows =
        after === null
          ? q(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE resource_id = ? ORDER BY updated_at DESC, id ASC LIMIT ?`, resourceId, limit)
          : q(
              `SELECT ${THREAD_COLS} FROM lumos_threads WHERE resource_id = ? AND (updated_at < ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at DESC, id ASC LIMIT ?`,
              resourceId,
              after.updatedAt.getTime(),
              after.updatedAt.getTime(),
              after.id,
              limit,
            )
      return rows.map(threadRow)
    },
    async listMessages(threadId, m) {
      const rows =
        m.direction === 'forward'
          ? q(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE thread_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`, threadId, m.from ?? 0, m.limit)
          : q(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, threadId, m.from ?? Number.MAX_SAFE_INTEGER, m.limit)
      return rows.map(messageRow)
    },
    async getMessages(ids) {
      return slices(ids).flatMap((part) => q(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE id IN (${marks(part.length)})`, ...part).map(messageRow))
    },
    async getWorkingMemory(kind, id) {
      const rows = q('SELECT value FROM lumos_working_memory WHERE kind = ? AND id = ?', kind, id)
      return rows.length === 0 ? null : str(rows[0].value)
    },
    async getWorkflowRun(workflowId, runId) {
      const rows = q(`SELECT ${RUN_COLS} FROM lumos_workflow_runs WHERE workflow_id = ? AND run_id = ?`, workflowId, runId)
      return rows.length === 0 ? null : runRow(rows[0])
    },
    async listWorkflowRuns(r) {
      const where = ['workflow_id = ?']
      const args: Array<string | number> = [r.workflowId]
      if (r.statuses !== null) {
        where.push(`status IN (${marks(r.statuses.length)})`)
        args.push(...r.statuses)
      }
      if (r.resourceId !== null) {
        where.push('resource_id = ?')
        args.push(r.resourceId)
      }
      if (r.after !== null) {
        where.push('(created_at < ? OR (created_at = ? AND run_id > ?))')
        args.push(r.after.createdAt.getTime(), r.after.createdAt.getTime(), r.after.runId)
      }
      args.push(r.limit)
      return q(`SELECT ${RUN_COLS} FROM lumos_workflow_runs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, run_id ASC LIMIT ?`, ...args).map(runRow)
    },
    async getBlob(key) {
      const rows = q(`SELECT ${BLOB_COLS} FROM lumos_blobs WHERE key = ?`, key)
      return rows.length === 0 ? null : blobRow(rows[0])
    },
    async getBlobChunks(key, count) {
      // one row at a time keeps the cursor's memory at one chunk
      const out: Uint8Array[] = []
      for (let i = 0; i < count; i++) {
        const rows = q('SELECT data FROM lumos_blob_chunks WHERE key = ? AND idx = ?', key, i)
        if (rows.length === 0) break
        out.push(toBytes(rows[0].data))
      }
      return out
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
      return q(`SELECT ${BLOB_COLS} FROM lumos_blobs WHERE ${where.join(' AND ')} ORDER BY key ASC LIMIT ?`, ...args).map(blobRow)
    },

    async insertThread(t) {
      const rows = q(
        `INSERT INTO lumos_threads (${THREAD_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
        t.id,
        t.resourceId,
        t.title,
        JSON.stringify(t.metadata),
        t.createdAt.getTime(),
        t.updatedAt.getTime(),
        t.lastSeq,
      )
      return rows.length === 1
    },
    async updateThread(t) {
      q('UPDATE lumos_threads SET title = ?, metadata = ?, updated_at = ?, last_seq = ? WHERE id = ?', t.title, JSON.stringify(t.metadata), t.updatedAt.getTime(), t.lastSeq, t.id)
    },
    async deleteThread(id) {
      q('DELETE FROM lumos_threads WHERE id = ?', id)
    },
    async existingMessageIds(ids) {
      return slices(ids).flatMap((part) => q(`SELECT id FROM lumos_messages WHERE id IN (${marks(part.length)})`, ...part).map((r) => str(r.id)))
    },
    async insertMessages(rows) {
      for (const m of rows) {
        q(`INSERT INTO lumos_messages (${MESSAGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, m.id, m.threadId, m.resourceId, m.seq, m.role, JSON.stringify(m.content), m.createdAt.getTime())
      }
    },
    async deleteMessages(threadId, ids) {
      let n = 0
      for (const part of slices(ids)) n += q(`DELETE FROM lumos_messages WHERE thread_id = ? AND id IN (${marks(part.length)}) RETURNING id`, threadId, ...part).length
      return n
    },
    async deleteThreadMessages(threadId) {
      q('DELETE FROM lumos_messages WHERE thread_id = ?', threadId)
    },
    async setWorkingMemory(kind, id, value, updatedAt) {
      if (value === null) q('DELETE FROM lumos_working_memory WHERE kind = ? AND id = ?', kind, id)
      else
        q(
          'INSERT INTO lumos_working_memory (kind, id, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
          kind,
          id,
          value,
          updatedAt.getTime(),
        )
    },
    async insertWorkflowRun(r) {
      const rows = q(
        `INSERT INTO lumos_workflow_runs (${RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workflow_id, run_id) DO NOTHING RETURNING run_id`,
        r.workflowId,
        r.runId,
        r.resourceId,
        r.status,
        JSON.stringify(r.snapshot),
        r.version,
        r.createdAt.getTime(),
        r.updatedAt.getTime(),
      )
      return rows.length === 1
    },
    async updateWorkflowRun(r, expectedVersion) {
      const rows = q(
        'UPDATE lumos_workflow_runs SET resource_id = ?, status = ?, snapshot = ?, version = ?, updated_at = ? WHERE workflow_id = ? AND run_id = ? AND version = ? RETURNING run_id',
        r.resourceId,
        r.status,
        JSON.stringify(r.snapshot),
        r.version,
        r.updatedAt.getTime(),
        r.workflowId,
        r.runId,
        expectedVersion,
      )
      return rows.length === 1
    },
    async deleteWorkflowRun(workflowId, runId) {
      return q('DELETE FROM lumos_workflow_runs WHERE workflow_id = ? AND run_id = ? RETURNING run_id', workflowId, runId).length === 1
    },
    async putBlobRow(b) {
      q(
        `INSERT INTO lumos_blobs (${BLOB_COLS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET size = excluded.size, segments = excluded.segments, chunks = excluded.chunks, updated_at = excluded.updated_at`,
        b.key,
        b.size,
        b.segments,
        b.chunks,
        b.updatedAt.getTime(),
      )
    },
    async deleteBlobRow(key) {
      q('DELETE FROM lumos_blobs WHERE key = ?', key)
    },
    async putBlobChunks(key, start, chunks) {
      for (let i = 0; i < chunks.length; i++) q('INSERT INTO lumos_blob_chunks (key, idx, data) VALUES (?, ?, ?)', key, start + i, chunks[i])
    },
    async deleteBlobChunks(key) {
      q('DELETE FROM lumos_blob_chunks WHERE key = ?', key)
    },
  }
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
