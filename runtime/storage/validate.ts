import { LumosError } from '../errors.js'
import type { JsonObject, JsonValue } from './types.js'

/** Limits shared by every backend, so data valid in one store is valid in all of them. */
export const MAX_ID_LENGTH = 512
export const MAX_KEY_LENGTH = 1024
export const MAX_LIMIT = 1000
const MAX_JSON_DEPTH = 128

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function invalid(path: string, message: string, details: Record<string, unknown> = {}): LumosError {
  return new LumosError('STORE_INPUT_INVALID', `${path} ${message}`, { details: { path, ...details } })
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === '') return 'an empty string'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object'
  return typeof value
}

/** Text must survive every backend: no NUL (Postgres text/jsonb reject it), no lone surrogates. */
export function checkText(value: string, path: string): string {
  if (value.includes('\u0000')) throw invalid(path, 'contains a NUL character (U+0000), which not every backend can store.')
  if (LONE_SURROGATE.test(value)) throw invalid(path, 'is not well-formed Unicode (it has a lone surrogate).')
  return value
}

export function checkId(value: unknown, path: string, max = MAX_ID_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(path, `must be a non-empty string, got ${describe(value)}.`)
  if (value.length > max) throw invalid(path, `is ${value.length} characters long; the limit is ${max}.`)
  return checkText(value, path)
}

export function checkOptionalText(value: unknown, path: string): string | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string') throw invalid(path, `must be a string or null, got ${describe(value)}.`)
  return checkText(value, path)
}

export function checkString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, `must be a string, got ${describe(value)}.`)
  return checkText(value, path)
}

export function checkDate(value: unknown, path: string): Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) throw invalid(path, `must be a valid Date, got ${describe(value)}.`)
  return new Date(value.getTime())
}

export function checkInt(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(path, `must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? value : describe(value)}.`)
  }
  return value
}

export function checkLimit(value: unknown, path: string, fallback: number, min = 1): number {
  return value === undefined ? fallback : checkInt(value, path, min, MAX_LIMIT)
}

export function checkBytes(value: unknown, path: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(path, `must be a Uint8Array, got ${describe(value)}.`)
  return value
}

export function checkIds(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw invalid(path, `must be an array of ids, got ${describe(value)}.`)
  return value.map((id, i) => checkId(id, `${path}[${i}]`))
}

/** A validated deep copy as plain JSON (what every backend stores); `undefined` object fields are dropped like JSON.stringify does. */
/** A JSON path built only when an error needs it (snapshots are validated on every workflow step). */
interface PathNode {
  parent: PathNode | string
  key: string | number
}

function pathOf(node: PathNode | string): string {
  if (typeof node === 'string') return node
  const base = pathOf(node.parent)
  return typeof node.key === 'number' ? `${base}[${node.key}]` : `${base}.${node.key}`
}

function textOk(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value)
}

export function toJson(value: unknown, path: string): JsonValue {
  return toJsonAt(value, path, 0)
}

function toJsonAt(value: unknown, at: PathNode | string, depth: number): JsonValue {
  if (depth > MAX_JSON_DEPTH) throw invalid(pathOf(at), `is nested deeper than ${MAX_JSON_DEPTH} levels (or is circular).`)
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'string') return textOk(value) ? value : checkText(value, pathOf(at))
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(pathOf(at), `must be a finite number, got ${value}.`)
    return value === 0 ? 0 : value // -0 is not JSON
  }
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) throw invalid(pathOf({ parent: at, key: i }), 'is undefined: arrays must hold JSON values (use null).')
      out[i] = toJsonAt(value[i], { parent: at, key: i }, depth + 1)
    }
    return out
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) throw invalid(pathOf(at), `must be plain JSON, got ${describe(value)} (store binary data as a blob and refer to its key).`)
    const out: JsonObject = {}
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key]
      if (item === undefined) continue
      if (!textOk(key)) checkText(key, `${pathOf(at)} key ${JSON.stringify(key)}`)
      const converted = toJsonAt(item, { parent: at, key }, depth + 1)
      // a "__proto__" key must stay data instead of changing the prototype
      if (key === '__proto__') Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true })
      else out[key] = converted
    }
    return out
  }
  throw invalid(pathOf(at), `must be JSON, got ${describe(value)}.`)
}

export function toJsonObject(value: unknown, path: string): JsonObject {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, `must be a plain object, got ${describe(value)}.`)
  return toJson(value, path) as JsonObject
}
