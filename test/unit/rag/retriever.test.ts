import { beforeAll, describe, expect, it } from 'vitest'
import { ready } from '../../helpers/lumos.js'
import { Retriever, WasmVectorStore, llmReranker, type DocumentChunk, type Reranker } from '../../../runtime/rag/index.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'
import { MockModel } from '../../../runtime/test/index.js'
import { fakeEmbedder } from './fake-embedder.js'

beforeAll(async () => {
  await ready()
})

const chunk = (id: string, text: string, metadata: Record<string, string>): DocumentChunk =>
  ({ id, text, metadata: { docId: id.split('#')[0], chunkIndex: Number(id.split('#')[1]), start: 0, end: text.length, ...metadata } }) as DocumentChunk

const CHUNKS = [
  chunk('d1#0', 'How to resume a workflow after suspend', { source: 'a.md', lang: 'en' }),
  chunk('d1#1', 'Workflow steps and resume data', { source: 'a.md', lang: 'en' }),
  chunk('d2#0', 'Agent memory store', { source: 'b.md', lang: 'en' }),
  chunk('d2#1', 'Vector store for agent tool', { source: 'b.md', lang: 'en' }),
  chunk('d3#0', 'Deploy the agent', { source: 'c.md', lang: 'de' }),
]

async function build(options: Partial<ConstructorParameters<typeof Retriever>[0]> = {}) {
  const r = new Retriever({ vectorStore: new WasmVectorStore(), embedder: fakeEmbedder(), ...options })
  await r.add(CHUNKS)
  return r
}

const ids = (hits: { id: string }[]) => hits.map((h) => h.id)

