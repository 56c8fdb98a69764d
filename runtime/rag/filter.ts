import { LumosError } from '../errors.js'
import type { JsonObject, JsonValue } from '../storage/types.js'
import type { FilterScalar, MetadataFilter } from './filter-types.js'

/**
 * Validation and in-process evaluation of `MetadataFilter` (semantics in `filter-types.ts`).
 * Precise rules the conformance suite pins down, so every store can match them:
 * - A path is split on `.`; each segment must be non-empty. Only objects are walked (an array or
 *   scalar on the way means "missing").
 * - `$eq` on a missing field is false (`$ne` is its negation, so true). `$eq: null` matches a
 *   present `null` (or an array holding `null`). Objects never equal anything.
 * - Range operators never look inside arrays and compare strings by code point (= UTF-8 byte order,
 *   = Postgres `COLLATE "C"`), not UTF-16 units.
 * - `$contains` with a non-string operand on a string field is false.
 */
const FIELD_OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$contains'])
const LOGICAL_OPS = new Set(['$and', '$or', '$not'])

function invalid(operator: string, path: string, problem: string): LumosError {
  return new LumosError('FILTER_INVALID', `Invalid filter: ${operator} at "${path || '(root)'}" ${problem}`, { details: { operator, path } })
}

const isScalar = (v: unknown): v is FilterScalar =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Throws FILTER_INVALID (naming the operator and the path) for anything outside the documented grammar. */
export function validateFilter(filter: unknown, at = ''): asserts filter is MetadataFilter {
  if (!isPlainObject(filter)) throw invalid('filter', at, `must be an object (got ${describe(filter)})`)
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue
    if (key.startsWith('$')) {
      if (!LOGICAL_OPS.has(key)) throw invalid(key, at, FIELD_OPS.has(key) ? 'must be inside a field: { field: { ' + key + ': ... } }' : 'is not a known operator')
      if (key === '$not') {
        if (!isPlainObject(value)) throw invalid(key, at, `must be a filter object (got ${describe(value)})`)
        validateFilter(value, at)
        continue
      }
      if (!Array.isArray(value) || value.length === 0) throw invalid(key, at, 'must be a non-empty array of filters')
      for (const f of value) {
        if (!isPlainObject(f)) throw invalid(key, at, `must hold filter objects (got ${describe(f)})`)
        validateFilter(f, at)
      }
      continue
    }
    checkPath(key)
    if (isScalar(value)) continue
    if (!isPlainObject(value)) throw invalid('$eq', key, `needs a string, number, boolean or null (got ${describe(value)}); arrays are matched with $in/$contains`)
    const ops = Object.keys(value)
    if (ops.length === 0) throw invalid('field', key, 'has an empty operator object')
    for (const op of ops) {
      const operand = value[op]
      if (operand === undefined) continue
      if (!FIELD_OPS.has(op)) {
        throw invalid(op, key, op.startsWith('$') ? 'is not a known field operator' : 'is not an operator: use a dot path ("a.b") for nested fields')
      }
      checkOperand(op, operand, key)
    }
  }
}

function checkPath(path: string): void {
  if (path.length === 0 || path.split('.').some((s) => s.length === 0)) throw invalid('field', path, 'is not a valid field path (empty segment)')
}

function checkOperand(op: string, v: unknown, path: string): void {
  switch (op) {
    case '$eq':
    case '$ne':
    case '$contains':
      if (!isScalar(v)) throw invalid(op, path, `needs a string, number, boolean or null (got ${describe(v)})`)
      return
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw invalid(op, path, `needs a finite number or a string (got ${describe(v)})`)
      return
    case '$in':
    case '$nin':
      if (!Array.isArray(v) || v.length === 0) throw invalid(op, path, `needs a non-empty array (got ${describe(v)})`)
      if (!v.every(isScalar)) throw invalid(op, path, 'array may hold only strings, numbers, booleans and null')
      return
    case '$exists':
      if (typeof v !== 'boolean') throw invalid(op, path, `needs true or false (got ${describe(v)})`)
      return
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  return typeof v
}

const MISSING = Symbol('missing')

/** The value at a dot path, or MISSING. */
export function getPath(metadata: JsonObject, path: string): JsonValue | typeof MISSING {
  let cur: JsonValue = metadata
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return MISSING
    cur = (cur as JsonObject)[seg]
  }
  return cur
}

