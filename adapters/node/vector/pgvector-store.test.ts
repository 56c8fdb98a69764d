import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { matchesFilter } from '../../../runtime/rag/filter.js'
import type { FilterScalar, MetadataFilter } from '../../../runtime/rag/filter-types.js'
import type { JsonObject, JsonValue } from '../../../runtime/storage/types.js'
import { startPglitePgvector, type PglitePgvector } from '../../../test/helpers/pglite-pgvector.js'
import { rng } from '../../../test/helpers/random.js'
import { PgVectorStore, type PgVectorStoreOptions } from './pgvector-store.js'

// One PGlite (real pgvector in wasm, over the wire) for this file; a fresh table per test.
let pg: PglitePgvector
let n = 0
const stores: PgVectorStore[] = []

beforeAll(async () => {
  pg = await startPglitePgvector()
}, 60_000)
afterAll(async () => {
  for (const s of stores) await s.close()
  await pg?.close()
})

async function open(options: Partial<PgVectorStoreOptions> = {}): Promise<PgVectorStore> {
  const store = await PgVectorStore.connect({ sql: pg.sql, table: `t${n++}`, ...options })
  stores.push(store)
  return store
}

const ids = (hits: { id: string }[]) => hits.map((h) => h.id)

describe('PgVectorStore on pgvector (PGlite over the wire)', () => {
  it('creates the extension, the table with vector(d) and an HNSW index with the metric opclass', async () => {
    for (const [metric, opclass] of [['cosine', 'vector_cosine_ops'], ['dot', 'vector_ip_ops'], ['euclidean', 'vector_l2_ops']] as const) {
      const table = `t${n}`
      await open({ dimensions: 5, metric, hnsw: { m: 8, efConstruction: 32 } })
      const [col] = await pg.sql`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = ${`public.${table}`}::regclass AND attname = 'embedding'`
      expect(col.t).toBe('vector(5)')
      const [index] = await pg.sql`SELECT indexdef FROM pg_indexes WHERE tablename = ${table} AND indexdef LIKE '%hnsw%'`
      expect(index.indexdef).toContain(`USING hnsw (embedding ${opclass}) WITH (m='8', ef_construction='32')`)
    }
  })

  it('maps scores per metric: cosine similarity, dot product, negative L2 distance; ties by id', async () => {
    const records = [
      { id: 'b', vector: [3, 4] },
      { id: 'a', vector: [3, 4] },
      { id: 'c', vector: [-1, 0] },
    ]
    const q = [1, 0]
    const cos = await open({ metric: 'cosine' })
    await cos.upsert(records)
    const hc = await cos.query({ vector: q, topK: 3 })
    expect(ids(hc)).toEqual(['a', 'b', 'c'])
    expect(hc[0].score).toBeCloseTo(0.6, 6)
    expect(hc[2].score).toBeCloseTo(-1, 6)
    const dot = await open({ metric: 'dot' })
    await dot.upsert(records)
    const hd = await dot.query({ vector: [2, 1], topK: 3 })
    expect(ids(hd)).toEqual(['a', 'b', 'c'])
    expect(hd.map((h) => h.score)).toEqual([10, 10, -2])
    const l2 = await open({ metric: 'euclidean' })
    await l2.upsert(records)
    const hl = await l2.query({ vector: [0, 0], topK: 3 })
    expect(ids(hl)).toEqual(['c', 'a', 'b'])
    expect(hl.map((h) => h.score)).toEqual([-1, -5, -5])
  })

  it('round-trips float32 vectors, metadata and text exactly; get keeps the asked order', async () => {
    const s = await open({ dimensions: 4 })
    const v = Float32Array.from([0.1, -1e-7, 3.4028234663852886e38, 1 / 3])
    const metadata = { s: 'é 😀 \u{e000}', n: -0, arr: [1, 'x', null, { y: true }], nested: { deep: { x: 1.5 } }, nul: null }
    await s.upsert([{ id: 'x', vector: v, metadata, text: 'héllo' }, { id: 'y', vector: [1, 1, 1, 1] }])
    const got = await s.get(['nope', 'y', 'x'])
    expect(ids(got)).toEqual(['y', 'x'])
    expect(Array.from(got[1].vector!)).toEqual(Array.from(v))
    expect(got[1].metadata).toEqual({ ...metadata, n: 0 })
    expect(got[1].text).toBe('héllo')
    expect(got[0]).toMatchObject({ metadata: {}, text: undefined })
    const [hit] = await s.query({ vector: v, topK: 1, includeVectors: true })
    expect(Array.from(hit.vector!)).toEqual(Array.from(v))
    expect((await s.query({ vector: v, topK: 1 }))[0].vector).toBeUndefined()
  })

  it('upsert replaces by id, delete and deleteWhere count, count is exact', async () => {
    const s = await open()
    expect(s.dimensions()).toBeNull()
    expect(await s.count()).toBe(0)
    expect(await s.query({ vector: [1, 2], topK: 3 })).toEqual([])
    await s.upsert([{ id: 'a', vector: [1, 0], metadata: { k: 'old' } }, { id: 'b', vector: [0, 1], metadata: { k: 'b' } }, { id: 'c', vector: [1, 1], metadata: { k: 'c' } }])
    expect(s.dimensions()).toBe(2)
    await s.upsert([{ id: 'a', vector: [0, 1], metadata: { k: 'new' }, text: 't' }])
    expect(await s.count()).toBe(3)
    expect((await s.get(['a']))[0]).toMatchObject({ metadata: { k: 'new' }, text: 't', vector: Float32Array.from([0, 1]) })
    expect(await s.delete(['a', 'zzz'])).toBe(1)
    expect(await s.deleteWhere({ k: { $in: ['b', 'q'] } })).toBe(1)
    expect(ids(await s.get(['a', 'b', 'c']))).toEqual(['c'])
  })

  it('a dimension mismatch or an invalid record writes nothing', async () => {
    const s = await open({ dimensions: 3 })
    await s.upsert([{ id: 'keep', vector: [1, 2, 3] }])
    await expect(s.upsert([{ id: 'n1', vector: [1, 2, 3] }, { id: 'n2', vector: [1, 2] }])).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH', details: { expected: 3, got: 2 } })
    await expect(s.upsert([{ id: 'n1', vector: [1, 2, 3] }, { id: 'n3', vector: [0, 0, 0] }])).rejects.toMatchObject({ code: 'ZERO_VECTOR' })
    await expect(s.upsert([{ id: 'n1', vector: [1, 2, 3] }, { id: 'n1', vector: [1, 2, 4] }])).rejects.toMatchObject({ code: 'ID_DUPLICATE' })
    await expect(s.upsert([{ id: 'n1', vector: [1, 2, 3] }, { id: 'n4', vector: [1, NaN, 3] }])).rejects.toMatchObject({ code: 'VECTOR_NOT_FINITE' })
    await expect(s.upsert([{ id: 'n1', vector: [1, 2, 3], metadata: { bad: 'a\u0000b' } }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(s.query({ vector: [1, 2], topK: 1 })).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH' })
    await expect(s.query({ vector: [1, 2, 3], topK: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(s.query({ vector: [1, 2, 3], topK: 1, filter: { a: { $regex: 'x' } } as unknown as MetadataFilter })).rejects.toMatchObject({ code: 'FILTER_INVALID' })
    await expect(s.deleteWhere({ $or: [] })).rejects.toMatchObject({ code: 'FILTER_INVALID' })
    expect(await s.count()).toBe(1)
    // another store on the same table with other dimensions is refused at connect
    await expect(PgVectorStore.connect({ sql: pg.sql, table: `t${n - 1}`, dimensions: 4 })).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH', details: { expected: 3, got: 4 } })
    // and a store that reconnects without dimensions reads them from the table
    const again = await PgVectorStore.connect({ sql: pg.sql, table: `t${n - 1}` })
    expect(again.dimensions()).toBe(3)
    expect(await again.count()).toBe(1)
  })

  it('a store connected before the table existed sees the table another store created', async () => {
    const table = `t${n++}`
    const a = await PgVectorStore.connect({ sql: pg.sql, table })
    const b = await PgVectorStore.connect({ sql: pg.sql, table })
    stores.push(a, b)
    await b.upsert([{ id: 'x', vector: [1, 2, 3], metadata: { k: 1 } }])
    expect(a.dimensions()).toBeNull()
    expect(await a.count()).toBe(1)
    expect(a.dimensions()).toBe(3)
    expect(ids(await a.query({ vector: [1, 2, 3], topK: 1 }))).toEqual(['x'])
    await expect(a.upsert([{ id: 'y', vector: [1, 2] }])).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH' })
    await a.close()
    await expect(a.count()).rejects.toMatchObject({ code: 'STORE_CLOSED' })
    expect(await b.count()).toBe(1) // closing a store never ends a client passed in
  })

  it('a failing statement inside the upsert transaction rolls back the earlier batches', async () => {
    const s = await open({ dimensions: 2, hnsw: false })
    await s.upsert([{ id: 'keep', vector: [1, 0] }])
    // 1,200 records = 3 INSERT statements; a trigger makes the last one fail server-side
    await pg.sql.unsafe(`CREATE FUNCTION boom_${n}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 'r1100' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`)
    await pg.sql.unsafe(`CREATE TRIGGER boom BEFORE INSERT ON t${n - 1} FOR EACH ROW EXECUTE FUNCTION boom_${n}()`)
    const many = Array.from({ length: 1200 }, (_, i) => ({ id: `r${i}`, vector: [1, i + 1] }))
    await expect(s.upsert(many)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(await s.count()).toBe(1)
  })

  it('values never reach the SQL text (quotes, $1, casts and unicode in values and paths)', async () => {
    const s = await open({ dimensions: 2 })
    const nasty = `x'); DROP TABLE t0; --$1::text`
    await s.upsert([{ id: nasty, vector: [1, 0], metadata: { [nasty]: nasty, 'a"b': 1 } }, { id: 'ok', vector: [0, 1], metadata: {} }])
    expect(ids(await s.query({ vector: [1, 0], topK: 5, filter: { [nasty]: nasty } }))).toEqual([nasty])
    expect(ids(await s.query({ vector: [1, 0], topK: 5, filter: { 'a"b': { $gte: 1 } } }))).toEqual([nasty])
    expect(await s.delete([nasty])).toBe(1)
    expect(await pg.sql`SELECT to_regclass('public.t0') IS NOT NULL AS ok`).toEqual([{ ok: true }])
  })

  it('a selective filter still returns topK hits through the HNSW index (iterative scan)', async () => {
    const s = await open({ dimensions: 8, hnsw: { efSearch: 10 } })
    const r = rng(7)
    const records = Array.from({ length: 600 }, (_, i) => ({
      id: `d${String(i).padStart(4, '0')}`,
      vector: Array.from({ length: 8 }, () => r() - 0.5),
      metadata: { rare: i % 50 === 0 },
    }))
    await s.upsert(records)
    const q = Array.from({ length: 8 }, () => r() - 0.5)
    const hits = await s.query({ vector: q, topK: 12, filter: { rare: true } })
    expect(hits).toHaveLength(12)
    expect(hits.every((h) => h.metadata.rare === true)).toBe(true)
    const scores = hits.map((h) => h.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
  })
})

// ------------------------------------------------------------------ filter semantics = matchesFilter

const STRINGS = ['', 'a', 'ab', 'b', 'B', 'é', '😀', '\u{e000}', '1', 'null', 'true', 'faq', 'a.b']
const NUMBERS = [0, 1, -1, 1.5, 2, 10, -0.25, 1e21, 3]
function scalar(r: () => number): FilterScalar {
  const k = r()
  if (k < 0.4) return STRINGS[Math.floor(r() * STRINGS.length)]
  if (k < 0.8) return NUMBERS[Math.floor(r() * NUMBERS.length)]
  if (k < 0.9) return r() < 0.5
  return null
}
function value(r: () => number, depth = 0): JsonValue {
  const k = r()
  if (k < 0.6 || depth > 1) return scalar(r)
  if (k < 0.85) return Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.85 ? scalar(r) : value(r, depth + 1)))
  return { x: value(r, depth + 1), ...(r() < 0.5 ? { y: scalar(r) } : {}) }
}
const FIELDS = ['f', 'g', 'tags', 'o.x', 'o.y', 'o.x.x', 'tags.0', 'missing']
function metadata(r: () => number): JsonObject {
  const m: JsonObject = {}
  if (r() < 0.85) m.f = value(r)
  if (r() < 0.85) m.g = value(r)
  if (r() < 0.85) m.tags = Array.from({ length: Math.floor(r() * 4) }, () => scalar(r))
  if (r() < 0.7) m.o = r() < 0.8 ? { x: value(r), ...(r() < 0.5 ? { y: scalar(r) } : {}) } : value(r)
  return m
}
function fieldFilter(r: () => number): MetadataFilter {
  const field = FIELDS[Math.floor(r() * FIELDS.length)]
  const k = Math.floor(r() * 12)
  const rangeOperand = () => (r() < 0.5 ? NUMBERS[Math.floor(r() * NUMBERS.length)] : STRINGS[Math.floor(r() * STRINGS.length)])
  const list = () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => scalar(r))
  switch (k) {
    case 0: return { [field]: scalar(r) }
    case 1: return { [field]: { $eq: scalar(r) } }
    case 2: return { [field]: { $ne: scalar(r) } }
    case 3: return { [field]: { $gt: rangeOperand() } }
    case 4: return { [field]: { $gte: rangeOperand(), $lt: rangeOperand() } }
    case 5: return { [field]: { $lte: rangeOperand() } }
    case 6: return { [field]: { $in: list() } }
    case 7: return { [field]: { $nin: list() } }
    case 8: return { [field]: { $exists: r() < 0.5 } }
    case 9: return { [field]: { $contains: scalar(r) } }
    case 10: return { [field]: { $contains: STRINGS[Math.floor(r() * STRINGS.length)] } }
    default: return { [field]: { $lt: rangeOperand() } }
  }
}
function filter(r: () => number, depth = 0): MetadataFilter {
  const k = r()
  if (depth > 2 || k < 0.55) return fieldFilter(r)
  if (k < 0.7) return { $and: [filter(r, depth + 1), filter(r, depth + 1)] }
  if (k < 0.85) return { $or: [filter(r, depth + 1), filter(r, depth + 1), filter(r, depth + 1)] }
  if (k < 0.93) return { $not: filter(r, depth + 1) }
  return { ...fieldFilter(r), ...fieldFilter(r) }
}

describe('PgVectorStore filters match runtime/rag/filter.ts exactly', () => {
  it('400 seeded random filters over 120 random records give the same ids (query and deleteWhere)', async () => {
    const r = rng(42)
    const records = Array.from({ length: 120 }, (_, i) => ({ id: `r${String(i).padStart(3, '0')}`, vector: [1, (i % 7) + 1], metadata: metadata(r) }))
    const s = await open({ dimensions: 2, hnsw: false })
    await s.upsert(records)
    let nonTrivial = 0
    for (let i = 0; i < 400; i++) {
      const f = filter(r)
      const expected = records.filter((rec) => matchesFilter(rec.metadata, f)).map((rec) => rec.id).sort()
      const got = ids(await s.query({ vector: [1, 0], topK: 10_000, filter: f })).sort()
      expect({ filter: f, ids: got }).toEqual({ filter: f, ids: expected })
      if (expected.length > 0 && expected.length < records.length) nonTrivial++
    }
    expect(nonTrivial).toBeGreaterThan(150)
    // deleteWhere uses the same translation
    const f: MetadataFilter = { $or: [{ tags: { $contains: 'faq' } }, { 'o.x': { $gte: 1 } }] }
    const expected = records.filter((rec) => matchesFilter(rec.metadata, f)).length
    expect(expected).toBeGreaterThan(0)
    expect(await s.deleteWhere(f)).toBe(expected)
    expect(await s.count()).toBe(records.length - expected)
  }, 60_000)
})
