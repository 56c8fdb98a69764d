import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { blobSegmentKey, compareKeys, prefixUpperBound } from '../../runtime/storage/index.js'
import { joinChunks, splitChunks } from '../../runtime/storage/blob-chunks.js'
import { decodeCursor, encodeCursor } from '../../runtime/storage/cursor.js'

const encoder = new TextEncoder()

function compareUtf8(a: string, b: string): number {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return x.length - y.length
}

// well-formed strings mixing ASCII, BMP above the surrogates (U+E000..U+FFFF) and astral characters
const unicodeString = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'b', 'z', 'é', '\uE000', '\uFFFD', '😀', '𝔸', '中'), fc.string({ unit: 'grapheme', maxLength: 1 })), maxLength: 6 })

describe('store key order', () => {
  it('compareKeys is UTF-8 byte order (SQLite BINARY, Postgres COLLATE "C")', () => {
    fc.assert(
      fc.property(unicodeString, unicodeString, (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(compareUtf8(a, b)))
      }),
      { numRuns: 2000 },
    )
    expect(compareKeys('\uE000', '😀')).toBeLessThan(0)
    expect('\uE000' < '😀').toBe(false) // why a custom comparator is needed
  })

  it('prefixUpperBound bounds exactly the strings with the prefix', () => {
    fc.assert(
      fc.property(unicodeString, unicodeString, (prefix, s) => {
        const upper = prefixUpperBound(prefix)
        const inRange = compareKeys(s, prefix) >= 0 && (upper === null || compareKeys(s, upper) < 0)
        expect(inRange).toBe(s.startsWith(prefix))
        const extended = prefix + s
        expect(compareKeys(extended, prefix) >= 0 && (upper === null || compareKeys(extended, upper) < 0)).toBe(true)
      }),
      { numRuns: 2000 },
    )
    expect(prefixUpperBound('')).toBeNull()
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b')
    expect(prefixUpperBound('\uD7FF')).toBe('\uE000')
  })

  it('blobSegmentKey zero-pads so that key order is numeric order', () => {
    expect(blobSegmentKey('idx/v1', 7)).toBe('idx/v1/000000000007')
    const keys = [0, 9, 10, 99, 100, 123456].map((n) => blobSegmentKey('p', n))
    expect([...keys].sort(compareKeys)).toEqual(keys)
    expect(() => blobSegmentKey('p', -1)).toThrow(expect.objectContaining({ code: 'STORE_INPUT_INVALID' }))
    expect(() => blobSegmentKey('', 1)).toThrow(expect.objectContaining({ code: 'STORE_INPUT_INVALID' }))
  })
})

describe('blob chunks', () => {
  it('split then join is the identity, and no chunk exceeds the limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 700 }), (bytes, max) => {
        const chunks = splitChunks(bytes, max)
        expect(chunks.every((c) => c.byteLength > 0 && c.byteLength <= max)).toBe(true)
        expect(chunks.length).toBe(Math.ceil(bytes.byteLength / max))
        expect(joinChunks('k', chunks, bytes.byteLength, chunks.length)).toEqual(bytes)
      }),
    )
  })

  it('a missing or truncated chunk is reported as STORE_DATA_CORRUPT', () => {
    const chunks = splitChunks(new Uint8Array(10).fill(1), 4)
    expect(() => joinChunks('k', chunks.slice(0, 2), 10, 3)).toThrow(expect.objectContaining({ code: 'STORE_DATA_CORRUPT' }))
    expect(() => joinChunks('k', [chunks[0], chunks[1], chunks[2].subarray(1)], 10, 3)).toThrow(expect.objectContaining({ code: 'STORE_DATA_CORRUPT' }))
  })
})

describe('cursors', () => {
  it('round-trip and reject the wrong kind', () => {
    fc.assert(
      fc.property(fc.nat(), unicodeString, (n, s) => {
        const c = encodeCursor('thread', [n, s])
        expect(c).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(decodeCursor(c, 'thread', ['number', 'string'])).toEqual([n, s])
      }),
    )
    const forward = encodeCursor('forward', [5])
    expect(() => decodeCursor(forward, 'backward', ['number'])).toThrow(expect.objectContaining({ code: 'STORE_INPUT_INVALID' }))
    expect(() => decodeCursor('not a cursor', 'forward', ['number'])).toThrow(expect.objectContaining({ code: 'STORE_INPUT_INVALID' }))
    expect(() => decodeCursor(encodeCursor('forward', ['x']), 'forward', ['number'])).toThrow(expect.objectContaining({ code: 'STORE_INPUT_INVALID' }))
  })
})
