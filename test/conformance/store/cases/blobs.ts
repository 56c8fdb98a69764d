import { expect } from 'vitest'
import { blobSegmentKey, compareKeys } from '../../../../runtime/storage/index.js'
import type { BlobInfo } from '../../../../runtime/storage/index.js'
import { concatBytes, pseudoRandomBytes, sameBytes, type CaseContext, type TestFn } from './context.js'

const MB = 1024 * 1024

export function blobCases(test: TestFn, ctx: CaseContext): void {
  test(
    'blobs: 10 MB round trip, append and replace',
    async () => {
      const { store } = ctx
      const big = pseudoRandomBytes(10 * MB + 7, 1)
      const info = await store.putBlob('index/main.snapshot', big)
      expect(info).toEqual({ key: 'index/main.snapshot', size: 10 * MB + 7, segments: 1, updatedAt: expect.any(Date) })
      expect(sameBytes(await store.getBlob('index/main.snapshot'), big)).toBe(true)

      const tail = pseudoRandomBytes(3 * MB + 1, 2)
      expect(await store.appendBlob('index/main.snapshot', tail)).toMatchObject({ size: 13 * MB + 8, segments: 2 })
      expect(sameBytes(await store.getBlob('index/main.snapshot'), concatBytes([big, tail]))).toBe(true)

      const small = pseudoRandomBytes(1000, 3)
      expect(await store.putBlob('index/main.snapshot', small)).toMatchObject({ size: 1000, segments: 1 })
      expect(sameBytes(await store.getBlob('index/main.snapshot'), small)).toBe(true)
      expect(await store.getBlobInfo('index/main.snapshot')).toMatchObject({ key: 'index/main.snapshot', size: 1000, segments: 1 })
    },
    120_000,
  )

  test('blobs: appended segments concatenate in order', async () => {
    const { store } = ctx
    const parts: Uint8Array[] = []
    for (let i = 0; i < 40; i++) {
      const part = pseudoRandomBytes(i % 7 === 0 ? 0 : (i * 3137) % 70_000, i + 10)
      parts.push(part)
      const info = await store.appendBlob('wal', part)
      expect(info.segments).toBe(i + 1)
    }
    const expected = concatBytes(parts)
    expect((await store.getBlobInfo('wal'))?.size).toBe(expected.byteLength)
    expect(sameBytes(await store.getBlob('wal'), expected)).toBe(true)
  })

  test('blobs: concurrent appends to one key lose nothing', async () => {
    const { store } = ctx
    const parts = Array.from({ length: 12 }, (_, i) => new Uint8Array(50_000 + i).fill(i + 1))
    await Promise.all(parts.map((p) => store.appendBlob('shared-log', p)))
    const info = await store.getBlobInfo('shared-log')
    expect(info).toMatchObject({ segments: 12, size: parts.reduce((n, p) => n + p.byteLength, 0) })
    // every segment is intact and contiguous, in some commit order
    const bytes = (await store.getBlob('shared-log')) ?? new Uint8Array()
    const seen: number[] = []
    for (let offset = 0; offset < bytes.byteLength; ) {
      const fill = bytes[offset]
      const len = 50_000 + fill - 1
      expect(bytes.subarray(offset, offset + len).every((b) => b === fill)).toBe(true)
      seen.push(fill)
      offset += len
    }
    expect(seen.sort((a, b) => a - b)).toEqual(parts.map((_, i) => i + 1))
  })

  test('blobs: get, delete, empty values and copies', async () => {
    const { store } = ctx
    expect(await store.getBlob('missing')).toBeNull()
    expect(await store.getBlobInfo('missing')).toBeNull()
    expect(await store.deleteBlob('missing')).toBe(false)

    await store.putBlob('empty', new Uint8Array(0))
    const empty = await store.getBlob('empty')
    expect(empty).toBeInstanceOf(Uint8Array)
    expect(empty?.byteLength).toBe(0)

    const input = new Uint8Array([1, 2, 3, 4])
    await store.putBlob('copy', input)
    input[0] = 99
    const out = await store.getBlob('copy')
    expect(Array.from(out ?? [])).toEqual([1, 2, 3, 4])
    if (out) out[1] = 77
    expect(Array.from((await store.getBlob('copy')) ?? [])).toEqual([1, 2, 3, 4])
    // a Uint8Array view over a larger buffer stores only its own bytes
    const view = new Uint8Array(new Uint8Array([9, 8, 7, 6, 5]).buffer, 1, 3)
    await store.putBlob('view', view)
    expect(Array.from((await store.getBlob('view')) ?? [])).toEqual([8, 7, 6])

    expect(await store.deleteBlob('copy')).toBe(true)
    expect(await store.getBlob('copy')).toBeNull()
    expect(await store.deleteBlob('copy')).toBe(false)
    await expect(store.putBlob('', new Uint8Array(1))).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
    await expect(store.putBlob('k', [1, 2] as never)).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
  })

  test('blobs: list by prefix in key order', async () => {
    const { store } = ctx
    const order = Array.from({ length: 25 }, (_, i) => (i * 7) % 25) // shuffled write order
    for (const seq of order) await store.putBlob(blobSegmentKey('idx', seq), new Uint8Array([seq]))
    const others = ['idx', 'idx0', 'idw', 'other/a', '\uE000', '😀/1', '😀/2', '中/x', 'é', 'e\u0301']
    for (const key of others) await store.putBlob(key, new Uint8Array([1, 2]))

    const listed: BlobInfo[] = []
    let page = await store.listBlobs({ prefix: 'idx/', limit: 4 })
    listed.push(...page.items)
    while (page.nextCursor !== null) {
      page = await store.listBlobs({ prefix: 'idx/', limit: 4, cursor: page.nextCursor })
      listed.push(...page.items)
    }
    expect(listed.map((b) => b.key)).toEqual(Array.from({ length: 25 }, (_, i) => `idx/${String(i).padStart(12, '0')}`))
    expect(listed.map((b) => b.size)).toEqual(Array.from({ length: 25 }, () => 1))

    const everything = await store.listBlobs({ limit: 1000 })
    const keys = [...others, ...listed.map((b) => b.key)].sort(compareKeys)
    expect(everything.items.map((b) => b.key)).toEqual(keys)
    expect(everything.nextCursor).toBeNull()
    expect(keys.indexOf('\uE000')).toBeLessThan(keys.indexOf('😀/1')) // code point order, not UTF-16 order

    expect((await store.listBlobs({ prefix: '😀' })).items.map((b) => b.key)).toEqual(['😀/1', '😀/2'])
    expect((await store.listBlobs({ prefix: 'idx' })).items.length).toBe(27)
    expect((await store.listBlobs({ prefix: 'e' })).items.map((b) => b.key)).toEqual(['e\u0301'])
    expect((await store.listBlobs({ prefix: 'nothing' })).items).toEqual([])
  })
}
