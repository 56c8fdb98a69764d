import type { LumosErrorCode } from '../errors.js'

/** Rust `error::Code` values (core-wasm/src/error.rs) to public error codes. */
const BY_NUMBER: Record<number, LumosErrorCode> = {
  1: 'INVALID_ARGUMENT',
  2: 'INDEX_DIMENSION_MISMATCH',
  3: 'VECTOR_NOT_FINITE',
  4: 'ZERO_VECTOR',
  5: 'ID_DUPLICATE',
  6: 'ID_EMPTY',
  7: 'K_OUT_OF_RANGE',
  8: 'SNAPSHOT_CORRUPT',
  9: 'SNAPSHOT_VERSION_UNSUPPORTED',
  10: 'SNAPSHOT_KIND_MISMATCH',
  11: 'CHUNK_OPTIONS_INVALID',
  12: 'TEXT_INVALID',
  13: 'JSON_INVALID',
  14: 'OUT_OF_MEMORY',
  15: 'INDEX_DISPOSED',
  16: 'INVALID_ARGUMENT',
}

export function codeFromCore(n: number): LumosErrorCode {
  return BY_NUMBER[n] ?? 'INTERNAL'
}
