import type { Sql } from 'postgres'
import { LumosError } from '../../../runtime/errors.js'
import type { MetadataFilter } from '../../../runtime/rag/filter-types.js'
import { validateFilter } from '../../../runtime/rag/filter.js'
import { isStorableString, validateRecords } from '../../../runtime/rag/validate-records.js'
import type { VectorHit, VectorMetric, VectorQuery, VectorRecord, VectorStore } from '../../../runtime/rag/vector-store.js'
import type { JsonObject } from '../../../runtime/storage/types.js'
import { filterToSql } from './pg-filter.js'

export interface PgVectorHnswOptions {
  /** Max links per node (pgvector default 16). */
  m?: number
  /** Candidate list size while building (pgvector default 64). */
  efConstruction?: number
  /** Candidate list size while searching; raised to `topK` per query when smaller (default 40). */
  efSearch?: number
}

export interface PgVectorStoreOptions {
  /** `postgres://user:pass@host:5432/db`. Either `url` or `sql`. */
  url?: string
  /** An existing porsager/postgres client; the store does not end it on close(). */
  sql?: Sql
  /** Table name (default "lumos_vectors"). Letters, digits and _. */
  table?: string
  /** Schema of the table, created if missing (default "public"). */
  schema?: string
  /** Vector length. Omitted: read from an existing table, else fixed by the first upsert. */
  dimensions?: number
  /** Default "cosine". Picks the HNSW operator class and the score. */
  metric?: VectorMetric
  /** HNSW index parameters; `false` creates no index (exact scans). Vectors over 2,000 dimensions get no index (pgvector limit). */
  hnsw?: PgVectorHnswOptions | false
  /** Pool size when the store opens its own connections (default 10). */
  max?: number
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const MAX_TOP_K = 10_000
const MAX_INDEX_DIMENSIONS = 2000
/** Records per INSERT statement (all statements of one upsert run in one transaction). */
const INSERT_BATCH = 500

const OPS: Record<VectorMetric, { operator: string; opclass: string; score: (distance: string) => string }> = {
  cosine: { operator: '<=>', opclass: 'vector_cosine_ops', score: (d) => `1 - ${d}` },
  dot: { operator: '<#>', opclass: 'vector_ip_ops', score: (d) => `-(${d})` },
  euclidean: { operator: '<->', opclass: 'vector_l2_ops', score: (d) => `-(${d})` },
}

const invalid = (message: string, details?: Record<string, unknown>) => new LumosError('INVALID_ARGUMENT', message, { details })

function unavailable(cause: unknown, what: string): LumosError {
  if (LumosError.isInstance(cause)) return cause
  return new LumosError('STORE_UNAVAILABLE', `PgVectorStore could not ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
}

/** pgvector's text form; String(float32 value as double) round-trips exactly through pgvector's strtof. */
const vectorLiteral = (v: Float32Array): string => `[${Array.prototype.join.call(v, ',')}]`
const parseVector = (text: string): Float32Array => Float32Array.from(JSON.parse(text) as number[])

/**
 * A VectorStore on PostgreSQL + pgvector, through the `postgres` driver (imported on first
 * `connect`, so importing lumosai/node does not load it).
 *
 * Table: `id text PRIMARY KEY, embedding vector(d), metadata jsonb, text text`, with an HNSW index
 * using the metric's operator class. Filters are translated to SQL over `metadata` (parameterised,
 * same semantics as every other store). Filtered queries use pgvector's iterative index scans
 * (`hnsw.iterative_scan = strict_order`, pgvector >= 0.8), so a selective filter still yields `topK`
 * hits; on pgvector 0.5-0.7 a selective filter can return fewer (raise `hnsw.efSearch`).
 * HNSW is approximate: on large tables raise `hnsw.efSearch` for recall (pgvector default 40).
 */
export class PgVectorStore implements VectorStore {
  readonly kind = 'pgvector'
  readonly metric: VectorMetric
  private dims: number | null
  private closed = false
  private readonly table: string
  private readonly qualified: string
  /** pgvector >= 0.8 has iterative index scans (`hnsw.iterative_scan`); older versions reject the setting. */
  private iterativeScans = true

  private constructor(
    private readonly sql: Sql,
    private readonly owned: boolean,
    private readonly schema: string,
    table: string,
    metric: VectorMetric,
    dims: number | null,
    private readonly hnsw: PgVectorHnswOptions | false,
  ) {
    this.metric = metric
    this.dims = dims
    this.table = table
    this.qualified = `"${schema}"."${table}"`
  }

  /** Connects, creates the `vector` extension, the schema and (when the dimensions are known) the table and index. */
  static async connect(options: PgVectorStoreOptions): Promise<PgVectorStore> {
    const schema = options?.schema ?? 'public'
    const table = options?.table ?? 'lumos_vectors'
    const metric = options?.metric ?? 'cosine'
    if (!NAME.test(schema)) throw invalid(`schema "${schema}" must be letters, digits and _ (at most 63).`, { path: 'schema' })
    if (!NAME.test(table)) throw invalid(`table "${table}" must be letters, digits and _ (at most 63).`, { path: 'table' })
    if (!(metric in OPS)) throw invalid(`metric must be "cosine", "dot" or "euclidean" (got ${String(metric)})`, { path: 'metric' })
    const dimensions = options.dimensions
    if (dimensions !== undefined && !(Number.isSafeInteger(dimensions) && dimensions >= 1 && dimensions <= 16000)) {
      throw invalid('dimensions must be an integer from 1 to 16,000 (pgvector limit)', { path: 'dimensions' })
    }
    const hnsw = options.hnsw === false ? false : { ...options.hnsw }
    if (hnsw) {
      for (const key of ['m', 'efConstruction', 'efSearch'] as const) {
        const v = hnsw[key]
        if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1 && v <= 1000)) throw invalid(`hnsw.${key} must be an integer from 1 to 1,000`, { path: `hnsw.${key}` })
      }
    }
    const owned = options.sql === undefined
    const sql = options.sql ?? (await openPool(options))
    try {
      await sql.unsafe('CREATE EXTENSION IF NOT EXISTS vector')
      const [{ v }] = await sql.unsafe(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`)
      const [major, minor] = String(v).split('.').map(Number)
      if (major === 0 && minor < 5) throw new LumosError('STORE_UNAVAILABLE', `PgVectorStore needs pgvector >= 0.5 (HNSW); the database has ${v}: ALTER EXTENSION vector UPDATE`, { details: { pgvector: v } })
      await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
      const existing = await tableDimensions(sql, schema, table)
      if (existing !== null && dimensions !== undefined && existing !== dimensions) {
        throw new LumosError('EMBEDDING_DIMENSION_MISMATCH', `Table ${schema}.${table} holds ${existing}-dimensional vectors, not ${dimensions}`, {
          details: { expected: existing, got: dimensions, table: `${schema}.${table}` },
        })
      }
      const store = new PgVectorStore(sql, owned, schema, table, metric, existing ?? dimensions ?? null, hnsw)
      store.iterativeScans = major > 0 || minor >= 8
      if (existing === null && dimensions !== undefined) await store.createTable(sql, dimensions)
      else if (existing !== null) await store.createIndex(sql, existing)
      return store
    } catch (cause) {
      if (owned) await sql.end({ timeout: 1 }).catch(() => undefined)
      throw unavailable(cause, 'connect')
    }
  }

  dimensions(): number | null {
    return this.dims
  }

  private async createTable(sql: Pick<Sql, 'unsafe'>, dimensions: number): Promise<void> {
    await sql.unsafe(`CREATE TABLE IF NOT EXISTS ${this.qualified} (
      id text PRIMARY KEY,
      embedding vector(${dimensions}) NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      text text
    )`)
    await this.createIndex(sql, dimensions)
  }

  private async createIndex(sql: Pick<Sql, 'unsafe'>, dimensions: number): Promise<void> {
    if (this.hnsw === false || dimensions > MAX_INDEX_DIMENSIONS) return
    const { m = 16, efConstruction = 64 } = this.hnsw
    // one index per metric, so reconnecting with another metric adds the index it needs
    const name = `${this.table.slice(0, 40)}_hnsw_${this.metric}`
    await sql.unsafe(`CREATE INDEX IF NOT EXISTS "${name}" ON ${this.qualified} USING hnsw (embedding ${OPS[this.metric].opclass}) WITH (m = ${m}, ef_construction = ${efConstruction})`)
  }

  private check(): void {
    if (this.closed) throw new LumosError('STORE_CLOSED', 'This PgVectorStore was closed: connect a new one.')
  }

  /** The dimensions, re-read from the catalog while unknown (another process may have created the table since). */
  private async knownDims(): Promise<number | null> {
    if (this.dims !== null) return this.dims
    try {
      this.dims = await tableDimensions(this.sql, this.schema, this.table)
    } catch (cause) {
      throw unavailable(cause, 'read the table definition')
    }
    return this.dims
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    this.check()
    const { vectors, dimensions } = validateRecords(records, this.dims, this.metric)
    if (records.length === 0 || dimensions === null) return
    const rows = records.map((r, i) => ({ id: r.id, embedding: vectorLiteral(vectors[i]), metadata: r.metadata ?? {}, text: r.text ?? null }))
    try {
      await this.sql.begin(async (tx) => {
        if (this.dims === null) {
          // first upsert fixes the dimensions; another process may have created the table meanwhile
          await tx`SELECT pg_advisory_xact_lock(hashtext(${`lumos-vectors:${this.schema}.${this.table}`}))`
          const existing = await tableDimensions(tx, this.schema, this.table)
          if (existing !== null && existing !== dimensions) {
            throw new LumosError('EMBEDDING_DIMENSION_MISMATCH', `Table ${this.schema}.${this.table} holds ${existing}-dimensional vectors, not ${dimensions}`, {
              details: { expected: existing, got: dimensions },
            })
          }
          if (existing === null) await this.createTable(tx, dimensions)
        }
        for (let start = 0; start < rows.length; start += INSERT_BATCH) {
          const batch = JSON.stringify(rows.slice(start, start + INSERT_BATCH))
          await tx.unsafe(
            `INSERT INTO ${this.qualified} (id, embedding, metadata, text)
             SELECT r.id, r.embedding::vector, r.metadata, r.text FROM jsonb_to_recordset($1::text::jsonb) AS r(id text, embedding text, metadata jsonb, text text)
             ON CONFLICT (id) DO UPDATE SET embedding = excluded.embedding, metadata = excluded.metadata, text = excluded.text`,
            [batch],
          )
        }
      })
    } catch (cause) {
      throw unavailable(cause, 'upsert')
    }
    this.dims ??= dimensions
  }

  async query(query: VectorQuery): Promise<VectorHit[]> {
    this.check()
    if (typeof query !== 'object' || query === null) throw invalid('query needs { vector, topK }')
    const { topK, filter, includeVectors = false } = query
    if (!Number.isSafeInteger(topK) || topK < 1 || topK > MAX_TOP_K) throw invalid(`topK must be an integer from 1 to ${MAX_TOP_K} (got ${String(topK)})`, { path: 'topK' })
    if (filter !== undefined) validateFilter(filter)
    await this.knownDims()
    const vector = this.queryVector(query.vector)
    if (this.dims === null) return []
    const params: string[] = [vectorLiteral(vector)]
    const where = filter === undefined ? 'TRUE' : filterToSql(filter, 'metadata', params)
    const { operator, score } = OPS[this.metric]
    // The inner query is the index scan (ORDER BY distance only, which HNSW serves); the outer one
    // applies the port's tie rule (score desc, id asc). A margin past topK keeps ties at the cut.
    const limit = Math.min(topK * 2 + 10, MAX_TOP_K * 2)
    const text = `SELECT id, metadata, text, ${score('d')} AS score ${includeVectors ? ', embedding::text AS embedding' : ''} FROM (
        SELECT id, metadata, text, embedding, embedding ${operator} $1::text::vector AS d FROM ${this.qualified}
        WHERE ${where} ORDER BY embedding ${operator} $1::text::vector LIMIT ${limit}
      ) AS candidates ORDER BY d ASC, id COLLATE "C" ASC LIMIT ${topK}`
    const efSearch = Math.min(1000, Math.max(this.hnsw ? (this.hnsw.efSearch ?? 40) : 40, topK))
    try {
      const rows = await this.sql.begin(async (tx) => {
        // transaction-local settings for this query only
        if (this.iterativeScans) await tx`SELECT set_config('hnsw.ef_search', ${String(efSearch)}, true), set_config('hnsw.iterative_scan', ${filter === undefined ? 'off' : 'strict_order'}, true)`
        else await tx`SELECT set_config('hnsw.ef_search', ${String(efSearch)}, true)`
        return tx.unsafe(text, params)
      })
      return rows.map((r) => {
        // `+ 0` turns a -0 (e.g. -(0) for dot) into 0
        const hit: VectorHit = { id: r.id, score: Number(r.score) + 0, metadata: r.metadata as JsonObject, text: r.text ?? undefined }
        if (includeVectors) hit.vector = parseVector(r.embedding)
        return hit
      })
    } catch (cause) {
      throw unavailable(cause, 'query')
    }
  }

  private queryVector(v: Float32Array | number[]): Float32Array {
    if (!(v instanceof Float32Array) && !Array.isArray(v)) throw invalid('query.vector must be a Float32Array or number[]', { path: 'vector' })
    if (this.dims !== null && v.length !== this.dims) {
      throw new LumosError('EMBEDDING_DIMENSION_MISMATCH', `The query vector has ${v.length} dimensions, the store has ${this.dims}`, { details: { expected: this.dims, got: v.length } })
    }
    let nonZero = false
    for (let j = 0; j < v.length; j++) {
      const x = v[j]
      if (typeof x !== 'number' || !Number.isFinite(x) || !Number.isFinite(Math.fround(x))) throw new LumosError('VECTOR_NOT_FINITE', `The query vector has a non-finite value at dimension ${j}`)
      if (x !== 0) nonZero = true
    }
    if (this.metric === 'cosine' && !nonZero && v.length > 0) throw new LumosError('ZERO_VECTOR', 'The query vector is all zeros, which has no direction for cosine')
    return v instanceof Float32Array ? v : Float32Array.from(v)
  }

  async get(ids: string[]): Promise<Omit<VectorHit, 'score'>[]> {
    this.check()
    checkIds(ids)
    if (ids.length === 0 || (await this.knownDims()) === null) return []
    try {
      const rows = await this.sql.unsafe(
        `SELECT id, metadata, text, embedding::text AS embedding FROM ${this.qualified} WHERE id IN (SELECT jsonb_array_elements_text($1::text::jsonb))`,
        [JSON.stringify(ids)],
      )
      const byId = new Map(rows.map((r) => [r.id as string, r]))
      const out: Omit<VectorHit, 'score'>[] = []
      for (const id of ids) {
        const r = byId.get(id)
        if (r) out.push({ id, metadata: r.metadata as JsonObject, text: r.text ?? undefined, vector: parseVector(r.embedding) })
      }
      return out
    } catch (cause) {
      throw unavailable(cause, 'read records')
    }
  }

  async delete(ids: string[]): Promise<number> {
    this.check()
    checkIds(ids)
    if (ids.length === 0 || (await this.knownDims()) === null) return 0
    try {
      const result = await this.sql.unsafe(`DELETE FROM ${this.qualified} WHERE id IN (SELECT jsonb_array_elements_text($1::text::jsonb))`, [JSON.stringify(ids)])
      return result.count
    } catch (cause) {
      throw unavailable(cause, 'delete')
    }
  }

  async deleteWhere(filter: MetadataFilter): Promise<number> {
    this.check()
    validateFilter(filter)
    if ((await this.knownDims()) === null) return 0
    const params: string[] = []
    const where = filterToSql(filter, 'metadata', params)
    try {
      const result = await this.sql.unsafe(`DELETE FROM ${this.qualified} WHERE ${where}`, params)
      return result.count
    } catch (cause) {
      throw unavailable(cause, 'delete')
    }
  }

  async count(): Promise<number> {
    this.check()
    if ((await this.knownDims()) === null) return 0
    try {
      const [{ n }] = await this.sql.unsafe(`SELECT count(*)::int AS n FROM ${this.qualified}`)
      return n as number
    } catch (cause) {
      throw unavailable(cause, 'count')
    }
  }

  /** Ends the connection pool when the store opened it (a `sql` passed in is left open). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.owned) await this.sql.end({ timeout: 5 })
  }
}

function checkIds(ids: unknown): asserts ids is string[] {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw invalid('ids must be an array of strings', { path: 'ids' })
  // Postgres cannot hold these, so no stored record has such an id; reject like upsert does
  for (const id of ids) if (!isStorableString(id)) throw invalid(`id ${JSON.stringify(id)} contains NUL or a lone surrogate`, { path: 'ids' })
}

/** The declared vector length of an existing table, or null when there is no such table. */
async function tableDimensions(sql: Pick<Sql, 'unsafe'>, schema: string, table: string): Promise<number | null> {
  const rows = await sql.unsafe(
    `SELECT a.atttypmod AS d FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::text AND c.relname = $2::text AND a.attname = 'embedding' AND NOT a.attisdropped`,
    [schema, table],
  )
  if (rows.length === 0) return null
  const d = Number(rows[0].d)
  if (!(d > 0)) throw invalid(`Table ${schema}.${table} has an "embedding" column without a fixed dimension: use another table`)
  return d
}

async function openPool(options: PgVectorStoreOptions): Promise<Sql> {
  if (typeof options.url !== 'string' || options.url === '') throw invalid('PgVectorStore.connect needs `url` (or `sql`).', { path: 'url' })
  let driver
  try {
    driver = await import('postgres')
  } catch (cause) {
    throw new LumosError('STORE_DRIVER_MISSING', 'PgVectorStore needs the "postgres" package: npm i postgres', { cause })
  }
  return driver.default(options.url, { max: options.max ?? 10, onnotice: () => undefined, connect_timeout: 10 })
}
