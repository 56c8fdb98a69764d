import { ready } from '../core/init.js'
import { VectorIndex } from '../core/vector-index.js'
import { LumosError } from '../errors.js'
import type { JsonObject, Store } from '../storage/types.js'
import { packContainer, unpackContainer } from './blob-format.js'
import { cloneJson } from './clone-json.js'
import { compareCodePoints, compileFilter } from './filter.js'
import type { MetadataFilter } from './filter-types.js'
import { validateRecords } from './validate-records.js'
import type { VectorHit, VectorMetric, VectorQuery, VectorRecord, VectorStore } from './vector-store.js'

export interface WasmVectorStoreOptions {
  /** Default 'cosine'. */
  metric?: VectorMetric
  /** Fixed here, or by the first upsert. */
  dimensions?: number
  /**
   * 'auto' (default): exact f32 while the vectors take at most `int8AboveBytes`, then the index is
   * rebuilt once as int8 (1 byte per dimension). 'none' / 'int8': fixed.
   */
  quantization?: 'auto' | 'none' | 'int8'
  /** 'auto' switches to int8 when count x dimensions x 4 exceeds this (default 16 MiB: ~10,900 x 384). */
  int8AboveBytes?: number
  /**
   * int8 only: re-rank the best topK x rescore candidates with exact f32. Default 0, because the
   * engine then keeps the f32 originals too (5 bytes per dimension instead of 1): 100k x 384 takes
   * ~38 MB without rescoring and ~190 MB with it, which does not fit a Worker's 128 MB.
   */
  rescore?: number
}

interface Entry {
  metadata: JsonObject
  text: string | undefined
  /** Kept in f32 mode only (for includeVectors and the int8 switch); int8 mode keeps no originals in JS. */
  vector: Float32Array | undefined
}

const MAGIC = 'LUMOSVS1'
const VERSION = 1
const DEFAULT_INT8_ABOVE = 16 * 1024 * 1024
const ENGINE_METRIC = { cosine: 'cosine', dot: 'dot', euclidean: 'l2' } as const

/**
 * VectorStore on the wasm engine's exact (flat) index, in this process. Filters run on a JS map of
 * metadata and become an allow-list of ids for the engine scan. Snapshots (`save`/`load`,
 * `persist`/`open` through any Store's blobs) hold the records and either the packed f32 vectors
 * (the index is rebuilt on load, a memcpy-speed operation for a flat index) or, in int8 mode, the
 * engine's own index snapshot.
 */
export class WasmVectorStore implements VectorStore {
  readonly kind = 'wasm'
  readonly metric: VectorMetric
  #dims: number | null
  #index: VectorIndex | null = null
  #int8: boolean
  readonly #entries = new Map<string, Entry>()
  readonly #auto: boolean
  readonly #int8Above: number
  readonly #rescore: number
  #closed = false
  #autoFailed = false

  /** Needs the wasm core ready (`await ready()`), or use `WasmVectorStore.create`. */
  constructor(options: WasmVectorStoreOptions = {}) {
    const metric = options.metric ?? 'cosine'
    if (!(metric in ENGINE_METRIC)) throw new LumosError('INVALID_ARGUMENT', `metric must be cosine, dot or euclidean (got ${String(metric)})`, { details: { option: 'metric' } })
    const q = options.quantization ?? 'auto'
    if (q !== 'auto' && q !== 'none' && q !== 'int8') throw new LumosError('INVALID_ARGUMENT', `quantization must be 'auto', 'none' or 'int8'`, { details: { option: 'quantization' } })
    const d = options.dimensions
    if (d !== undefined && (!Number.isInteger(d) || d < 1 || d > 65536)) throw new LumosError('INVALID_ARGUMENT', `dimensions must be an integer from 1 to 65536`, { details: { option: 'dimensions' } })
    const above = options.int8AboveBytes ?? DEFAULT_INT8_ABOVE
    if (!(above >= 0)) throw new LumosError('INVALID_ARGUMENT', 'int8AboveBytes must be >= 0', { details: { option: 'int8AboveBytes' } })
    const rescore = options.rescore ?? 0
    if (!Number.isInteger(rescore) || rescore < 0 || rescore > 100) throw new LumosError('INVALID_ARGUMENT', 'rescore must be an integer from 0 to 100', { details: { option: 'rescore' } })
    this.metric = metric
    this.#dims = d ?? null
    this.#int8 = q === 'int8'
    this.#auto = q === 'auto'
    this.#int8Above = above
    this.#rescore = rescore
  }

