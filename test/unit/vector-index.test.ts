import { beforeAll, describe, expect, it } from 'vitest'
import { ready, VectorIndex, LumosError } from '../helpers/lumos.js'
import { bruteForce, randomUnitVectors, recallAtK, rng, type Metric } from '../helpers/random.js'

beforeAll(async () => {
  await ready()
})

const ids = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe('VectorIndex flat (exact)', () => {
  for (const metric of ['cosine', 'dot', 'l2'] as Metric[]) {
    it(`matches a brute-force oracle with metric ${metric}`, () => {
      const dim = 24, n = 300
      const data = randomUnitVectors(n, dim, 1)
      // scale some vectors so dot/l2 differ from cosine
      for (let i = 0; i < n; i += 3) for (let j = 0; j < dim; j++) data[i * dim + j] *= 1 + (i % 7)
      using vi = new VectorIndex({ dimensions: dim, metric })
      vi.upsert(ids(n), data)
      expect(vi.size).toBe(n)
      const queries = randomUnitVectors(10, dim, 2)
      for (let qi = 0; qi < 10; qi++) {
        const q = queries.subarray(qi * dim, (qi + 1) * dim)
        const hits = vi.search(q, { k: 7 })
        const truth = bruteForce(data, dim, q, 7, metric)
        expect(hits.ids).toEqual(truth.idx.map((i) => `v${i}`))
        truth.scores.forEach((s, i) => expect(hits.scores[i]).toBeCloseTo(s, 4))
      }
    })
  }

  it('accepts an array of vectors and number[] queries', () => {
    using vi = new VectorIndex({ dimensions: 2, metric: 'dot' })
    vi.upsert(['a', 'b'], [new Float32Array([1, 0]), [0, 1]])
    const hits = vi.search([0.2, 0.9], { k: 1 })
    expect(hits.ids).toEqual(['b'])
    expect(hits.scores[0]).toBeCloseTo(0.9, 6)
  })

  it('upsert replaces an existing id; delete removes it', () => {
    using vi = new VectorIndex({ dimensions: 2, metric: 'dot' })
    vi.upsert(['a', 'b'], new Float32Array([1, 0, 0, 1]))
    vi.upsert(['a'], new Float32Array([0, 2]))
    expect(vi.size).toBe(2)
    expect(vi.search([0, 1], { k: 2 }).ids).toEqual(['a', 'b'])
    expect(vi.delete(['a', 'zzz'])).toBe(1)
    expect(vi.search([0, 1], { k: 5 }).ids).toEqual(['b'])
    expect(vi.ids()).toEqual(['b'])
  })

  it('restricts results to the filter allow-list', () => {
    const dim = 8, n = 200
    const data = randomUnitVectors(n, dim, 3)
    using vi = new VectorIndex({ dimensions: dim })
    vi.upsert(ids(n), data)
    const allowed = ['v5', 'v17', 'v99', 'not-there']
    const hits = vi.search(data.subarray(0, dim), { k: 10, filter: allowed })
    expect(new Set(hits.ids)).toEqual(new Set(['v5', 'v17', 'v99']))
    expect(vi.search(data.subarray(0, dim), { k: 3, filter: [] }).ids).toEqual([])
  })

  it('returns fewer than k when the index is small, and nothing when empty', () => {
    using vi = new VectorIndex({ dimensions: 3 })
    expect(vi.search([1, 0, 0], { k: 5 }).ids).toEqual([])
    vi.upsert(['x'], [[1, 2, 3]])
    expect(vi.search([1, 0, 0], { k: 1_000_000 }).ids).toEqual(['x'])
  })

  it('batch search equals single searches', () => {
    const dim = 16, n = 500
    const data = randomUnitVectors(n, dim, 4)
    using vi = new VectorIndex({ dimensions: dim })
    vi.upsert(ids(n), data)
    const qs = randomUnitVectors(5, dim, 5)
    const batch = vi.searchBatch(qs, { k: 4 })
    expect(batch).toHaveLength(5)
    for (let i = 0; i < 5; i++) expect(batch[i].ids).toEqual(vi.search(qs.subarray(i * dim, (i + 1) * dim), { k: 4 }).ids)
  })

  it('handles Unicode ids', () => {
    using vi = new VectorIndex({ dimensions: 2, metric: 'dot' })
    const uid = ['日本語', 'émoji-🚀', 'a\u0301']
    vi.upsert(uid, [[1, 0], [0, 1], [1, 1]])
    expect(vi.search([1, 1], { k: 3 }).ids[0]).toBe('a\u0301')
    expect(new Set(vi.ids())).toEqual(new Set(uid))
  })
})

