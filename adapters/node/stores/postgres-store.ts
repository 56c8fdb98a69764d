import type { Sql, Row, TransactionSql, Helper } from 'postgres'
import { LumosError } from '../../../runtime/errors.js'
import { BackendStore, type BackendStoreOptions, type BlobRow, type StoreBackend, type StoredMessage, type StoreWriter, type ThreadRow, type WorkflowRun } from '../../../runtime/storage/index.js'
import { POSTGRES_MIGRATIONS } from './postgres-schema.js'

export interface PostgresStoreOptions extends BackendStoreOptions {
  /** `postgres://user:pass@host:5432/db`. Either `url` or `sql`. */
  url?: string
  /** An existing porsager/postgres instance; the store does not end it on close(). */
  sql?: Sql
  /** Schema for the lumos_* tables, created if missing (default "public"). Letters, digits and _. */
  schema?: string
  /** Pool size when the store opens its own connections (default 10). */
  max?: number
  /** Blob chunk size in bytes (default 1 MiB). */
  maxValueBytes?: number
}

const DEFAULT_CHUNK = 1024 * 1024
const RETRYABLE = new Set(['40001', '40P01']) // serialization failure, deadlock: the whole transaction is re-run
// The connection itself is gone (network, server restart, pg_terminate_backend): SQLSTATE class 08/57P0x or a driver code.
const CONNECTION_LOST = /^(08...|57P0[123]|CONNECTION_(CLOSED|DESTROYED|ENDED)|CONNECT_TIMEOUT|ECONNRESET|EPIPE|ETIMEDOUT|ECONNREFUSED)$/
const NEVER = new Promise<never>(() => undefined)
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Store on PostgreSQL through the `postgres` driver (porsager/postgres). Each batch is one
 * transaction; rows read for a write are locked (`SELECT ... FOR UPDATE`, an advisory lock for
 * blob keys), so concurrent writers from any number of processes serialise per thread/run/key.
 * Reads run in REPEATABLE READ READ ONLY transactions, so `loadContext` is one consistent snapshot.
 */
export class PostgresStore extends BackendStore {
  private constructor(backend: StoreBackend, options: BackendStoreOptions) {
    super(backend, options)
  }

  /** Connects, checks the database, and migrates the schema (safe to run from many processes at once). */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options?.schema ?? 'public'
    if (!SCHEMA_NAME.test(schema)) throw new LumosError('STORE_INPUT_INVALID', `schema "${schema}" must be letters, digits and _ (at most 63).`, { details: { path: 'schema' } })
    const maxValueBytes = options.maxValueBytes ?? DEFAULT_CHUNK
    if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1) throw new LumosError('STORE_INPUT_INVALID', 'maxValueBytes must be a positive integer.', { details: { path: 'maxValueBytes' } })
    const owned = options.sql === undefined
    const sql = options.sql ?? (await openPool(options))
    try {
      await migrate(sql, schema)
    } catch (cause) {
      if (owned) await sql.end({ timeout: 1 }).catch(() => undefined)
      if (LumosError.isInstance(cause)) throw cause
      throw new LumosError('STORE_UNAVAILABLE', `Could not open the Postgres store: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    return new PostgresStore(createPostgresBackend(sql, schema, maxValueBytes, owned), options)
  }
}

async function openPool(options: PostgresStoreOptions): Promise<Sql> {
  if (typeof options.url !== 'string' || options.url === '') throw new LumosError('STORE_INPUT_INVALID', 'PostgresStore.connect needs `url` (or `sql`).', { details: { path: 'url' } })
  let driver
  try {
    driver = await import('postgres')
  } catch (cause) {
    throw new LumosError('STORE_DRIVER_MISSING', 'PostgresStore needs the "postgres" package: npm i postgres', { cause })
  }
  return driver.default(options.url, { max: options.max ?? 10, onnotice: () => undefined, connect_timeout: 10 })
}

async function migrate(sql: Sql, schema: string): Promise<void> {
  const [{ server_encoding: encoding }] = await sql`SHOW server_encoding`
  if (encoding !== 'UTF8') throw new LumosError('STORE_UNAVAILABLE', `The database encoding is ${encoding}; PostgresStore needs a UTF8 database (CREATE DATABASE ... ENCODING 'UTF8').`, { details: { encoding } })
  const quoted = `"${schema}"`
  await sql.begin(async (tx) => {
    // one migrator at a time per schema, across processes
    await tx`SELECT pg_advisory_xact_lock(hashtext(${`lumos-migrate:${schema}`}))`
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quoted}`)
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${quoted}.lumos_meta (key text PRIMARY KEY, value text NOT NULL)`)
    const rows = await tx.unsafe(`SELECT value FROM ${quoted}.lumos_meta WHERE key = 'schema_version'`)
    const found = rows.length === 0 ? 0 : Number(rows[0].value)
    if (found > POSTGRES_MIGRATIONS.length) {
      throw new LumosError('STORE_SCHEMA_UNSUPPORTED', `Schema "${schema}" has Lumos schema version ${found}; this version supports up to ${POSTGRES_MIGRATIONS.length}.`, {
        details: { found, supported: POSTGRES_MIGRATIONS.length, schema },
      })
    }
    for (let v = found; v < POSTGRES_MIGRATIONS.length; v++) for (const stmt of POSTGRES_MIGRATIONS[v]) await tx.unsafe(stmt.replaceAll('$S', quoted))
    if (found < POSTGRES_MIGRATIONS.length) {
      await tx.unsafe(`INSERT INTO ${quoted}.lumos_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(POSTGRES_MIGRATIONS.length)])
    }
  })
}

