import { beforeAll, describe, expect, it } from 'vitest'
import { ready } from '../../helpers/lumos.js'
import { randomUnitVectors } from '../../helpers/random.js'
import { WasmVectorStore } from '../../../runtime/rag/index.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'

beforeAll(async () => {
  await ready()
})

const DIM = 16
const records = (n: number, seed: number, prefix = 'v') => {
  const data = randomUnitVectors(n, DIM, seed)
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, vector: data.slice(i * DIM, (i + 1) * DIM), metadata: { i, even: i % 2 === 0 }, text: `t${i}` }))
}

describe('WasmVectorStore', () => {
  it("quantization 'auto' switches to int8 above int8AboveBytes and keeps the ranking", async () => {
    const exact = new WasmVectorStore({ quantization: 'none' })
    const auto = new WasmVectorStore({ int8AboveBytes: 200 * DIM * 4 })
    const recs = records(300, 1)
    await exact.upsert(recs.slice(0, 200))
    await auto.upsert(recs.slice(0, 200))
    expect(auto.quantization).toBe('none') // 200 x 16 x 4 bytes is not above the threshold
    await exact.upsert(recs.slice(200))
    await auto.upsert(recs.slice(200))
    expect(auto.quantization).toBe('int8')
    expect(await auto.count()).toBe(300)
    const queries = randomUnitVectors(20, DIM, 2)
    let top1 = 0
    for (let q = 0; q < 20; q++) {
      const vector = queries.slice(q * DIM, (q + 1) * DIM)
      const a = await auto.query({ vector, topK: 10, filter: { even: true } })
      const e = await exact.query({ vector, topK: 10, filter: { even: true } })
      if (a[0].id === e[0].id) top1++
      a.forEach((h, i) => expect(Math.abs(h.score - e[i].score)).toBeLessThan(0.03))
      for (const h of a) expect(h.metadata.even).toBe(true)
    }
    expect(top1).toBeGreaterThanOrEqual(18)
    // int8 keeps no f32 originals: no vectors to return
    const [h] = await auto.query({ vector: recs[0].vector, topK: 1, includeVectors: true })
    expect(h.id).toBe('v0')
    expect(h.vector).toBeUndefined()
    // upserts after the switch and a save/load round trip
    await auto.upsert([{ id: 'late', vector: recs[5].vector, metadata: { late: true } }])
    const loaded = WasmVectorStore.load(auto.save())
    expect(loaded.quantization).toBe('int8')
    const q = queries.slice(0, DIM)
    expect(await loaded.query({ vector: q, topK: 15 })).toEqual(await auto.query({ vector: q, topK: 15 }))
    expect(await loaded.get(['late'])).toEqual([{ id: 'late', metadata: { late: true }, text: undefined }])
  })

  it("fixed 'int8' uses about a quarter of the f32 memory", async () => {
    const f32 = new WasmVectorStore({ quantization: 'none' })
    const i8 = new WasmVectorStore({ quantization: 'int8' })
    const d = 384
    const data = randomUnitVectors(1000, d, 3)
    const recs = Array.from({ length: 1000 }, (_, i) => ({ id: `v${i}`, vector: data.subarray(i * d, (i + 1) * d) }))
    await f32.upsert(recs)
    await i8.upsert(recs)
    expect(i8.quantization).toBe('int8')
    expect(f32.memoryBytes).toBeGreaterThanOrEqual(1000 * d * 4)
    expect(i8.memoryBytes).toBeLessThan(1000 * (d + 128)) // codes + scale + id map (+ growth slack)
    expect(i8.memoryBytes / f32.memoryBytes).toBeLessThan(0.3)
  })

  it('persist/open through a Store blob', async () => {
    const store = new InMemoryStore()
    const a = new WasmVectorStore({ metric: 'dot' })
    await a.upsert(records(50, 4))
    await a.persist(store, 'vectors/main')
    const b = await WasmVectorStore.open(store, 'vectors/main')
    expect(b.metric).toBe('dot')
    expect(b.dimensions()).toBe(DIM)
    expect(await b.count()).toBe(50)
    const q = randomUnitVectors(1, DIM, 5)
    expect(await b.query({ vector: q, topK: 50, includeVectors: true })).toEqual(await a.query({ vector: q, topK: 50, includeVectors: true }))
    const empty = await WasmVectorStore.open(store, 'vectors/none', { metric: 'euclidean', dimensions: 3 })
    expect(empty.metric).toBe('euclidean')
    expect(empty.dimensions()).toBe(3)
    expect(await empty.count()).toBe(0)
    // an empty store round-trips too, keeping its settings
    const e2 = WasmVectorStore.load(empty.save())
    expect([e2.metric, e2.dimensions(), await e2.count()]).toEqual(['euclidean', 3, 0])
  })

  it('corrupt, truncated and foreign snapshots throw typed errors', async () => {
    const a = new WasmVectorStore()
    await a.upsert(records(10, 6))
    const bytes = a.save()
    const flipped = bytes.slice()
    flipped[40] ^= 1
    expect(() => WasmVectorStore.load(flipped)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_CORRUPT' }))
    expect(() => WasmVectorStore.load(bytes.slice(0, 100))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_CORRUPT' }))
    expect(() => WasmVectorStore.load(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_CORRUPT' }))
    expect(() => WasmVectorStore.load(new TextEncoder().encode('not a snapshot at all, just text'))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_KIND_MISMATCH' }))
    const v2 = bytes.slice()
    new DataView(v2.buffer).setUint32(8, 99, true)
    expect(() => WasmVectorStore.load(v2)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_VERSION_UNSUPPORTED' }))
  })

  it('close frees the index; later calls throw STORE_CLOSED', async () => {
    const a = new WasmVectorStore()
    await a.upsert(records(3, 7))
    await a.close()
    await a.close()
    await expect(a.count()).rejects.toMatchObject({ code: 'STORE_CLOSED' })
    await expect(a.query({ vector: records(1, 8)[0].vector, topK: 1 })).rejects.toMatchObject({ code: 'STORE_CLOSED' })
  })

  it('option checks', () => {
    expect(() => new WasmVectorStore({ metric: 'l1' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => new WasmVectorStore({ quantization: 'int4' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => new WasmVectorStore({ dimensions: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => new WasmVectorStore({ rescore: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('matchingIds and ids', async () => {
    const a = new WasmVectorStore()
    await a.upsert(records(6, 9))
    expect(a.ids()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5'])
    expect(a.matchingIds({ even: true })).toEqual(['v0', 'v2', 'v4'])
    expect(() => a.matchingIds({ even: { $bad: 1 } } as never)).toThrow(expect.objectContaining({ code: 'FILTER_INVALID' }))
  })
})
