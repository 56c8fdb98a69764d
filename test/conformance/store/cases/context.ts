import type { Store } from '../../../../runtime/storage/index.js'

export interface CaseContext {
  readonly store: Store
}

export type TestFn = (name: string, fn: () => Promise<void>, timeout?: number) => void

/** A fixed past time, so that "updatedAt was bumped" is observable without sleeping. */
export const PAST = new Date('2020-01-02T03:04:05.678Z')

export function textMessage(text: string, role: 'user' | 'assistant' | 'system' = 'user', id?: string) {
  return { ...(id === undefined ? {} : { id }), role, content: { parts: [{ type: 'text', text }] } }
}

/** Deterministic pseudo-random bytes (xorshift32), fast enough for megabytes. */
export function pseudoRandomBytes(size: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** Byte equality without the cost of a deep-equality diff on megabytes. */
export function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null || a.byteLength !== b.byteLength) return false
  let i = 0
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.byteLength >>> 2
    const x = new Uint32Array(a.buffer, a.byteOffset, words)
    const y = new Uint32Array(b.buffer, b.byteOffset, words)
    for (let w = 0; w < words; w++) if (x[w] !== y[w]) return false
    i = words * 4
  }
  for (; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}
