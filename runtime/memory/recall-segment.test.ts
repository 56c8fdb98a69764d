import { describe, expect, test } from 'vitest'
import { decodeSegments, encodeSegment } from './recall-segment.js'

const v = (...xs: number[]) => Float32Array.from(xs)

describe('recall segment format', () => {
  test('round trip of entries (with and without vectors, Unicode ids) and tombstones', () => {
    const a = encodeSegment({ kind: 'entries', dims: 3, entries: [{ id: 'm1', threadId: 't1', vector: v(1, 2, 3) }, { id: 'ünï-😀', threadId: 'fäden', vector: undefined }, { id: 'm3', threadId: 't1', vector: v(-1, 0, 0.5) }] })
    const b = encodeSegment({ kind: 'tombstone', threadIds: ['t1'] })
    expect(a.length % 4).toBe(0)
    const blob = new Uint8Array(a.length + b.length)
    blob.set(a)
    blob.set(b, a.length)
    const d = decodeSegments(blob)
    expect(d.corruptAt).toBeUndefined()
    expect(d.segments.length).toBe(2)
    const s0 = d.segments[0]
    if (s0.kind !== 'entries') throw new Error('kind')
    expect(s0.dims).toBe(3)
    expect(s0.entries.map((e) => [e.id, e.threadId, e.vector ? Array.from(e.vector) : null])).toEqual([
      ['m1', 't1', [1, 2, 3]],
      ['ünï-😀', 'fäden', null],
      ['m3', 't1', [-1, 0, 0.5]],
    ])
    expect(d.segments[1]).toEqual({ kind: 'tombstone', threadIds: ['t1'] })
  })

  test('a truncated or corrupted tail is detected; the whole segments before it survive', () => {
    const a = encodeSegment({ kind: 'entries', dims: 2, entries: [{ id: 'a', threadId: 't', vector: v(1, 0) }] })
    const b = encodeSegment({ kind: 'entries', dims: 2, entries: [{ id: 'b', threadId: 't', vector: v(0, 1) }] })
    const blob = new Uint8Array(a.length + b.length)
    blob.set(a)
    blob.set(b, a.length)
    for (let cut = a.length + 1; cut < blob.length; cut++) {
      const d = decodeSegments(blob.subarray(0, cut))
      expect(d.segments.length).toBe(1)
      expect(d.corruptAt).toBe(a.length)
    }
    const flipped = blob.slice()
    flipped[blob.length - 8] ^= 0x40 // a bit of b's vector
    expect(decodeSegments(flipped)).toMatchObject({ corruptAt: a.length })
    expect(decodeSegments(flipped).segments.length).toBe(1)
  })

  test('an unaligned input buffer still decodes (the store may hand out any offset)', () => {
    const a = encodeSegment({ kind: 'entries', dims: 2, entries: [{ id: 'a', threadId: 't', vector: v(0.25, 4) }] })
    const buf = new Uint8Array(a.length + 1)
    buf.set(a, 1)
    const d = decodeSegments(buf.subarray(1))
    expect(d.corruptAt).toBeUndefined()
    expect(Array.from((d.segments[0] as { entries: Array<{ vector: Float32Array }> }).entries[0].vector)).toEqual([0.25, 4])
  })
})
