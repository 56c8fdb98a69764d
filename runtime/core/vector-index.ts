import { LumosError } from '../errors.js'
import { type Hits, readHits, readOutBytes, readStringTable } from './hits.js'
import { getCore } from './init.js'
import { NativeHandle } from './native-handle.js'
import { checkIds, checkK } from './validate.js'

export type Metric = 'cosine' | 'dot' | 'l2'
export type Quantization = 'none' | 'int8'

export interface VectorIndexOptions {
  dimensions: number
  /** Default 'cosine'. Scores are always higher-is-better: cosine similarity, dot product, or minus the L2 distance. */
  metric?: Metric
  /** 'int8' stores one byte per dimension (about 4x less memory, 3x+ faster scans). Default 'none' (f32). */
  quantization?: Quantization
  /** int8 scale per vector (default) or per dimension (fixed from the first upsert batch). */
  int8Scale?: 'vector' | 'dimension'
  /** int8 only: rescore the top k*rescore candidates with exact f32 (keeps the f32 originals). 0 = off. */
  rescore?: number
  /** 'flat' = exact SIMD scan (default); 'hnsw' = approximate graph index. */
  index?: 'flat' | 'hnsw'
  m?: number
  efConstruction?: number
  efSearch?: number
}

export interface VectorSearchOptions {
  /** Number of results, 1..1,000,000. Default 10. */
  k?: number
  /** Allow-list of ids (e.g. the result of a metadata filter); unknown ids are ignored. */
  filter?: readonly string[]
  /** HNSW: per-call efSearch. */
  efSearch?: number
}

export type VectorInput = Float32Array | readonly (Float32Array | readonly number[])[]

const METRICS: Metric[] = ['cosine', 'dot', 'l2']
const FROM_HANDLE = Symbol('fromHandle')
/** Upserts above this size are sliced (after validating everything up front, to stay all-or-nothing). */
const UPSERT_SLICE_BYTES = 1 << 20
type Internal = { [FROM_HANDLE]: number }

/** Exact or HNSW vector index living in wasm memory. Free it with `free()` or `using`. */
export class VectorIndex extends NativeHandle {
  constructor(options: VectorIndexOptions)
  constructor(options: VectorIndexOptions | Internal) {
    super(typeof options === 'object' && options !== null && FROM_HANDLE in options ? options[FROM_HANDLE] : createHandle(options as VectorIndexOptions))
  }

  /** Loads a snapshot made by `save()`. Corrupt, truncated or foreign bytes throw SNAPSHOT_* errors. */
  static load(snapshot: Uint8Array): VectorIndex {
    if (!(snapshot instanceof Uint8Array)) {
      throw new LumosError('SNAPSHOT_CORRUPT', 'VectorIndex.load expects a Uint8Array snapshot')
    }
    const core = getCore()
    const r = core.writeBytes(snapshot)
    try {
      return new VectorIndex({ [FROM_HANDLE]: core.handle(() => core.x.vector_load(r.ptr, snapshot.byteLength)) } as unknown as VectorIndexOptions)
    } finally {
      core.free(r)
    }
  }

  /** Current configuration, as stored in the engine (also after `load`). */
  get options(): Required<VectorIndexOptions> {
    const w = this.info()
    return {
      dimensions: w[1],
      metric: METRICS[w[2]],
      quantization: w[3] === 0 ? 'none' : 'int8',
      int8Scale: w[3] === 2 ? 'dimension' : 'vector',
      index: w[4] === 0 ? 'flat' : 'hnsw',
      m: w[5],
      efConstruction: w[6],
      efSearch: w[7],
      rescore: w[8],
    }
  }

  get dimensions(): number {
    return this.info()[1]
  }

  /** Number of live vectors. */
  get size(): number {
    return this.info()[0]
  }

  /** Bytes held in wasm memory by vectors, graph and ids. */
  get memoryBytes(): number {
    const w = this.info()
    return w[9] + w[10] * 2 ** 32
  }