  /** Initialises the wasm core (adapter default source) and creates an empty store. */
  static async create(options: WasmVectorStoreOptions = {}): Promise<WasmVectorStore> {
    await ready()
    return new WasmVectorStore(options)
  }

  /** 'none' (exact f32) or 'int8' right now. */
  get quantization(): 'none' | 'int8' {
    return this.#int8 ? 'int8' : 'none'
  }

  /** Bytes the engine holds for vectors and ids (JS-side metadata/text not included). */
  get memoryBytes(): number {
    return this.#index?.memoryBytes ?? 0
  }

  dimensions(): number | null {
    return this.#dims
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    this.#open()
    const { vectors, dimensions } = validateRecords(records, this.#dims, this.metric)
    if (records.length === 0) return
    const index = this.#ensureIndex(dimensions!)
    const packed = new Float32Array(records.length * dimensions!)
    vectors.forEach((v, i) => packed.set(v, i * dimensions!))
    // The engine validates again and is all-or-nothing; the maps change only after it succeeded.
    index.upsert(
      records.map((r) => r.id),
      packed,
    )
    this.#dims = dimensions
    records.forEach((r, i) => {
      this.#entries.delete(r.id) // re-insert: Map order = last write order
      this.#entries.set(r.id, {
        metadata: r.metadata ? cloneJson(r.metadata) : {},
        text: r.text,
        vector: this.#int8 ? undefined : packed.slice(i * dimensions!, (i + 1) * dimensions!),
      })
    })
    if (this.#auto && !this.#int8 && !this.#autoFailed && this.#entries.size * dimensions! * 4 > this.#int8Above) {
      // The records are written already: if the int8 rebuild fails (out of memory), stay exact f32.
      try {
        this.#switchToInt8()
      } catch {
        this.#autoFailed = true
      }
    }
  }

  async query(query: VectorQuery): Promise<VectorHit[]> {
    this.#open()
    if (typeof query !== 'object' || query === null) throw new LumosError('INVALID_ARGUMENT', 'query expects { vector, topK, filter? }')
    const topK = query.topK
    if (!Number.isInteger(topK) || topK < 1 || topK > 10_000) {
      throw new LumosError('INVALID_ARGUMENT', `topK must be an integer from 1 to 10,000 (got ${String(topK)})`, { details: { option: 'topK' } })
    }
    const q = checkQueryVector(query.vector, this.#dims, this.metric)
    // An empty filter matches everything: skip the allow-list (validate it all the same).
    const allow = query.filter === undefined ? undefined : isEmptyFilter(query.filter) ? undefined : this.#matching(query.filter)
    if (!this.#index || this.#entries.size === 0 || allow?.length === 0) return []
    const index = this.#index
    const limit = allow?.length ?? this.#entries.size
    // The engine breaks ties by insertion slot; the port promises ties by id. Ask for more until
    // the group of scores tied with the k-th one is complete, then sort.
    let k = Math.min(topK, limit)
    let hits = index.search(q, { k, filter: allow })
    while (hits.ids.length === k && k < limit && hits.scores[k - 1] === hits.scores[Math.min(topK, hits.ids.length) - 1]) {
      k = Math.min(limit, k * 2)
      hits = index.search(q, { k, filter: allow })
    }
    const order = hits.ids.map((id, i) => ({ id, score: hits.scores[i] }))
    order.sort((a, b) => b.score - a.score || compareCodePoints(a.id, b.id))
    return order.slice(0, topK).map(({ id, score }) => {
      const e = this.#entries.get(id)!
      const hit: VectorHit = { id, score, metadata: cloneJson(e.metadata), text: e.text }
      if (query.includeVectors && e.vector) hit.vector = e.vector.slice()
      return hit
    })
  }

  async get(ids: string[]): Promise<Omit<VectorHit, 'score'>[]> {
    this.#open()
    checkIdList(ids)
    const out: Omit<VectorHit, 'score'>[] = []
    const seen = new Set<string>()
    for (const id of ids) {
      const e = this.#entries.get(id)
      if (!e || seen.has(id)) continue
      seen.add(id)
      out.push({ id, metadata: cloneJson(e.metadata), text: e.text })
    }
    return out
  }

  async delete(ids: string[]): Promise<number> {
    this.#open()
    checkIdList(ids)
    const present = [...new Set(ids)].filter((id) => this.#entries.has(id))
    if (present.length === 0) return 0
    this.#index!.delete(present)
    for (const id of present) this.#entries.delete(id)
    return present.length
  }

  async deleteWhere(filter: MetadataFilter): Promise<number> {
    this.#open()
    return this.delete(this.#matching(filter))
  }

  async count(): Promise<number> {
    this.#open()
    return this.#entries.size
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#index?.free()
    this.#index = null
    this.#entries.clear()
  }

  /** Every id, oldest write first. */
  ids(): string[] {
    this.#open()
    return [...this.#entries.keys()]
  }

  /** Ids of every record whose metadata matches (validates the filter first). */
  matchingIds(filter: MetadataFilter): string[] {
    this.#open()
    return this.#matching(filter)
  }

  /** A versioned snapshot of the whole store (configuration, records, vectors). */
  save(): Uint8Array {
    this.#open()
    const ids = [...this.#entries.keys()]
    const header = {
      kind: 'wasm-vector-store',
      metric: this.metric,
      dimensions: this.#dims,
      int8: this.#int8,
      auto: this.#auto,
      int8AboveBytes: this.#int8Above,
      rescore: this.#rescore,
      records: ids.map((id) => {
        const e = this.#entries.get(id)!
        return e.text === undefined ? [id, e.metadata] : [id, e.metadata, e.text]
      }),
    }
    let section: Uint8Array
    if (this.#int8) section = this.#index ? this.#index.save() : new Uint8Array(0)
    else {
      const d = this.#dims ?? 0
      const packed = new Float32Array(ids.length * d)
      ids.forEach((id, i) => packed.set(this.#entries.get(id)!.vector!, i * d))
      section = new Uint8Array(packed.buffer)
    }
    return packContainer(MAGIC, VERSION, { header, sections: { [this.#int8 ? 'index' : 'vectors']: section } })
  }

  /** Restores a `save()` snapshot (needs the wasm core ready). */
  static load(bytes: Uint8Array): WasmVectorStore {
    const { header: h, sections } = unpackContainer(bytes, MAGIC, VERSION, 'WasmVectorStore')
    const records = h.records as [string, JsonObject, string?][]
    if (h.kind !== 'wasm-vector-store' || !Array.isArray(records)) throw new LumosError('SNAPSHOT_CORRUPT', 'WasmVectorStore snapshot header is incomplete')
    const store = new WasmVectorStore({
      metric: h.metric as VectorMetric,
      dimensions: (h.dimensions as number | null) ?? undefined,
      quantization: h.int8 ? 'int8' : h.auto ? 'auto' : 'none',
      int8AboveBytes: h.int8AboveBytes as number,
      rescore: h.rescore as number,
    })
    const d = store.#dims ?? 0
    if (h.int8) {
      if (records.length > 0) {
        store.#index = VectorIndex.load(sections.index)
        if (store.#index.size !== records.length) throw new LumosError('SNAPSHOT_CORRUPT', 'WasmVectorStore snapshot: index and records disagree')
      }
      for (const [id, metadata, text] of records) store.#entries.set(id, { metadata, text, vector: undefined })
      return store
    }
    const raw = sections.vectors
    if (!raw || raw.byteLength !== records.length * d * 4) throw new LumosError('SNAPSHOT_CORRUPT', 'WasmVectorStore snapshot: vector section has the wrong size')
    const packed = new Float32Array(raw.slice().buffer)
    if (records.length > 0) {
      store.#ensureIndex(d).upsert(
        records.map((r) => r[0]),
        packed,
      )
    }
    records.forEach(([id, metadata, text], i) => store.#entries.set(id, { metadata, text, vector: packed.slice(i * d, (i + 1) * d) }))
    return store
  }

  /** Writes `save()` to a Store blob. */
  async persist(store: Store, key: string): Promise<void> {
    await store.putBlob(key, this.save())
  }

  /** Loads the blob at `key`, or returns a new empty store with `options` when there is none. */
  static async open(store: Store, key: string, options: WasmVectorStoreOptions = {}): Promise<WasmVectorStore> {
    await ready()
    const bytes = await store.getBlob(key)
    return bytes ? WasmVectorStore.load(bytes) : new WasmVectorStore(options)
  }

  #open(): void {
    if (this.#closed) throw new LumosError('STORE_CLOSED', 'This WasmVectorStore was closed: load or create a new one.')
  }

  #ensureIndex(dimensions: number): VectorIndex {
    if (!this.#index) {
      this.#index = new VectorIndex({
        dimensions,
        metric: ENGINE_METRIC[this.metric],
        quantization: this.#int8 ? 'int8' : 'none',
        rescore: this.#int8 ? this.#rescore : 0,
      })
    }
    return this.#index
  }

  #matching(filter: MetadataFilter): string[] {
    const test = compileFilter(filter)
    const out: string[] = []
    for (const [id, e] of this.#entries) if (test(e.metadata)) out.push(id)
    return out
  }

  #switchToInt8(): void {
    const d = this.#dims!
    const ids = [...this.#entries.keys()]
    const next = new VectorIndex({ dimensions: d, metric: ENGINE_METRIC[this.metric], quantization: 'int8', rescore: this.#rescore })
    try {
      const packed = new Float32Array(ids.length * d)
      ids.forEach((id, i) => packed.set(this.#entries.get(id)!.vector!, i * d))
      next.upsert(ids, packed)
    } catch (e) {
      next.free()
      throw e
    }
    this.#index?.free()
    this.#index = next
    this.#int8 = true
    for (const e of this.#entries.values()) e.vector = undefined
  }
}

function checkIdList(ids: unknown): asserts ids is string[] {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new LumosError('INVALID_ARGUMENT', 'ids must be an array of strings')
}

/** Query vectors follow the record rules: right length, finite, non-zero for cosine. */
export function checkQueryVector(v: unknown, dims: number | null, metric: VectorMetric): Float32Array {
  if (!(v instanceof Float32Array) && !Array.isArray(v)) throw new LumosError('INVALID_ARGUMENT', 'query vector must be a Float32Array or number[]')
  if (dims !== null && v.length !== dims) {
    throw new LumosError('EMBEDDING_DIMENSION_MISMATCH', `query vector has ${v.length} dimensions, the store has ${dims}`, { details: { expected: dims, got: v.length } })
  }
  let nonZero = false
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new LumosError('VECTOR_NOT_FINITE', `query vector has a non-finite value at dimension ${i}`)
    if (x !== 0) nonZero = true
  }
  if (metric === 'cosine' && !nonZero) throw new LumosError('ZERO_VECTOR', 'query vector is all zeros, which has no direction for cosine')
  return v instanceof Float32Array ? v : Float32Array.from(v)
}

function isEmptyFilter(f: MetadataFilter): boolean {
  compileFilter(f) // throws FILTER_INVALID for non-objects
  return Object.values(f).every((v) => v === undefined)
}
