import { LumosError } from '../errors.js'

export const MAX_K = 1_000_000

export function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new LumosError('K_OUT_OF_RANGE', `k must be an integer from 1 to ${MAX_K} (got ${String(k)})`, { details: { k } })
  }
  return k
}

/** Ids must be non-empty strings, unique within one call (unless deleting). */
export function checkIds(ids: readonly string[], opts: { allowDuplicates?: boolean } = {}): void {
  if (!Array.isArray(ids)) throw new LumosError('INVALID_ARGUMENT', 'ids must be an array of strings')
  const seen = opts.allowDuplicates ? undefined : new Set<string>()
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]
    if (typeof id !== 'string') {
      throw new LumosError('INVALID_ARGUMENT', `id at position ${i} is a ${typeof id}, not a string`, { details: { position: i } })
    }
    if (id.length === 0) throw new LumosError('ID_EMPTY', `id at position ${i} is empty`, { details: { position: i } })
    if (seen) {
      if (seen.has(id)) throw new LumosError('ID_DUPLICATE', `id "${id}" appears twice in one call`, { details: { id, position: i } })
      seen.add(id)
    }
  }
}

export function checkText(text: unknown, what = 'text'): string {
  if (typeof text !== 'string') {
    throw new LumosError('TEXT_INVALID', `${what} must be a string (got ${text === null ? 'null' : typeof text})`)
  }
  return text
}