// ------------------------------------------------------------------ rows

function threadRow(r: Row): ThreadRow {
  return { id: r.id, resourceId: r.resource_id, title: r.title, metadata: r.metadata, createdAt: r.created_at, updatedAt: r.updated_at, lastSeq: r.last_seq }
}

function messageRow(r: Row): StoredMessage {
  return { id: r.id, threadId: r.thread_id, resourceId: r.resource_id, role: r.role, content: r.content, createdAt: r.created_at, seq: r.seq }
}

function runRow(r: Row): WorkflowRun {
  return { workflowId: r.workflow_id, runId: r.run_id, resourceId: r.resource_id, status: r.status, snapshot: r.snapshot, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at }
}

function blobRow(r: Row): BlobRow {
  return { key: r.key, size: Number(r.size), segments: r.segments, chunks: r.chunks, updatedAt: r.updated_at }
}

// JSON goes over the wire as text and is cast server-side: a jsonb-typed parameter would be JSON-encoded
// again by the driver, and a JSON `null` would become SQL NULL.
const json = (value: unknown): string => JSON.stringify(value)

// ------------------------------------------------------------------ backend

/** Runs one query of a transaction (see `transaction` for why it exists). */
type Guard = <R>(query: PromiseLike<R>) => Promise<R>

interface Tables {
  threads: Helper<string>
  messages: Helper<string>
  wm: Helper<string>
  runs: Helper<string>
  blobs: Helper<string>
  chunks: Helper<string>
}

