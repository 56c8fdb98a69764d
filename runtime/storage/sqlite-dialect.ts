import { LumosError } from '../errors.js'
import type { BlobRow, StoreWriter, ThreadRow } from './backend.js'
import type { StoredMessage, WorkflowRun } from './types.js'

/**
 * The SQLite dialect shared by the SQLite-backed stores (Node `LibsqlStore`, Workers `DurableObjectStore`):
 * schema, SQL and row mapping live here once; each store only supplies how a statement runs.
 * Web-standard only, so both adapters can import it. Not part of the public `runtime/storage` index.
 */

/**
 * Schema migrations. Append a migration to change it; never edit a shipped one. TEXT keys use the
 * BINARY collation (UTF-8 byte order = the Store's code point key order).
 */
export const SQLITE_MIGRATIONS: readonly string[][] = [
  [
    `CREATE TABLE lumos_threads (
      id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, title TEXT, metadata TEXT NOT NULL,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_seq INTEGER NOT NULL)`,
    `CREATE INDEX lumos_threads_by_resource ON lumos_threads (resource_id, updated_at DESC, id)`,
    `CREATE TABLE lumos_messages (
      id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, resource_id TEXT NOT NULL, seq INTEGER NOT NULL,
      role TEXT NOT NULL, content TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE UNIQUE INDEX lumos_messages_by_thread ON lumos_messages (thread_id, seq)`,
    `CREATE TABLE lumos_working_memory (
      kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (kind, id))`,
    `CREATE TABLE lumos_workflow_runs (
      workflow_id TEXT NOT NULL, run_id TEXT NOT NULL, resource_id TEXT, status TEXT NOT NULL, snapshot TEXT NOT NULL,
      version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (workflow_id, run_id))`,
    `CREATE INDEX lumos_workflow_runs_by_time ON lumos_workflow_runs (workflow_id, created_at DESC, run_id)`,
    `CREATE TABLE lumos_blobs (
      key TEXT PRIMARY KEY, size INTEGER NOT NULL, segments INTEGER NOT NULL, chunks INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
    `CREATE TABLE lumos_blob_chunks (key TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, idx))`,
  ],
]

export const SQLITE_META_DDL = 'CREATE TABLE IF NOT EXISTS lumos_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)'
export const SQLITE_SCHEMA_VERSION_QUERY = "SELECT value FROM lumos_meta WHERE key = 'schema_version'"

export interface SqlStatement {
  sql: string
  args: SqlArg[]
}
export type SqlArg = string | number | null | Uint8Array
export type SqlRow = Record<string, unknown>

/**
 * The statements that bring a database at schema version `found` (read with SQLITE_SCHEMA_VERSION_QUERY
 * after SQLITE_META_DDL) up to date, in order; empty when current. `subject` names the database in the
 * error thrown when it is newer than this code ("The database", "The Durable Object").
 */
export function sqliteMigrationPlan(versionRows: readonly SqlRow[], subject: string): SqlStatement[] {
  const found = versionRows.length === 0 ? 0 : Number(versionRows[0].value)
  const latest = SQLITE_MIGRATIONS.length
  if (found > latest) {
    throw new LumosError('STORE_SCHEMA_UNSUPPORTED', `${subject} has Lumos schema version ${found}; this version supports up to ${latest}.`, {
      details: { found, supported: latest },
    })
  }
  const plan: SqlStatement[] = []
  for (let v = found; v < latest; v++) for (const sql of SQLITE_MIGRATIONS[v]) plan.push({ sql, args: [] })
  if (found < latest) {
    plan.push({ sql: "INSERT INTO lumos_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", args: [String(latest)] })
  }
  return plan
}

// ------------------------------------------------------------------ rows

const num = (v: unknown): number => Number(v)
const str = (v: unknown): string => String(v)

function threadRow(r: SqlRow): ThreadRow {
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

function messageRow(r: SqlRow): StoredMessage {
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

function runRow(r: SqlRow): WorkflowRun {
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

function blobRow(r: SqlRow): BlobRow {
  return { key: str(r.key), size: num(r.size), segments: num(r.segments), chunks: num(r.chunks), updatedAt: new Date(num(r.updated_at)) }
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof ArrayBuffer) return new Uint8Array(v)
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  throw new LumosError('STORE_DATA_CORRUPT', `A blob chunk is not binary (got ${typeof v}).`)
}

const marks = (n: number): string => new Array(n).fill('?').join(', ')

const THREAD_COLS = 'id, resource_id, title, metadata, created_at, updated_at, last_seq'
const MESSAGE_COLS = 'id, thread_id, resource_id, seq, role, content, created_at'
const RUN_COLS = 'workflow_id, run_id, resource_id, status, snapshot, version, created_at, updated_at'
const BLOB_COLS = 'key, size, segments, chunks, updated_at'

// ------------------------------------------------------------------ writer

export interface SqliteExecResult {
  rows: SqlRow[]
  /** Rows changed by an INSERT/UPDATE/DELETE (with `countByReturning`, the number of rows returned). */
  rowsAffected: number
}

export interface SqliteWriterOptions {
  /** Runs one statement inside the store's current transaction. */
  exec: (sql: string, args: SqlArg[]) => Promise<SqliteExecResult>
  /** Runs several statements at once (optional; otherwise they run one by one through `exec`). */
  batch?: (stmts: SqlStatement[]) => Promise<unknown>
  /** Most ids bound in one `IN (?, ...)` list (the driver's parameter limit minus headroom). */
  inListMax: number
  /** Count changed rows with a `RETURNING` clause (drivers without a changes count, e.g. Durable Object SQL). */
  countByReturning: boolean
  /** Read blob chunks with one query per chunk, holding one chunk in memory per row cursor. */
  chunkByChunk: boolean
}

/** A `StoreWriter` over a SQLite connection; the caller owns the transaction each call runs in. */
export function createSqliteWriter(o: SqliteWriterOptions): StoreWriter {
  const { exec } = o
  const returning = (column: string): string => (o.countByReturning ? ` RETURNING ${column}` : '')
  const changed = async (sql: string, column: string, args: SqlArg[]): Promise<number> => (await exec(sql + returning(column), args)).rowsAffected
  const rowsOf = async (sql: string, args: SqlArg[]): Promise<SqlRow[]> => (await exec(sql, args)).rows
  const slices = <T>(items: readonly T[]): T[][] => {
    const out: T[][] = []
    for (let i = 0; i < items.length; i += o.inListMax) out.push(items.slice(i, i + o.inListMax))
    return out
  }
  return {
    async getThread(id) {
      const rows = await rowsOf(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE id = ?`, [id])
      return rows.length === 0 ? null : threadRow(rows[0])
    },
    async listThreads(resourceId, after, limit) {
      const rows =
        after === null
          ? await rowsOf(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE resource_id = ? ORDER BY updated_at DESC, id ASC LIMIT ?`, [resourceId, limit])
          : await rowsOf(`SELECT ${THREAD_COLS} FROM lumos_threads WHERE resource_id = ? AND (updated_at < ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at DESC, id ASC LIMIT ?`, [
              resourceId,
              after.updatedAt.getTime(),
              after.updatedAt.getTime(),
              after.id,
              limit,
            ])
      return rows.map(threadRow)
    },
    async listMessages(threadId, q) {
      const rows =
        q.direction === 'forward'
          ? await rowsOf(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE thread_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`, [threadId, q.from ?? 0, q.limit])
          : await rowsOf(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE thread_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, [threadId, q.from ?? Number.MAX_SAFE_INTEGER, q.limit])
      return rows.map(messageRow)
    },
    async getMessages(ids) {
      const out: StoredMessage[] = []
      for (const part of slices(ids)) out.push(...(await rowsOf(`SELECT ${MESSAGE_COLS} FROM lumos_messages WHERE id IN (${marks(part.length)})`, part)).map(messageRow))
      return out
    },
    async getWorkingMemory(kind, id) {
      const rows = await rowsOf('SELECT value FROM lumos_working_memory WHERE kind = ? AND id = ?', [kind, id])
      return rows.length === 0 ? null : str(rows[0].value)
    },
    async getWorkflowRun(workflowId, runId) {
      const rows = await rowsOf(`SELECT ${RUN_COLS} FROM lumos_workflow_runs WHERE workflow_id = ? AND run_id = ?`, [workflowId, runId])
      return rows.length === 0 ? null : runRow(rows[0])
    },
    async listWorkflowRuns(q) {
      const where = ['workflow_id = ?']
      const args: SqlArg[] = [q.workflowId]
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
      return (await rowsOf(`SELECT ${RUN_COLS} FROM lumos_workflow_runs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, run_id ASC LIMIT ?`, args)).map(runRow)
    },
    async getBlob(key) {
      const rows = await rowsOf(`SELECT ${BLOB_COLS} FROM lumos_blobs WHERE key = ?`, [key])
      return rows.length === 0 ? null : blobRow(rows[0])
    },
    async getBlobChunks(key, count) {
      if (!o.chunkByChunk) return (await rowsOf('SELECT data FROM lumos_blob_chunks WHERE key = ? AND idx < ? ORDER BY idx ASC', [key, count])).map((r) => toBytes(r.data))
      const out: Uint8Array[] = []
      for (let i = 0; i < count; i++) {
        const rows = await rowsOf('SELECT data FROM lumos_blob_chunks WHERE key = ? AND idx = ?', [key, i])
        if (rows.length === 0) break
        out.push(toBytes(rows[0].data))
      }
      return out
    },
    async listBlobs(prefix, upper, after, limit) {
      const where = ['key >= ?']
      const args: SqlArg[] = [prefix]
      if (upper !== null) {
        where.push('key < ?')
        args.push(upper)
      }
      if (after !== null) {
        where.push('key > ?')
        args.push(after)
      }
      args.push(limit)
      return (await rowsOf(`SELECT ${BLOB_COLS} FROM lumos_blobs WHERE ${where.join(' AND ')} ORDER BY key ASC LIMIT ?`, args)).map(blobRow)
    },

    async insertThread(t) {
      const args = [t.id, t.resourceId, t.title, JSON.stringify(t.metadata), t.createdAt.getTime(), t.updatedAt.getTime(), t.lastSeq]
      return (await changed(`INSERT INTO lumos_threads (${THREAD_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, 'id', args)) === 1
    },
    async updateThread(t) {
      await exec('UPDATE lumos_threads SET title = ?, metadata = ?, updated_at = ?, last_seq = ? WHERE id = ?', [t.title, JSON.stringify(t.metadata), t.updatedAt.getTime(), t.lastSeq, t.id])
    },
    async deleteThread(id) {
      await exec('DELETE FROM lumos_threads WHERE id = ?', [id])
    },
    async existingMessageIds(ids) {
      const out: string[] = []
      for (const part of slices(ids)) out.push(...(await rowsOf(`SELECT id FROM lumos_messages WHERE id IN (${marks(part.length)})`, part)).map((r) => str(r.id)))
      return out
    },
    async insertMessages(rows) {
      const stmts = rows.map((m) => ({
        sql: `INSERT INTO lumos_messages (${MESSAGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        args: [m.id, m.threadId, m.resourceId, m.seq, m.role, JSON.stringify(m.content), m.createdAt.getTime()],
      }))
      if (o.batch) await o.batch(stmts)
      else for (const s of stmts) await exec(s.sql, s.args)
    },
    async deleteMessages(threadId, ids) {
      let n = 0
      for (const part of slices(ids)) n += await changed(`DELETE FROM lumos_messages WHERE thread_id = ? AND id IN (${marks(part.length)})`, 'id', [threadId, ...part])
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
      const args = [r.workflowId, r.runId, r.resourceId, r.status, JSON.stringify(r.snapshot), r.version, r.createdAt.getTime(), r.updatedAt.getTime()]
      return (await changed(`INSERT INTO lumos_workflow_runs (${RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workflow_id, run_id) DO NOTHING`, 'run_id', args)) === 1
    },
    async updateWorkflowRun(r, expectedVersion) {
      const sql = 'UPDATE lumos_workflow_runs SET resource_id = ?, status = ?, snapshot = ?, version = ?, updated_at = ? WHERE workflow_id = ? AND run_id = ? AND version = ?'
      return (await changed(sql, 'run_id', [r.resourceId, r.status, JSON.stringify(r.snapshot), r.version, r.updatedAt.getTime(), r.workflowId, r.runId, expectedVersion])) === 1
    },
    async deleteWorkflowRun(workflowId, runId) {
      return (await changed('DELETE FROM lumos_workflow_runs WHERE workflow_id = ? AND run_id = ?', 'run_id', [workflowId, runId])) === 1
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