  /**
   * Inserts or replaces vectors. All-or-nothing: on any invalid id or value nothing changes.
   * Large batches are validated here first and then streamed to wasm in slices, so wasm memory
   * (which never shrinks) does not have to hold a second full copy of the input.
   */
  upsert(ids: readonly string[], vectors: VectorInput): void {
    checkIds(ids)
    const dim = this.dimensions
    const data = packVectors(vectors, ids.length, dim)
    const rows = Math.max(1, Math.floor(UPSERT_SLICE_BYTES / (dim * 4)))
    if (ids.length <= rows) return this.upsertSlice(ids, data)
    const o = this.options
    // Per-dimension int8 scales come from the first batch: keep that batch whole.
    if (o.quantization === 'int8' && o.int8Scale === 'dimension' && this.size === 0) return this.upsertSlice(ids, data)
    validateValues(data, dim, o.metric === 'cosine')
    // One exact reservation up front, so the slices append without reallocating (wasm memory never shrinks).
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.vector_reserve(h, ids.length))
    for (let at = 0; at < ids.length; at += rows) {
      const end = Math.min(ids.length, at + rows)
      this.upsertSlice(ids.slice(at, end), data.subarray(at * dim, end * dim))
    }
  }

  private upsertSlice(ids: readonly string[], data: Float32Array): void {
    const core = getCore()
    const h = this.handle
    const s = core.writeStrings(ids)
    let d
    try {
      d = core.writeF32(data)
      core.call(() => core.x.vector_upsert(h, s.blob.ptr, s.blob.size, s.offs.ptr, s.n, d!.ptr, data.length))
    } finally {
      core.freeStrings(s)
      core.free(d)
    }
  }

  /** Deletes ids (unknown ids are ignored); returns how many were deleted. */
  delete(ids: readonly string[]): number {
    checkIds(ids, { allowDuplicates: true })
    const core = getCore()
    const h = this.handle
    const s = core.writeStrings(ids)
    try {
      core.call(() => core.x.vector_delete(h, s.blob.ptr, s.blob.size, s.offs.ptr, s.n))
      return core.out().words[0]
    } finally {
      core.freeStrings(s)
    }
  }

  search(query: Float32Array | readonly number[], options: VectorSearchOptions = {}): Hits {
    const k = checkK(options.k ?? 10)
    const q = query instanceof Float32Array ? query : Float32Array.from(query)
    const core = getCore()
    const h = this.handle
    const qr = core.writeF32(q)
    const allow = options.filter ? core.writeStrings(checkFilter(options.filter)) : undefined
    try {
      core.call(() =>
        core.x.vector_search(h, qr.ptr, q.length, k, allow?.blob.ptr ?? 0, allow?.blob.size ?? 0, allow?.offs.ptr ?? 0, allow?.n ?? 0, allow ? 1 : 0, options.efSearch ?? 0),
      )
      const { words, floats, ptr } = core.out()
      const n = words[0]
      return readHits(core, words, floats, 0, ptr + (1 + 4 * n) * 4).hits
    } finally {
      core.free(qr)
      core.freeStrings(allow)
    }
  }

  /** Searches many queries (n x dimensions, packed or as a list) in one call. */
  searchBatch(queries: VectorInput, options: VectorSearchOptions = {}): Hits[] {
    const k = checkK(options.k ?? 10)
    const dim = this.dimensions
    const count = queries instanceof Float32Array ? queries.length / dim : queries.length
    const data = packVectors(queries, Math.floor(count), dim)
    const core = getCore()
    const h = this.handle
    const qr = core.writeF32(data)
    const allow = options.filter ? core.writeStrings(checkFilter(options.filter)) : undefined
    try {
      core.call(() =>
        core.x.vector_search_batch(h, qr.ptr, data.length, k, allow?.blob.ptr ?? 0, allow?.blob.size ?? 0, allow?.offs.ptr ?? 0, allow?.n ?? 0, allow ? 1 : 0, options.efSearch ?? 0),
      )
      const { words, floats, ptr } = core.out()
      const nq = words[0]
      let end = 1
      for (let i = 0; i < nq; i++) end += 1 + 4 * words[end]
      const tail = ptr + end * 4
      const out: Hits[] = []
      let at = 1
      for (let i = 0; i < nq; i++) {
        const r = readHits(core, words, floats, at, tail)
        out.push(r.hits)
        at = r.next
      }
      return out
    } finally {
      core.free(qr)
      core.freeStrings(allow)
    }
  }

  /** Drops deleted/replaced entries and rebuilds the graph; frees memory after many deletes. */
  compact(): void {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.vector_compact(h))
  }

  /** Live ids in insertion order. */
  ids(): string[] {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.vector_ids(h))
    return readStringTable(core).filter((s): s is string => s !== undefined)
  }

  /** Versioned binary snapshot (checksummed); load it with `VectorIndex.load`. */
  save(): Uint8Array {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.vector_save(h))
    return readOutBytes(core)
  }

  private info(): Uint32Array {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.vector_info(h))
    return core.out().words.slice(0, 12)
  }
}