function accessor(tx: TransactionSql, t: Tables, write: boolean, run: Guard): StoreWriter {
  // Rows read for a write stay locked until commit, so read-check-write sequences cannot interleave.
  const lock = write ? tx`FOR UPDATE` : tx``
  return {
    async getThread(id) {
      const rows = await run(tx`SELECT * FROM ${t.threads} WHERE id = ${id} ${lock}`)
      return rows.length === 0 ? null : threadRow(rows[0])
    },
    async listThreads(resourceId, after, limit) {
      const rows =
        after === null
          ? await run(tx`SELECT * FROM ${t.threads} WHERE resource_id = ${resourceId} ORDER BY updated_at DESC, id ASC LIMIT ${limit}`)
          : await run(tx`SELECT * FROM ${t.threads} WHERE resource_id = ${resourceId}
              AND (updated_at < ${after.updatedAt} OR (updated_at = ${after.updatedAt} AND id > ${after.id}))
              ORDER BY updated_at DESC, id ASC LIMIT ${limit}`)
      return rows.map(threadRow)
    },
    async listMessages(threadId, q) {
      const rows =
        q.direction === 'forward'
          ? await run(tx`SELECT * FROM ${t.messages} WHERE thread_id = ${threadId} AND seq > ${q.from ?? 0} ORDER BY seq ASC LIMIT ${q.limit}`)
          : await run(tx`SELECT * FROM ${t.messages} WHERE thread_id = ${threadId} AND seq < ${q.from ?? 2147483647} ORDER BY seq DESC LIMIT ${q.limit}`)
      return rows.map(messageRow)
    },
    async getMessages(ids) {
      return (await run(tx`SELECT * FROM ${t.messages} WHERE id = ANY(${tx.array([...ids])}::text[])`)).map(messageRow)
    },
    async getWorkingMemory(kind, id) {
      const rows = await run(tx`SELECT value FROM ${t.wm} WHERE kind = ${kind} AND id = ${id}`)
      return rows.length === 0 ? null : rows[0].value
    },
    async getWorkflowRun(workflowId, runId) {
      const rows = await run(tx`SELECT * FROM ${t.runs} WHERE workflow_id = ${workflowId} AND run_id = ${runId} ${lock}`)
      return rows.length === 0 ? null : runRow(rows[0])
    },
    async listWorkflowRuns(q) {
      const rows = await run(tx`SELECT * FROM ${t.runs} WHERE workflow_id = ${q.workflowId}
        ${q.statuses === null ? tx`` : tx`AND status = ANY(${tx.array(q.statuses)}::text[])`}
        ${q.resourceId === null ? tx`` : tx`AND resource_id = ${q.resourceId}`}
        ${q.after === null ? tx`` : tx`AND (created_at < ${q.after.createdAt} OR (created_at = ${q.after.createdAt} AND run_id > ${q.after.runId}))`}
        ORDER BY created_at DESC, run_id ASC LIMIT ${q.limit}`)
      return rows.map(runRow)
    },
    async getBlob(key) {
      // an advisory lock also covers keys that do not exist yet (two first appends)
      if (write) await run(tx`SELECT pg_advisory_xact_lock(hashtext(${`lumos-blob:${key}`}))`)
      const rows = await run(tx`SELECT * FROM ${t.blobs} WHERE key = ${key}`)
      return rows.length === 0 ? null : blobRow(rows[0])
    },
    async getBlobChunks(key, count) {
      const rows = await run(tx`SELECT data FROM ${t.chunks} WHERE key = ${key} AND idx < ${count} ORDER BY idx ASC`)
      return rows.map((r) => {
        const b = r.data as Uint8Array
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
      })
    },
    async listBlobs(prefix, upper, after, limit) {
      const rows = await run(tx`SELECT * FROM ${t.blobs} WHERE key >= ${prefix}
        ${upper === null ? tx`` : tx`AND key < ${upper}`}
        ${after === null ? tx`` : tx`AND key > ${after}`}
        ORDER BY key ASC LIMIT ${limit}`)
      return rows.map(blobRow)
    },

    async insertThread(r) {
      const rows = await run(tx`INSERT INTO ${t.threads} (id, resource_id, title, metadata, created_at, updated_at, last_seq)
        VALUES (${r.id}, ${r.resourceId}, ${r.title}, ${json(r.metadata)}::text::jsonb, ${r.createdAt}, ${r.updatedAt}, ${r.lastSeq})
        ON CONFLICT (id) DO NOTHING RETURNING id`)
      return rows.length === 1
    },
    async updateThread(r) {
      await run(tx`UPDATE ${t.threads} SET title = ${r.title}, metadata = ${json(r.metadata)}::text::jsonb, updated_at = ${r.updatedAt}, last_seq = ${r.lastSeq} WHERE id = ${r.id}`)
    },
    async deleteThread(id) {
      await run(tx`DELETE FROM ${t.threads} WHERE id = ${id}`)
    },
    async existingMessageIds(ids) {
      return (await run(tx`SELECT id FROM ${t.messages} WHERE id = ANY(${tx.array([...ids])}::text[])`)).map((r) => r.id as string)
    },
    async insertMessages(rows) {
      const records = rows.map((m) => ({ id: m.id, thread_id: m.threadId, resource_id: m.resourceId, seq: m.seq, role: m.role, content: m.content, created_at: m.createdAt.toISOString() }))
      try {
        await run(tx`INSERT INTO ${t.messages} (id, thread_id, resource_id, seq, role, content, created_at)
          SELECT id, thread_id, resource_id, seq, role, content, created_at
          FROM jsonb_to_recordset(${json(records)}::text::jsonb)
          AS r(id text, thread_id text, resource_id text, seq integer, role text, content jsonb, created_at timestamptz)`)
      } catch (error) {
        // a concurrent transaction stored one of the ids between our check and this insert
        if ((error as { code?: string; constraint_name?: string }).code === '23505' && (error as { constraint_name?: string }).constraint_name === 'lumos_messages_pkey') {
          throw new LumosError('MESSAGE_ALREADY_EXISTS', 'A message id in this append was stored concurrently.', { details: { ids: rows.map((m) => m.id) }, cause: error })
        }
        throw error
      }
    },
    async deleteMessages(threadId, ids) {
      return (await run(tx`DELETE FROM ${t.messages} WHERE thread_id = ${threadId} AND id = ANY(${tx.array([...ids])}::text[])`)).count
    },
    async deleteThreadMessages(threadId) {
      await run(tx`DELETE FROM ${t.messages} WHERE thread_id = ${threadId}`)
    },
    async setWorkingMemory(kind, id, value, updatedAt) {
      if (value === null) await run(tx`DELETE FROM ${t.wm} WHERE kind = ${kind} AND id = ${id}`)
      else
        await run(tx`INSERT INTO ${t.wm} (kind, id, value, updated_at) VALUES (${kind}, ${id}, ${value}, ${updatedAt})
          ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
    },
    async insertWorkflowRun(r) {
      const rows = await run(tx`INSERT INTO ${t.runs} (workflow_id, run_id, resource_id, status, snapshot, version, created_at, updated_at)
        VALUES (${r.workflowId}, ${r.runId}, ${r.resourceId}, ${r.status}, ${json(r.snapshot)}::text::jsonb, ${r.version}, ${r.createdAt}, ${r.updatedAt})
        ON CONFLICT (workflow_id, run_id) DO NOTHING RETURNING run_id`)
      return rows.length === 1
    },
    async updateWorkflowRun(r, expectedVersion) {
      const result = await run(tx`UPDATE ${t.runs} SET resource_id = ${r.resourceId}, status = ${r.status}, snapshot = ${json(r.snapshot)}::text::jsonb,
        version = ${r.version}, updated_at = ${r.updatedAt}
        WHERE workflow_id = ${r.workflowId} AND run_id = ${r.runId} AND version = ${expectedVersion}`)
      return result.count === 1
    },
    async deleteWorkflowRun(workflowId, runId) {
      return (await run(tx`DELETE FROM ${t.runs} WHERE workflow_id = ${workflowId} AND run_id = ${runId}`)).count === 1
    },
    async putBlobRow(b) {
      await run(tx`INSERT INTO ${t.blobs} (key, size, segments, chunks, updated_at) VALUES (${b.key}, ${b.size}, ${b.segments}, ${b.chunks}, ${b.updatedAt})
        ON CONFLICT (key) DO UPDATE SET size = excluded.size, segments = excluded.segments, chunks = excluded.chunks, updated_at = excluded.updated_at`)
    },
    async deleteBlobRow(key) {
      await run(tx`DELETE FROM ${t.blobs} WHERE key = ${key}`)
    },
    async putBlobChunks(key, start, chunks) {
      for (let i = 0; i < chunks.length; i++) await run(tx`INSERT INTO ${t.chunks} (key, idx, data) VALUES (${key}, ${start + i}, ${chunks[i]})`)
    },
    async deleteBlobChunks(key) {
      await run(tx`DELETE FROM ${t.chunks} WHERE key = ${key}`)
    },
  }
}

function createPostgresBackend(sql: Sql, schema: string, maxValueBytes: number, owned: boolean): StoreBackend {
  const table = (name: string): Helper<string> => sql(`${schema}.${name}`)
  const t: Tables = {
    threads: table('lumos_threads'),
    messages: table('lumos_messages'),
    wm: table('lumos_working_memory'),
    runs: table('lumos_workflow_runs'),
    blobs: table('lumos_blobs'),
    chunks: table('lumos_blob_chunks'),
  }
  /**
   * One transaction. Works around postgres 3.4.9 on a connection that dies mid-transaction
   * (porsager/postgres#1154, #1208, PR #1155): when the callback then throws or queries again, the
   * driver writes to the closed socket, which throws an uncaught TypeError from a timer (crashing the
   * process), and a query sent after the pool reconnected could run outside the transaction.
   * `sql.begin` rejects by itself when its connection closes, so from then on we issue no query and
   * leave the callback pending instead of throwing; the server has rolled the transaction back.
   */
  const transaction = async <T>(options: string, write: boolean, fn: (tx: StoreWriter) => Promise<T>): Promise<T> => {
    let over = false
    let markOver = (): void => undefined
    const settled = new Promise<void>((resolve) => (markOver = resolve)).then(() => {
      over = true
    })
    const run: Guard = async (query) => {
      if (over) return NEVER
      try {
        return await query
      } catch (error) {
        if (!CONNECTION_LOST.test(String((error as { code?: unknown }).code ?? ''))) throw error
        let timer: ReturnType<typeof setTimeout> | undefined
        const closed = await Promise.race([settled.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, 5000, false)))])
        clearTimeout(timer)
        if (closed) return NEVER
        throw error
      }
    }
    const begun = sql.begin(options, (tx) => fn(accessor(tx, t, write, run)))
    begun.then(markOver, markOver)
    return (await begun) as T
  }
  return {
    kind: 'postgres',
    maxValueBytes,
    async read(fn) {
      // reads are idempotent: retry once on a connection that died (the pool reconnects)
      for (let attempt = 1; ; attempt++) {
        try {
          return await transaction('isolation level repeatable read read only', false, fn)
        } catch (error) {
          if (attempt < 3 && CONNECTION_LOST.test(String((error as { code?: unknown }).code ?? ''))) continue
          throw error
        }
      }
    },
    async write(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await transaction('', true, fn)
        } catch (error) {
          if (attempt < 4 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue
          throw error
        }
      }
    },
    async close() {
      if (owned) await sql.end({ timeout: 5 })
    },
  }
}