describe('VectorIndex int8', () => {
  it('stores about a quarter of f32 memory and keeps recall@10 >= 0.99 with rescoring', () => {
    const dim = 64, n = 3000
    const data = randomUnitVectors(n, dim, 6)
    using f32 = new VectorIndex({ dimensions: dim })
    using q8 = new VectorIndex({ dimensions: dim, quantization: 'int8' })
    using q8r = new VectorIndex({ dimensions: dim, quantization: 'int8', rescore: 4 })
    for (const vi of [f32, q8, q8r]) vi.upsert(ids(n), data)
    expect(q8.memoryBytes).toBeLessThan(f32.memoryBytes * 0.45)
    const qs = randomUnitVectors(30, dim, 7)
    let recall = 0, recallRaw = 0
    for (let i = 0; i < 30; i++) {
      const q = qs.subarray(i * dim, (i + 1) * dim)
      const truth = f32.search(q, { k: 10 }).ids
      recall += recallAtK(q8r.search(q, { k: 10 }).ids, truth)
      recallRaw += recallAtK(q8.search(q, { k: 10 }).ids, truth)
    }
    expect(recall / 30).toBeGreaterThanOrEqual(0.99)
    expect(recallRaw / 30).toBeGreaterThanOrEqual(0.8)
    expect(q8r.options).toMatchObject({ quantization: 'int8', rescore: 4 })
  })

  it('supports per-dimension scales', () => {
    const dim = 32, n = 500
    const data = randomUnitVectors(n, dim, 8)
    using vi = new VectorIndex({ dimensions: dim, quantization: 'int8', int8Scale: 'dimension', rescore: 4 })
    vi.upsert(ids(n), data)
    const q = data.subarray(10 * dim, 11 * dim)
    expect(vi.search(q, { k: 1 }).ids).toEqual(['v10'])
    expect(vi.options.int8Scale).toBe('dimension')
  })
})

describe('VectorIndex HNSW', () => {
  it('reaches high recall against the exact index, honours filters and deletes, compacts', () => {
    const dim = 32, n = 2000
    const data = randomUnitVectors(n, dim, 9)
    using exact = new VectorIndex({ dimensions: dim })
    using hnsw = new VectorIndex({ dimensions: dim, index: 'hnsw', m: 16, efConstruction: 100, efSearch: 100 })
    exact.upsert(ids(n), data)
    hnsw.upsert(ids(n), data)
    const qs = randomUnitVectors(40, dim, 10)
    let recall = 0
    for (let i = 0; i < 40; i++) {
      const q = qs.subarray(i * dim, (i + 1) * dim)
      recall += recallAtK(hnsw.search(q, { k: 10 }).ids, exact.search(q, { k: 10 }).ids)
    }
    expect(recall / 40).toBeGreaterThanOrEqual(0.95)

    const q = qs.subarray(0, dim)
    const deleted = hnsw.search(q, { k: 5 }).ids
    hnsw.delete(deleted)
    exact.delete(deleted)
    const after = hnsw.search(q, { k: 10 }).ids
    for (const id of deleted) expect(after).not.toContain(id)

    const filter = ids(n).filter((_, i) => i % 10 === 0)
    const fh = hnsw.search(q, { k: 5, filter })
    expect(fh.ids).toEqual(exact.search(q, { k: 5, filter }).ids)

    hnsw.compact()
    expect(hnsw.size).toBe(n - 5)
    expect(recallAtK(hnsw.search(q, { k: 10 }).ids, exact.search(q, { k: 10 }).ids)).toBeGreaterThanOrEqual(0.8)
  })
})

