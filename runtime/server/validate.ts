import { LumosError } from '../errors.js'

function bad(message: string, param: string): LumosError {
  return new LumosError('REQUEST_INVALID', message, { details: { param } })
}

export function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string' || value === '') throw bad(`\`${param}\` is required and must be a non-empty string.`, param)
  return value
}

export function optionalString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || value === '') throw bad(`\`${param}\` must be a non-empty string.`, param)
  return value
}

export function optionalNumber(value: unknown, param: string, min = -Infinity, max = Infinity, integer = false): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw bad(`\`${param}\` must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}.`, param)
  }
  return value
}

/** Integer query parameter (`?limit=20`). */
export function queryInt(query: URLSearchParams, param: string, min: number, max: number): number | undefined {
  const raw = query.get(param)
  if (raw === null || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw bad(`Query parameter \`${param}\` must be an integer between ${min} and ${max}.`, param)
  return n
}

export function queryString(query: URLSearchParams, param: string, required: true): string
export function queryString(query: URLSearchParams, param: string, required?: false): string | undefined
export function queryString(query: URLSearchParams, param: string, required = false): string | undefined {
  const raw = query.get(param)
  if (raw === null || raw === '') {
    if (required) throw bad(`Query parameter \`${param}\` is required.`, param)
    return undefined
  }
  return raw
}

export function optionalEnum<T extends string>(value: unknown, param: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw bad(`\`${param}\` must be one of ${allowed.join(', ')}.`, param)
  return value as T
}

export function optionalObject(value: unknown, param: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(`\`${param}\` must be a JSON object.`, param)
  return value as Record<string, unknown>
}
