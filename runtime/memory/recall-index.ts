import { ready } from '../core/init.js'
import { VectorIndex } from '../core/vector-index.js'
import { type DecodedSegments, decodeSegments, encodeSegment, type RecallEntry, type RecallSegment } from './recall-segment.js'

interface EntryInfo {
  threadId: string
  /** Position in its thread's order list (for messageRange neighbours). */
  pos: number
  /** Vectors live only in wasm memory; JS keeps no copy (compaction re-reads the blob). */
  hasVector: boolean
}

/** Blob key of one recall scope (one index per thread, or per resource). */
export function recallKey(scope: 'thread' | 'resource', resourceId: string, threadId: string): string {
  return scope === 'thread' ? `lumos/memory/recall/t/${encodeURIComponent(resourceId)}/${encodeURIComponent(threadId)}` : `lumos/memory/recall/r/${encodeURIComponent(resourceId)}`
}

/**
 * The in-process cache of one recall scope: a wasm VectorIndex (exact cosine scan) over the
 * message embeddings, plus each thread's message order for neighbour lookups. It mirrors the blob
 * (base + appended segments); `segments` counts what is in the blob so the owner knows when to
 * compact.
 */
export class RecallIndex {
  readonly key: string
  dims = 0
  segments = 0
  /** Where a bad tail was found when loading (the blob is rewritten whole at the next write). */
  corruptAt: number | undefined
  #index: VectorIndex | undefined
  readonly #entries = new Map<string, EntryInfo>()
  readonly #order = new Map<string, string[]>()

  readonly #quantization: 'int8' | 'none'

  private constructor(key: string, quantization: 'int8' | 'none') {
    this.key = key
    this.#quantization = quantization
  }

  static async fromBlob(key: string, blob: Uint8Array | null, quantization: 'int8' | 'none' = 'int8'): Promise<RecallIndex> {
    await ready()
    const r = new RecallIndex(key, quantization)
    if (blob !== null && blob.length > 0) {
      const decoded: DecodedSegments = decodeSegments(blob)
      for (const s of decoded.segments) r.apply(s)
      r.segments = decoded.segments.length
      r.corruptAt = decoded.corruptAt
    }
    return r
  }

  get size(): number {
    return this.#index?.size ?? 0
  }

  has(id: string): boolean {
    return this.#entries.has(id)
  }

  /** Applies a segment (after it was written, or while loading). */
  apply(segment: RecallSegment): void {
    if (segment.kind === 'tombstone') {
      for (const t of segment.threadIds) this.#dropThread(t)
      return
    }
    const ids: string[] = []
    const vectors: Float32Array[] = []
    let skipped = false
    for (const e of segment.entries) {
      if (this.#entries.has(e.id)) {
        skipped = true
        continue
      }
      let order = this.#order.get(e.threadId)
      if (order === undefined) this.#order.set(e.threadId, (order = []))
      let vector = e.vector
      if (vector !== undefined && this.dims !== 0 && vector.length !== this.dims) {
        vector = undefined // another embedder: unusable
        skipped = true
      }
      this.#entries.set(e.id, { threadId: e.threadId, pos: order.length, hasVector: vector !== undefined })
      order.push(e.id)
      if (vector !== undefined) {
        if (this.dims === 0) this.dims = vector.length
        ids.push(e.id)
        vectors.push(vector)
      }
    }
    if (ids.length > 0) {
      this.#index ??= new VectorIndex({ dimensions: this.dims, metric: 'cosine', quantization: this.#quantization })
      const block = segment.block
      if (block !== undefined && !skipped && block.ids.length === ids.length) {
        this.#index.upsert(block.ids, block.data) // the blob's contiguous vectors, no repacking
      } else {
        const packed = new Float32Array(ids.length * this.dims)
        for (let i = 0; i < vectors.length; i++) packed.set(vectors[i], i * this.dims)
        this.#index.upsert(ids, packed)
      }
    }
  }

  #dropThread(threadId: string): void {
    const order = this.#order.get(threadId)
    if (order === undefined) return
    const withVectors = order.filter((id) => this.#entries.get(id)?.hasVector === true)
    if (withVectors.length > 0) this.#index?.delete(withVectors)
    for (const id of order) this.#entries.delete(id)
    this.#order.delete(threadId)
  }

  /**
   * Top-k message ids by cosine similarity, skipping `exclude` (the history already in the
   * prompt), each expanded with its `before`/`after` neighbours in its thread. Returns the ids in
   * thread order, grouped by thread.
   */
  search(query: Float32Array, topK: number, before: number, after: number, exclude: ReadonlySet<string>): string[] {
    const index = this.#index
    if (index === undefined || index.size === 0 || query.length !== this.dims) return []
    const k = Math.min(index.size, topK + exclude.size)
    const hits = index.search(query, { k })
    const picked: string[] = []
    for (const id of hits.ids) {
      if (exclude.has(id)) continue
      picked.push(id)
      if (picked.length === topK) break
    }
    const wanted = new Map<string, Set<number>>()
    for (const id of picked) {
      const info = this.#entries.get(id)!
      const order = this.#order.get(info.threadId)!
      let set = wanted.get(info.threadId)
      if (set === undefined) wanted.set(info.threadId, (set = new Set()))
      for (let p = Math.max(0, info.pos - before); p <= Math.min(order.length - 1, info.pos + after); p++) set.add(p)
    }
    const out: string[] = []
    for (const [threadId, positions] of wanted) {
      const order = this.#order.get(threadId)!
      for (const p of [...positions].sort((a, b) => a - b)) if (!exclude.has(order[p])) out.push(order[p])
    }
    return out
  }

  /**
   * Compaction: the live entries of `blob` (the stored segments, re-read for this) as one base
   * segment, in thread order; tombstoned and unreadable entries are dropped.
   */
  compact(blob: Uint8Array | null): Uint8Array {
    const vectors = new Map<string, Float32Array>()
    if (blob !== null) {
      for (const s of decodeSegments(blob).segments) {
        if (s.kind !== 'entries' || s.dims !== this.dims) continue
        for (const e of s.entries) if (e.vector !== undefined && !vectors.has(e.id)) vectors.set(e.id, e.vector)
      }
    }
    const entries: RecallEntry[] = []
    for (const [threadId, order] of this.#order) for (const id of order) entries.push({ id, threadId, vector: vectors.get(id) })
    return encodeSegment({ kind: 'entries', dims: this.dims, entries })
  }

  free(): void {
    this.#index?.free()
    this.#index = undefined
  }
}
