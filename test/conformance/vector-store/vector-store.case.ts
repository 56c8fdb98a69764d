import { afterEach, describe, expect, it } from 'vitest'
import type { VectorMetric, VectorStore } from '../../../runtime/rag/vector-store.js'
import { ALL_IDS, FILTER_CASES, FIXTURE_METADATA, INVALID_FILTERS, fixtureRecords } from './fixture.js'

export interface VectorStoreFactoryOptions {
  metric: VectorMetric
  /** Fix the dimension count at creation (omitted: the first upsert fixes it). */
  dimensions?: number
}

export interface VectorStoreConformanceOptions {
  /** A fresh, empty store per test. */
  create: (options: VectorStoreFactoryOptions) => VectorStore | Promise<VectorStore>
  /** Called after each test for every store it created (default: `store.close()`). */
  cleanup?: (store: VectorStore) => void | Promise<void>
  /** Tests to skip, each group with a reason (hono-style). */
  skip?: { reason: string; tests: string[] }[]
}

/**
 * The VectorStore conformance suite: run it for every implementation.
 * ```ts
 * runVectorStoreConformance('PgVectorStore', { create: async ({ metric, dimensions }) => ..., cleanup: (s) => s.close() })
 * ```
 */
export function runVectorStoreConformance(name: string, factoryOrOptions: VectorStoreConformanceOptions['create'] | VectorStoreConformanceOptions): void {
  const o: VectorStoreConformanceOptions = typeof factoryOrOptions === 'function' ? { create: factoryOrOptions } : factoryOrOptions
  const skipped = new Set((o.skip ?? []).flatMap((s) => s.tests))
  const created: VectorStore[] = []
  const make = async (metric: VectorMetric = 'cosine', dimensions?: number) => {
    const s = await o.create(dimensions === undefined ? { metric } : { metric, dimensions })
    created.push(s)
    return s
  }
  const withFixture = async () => {
    const s = await make('cosine')
    await s.upsert(fixtureRecords())
    return s
  }
  const test = (title: string, fn: () => Promise<void>) => (skipped.has(title) ? it.skip(title, fn) : it(title, fn))
  const ids = (hits: { id: string }[]) => hits.map((h) => h.id)
  const sorted = (xs: string[]) => [...xs].sort()

  describe(`VectorStore conformance: ${name}`, () => {
    afterEach(async () => {
      for (const s of created.splice(0)) await (o.cleanup ? o.cleanup(s) : s.close())
    })

    describe('basics', () => {
      test('upsert, count, get in the order asked', async () => {
        const s = await withFixture()
        expect(await s.count()).toBe(30)
        expect(s.dimensions()).toBe(4)
        const got = await s.get(['r03', 'nope', 'r01', 'r21'])
        expect(got.map((g) => g.id)).toEqual(['r03', 'r01', 'r21'])
        expect(got[0]).toMatchObject({ id: 'r03', metadata: FIXTURE_METADATA[2][1], text: 'text of r03' })
        expect(got[2].metadata).toEqual({})
      })

      test('metadata defaults to {} and text to undefined', async () => {
        const s = await make('cosine')
        await s.upsert([{ id: 'x', vector: [1, 2] }])
        const [g] = await s.get(['x'])
        expect(g.metadata).toEqual({})
        expect(g.text).toBeUndefined()
        const [h] = await s.query({ vector: [1, 2], topK: 1 })
        expect(h.metadata).toEqual({})
        expect(h.text).toBeUndefined()
      })

      test('dimensions: null until the first upsert, or fixed at creation', async () => {
        const a = await make('cosine')
        expect(a.dimensions()).toBeNull()
        expect(await a.count()).toBe(0)
        expect(await a.query({ vector: [1, 0, 0], topK: 5 })).toEqual([])
        const b = await make('cosine', 3)
        expect(b.dimensions()).toBe(3)
        await expect(b.upsert([{ id: 'x', vector: [1, 0] }])).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH', details: { expected: 3, got: 2 } })
        expect(await b.count()).toBe(0)
      })

      test('upsert replaces an existing id', async () => {
        const s = await withFixture()
        await s.upsert([{ id: 'r01', vector: [0, 0, 0, 1], metadata: { replaced: true }, text: 'new' }])
        expect(await s.count()).toBe(30)
        const [g] = await s.get(['r01'])
        expect(g).toMatchObject({ id: 'r01', metadata: { replaced: true }, text: 'new' })
        const hits = await s.query({ vector: [0, 0, 0, 1], topK: 1 })
        expect(hits[0].id).toBe('r01')
        expect(hits[0].score).toBeCloseTo(1, 5)
        expect(await s.query({ vector: [0, 0, 0, 1], topK: 30, filter: { flag: true } }).then(ids)).toEqual(['r30', 'r16', 'r03'])
      })

      test('delete returns how many were deleted; unknown and repeated ids count once', async () => {
        const s = await withFixture()
        expect(await s.delete(['r01', 'r02', 'r01', 'nope'])).toBe(2)
        expect(await s.delete([])).toBe(0)
        expect(await s.count()).toBe(28)
        expect(await s.get(['r01', 'r02', 'r03']).then(ids)).toEqual(['r03'])
        const all = await s.query({ vector: [0, 0, 0, 1], topK: 100 })
        expect(all.length).toBe(28)
        expect(ids(all)).not.toContain('r01')
      })

      test('deleteWhere deletes exactly the matching records', async () => {
        const s = await withFixture()
        expect(await s.deleteWhere({ tags: { $contains: 'a' } })).toBe(5)
        expect(await s.count()).toBe(25)
        expect(await s.deleteWhere({ tags: { $contains: 'a' } })).toBe(0)
        const left = await s.query({ vector: [0, 0, 0, 1], topK: 100 })
        expect(sorted(ids(left))).toEqual(ALL_IDS.filter((id) => !['r01', 'r05', 'r06', 'r12', 'r15'].includes(id)))
        await expect(s.deleteWhere({ n: { $bad: 1 } } as never)).rejects.toMatchObject({ code: 'FILTER_INVALID' })
        expect(await s.count()).toBe(25)
      })

      test('returned metadata is a copy', async () => {
        const s = await withFixture()
        const [g] = await s.get(['r20'])
        ;(g.metadata.meta as { author: string }).author = 'mallory'
        const [again] = await s.get(['r20'])
        expect(again.metadata).toEqual(FIXTURE_METADATA[19][1])
      })

      test('metadata JSON round-trips', async () => {
        const s = await make('cosine')
        const metadata = { int: 42, neg: -7, float: 0.1, big: 1e21, t: true, f: false, z: null, arr: [1, 'two', null, [3]], obj: { a: { b: [] } }, empty: '' }
        await s.upsert([{ id: 'j', vector: [1, 1], metadata }])
        expect((await s.get(['j']))[0].metadata).toEqual(metadata)
      })
    })

    describe('scores and order', () => {
      const tieRecords = () => [
        { id: 'e', vector: [-1, 0, 0] },
        { id: 'tie-b', vector: [0.8, 0.6, 0] },
        { id: 'c', vector: [0.6, 0.8, 0] },
        { id: 'tie-c', vector: [0.8, 0.6, 0] },
        { id: 'a', vector: [1, 0, 0] },
        { id: 'd', vector: [0, 1, 0] },
        { id: 'tie-a', vector: [0.8, 0.6, 0] },
        { id: 'b', vector: [0.8, 0.6, 0] },
      ]

      test('cosine: similarity, descending, ties by id', async () => {
        const s = await make('cosine')
        await s.upsert(tieRecords())
        const hits = await s.query({ vector: [1, 0, 0], topK: 10 })
        expect(ids(hits)).toEqual(['a', 'b', 'tie-a', 'tie-b', 'tie-c', 'c', 'd', 'e'])
        const expected = [1, 0.8, 0.8, 0.8, 0.8, 0.6, 0, -1]
        hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i], 5))
        expect(hits[1].score).toBe(hits[4].score)
      })

      test('ties across the topK cut are resolved by id', async () => {
        const s = await make('cosine')
        await s.upsert(tieRecords())
        expect(ids(await s.query({ vector: [1, 0, 0], topK: 3 }))).toEqual(['a', 'b', 'tie-a'])
        expect(ids(await s.query({ vector: [1, 0, 0], topK: 2, filter: { $not: { x: 1 } } }))).toEqual(['a', 'b'])
      })

      test('cosine ignores vector length', async () => {
        const s = await make('cosine')
        await s.upsert([{ id: 'long', vector: [10, 0] }, { id: 'short', vector: [0.1, 0.1] }])
        const hits = await s.query({ vector: [3, 0], topK: 2 })
        expect(ids(hits)).toEqual(['long', 'short'])
        expect(hits[0].score).toBeCloseTo(1, 5)
        expect(hits[1].score).toBeCloseTo(Math.SQRT1_2, 5)
      })

      test('dot: dot product', async () => {
        const s = await make('dot')
        await s.upsert([{ id: 'two', vector: [2, 0, 0] }, { id: 'one', vector: [1, 1, 0] }, { id: 'zero', vector: [0, 3, 0] }, { id: 'neg', vector: [-1, 0, 0] }, { id: 'null', vector: [0, 0, 0] }])
        const hits = await s.query({ vector: [1, 0, 0], topK: 10 })
        expect(ids(hits)).toEqual(['two', 'one', 'null', 'zero', 'neg'])
        expect(hits.map((h) => h.score)).toEqual([2, 1, 0, 0, -1])
      })

      test('euclidean: negative L2 distance', async () => {
        const s = await make('euclidean')
        await s.upsert([{ id: 'same', vector: [1, 0, 0] }, { id: 'far', vector: [0, 3, 0] }, { id: 'near', vector: [2, 0, 0] }, { id: 'back', vector: [-1, 0, 0] }])
        const hits = await s.query({ vector: [1, 0, 0], topK: 10 })
        expect(ids(hits)).toEqual(['same', 'near', 'back', 'far'])
        ;[0, -1, -2, -Math.sqrt(10)].forEach((x, i) => expect(hits[i].score).toBeCloseTo(x, 5))
      })

      test('includeVectors returns the stored vector', async () => {
        const s = await make('cosine')
        await s.upsert([{ id: 'v', vector: new Float32Array([0.25, -0.5, 0.125]) }])
        const [withV] = await s.query({ vector: [1, 0, 0], topK: 1, includeVectors: true })
        expect(Array.from(withV.vector!)).toEqual([0.25, -0.5, 0.125])
        const [without] = await s.query({ vector: [1, 0, 0], topK: 1 })
        expect(without.vector).toBeUndefined()
      })

      test('topK bounds', async () => {
        const s = await withFixture()
        for (const topK of [0, -1, 1.5, 10_001, Number.NaN]) {
          await expect(s.query({ vector: [0, 0, 0, 1], topK })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
        }
        expect((await s.query({ vector: [0, 0, 0, 1], topK: 10_000 })).length).toBe(30)
        expect(ids(await s.query({ vector: [0, 0, 0, 1], topK: 1 }))).toEqual(['r30'])
      })

      test('query vector checks', async () => {
        const s = await withFixture()
        await expect(s.query({ vector: [1, 0, 0], topK: 1 })).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH', details: { expected: 4, got: 3 } })
        await expect(s.query({ vector: [1, 0, 0, Number.NaN], topK: 1 })).rejects.toMatchObject({ code: 'VECTOR_NOT_FINITE' })
        await expect(s.query({ vector: [0, 0, 0, 0], topK: 1 })).rejects.toMatchObject({ code: 'ZERO_VECTOR' })
      })
    })

    describe('filters', () => {
      for (const [title, filter, expected] of FILTER_CASES) {
        test(`filter: ${title}`, async () => {
          const s = await withFixture()
          const hits = await s.query({ vector: [0, 0, 0, 1], topK: 100, filter })
          expect(sorted(ids(hits))).toEqual(expected)
        })
      }

      test('filtered query ranks within the allowed records', async () => {
        const s = await withFixture()
        expect(ids(await s.query({ vector: [0, 0, 0, 1], topK: 2, filter: { flag: true } }))).toEqual(['r30', 'r16'])
        expect(ids(await s.query({ vector: [0, 0, 0, 1], topK: 3, filter: { n: { $lt: 3 } } }))).toEqual(['r08', 'r07', 'r06'])
        expect(await s.query({ vector: [0, 0, 0, 1], topK: 3, filter: { lang: 'xx' } })).toEqual([])
      })

      test('invalid filters throw FILTER_INVALID naming operator and path', async () => {
        const s = await withFixture()
        for (const [filter, operator, path] of INVALID_FILTERS) {
          await expect(s.query({ vector: [0, 0, 0, 1], topK: 5, filter: filter as never }), JSON.stringify(filter)).rejects.toMatchObject({
            code: 'FILTER_INVALID',
            details: { operator, path },
          })
        }
        // on an empty store too: nothing is queried, the filter is still checked
        const empty = await make('cosine')
        await expect(empty.query({ vector: [1, 0], topK: 1, filter: { a: { $in: [] } } })).rejects.toMatchObject({ code: 'FILTER_INVALID' })
      })
    })

    describe('bad input writes nothing', () => {
      test('dimension mismatch in a batch: nothing of the call is written', async () => {
        const s = await withFixture()
        await expect(
          s.upsert([
            { id: 'new1', vector: [1, 1, 1, 1] },
            { id: 'r01', vector: [1, 1, 1, 1], metadata: { changed: true } },
            { id: 'bad', vector: [1, 1, 1] },
          ]),
        ).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH', details: { expected: 4, got: 3 } })
        expect(await s.count()).toBe(30)
        expect(await s.get(['new1'])).toEqual([])
        expect((await s.get(['r01']))[0].metadata).toEqual(FIXTURE_METADATA[0][1])
      })

      test('mixed lengths in the first upsert: nothing written, dimensions stay unset', async () => {
        const s = await make('cosine')
        await expect(s.upsert([{ id: 'a', vector: [1, 0, 0, 0] }, { id: 'b', vector: [1, 0, 0] }])).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH' })
        expect(await s.count()).toBe(0)
        expect(s.dimensions()).toBeNull()
        await s.upsert([{ id: 'c', vector: [1, 0] }])
        expect(s.dimensions()).toBe(2)
      })

      const bad: [string, object, string][] = [
        ['empty id', { id: '', vector: [1, 0, 0, 0] }, 'ID_EMPTY'],
        ['NaN', { id: 'x', vector: [1, Number.NaN, 0, 0] }, 'VECTOR_NOT_FINITE'],
        ['Infinity', { id: 'x', vector: [1, Number.POSITIVE_INFINITY, 0, 0] }, 'VECTOR_NOT_FINITE'],
        ['zero vector with cosine', { id: 'x', vector: [0, 0, 0, 0] }, 'ZERO_VECTOR'],
        ['non-JSON metadata', { id: 'x', vector: [1, 0, 0, 0], metadata: { when: new Date(0) } }, 'INVALID_ARGUMENT'],
        ['metadata with undefined', { id: 'x', vector: [1, 0, 0, 0], metadata: { a: undefined } }, 'INVALID_ARGUMENT'],
        ['NUL in metadata', { id: 'x', vector: [1, 0, 0, 0], metadata: { a: 'x\u0000y' } }, 'INVALID_ARGUMENT'],
        ['NUL in text', { id: 'x', vector: [1, 0, 0, 0], text: 'a\u0000' }, 'INVALID_ARGUMENT'],
        ['lone surrogate id', { id: 'x\uD800', vector: [1, 0, 0, 0] }, 'INVALID_ARGUMENT'],
        ['metadata array', { id: 'x', vector: [1, 0, 0, 0], metadata: [1] }, 'INVALID_ARGUMENT'],
      ]
      for (const [title, record, code] of bad) {
        test(`invalid record (${title}) → ${code}, all-or-nothing`, async () => {
          const s = await withFixture()
          await expect(s.upsert([{ id: 'good', vector: [1, 0, 0, 1] }, { id: 'r02', vector: [1, 0, 0, 9], metadata: { changed: true } }, record as never])).rejects.toMatchObject({ code })
          expect(await s.count()).toBe(30)
          expect(await s.get(['good'])).toEqual([])
          expect((await s.get(['r02']))[0].metadata).toEqual(FIXTURE_METADATA[1][1])
        })
      }

      test('duplicate ids in one call → ID_DUPLICATE, nothing written', async () => {
        const s = await make('cosine')
        await expect(s.upsert([{ id: 'a', vector: [1, 0] }, { id: 'a', vector: [0, 1] }])).rejects.toMatchObject({ code: 'ID_DUPLICATE' })
        expect(await s.count()).toBe(0)
      })
    })

    describe('Unicode', () => {
      test('Unicode ids and metadata round-trip; NFC and NFD ids are distinct', async () => {
        const s = await make('cosine')
        const nfc = 'caf\u00e9'
        const nfd = 'cafe\u0301'
        const metadata = { emoji: '😀', 'ключ': 'значение', nested: { 日本: ['語', '🇩🇪'] } }
        await s.upsert([
          { id: nfc, vector: [1, 0], metadata, text: 'Grüße 👋' },
          { id: nfd, vector: [0, 1] },
          { id: 'ユニコード', vector: [1, 1] },
        ])
        expect(await s.count()).toBe(3)
        const got = await s.get([nfd, nfc, 'ユニコード'])
        expect(got.map((g) => g.id)).toEqual([nfd, nfc, 'ユニコード'])
        expect(got[1]).toMatchObject({ metadata, text: 'Grüße 👋' })
        expect(ids(await s.query({ vector: [1, 0], topK: 3, filter: { 'nested.日本': '語' } }))).toEqual([nfc])
        expect(ids(await s.query({ vector: [1, 0], topK: 3, filter: { ключ: { $contains: 'чен' } } }))).toEqual([nfc])
        expect(await s.delete([nfd])).toBe(1)
        expect(await s.get([nfc, nfd]).then(ids)).toEqual([nfc])
      })

      test('ties order ids by code point', async () => {
        const s = await make('cosine')
        const tied = ['😀', 'z', '\uE000x', 'é', 'Z', '10', '9']
        await s.upsert(tied.map((id) => ({ id, vector: [1, 2, 3] })))
        expect(ids(await s.query({ vector: [1, 2, 3], topK: 10 }))).toEqual(['10', '9', 'Z', 'z', 'é', '\uE000x', '😀'])
      })
    })
  })
}