/** Compares strings by Unicode code point (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (D800-DFFF) encode code points above FFFF and must sort after E000-FFFF.
    const fx = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x
    const fy = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y
    return fx - fy
  }
  return a.length - b.length
}

const eqScalar = (v: JsonValue, x: FilterScalar) => (Array.isArray(v) ? v.some((e) => e === x) : v === x)

function matchOp(op: string, v: JsonValue | typeof MISSING, x: unknown): boolean {
  switch (op) {
    case '$eq':
      return v !== MISSING && eqScalar(v, x as FilterScalar)
    case '$ne':
      return !(v !== MISSING && eqScalar(v, x as FilterScalar))
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      let c: number
      if (typeof v === 'number' && typeof x === 'number') c = v - x
      else if (typeof v === 'string' && typeof x === 'string') c = compareCodePoints(v, x)
      else return false
      return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0
    }
    case '$in':
      return v !== MISSING && (x as FilterScalar[]).some((e) => eqScalar(v, e))
    case '$nin':
      return !(v !== MISSING && (x as FilterScalar[]).some((e) => eqScalar(v, e)))
    case '$exists':
      return (v !== MISSING) === x
    case '$contains':
      if (typeof v === 'string') return typeof x === 'string' && v.includes(x)
      if (Array.isArray(v)) return v.some((e) => e === x)
      return false
  }
  return false
}

/** Whether `metadata` matches a filter already checked by `validateFilter`. */
export function matchesFilter(metadata: JsonObject, filter: MetadataFilter): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue
    if (key === '$and') {
      if (!(value as MetadataFilter[]).every((f) => matchesFilter(metadata, f))) return false
    } else if (key === '$or') {
      if (!(value as MetadataFilter[]).some((f) => matchesFilter(metadata, f))) return false
    } else if (key === '$not') {
      if (matchesFilter(metadata, value as MetadataFilter)) return false
    } else {
      const v = getPath(metadata, key)
      if (isScalar(value)) {
        if (!matchOp('$eq', v, value)) return false
      } else {
        for (const [op, x] of Object.entries(value as Record<string, unknown>)) {
          if (x !== undefined && !matchOp(op, v, x)) return false
        }
      }
    }
  }
  return true
}

/** Validates once and returns a predicate compiled to closures (paths split once, operators resolved once). */
export function compileFilter(filter: MetadataFilter): (metadata: JsonObject) => boolean {
  validateFilter(filter)
  return compile(filter)
}

type Pred = (m: JsonObject) => boolean
type Getter = (m: JsonObject) => JsonValue | typeof MISSING

const hasOwn = Object.prototype.hasOwnProperty

function getter(path: string): Getter {
  const segs = path.split('.')
  if (segs.length === 1) return (m) => (hasOwn.call(m, path) ? m[path] : MISSING)
  return (m) => {
    let cur: JsonValue = m
    for (const seg of segs) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !hasOwn.call(cur, seg)) return MISSING
      cur = (cur as JsonObject)[seg]
    }
    return cur
  }
}

function compile(filter: MetadataFilter): Pred {
  const preds: Pred[] = []
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue
    if (key === '$and') {
      const ps = (value as MetadataFilter[]).map(compile)
      preds.push((m) => ps.every((p) => p(m)))
    } else if (key === '$or') {
      const ps = (value as MetadataFilter[]).map(compile)
      preds.push((m) => ps.some((p) => p(m)))
    } else if (key === '$not') {
      const p = compile(value as MetadataFilter)
      preds.push((m) => !p(m))
    } else {
      const get = getter(key)
      if (isScalar(value)) preds.push(fieldPred('$eq', get, value))
      else for (const [op, x] of Object.entries(value as Record<string, unknown>)) if (x !== undefined) preds.push(fieldPred(op, get, x))
    }
  }
  if (preds.length === 0) return () => true
  if (preds.length === 1) return preds[0]
  return (m) => {
    for (const p of preds) if (!p(m)) return false
    return true
  }
}

function fieldPred(op: string, get: Getter, x: unknown): Pred {
  switch (op) {
    case '$eq':
      return (m) => {
        const v = get(m)
        return v === x || (Array.isArray(v) && v.includes(x as FilterScalar))
      }
    case '$ne':
      return (m) => {
        const v = get(m)
        return !(v === x || (Array.isArray(v) && v.includes(x as FilterScalar)))
      }
    case '$in': {
      const set = new Set(x as FilterScalar[])
      return (m) => {
        const v = get(m)
        return v !== MISSING && (Array.isArray(v) ? v.some((e) => set.has(e as FilterScalar)) : set.has(v as FilterScalar))
      }
    }
    case '$nin': {
      const set = new Set(x as FilterScalar[])
      return (m) => {
        const v = get(m)
        return !(v !== MISSING && (Array.isArray(v) ? v.some((e) => set.has(e as FilterScalar)) : set.has(v as FilterScalar)))
      }
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      if (typeof x === 'number') {
        const t = x
        if (op === '$gt') return (m) => { const v = get(m); return typeof v === 'number' && v > t }
        if (op === '$gte') return (m) => { const v = get(m); return typeof v === 'number' && v >= t }
        if (op === '$lt') return (m) => { const v = get(m); return typeof v === 'number' && v < t }
        return (m) => { const v = get(m); return typeof v === 'number' && v <= t }
      }
      return (m) => matchOp(op, get(m), x)
    default:
      return (m) => matchOp(op, get(m), x)
  }
}
