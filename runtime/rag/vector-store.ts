import type { JsonObject } from '../storage/types.js'
import type { MetadataFilter } from './filter-types.js'

/**
 * # The VectorStore port
 * One interface for the places embeddings live: `WasmVectorStore` (the engine's index in this
 * process, persisted to any Store as snapshots) and `PgVectorStore` (Postgres + pgvector). Both
 * pass `test/conformance/vector-store`.
 *
 * - A store has one dimension count, fixed by `create` options or by the first upsert. A vector of
 *   another length throws `EMBEDDING_DIMENSION_MISMATCH` and nothing of that call is written.
 * - `upsert` is all-or-nothing per call: an invalid record (empty id, non-finite value, zero vector
 *   with cosine, non-JSON metadata) throws before anything is written.
 * - Scores: `cosine` → cosine similarity in [-1, 1]; `dot` → dot product; `euclidean` → negative
 *   L2 distance. Higher is better; hits are sorted by score descending, ties by id ascending.
 * - `filter` uses the MetadataFilter semantics in `filter-types.ts` on the record's metadata.
 */
export type VectorMetric = 'cosine' | 'dot' | 'euclidean'

export interface VectorRecord {
  id: string
  vector: Float32Array | number[]
  /** JSON metadata (source, chunk position, user fields) that filters run on. */
  metadata?: JsonObject
  /** The chunk text, kept for keyword search and context building. */
  text?: string
}

export interface VectorQuery {
  vector: Float32Array | number[]
  /** 1..10,000. */
  topK: number
  filter?: MetadataFilter
  /** Return `vector` on each hit (default false). */
  includeVectors?: boolean
}

export interface VectorHit {
  id: string
  score: number
  metadata: JsonObject
  text: string | undefined
  vector?: Float32Array
}

export interface VectorStore {
  /** "wasm", "pgvector", ... */
  readonly kind: string
  readonly metric: VectorMetric
  /** `null` until the first upsert when not given at creation. */
  dimensions(): number | null
  upsert(records: VectorRecord[]): Promise<void>
  query(query: VectorQuery): Promise<VectorHit[]>
  /** Records by id in the order asked (unknown ids omitted). */
  get(ids: string[]): Promise<Omit<VectorHit, 'score'>[]>
  /** Returns how many were deleted. */
  delete(ids: string[]): Promise<number>
  /** Deletes every record whose metadata matches. Returns how many. */
  deleteWhere(filter: MetadataFilter): Promise<number>
  count(): Promise<number>
  close(): Promise<void>
}
