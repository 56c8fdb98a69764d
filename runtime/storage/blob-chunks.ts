import { LumosError } from '../errors.js'
import { checkInt, checkId } from './validate.js'

/** Splits `bytes` into copies of at most `max` bytes (none for empty input). */
export function splitChunks(bytes: Uint8Array, max: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let offset = 0; offset < bytes.byteLength; offset += max) chunks.push(bytes.slice(offset, Math.min(offset + max, bytes.byteLength)))
  return chunks
}

/** Joins chunks into one new array and checks the total against the header's size. */
export function joinChunks(key: string, chunks: readonly Uint8Array[], size: number, expectedChunks: number): Uint8Array {
  let total = 0
  for (const c of chunks) total += c.byteLength
  if (chunks.length !== expectedChunks || total !== size) {
    throw new LumosError('STORE_DATA_CORRUPT', `Blob "${key}" is damaged: expected ${size} bytes in ${expectedChunks} chunks, found ${total} bytes in ${chunks.length}.`, {
      details: { key, size, found: total, chunks: chunks.length, expectedChunks },
    })
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/**
 * Key of segment `seq` under `prefix`, zero-padded so that `listBlobs({ prefix })` returns segments
 * in numeric order: `blobSegmentKey('index/v1', 7)` is `"index/v1/000000000007"`.
 */
export function blobSegmentKey(prefix: string, seq: number): string {
  checkId(prefix, 'prefix')
  checkInt(seq, 'seq', 0, 999_999_999_999)
  return `${prefix}/${String(seq).padStart(12, '0')}`
}