function createHandle(o: VectorIndexOptions): number {
  if (typeof o !== 'object' || o === null) throw new LumosError('INVALID_ARGUMENT', 'VectorIndex options must be an object with `dimensions`')
  const dim = o.dimensions
  if (!Number.isInteger(dim) || dim < 1 || dim > 65536) {
    throw new LumosError('INVALID_ARGUMENT', `dimensions must be an integer from 1 to 65536 (got ${String(dim)})`, { details: { option: 'dimensions' } })
  }
  const metric = METRICS.indexOf(o.metric ?? 'cosine')
  if (metric < 0) throw new LumosError('INVALID_ARGUMENT', `metric must be one of ${METRICS.join(', ')} (got ${String(o.metric)})`, { details: { option: 'metric' } })
  const q = o.quantization ?? 'none'
  if (q !== 'none' && q !== 'int8') throw new LumosError('INVALID_ARGUMENT', `quantization must be 'none' or 'int8' (got ${String(q)})`, { details: { option: 'quantization' } })
  const scale = o.int8Scale ?? 'vector'
  if (scale !== 'vector' && scale !== 'dimension') throw new LumosError('INVALID_ARGUMENT', `int8Scale must be 'vector' or 'dimension'`, { details: { option: 'int8Scale' } })
  const kind = o.index ?? 'flat'
  if (kind !== 'flat' && kind !== 'hnsw') throw new LumosError('INVALID_ARGUMENT', `index must be 'flat' or 'hnsw' (got ${String(kind)})`, { details: { option: 'index' } })
  const int = (name: string, v: number | undefined, dflt: number) => {
    const x = v ?? dflt
    if (!Number.isInteger(x) || x < 0 || x > 1_000_000) throw new LumosError('INVALID_ARGUMENT', `${name} must be a non-negative integer (got ${String(v)})`, { details: { option: name } })
    return x
  }
  const core = getCore()
  return core.handle(() =>
    core.x.vector_new(
      dim,
      metric,
      q === 'none' ? 0 : scale === 'vector' ? 1 : 2,
      kind === 'flat' ? 0 : 1,
      int('m', o.m, 16),
      int('efConstruction', o.efConstruction, 200),
      int('efSearch', o.efSearch, 64),
      int('rescore', o.rescore, 0),
    ),
  )
}

function checkFilter(filter: readonly string[]): readonly string[] {
  if (!Array.isArray(filter)) throw new LumosError('INVALID_ARGUMENT', 'filter must be an array of ids', { details: { option: 'filter' } })
  for (const id of filter) {
    if (typeof id !== 'string') throw new LumosError('INVALID_ARGUMENT', 'filter must contain only string ids', { details: { option: 'filter' } })
  }
  return filter
}

/** Packs n vectors into one n*dim Float32Array, checking each length. */
export function packVectors(input: VectorInput, n: number, dim: number): Float32Array {
  if (input instanceof Float32Array) {
    if (input.length !== n * dim) {
      throw new LumosError('INDEX_DIMENSION_MISMATCH', `expected ${n} x ${dim} = ${n * dim} values, got ${input.length}`, { details: { expected: n * dim, got: input.length } })
    }
    return input
  }
  if (!Array.isArray(input)) throw new LumosError('INVALID_ARGUMENT', 'vectors must be a Float32Array or an array of vectors')
  if (input.length !== n) {
    throw new LumosError('INVALID_ARGUMENT', `got ${input.length} vectors for ${n} ids`, { details: { ids: n, vectors: input.length } })
  }
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const v = input[i] as Float32Array | readonly number[]
    if (!v || v.length !== dim) {
      throw new LumosError('INDEX_DIMENSION_MISMATCH', `vector ${i} has ${v?.length ?? 0} dimensions, the index has ${dim}`, { details: { position: i, expected: dim, got: v?.length ?? 0 } })
    }
    out.set(v, i * dim)
  }
  return out
}

/** The same value checks the engine makes, done before a sliced upsert so no slice can fail half-way. */
function validateValues(data: Float32Array, dim: number, cosine: boolean): void {
  for (let i = 0, n = data.length / dim; i < n; i++) {
    let nonZero = false
    for (let j = i * dim, end = j + dim; j < end; j++) {
      const v = data[j]
      if (v - v !== 0) {
        throw new LumosError('VECTOR_NOT_FINITE', `vector at position ${i} has a non-finite value at dimension ${j - i * dim}`, { details: { position: i } })
      }
      if (v !== 0) nonZero = true
    }
    if (cosine && !nonZero) {
      throw new LumosError('ZERO_VECTOR', `vector at position ${i} is all zeros, which has no direction for cosine similarity`, { details: { position: i } })
    }
  }
}