describe('VectorIndex snapshots', () => {
  for (const config of [
    { index: 'flat' as const, quantization: 'none' as const },
    { index: 'flat' as const, quantization: 'int8' as const },
    { index: 'hnsw' as const, quantization: 'none' as const },
    { index: 'hnsw' as const, quantization: 'int8' as const, rescore: 3 },
  ]) {
    it(`round-trips ${config.index}/${config.quantization} with identical results`, () => {
      const dim = 16, n = 400
      const data = randomUnitVectors(n, dim, 11)
      using vi = new VectorIndex({ dimensions: dim, metric: 'l2', ...config })
      vi.upsert(ids(n), data)
      vi.delete(['v3', 'v4'])
      const bytes = vi.save()
      using back = VectorIndex.load(bytes)
      expect(back.size).toBe(vi.size)
      expect(back.options).toEqual(vi.options)
      const qs = randomUnitVectors(5, dim, 12)
      for (let i = 0; i < 5; i++) {
        const q = qs.subarray(i * dim, (i + 1) * dim)
        const a = vi.search(q, { k: 10 }), b = back.search(q, { k: 10 })
        expect(b.ids).toEqual(a.ids)
        expect(Array.from(b.scores)).toEqual(Array.from(a.scores))
      }
      expect(back.save()).toEqual(bytes)
    })
  }

  it('rejects truncated, corrupted, foreign and wrong-kind snapshots without touching the live index', async () => {
    const { KeywordIndex } = await import('../helpers/lumos.js')
    using vi = new VectorIndex({ dimensions: 4 })
    vi.upsert(['a', 'b'], [[1, 0, 0, 0], [0, 1, 0, 0]])
    const bytes = vi.save()
    const r = rng(13)
    for (let i = 0; i < 50; i++) {
      const cut = Math.floor(r() * bytes.length)
      expect(() => VectorIndex.load(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_CORRUPT' }))
      const flipped = bytes.slice()
      flipped[Math.floor(r() * bytes.length)] ^= 1 << Math.floor(r() * 8)
      let err: unknown
      try { VectorIndex.load(flipped).free() } catch (e) { err = e }
      expect(LumosError.isInstance(err)).toBe(true)
      expect(['SNAPSHOT_CORRUPT', 'SNAPSHOT_VERSION_UNSUPPORTED', 'SNAPSHOT_KIND_MISMATCH']).toContain((err as LumosError).code)
    }
    expect(() => VectorIndex.load(new TextEncoder().encode('hello world, not a snapshot at all!'))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_CORRUPT' }))
    using ki = new KeywordIndex()
    ki.upsert(['d'], ['text'])
    expect(() => VectorIndex.load(ki.save())).toThrow(expect.objectContaining({ code: 'SNAPSHOT_KIND_MISMATCH' }))
    expect(vi.search([1, 0, 0, 0], { k: 2 }).ids).toEqual(['a', 'b'])
  })
})

describe('VectorIndex bad input', () => {
  const expectCode = (fn: () => unknown, code: string) => expect(fn).toThrow(expect.objectContaining({ code }))

  it('gives typed errors and leaves stored data intact', () => {
    using vi = new VectorIndex({ dimensions: 3, metric: 'cosine' })
    vi.upsert(['keep'], [[1, 0, 0]])
    expectCode(() => vi.upsert(['a'], [[1, 2]]), 'INDEX_DIMENSION_MISMATCH')
    expectCode(() => vi.upsert(['a'], new Float32Array(4)), 'INDEX_DIMENSION_MISMATCH')
    expectCode(() => vi.upsert(['a', 'b'], [[1, 2, 3], [NaN, 0, 0]]), 'VECTOR_NOT_FINITE')
    expectCode(() => vi.upsert(['a'], [[Infinity, 0, 0]]), 'VECTOR_NOT_FINITE')
    expectCode(() => vi.upsert(['a'], [[0, 0, 0]]), 'ZERO_VECTOR')
    expectCode(() => vi.upsert([''], [[1, 0, 0]]), 'ID_EMPTY')
    expectCode(() => vi.upsert(['a', 'a'], [[1, 0, 0], [0, 1, 0]]), 'ID_DUPLICATE')
    expectCode(() => vi.upsert([42 as unknown as string], [[1, 0, 0]]), 'INVALID_ARGUMENT')
    expectCode(() => vi.search([1, 0, 0], { k: 0 }), 'K_OUT_OF_RANGE')
    expectCode(() => vi.search([1, 0, 0], { k: -1 }), 'K_OUT_OF_RANGE')
    expectCode(() => vi.search([1, 0, 0], { k: 1e12 }), 'K_OUT_OF_RANGE')
    expectCode(() => vi.search([1, 0, 0], { k: 1.5 }), 'K_OUT_OF_RANGE')
    expectCode(() => vi.search([1, 0], { k: 1 }), 'INDEX_DIMENSION_MISMATCH')
    expectCode(() => vi.search([NaN, 0, 0]), 'VECTOR_NOT_FINITE')
    expectCode(() => vi.search([0, 0, 0]), 'ZERO_VECTOR')
    expectCode(() => new VectorIndex({ dimensions: 0 }), 'INVALID_ARGUMENT')
    expectCode(() => new VectorIndex({ dimensions: 3, metric: 'manhattan' as Metric }), 'INVALID_ARGUMENT')
    expect(vi.size).toBe(1)
    expect(vi.search([1, 0, 0], { k: 1 }).ids).toEqual(['keep'])
  })

  it('zero vectors are fine for dot and l2', () => {
    using vi = new VectorIndex({ dimensions: 2, metric: 'l2' })
    vi.upsert(['z'], [[0, 0]])
    expect(vi.search([0, 0], { k: 1 }).ids).toEqual(['z'])
  })

  it('a freed index throws INDEX_DISPOSED', () => {
    const vi = new VectorIndex({ dimensions: 2 })
    vi.free()
    vi.free()
    expectCode(() => vi.search([1, 0]), 'INDEX_DISPOSED')
  })
})

describe('VectorIndex large upserts', () => {
  it('a sliced upsert is still all-or-nothing and gives the same results as one call', () => {
    const dim = 384, n = 3000 // 4.6 MB: sliced
    const data = randomUnitVectors(n, dim, 21)
    using vi = new VectorIndex({ dimensions: dim })
    const bad = data.slice()
    bad[2500 * dim + 7] = NaN
    expect(() => vi.upsert(ids(n), bad)).toThrow(expect.objectContaining({ code: 'VECTOR_NOT_FINITE' }))
    expect(vi.size).toBe(0)
    const zero = data.slice()
    zero.fill(0, 2999 * dim, 3000 * dim)
    expect(() => vi.upsert(ids(n), zero)).toThrow(expect.objectContaining({ code: 'ZERO_VECTOR' }))
    expect(vi.size).toBe(0)
    vi.upsert(ids(n), data)
    expect(vi.size).toBe(n)
    const q = data.subarray(1234 * dim, 1235 * dim)
    const truth = bruteForce(data, dim, q, 5, 'cosine')
    expect(vi.search(q, { k: 5 }).ids).toEqual(truth.idx.map((i) => `v${i}`))
  })
})
