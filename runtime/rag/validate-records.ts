import { LumosError } from '../errors.js'
import type { JsonObject, JsonValue } from '../storage/types.js'
import type { VectorMetric, VectorRecord } from './vector-store.js'

/**
 * The record checks every VectorStore makes before writing anything (so a bad record makes the
 * whole `upsert` call fail with the same code everywhere). Returns the vectors as Float32Arrays and
 * the dimension count of the batch.
 * Codes: ID_EMPTY, ID_DUPLICATE, INVALID_ARGUMENT (id/text/metadata shape, NUL or lone surrogates,
 * which Postgres cannot store), EMBEDDING_DIMENSION_MISMATCH, VECTOR_NOT_FINITE, ZERO_VECTOR (cosine).
 */
export function validateRecords(records: readonly VectorRecord[], expectedDimensions: number | null, metric: VectorMetric): { vectors: Float32Array[]; dimensions: number | null } {
  if (!Array.isArray(records)) throw new LumosError('INVALID_ARGUMENT', 'upsert expects an array of { id, vector, metadata?, text? } records')
  const seen = new Set<string>()
  const vectors: Float32Array[] = new Array(records.length)
  let dim = expectedDimensions
  records.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) throw new LumosError('INVALID_ARGUMENT', `record ${i} is not an object`, { details: { position: i } })
    if (typeof r.id !== 'string') throw new LumosError('INVALID_ARGUMENT', `record ${i}: id must be a string`, { details: { position: i } })
    if (r.id.length === 0) throw new LumosError('ID_EMPTY', `record ${i} has an empty id`, { details: { position: i } })
    if (!isStorableString(r.id)) throw new LumosError('INVALID_ARGUMENT', `record ${i}: id contains NUL or a lone surrogate`, { details: { position: i, id: r.id } })
    if (seen.has(r.id)) throw new LumosError('ID_DUPLICATE', `id "${r.id}" appears twice in one upsert`, { details: { id: r.id, position: i } })
    seen.add(r.id)
    const v = r.vector
    if (!(v instanceof Float32Array) && !Array.isArray(v)) throw new LumosError('INVALID_ARGUMENT', `record "${r.id}": vector must be a Float32Array or number[]`, { details: { id: r.id } })
    if (dim === null) dim = v.length
    if (v.length !== dim || v.length === 0) {
      throw new LumosError('EMBEDDING_DIMENSION_MISMATCH', `record "${r.id}" has ${v.length} dimensions, the store has ${dim}`, { details: { id: r.id, expected: dim, got: v.length } })
    }
    // Float32Array first: every value must be finite in f32 (a double like 1e39 overflows to Infinity).
    const f = v instanceof Float32Array ? v : Float32Array.from(v, (x) => (typeof x === 'number' ? x : Number.NaN))
    let nonZero = false
    for (let j = 0; j < f.length; j++) {
      const x = f[j]
      if (x - x !== 0) {
        throw new LumosError('VECTOR_NOT_FINITE', `record "${r.id}" has a non-finite value at dimension ${j}`, { details: { id: r.id, position: i } })
      }
      if (x !== 0) nonZero = true
    }
    if (metric === 'cosine' && !nonZero) throw new LumosError('ZERO_VECTOR', `record "${r.id}" is all zeros, which has no direction for cosine`, { details: { id: r.id, position: i } })
    if (r.text !== undefined && (typeof r.text !== 'string' || !isStorableString(r.text))) {
      throw new LumosError('INVALID_ARGUMENT', `record "${r.id}": text must be a string without NUL or lone surrogates`, { details: { id: r.id } })
    }
    if (r.metadata !== undefined) checkJson(r.metadata, r.id, 'metadata', true)
    vectors[i] = f
  })
  return { vectors, dimensions: dim }
}

/** Strings Postgres (and JSON) can keep byte-exact: no NUL, well-formed UTF-16. */
export function isStorableString(s: string): boolean {
  if (s.includes('\u0000')) return false
  return isWellFormed(s)
}

// String.prototype.isWellFormed (ES2024; Node 20, workerd, Deno, Chromium 111+) is native and ~20x
// faster on chunk-sized text than the loop below, which remains for older engines.
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed

function isWellFormed(s: string): boolean {
  if (nativeWellFormed !== undefined) return nativeWellFormed.call(s)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) return false
  }
  return true
}

function checkJson(v: unknown, id: string, path: string, top = false): asserts v is JsonValue {
  const bad = (why: string) => new LumosError('INVALID_ARGUMENT', `record "${id}": ${path} ${why}`, { details: { id, path } })
  if (v === null || typeof v === 'boolean') return
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad('is not a finite number')
    return
  }
  if (typeof v === 'string') {
    if (!isStorableString(v)) throw bad('contains NUL or a lone surrogate')
    return
  }
  if (Array.isArray(v)) {
    if (top) throw bad('must be an object')
    v.forEach((e, i) => checkJson(e, id, `${path}[${i}]`))
    return
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) throw bad('must be a plain JSON object')
    for (const [k, e] of Object.entries(v as JsonObject)) {
      if (!isStorableString(k)) throw bad(`has a key with NUL or a lone surrogate`)
      checkJson(e, id, `${path}.${k}`)
    }
    return
  }
  throw bad(`holds a ${typeof v}, which is not JSON`)
}