describe('Retriever', () => {
  it('vector mode: cosine scores of the embedder, ties by id', async () => {
    const r = await build()
    const hits = await r.query('resume workflow', { mode: 'vector', topK: 10 })
    expect(ids(hits)).toEqual(['d1#0', 'd1#1', 'd3#0', 'd2#0', 'd2#1'])
    const want = [1, 1, 1 / 3, 1 / (Math.sqrt(3) * 2), 1 / Math.sqrt(15)]
    hits.forEach((h, i) => {
      expect(h.score).toBeCloseTo(want[i], 5)
      expect(h.vectorScore).toBe(h.score)
    })
    expect(hits[0]).toMatchObject({ text: 'How to resume a workflow after suspend', metadata: { docId: 'd1', source: 'a.md' } })
  })

  it('keyword mode: BM25 over the chunk texts, shorter document first', async () => {
    const r = await build()
    const hits = await r.query('resume workflow', { mode: 'keyword', topK: 10 })
    expect(ids(hits)).toEqual(['d1#0', 'd1#1'])
    expect(hits[0].score).toBeGreaterThan(hits[1].score)
    expect(hits[0]).toMatchObject({ text: 'How to resume a workflow after suspend', metadata: { source: 'a.md' }, keywordScore: hits[0].score })
  })

  it('hybrid mode: reciprocal rank fusion (k = 60)', async () => {
    const r = await build()
    const hits = await r.query('resume workflow', { topK: 10 })
    expect(ids(hits)).toEqual(['d1#0', 'd1#1', 'd3#0', 'd2#0', 'd2#1'])
    const want = [2 / 61, 2 / 62, 1 / 63, 1 / 64, 1 / 65]
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i], 6))
    expect(hits[0].vectorScore).toBeCloseTo(1, 5)
    expect(hits[0].keywordScore).toBeGreaterThan(0)
    expect(hits[2].keywordScore).toBeUndefined()
    expect(ids(await r.query('resume workflow', { topK: 2 }))).toEqual(['d1#0', 'd1#1'])
  })

  it('weighted fusion', async () => {
    const r = await build({ fusion: { method: 'weighted', weights: [1, 0] } })
    const hits = await r.query('resume workflow', { topK: 3 })
    expect(ids(hits)).toEqual(['d1#0', 'd1#1', 'd3#0'])
  })

  it('filters apply in every mode', async () => {
    const r = await build()
    const kw = ids(await r.query('agent', { mode: 'keyword', filter: { docId: 'd2' } }))
    expect([...kw].sort()).toEqual(['d2#0', 'd2#1'])
    expect(ids(await r.query('deploy agent', { mode: 'keyword', filter: { lang: 'de' } }))).toEqual(['d3#0'])
    expect(ids(await r.query('deploy agent', { mode: 'vector', filter: { lang: 'de' } }))).toEqual(['d3#0'])
    expect(ids(await r.query('deploy agent', { mode: 'hybrid', filter: { lang: 'de' } }))).toEqual(['d3#0'])
    expect(await r.query('deploy agent', { mode: 'keyword', filter: { lang: 'fr' } })).toEqual([])
    expect(await r.query('deploy agent', { mode: 'hybrid', filter: { lang: 'fr' } })).toEqual([])
    expect(await r.query('deploy agent', { mode: 'vector', filter: { lang: 'fr' } })).toEqual([])
    await expect(r.query('x', { mode: 'keyword', filter: { lang: { $regex: 'd' } } as never })).rejects.toMatchObject({ code: 'FILTER_INVALID', details: { operator: '$regex', path: 'lang' } })
  })

  it('an embedder failing mid-batch leaves nothing behind; a retry adds everything', async () => {
    const store = new WasmVectorStore()
    const embedder = fakeEmbedder({ maxEmbeddingsPerCall: 2, failOnCall: [2] })
    const r = new Retriever({ vectorStore: store, embedder })
    await expect(r.add(CHUNKS)).rejects.toMatchObject({ code: 'EMBEDDER_FAILED' })
    expect(embedder.calls.length).toBe(2)
    expect(await store.count()).toBe(0)
    expect(await r.query('resume workflow', { mode: 'keyword' })).toEqual([])
    await r.add(CHUNKS)
    expect(await store.count()).toBe(5)
    expect(ids(await r.query('resume workflow', { mode: 'keyword' }))).toEqual(['d1#0', 'd1#1'])
  })

  it('add reports embedding progress and stops on abort without writing', async () => {
    const store = new WasmVectorStore()
    const r = new Retriever({ vectorStore: store, embedder: fakeEmbedder({ maxEmbeddingsPerCall: 2 }) })
    const progress: number[] = []
    await r.add(CHUNKS.slice(0, 3), { onProgress: (done) => progress.push(done) })
    expect(progress).toEqual([2, 3])
    const ac = new AbortController()
    await expect(r.add(CHUNKS.slice(3), { abortSignal: ac.signal, onProgress: () => ac.abort(new Error('cancelled')) })).rejects.toThrow('cancelled')
    expect(await store.count()).toBe(3)
    expect(await r.query('deploy', { mode: 'keyword' })).toEqual([])
  })

  it('dimension mismatch with the store: EMBEDDING_DIMENSION_MISMATCH, nothing written', async () => {
    const store = new WasmVectorStore({ dimensions: 4 })
    const r = new Retriever({ vectorStore: store, embedder: fakeEmbedder() })
    await expect(r.add(CHUNKS)).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSION_MISMATCH', details: { expected: 4, got: 9 } })
    expect(await store.count()).toBe(0)
    expect(await r.query('resume', { mode: 'keyword' })).toEqual([])
  })

  it('rejects bad chunks before embedding', async () => {
    const embedder = fakeEmbedder()
    const r = new Retriever({ vectorStore: new WasmVectorStore(), embedder })
    await expect(r.add([chunk('a#0', 'x', {}), chunk('a#0', 'y', {})])).rejects.toMatchObject({ code: 'ID_DUPLICATE' })
    await expect(r.add([chunk('a#0', '  ', {})])).rejects.toMatchObject({ code: 'DOCUMENT_INVALID' })
    await expect(r.add([{ id: '', text: 'x', metadata: {} } as never])).rejects.toMatchObject({ code: 'ID_EMPTY' })
    expect(embedder.calls).toEqual([])
  })

  it('delete(docId) removes the document from both indexes', async () => {
    const r = await build()
    expect(await r.delete('d1')).toBe(2)
    expect(await r.query('resume workflow', { mode: 'keyword' })).toEqual([])
    expect(ids(await r.query('resume workflow', { mode: 'vector' }))).toEqual(['d3#0', 'd2#0', 'd2#1'])
    expect(await r.delete('d1')).toBe(0)
    expect(await r.deleteChunks(['d2#0'])).toBe(1)
    expect(ids(await r.query('agent', { mode: 'keyword' }))).toEqual(['d3#0', 'd2#1'])
    expect(ids(await r.query('memory', { mode: 'keyword' }))).toEqual([])
  })

  it('save/load round trip gives the same results in every mode', async () => {
    const r = await build()
    const bytes = r.save()
    expect(Retriever.snapshotInfo(bytes)).toEqual({ embedder: { provider: 'test', modelId: 'fake-bow' }, keyword: true })
    const loaded = await Retriever.load(bytes, { embedder: fakeEmbedder() })
    for (const mode of ['vector', 'keyword', 'hybrid'] as const) {
      for (const q of ['resume workflow', 'agent tool', 'deploy']) {
        expect(await loaded.query(q, { mode, topK: 10 })).toEqual(await r.query(q, { mode, topK: 10 }))
      }
    }
    expect(await loaded.query('agent', { mode: 'keyword', filter: { lang: 'de' } }).then(ids)).toEqual(['d3#0'])
    // through a Store blob
    const store = new InMemoryStore()
    await store.putBlob('rag/snapshot', bytes)
    const again = await Retriever.load((await store.getBlob('rag/snapshot'))!, { embedder: fakeEmbedder() })
    expect(ids(await again.query('resume workflow'))).toEqual(['d1#0', 'd1#1', 'd3#0', 'd2#0', 'd2#1'])
    // corrupt / foreign bytes
    const flipped = bytes.slice()
    flipped[flipped.length - 10] ^= 0xff
    await expect(Retriever.load(flipped, { embedder: fakeEmbedder() })).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT' })
    await expect(Retriever.load(bytes.slice(0, bytes.length - 3), { embedder: fakeEmbedder() })).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT' })
    await expect(Retriever.load(new WasmVectorStore().save(), { embedder: fakeEmbedder() })).rejects.toMatchObject({ code: 'SNAPSHOT_KIND_MISMATCH' })
    // another embedder (same vector length) is refused, not silently queried
    const other = { ...fakeEmbedder(), modelId: 'fake-bow-v2' }
    await expect(Retriever.load(bytes, { embedder: other })).rejects.toMatchObject({ code: 'EMBEDDER_MISMATCH', details: { snapshot: { provider: 'test', modelId: 'fake-bow' } } })
  })

  it('vector-only retriever: keyword modes are a config error; save needs a WasmVectorStore', async () => {
    const r = await build({ keyword: false })
    expect(ids(await r.query('resume workflow', { topK: 2 }))).toEqual(['d1#0', 'd1#1'])
    await expect(r.query('x', { mode: 'keyword' })).rejects.toMatchObject({ code: 'RETRIEVER_CONFIG_INVALID' })
    await expect(r.query('x', { topK: 0 })).rejects.toMatchObject({ code: 'RETRIEVER_CONFIG_INVALID' })
    await expect(r.query('x', { mode: 'fuzzy' as never })).rejects.toMatchObject({ code: 'RETRIEVER_CONFIG_INVALID' })
    await expect(r.query('  ')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const loaded = await Retriever.load(r.save(), { embedder: fakeEmbedder() })
    expect(ids(await loaded.query('resume workflow', { topK: 2 }))).toEqual(['d1#0', 'd1#1'])
    const other = { ...new WasmVectorStore(), kind: 'x', query: async () => [], upsert: async () => undefined } as never
    expect(() => new Retriever({ vectorStore: other, embedder: fakeEmbedder() }).save()).toThrow(expect.objectContaining({ code: 'RETRIEVER_CONFIG_INVALID' }))
    expect(() => new Retriever({ vectorStore: {} as never, embedder: fakeEmbedder() })).toThrow(expect.objectContaining({ code: 'RETRIEVER_CONFIG_INVALID' }))
    expect(() => new Retriever({ vectorStore: new WasmVectorStore(), embedder: { specificationVersion: 'v1' } as never })).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_UNSUPPORTED' }))
  })

  it('a reranker reorders the candidates; rerank: false skips it', async () => {
    const reverse: Reranker = { rerank: async (_q, hits) => [...hits].reverse() }
    const r = await build({ reranker: reverse })
    expect(ids(await r.query('resume workflow', { mode: 'vector', topK: 2 }))).toEqual(['d2#1', 'd2#0'])
    expect(ids(await r.query('resume workflow', { mode: 'vector', topK: 2, rerank: false }))).toEqual(['d1#0', 'd1#1'])
  })

  it('llmReranker grades passages with one model call', async () => {
    const model = new MockModel({ responses: [{ text: '{"scores": [2, 9, 0, 9, 5]}' }] })
    const r = await build({ reranker: llmReranker({ model }) })
    const hits = await r.query('resume workflow', { mode: 'vector', topK: 3 })
    // vector order d1#0, d1#1, d3#0, d2#0, d2#1 graded 2, 9, 0, 9, 5 → ties keep retrieval order
    expect(ids(hits)).toEqual(['d1#1', 'd2#0', 'd2#1'])
    expect(hits.map((h) => h.score)).toEqual([0.9, 0.9, 0.5])
    expect(model.calls.length).toBe(1)
    const user = (model.calls[0].prompt[1].content as { text: string }[])[0].text
    expect(user.startsWith('Query: resume workflow\n\nPassage 1:\nHow to resume a workflow after suspend\n\nPassage 2:\nWorkflow steps and resume data')).toBe(true)
    const bad = await build({ reranker: llmReranker({ model: new MockModel({ responses: [{ text: '{"scores":[1]}' }] }) }) })
    await expect(bad.query('resume', { mode: 'vector' })).rejects.toMatchObject({ code: 'STRUCTURED_OUTPUT_INVALID' })
  })
})
