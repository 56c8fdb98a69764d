// One adapter per vector library: build from a row-major Float32Array, search one query -> row indices.
// Queries are handed over in each library's preferred form, converted outside the timed loop.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { benchDir, exactTopKDot, row } from '../lib/datasets.js'
import { loadLumos } from '../lib/lumos.js'

export type Metric = 'cosine' | 'l2'
export interface EngineOptions { dim: number; metric: Metric; m: number; efConstruction: number; efSearch: number }
export interface VectorEngine {
  build(base: Float32Array, n: number): Promise<void> | void
  /** Converts a query to the form search() takes (not timed). */
  prepare(q: Float32Array): unknown
  search(q: unknown, k: number): ArrayLike<number> | Promise<ArrayLike<number>>
  /** Whole-batch search where the library has one. */
  searchBatch?(queries: Float32Array, k: number): ArrayLike<number>[]
  setEf?(ef: number): void
  memoryBytes?(): number
  free?(): void
}
export interface EngineSpec { library: string; pkg: string | null; graph: boolean; create(o: EngineOptions): Promise<VectorEngine> }

const req = createRequire(path.join(benchDir, 'package.json'))
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i))
const toRows = (found: string[]): number[] => found.map(Number)

function lumos(library: string, extra: Record<string, unknown>, graph = false): EngineSpec {
  return {
    library, pkg: null, graph,
    async create(o) {
      const L = await loadLumos()
      let vi: InstanceType<typeof L.VectorIndex> | undefined
      let ef = o.efSearch
      const config = () => ({ dimensions: o.dim, metric: o.metric, m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch, ...extra })
      return {
        build(base, n) { vi?.free(); vi = new L.VectorIndex(config() as never); vi.upsert(ids(n), base) },
        prepare: (q) => q,
        search: (q, k) => toRows(vi!.search(q as Float32Array, graph ? { k, efSearch: ef } : { k }).ids),
        searchBatch: (qs, k) => vi!.searchBatch(qs, { k }).map((r) => toRows(r.ids)),
        setEf(e) { ef = e },
        memoryBytes: () => vi!.memoryBytes,
        free() { vi?.free(); vi = undefined },
      }
    },
  }
}

const plainJs: EngineSpec = {
  library: 'plain JS (Float32Array loop)', pkg: 'node', graph: false,
  async create(o) {
    if (o.metric !== 'cosine') throw new Error('plain JS engine is dot/cosine on unit vectors only')
    let data = new Float32Array(0)
    return {
      build(base) { data = base.slice() },
      prepare: (q) => q,
      search: (q, k) => exactTopKDot(data, o.dim, q as Float32Array, k),
    }
  },
}

const usearchExact: EngineSpec = {
  library: 'usearch exactSearch', pkg: 'usearch', graph: false,
  async create(o) {
    const u = req('usearch')
    const metric = o.metric === 'cosine' ? u.MetricKind.IP : u.MetricKind.L2sq
    let data = new Float32Array(0)
    let n = 0
    return {
      build(base, count) { data = base.slice(); n = count },
      // The binding ignores a view's byteOffset (it reads from offset 0 of the buffer): copy.
      prepare: (q) => q.slice(),
      // threads=1: Lumos is single-threaded wasm, so compare per-core throughput.
      search: (q, k) => Array.from(u.exactSearch(data, q, o.dim, k, metric, 1).keys as BigUint64Array, Number),
      searchBatch: (qs, k) => {
        const r = u.exactSearch(data, qs.slice(), o.dim, k, metric, 1)
        const keys = r.keys as BigUint64Array
        return Array.from({ length: qs.length / o.dim }, (_, i) => Array.from(keys.subarray(i * k, (i + 1) * k), Number))
      },
      memoryBytes: () => n * o.dim * 4,
    }
  },
}

const usearchHnsw: EngineSpec = {
  library: 'usearch HNSW', pkg: 'usearch', graph: true,
  async create(o) {
    const u = req('usearch')
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const metric = o.metric === 'cosine' ? u.MetricKind.Cos : u.MetricKind.L2sq
    const mk = (ef: number) => new u.Index({ dimensions: o.dim, metric, quantization: u.ScalarKind.F32, connectivity: o.m, expansion_add: o.efConstruction, expansion_search: ef })
    let idx = mk(o.efSearch)
    return {
      build(base, n) {
        idx = mk(o.efSearch)
        const keys = new BigUint64Array(n)
        for (let i = 0; i < n; i++) keys[i] = BigInt(i)
        idx.add(keys, base.slice(), 1)
      },
      prepare: (q) => q.slice(), // see usearchExact
      search: (q, k) => Array.from(idx.search(q, k, 1).keys as BigUint64Array, Number),
      // expansion_search has no setter in the JS binding: reload the saved graph with a new config.
      setEf(ef) {
        const dir = mkdtempSync(path.join(tmpdir(), 'usearch-'))
        const file = path.join(dir, 'index.usearch')
        idx.save(file)
        idx = mk(ef)
        idx.load(file)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
}

const hnswlibNode: EngineSpec = {
  library: 'hnswlib-node', pkg: 'hnswlib-node', graph: true,
  async create(o) {
    const { HierarchicalNSW } = req('hnswlib-node')
    let idx: any
    return {
      build(base, n) {
        idx = new HierarchicalNSW(o.metric, o.dim)
        idx.initIndex(n, o.m, o.efConstruction, 100)
        for (let i = 0; i < n; i++) idx.addPoint(Array.from(row(base, o.dim, i)), i)
        idx.setEf(o.efSearch)
      },
      prepare: (q) => Array.from(q), // the binding only takes number[]
      search: (q, k) => idx.searchKnn(q, k).neighbors,
      setEf(ef) { idx.setEf(ef) },
    }
  },
}

const hnswlibWasm: EngineSpec = {
  library: 'hnswlib-wasm', pkg: 'hnswlib-wasm', graph: true,
  async create(o) {
    // The package is built for browsers only (it checks `typeof window`); a window alias is enough,
    // and importing the emscripten factory directly skips its IndexedDB file-system setup.
    ;(globalThis as Record<string, unknown>).window ??= globalThis
    const file = path.join(path.dirname(req.resolve('hnswlib-wasm/package.json')), 'dist')
    const factoryFile = (await import('node:fs')).readdirSync(file).find((f) => /^hnswlib-.*\.js$/.test(f))
    if (!factoryFile) throw new Error('hnswlib-wasm: emscripten factory not found in dist/')
    const lib = await (await import(path.join(file, factoryFile))).default()
    let idx: any
    return {
      build(base, n) {
        idx = new lib.HierarchicalNSW(o.metric, o.dim, '')
        idx.initIndex(n, o.m, o.efConstruction, 100)
        for (let i = 0; i < n; i++) idx.addPoint(row(base, o.dim, i), i, false)
        idx.setEfSearch(o.efSearch)
      },
      prepare: (q) => q,
      search: (q, k) => idx.searchKnn(q, k, undefined).neighbors,
      setEf(ef) { idx.setEfSearch(ef) },
    }
  },
}

const voy: EngineSpec = {
  library: 'voy-search', pkg: 'voy-search', graph: false,
  async create(o) {
    // voy ships a bundler-target wasm-bindgen build; instantiate it by hand for Node.
    const dir = path.dirname(req.resolve('voy-search/package.json'))
    const bg = await import(path.join(dir, 'voy_search_bg.js'))
    const { instance } = await WebAssembly.instantiate(readFileSync(path.join(dir, 'voy_search_bg.wasm')), { './voy_search_bg.js': bg })
    bg.__wbg_set_wasm(instance.exports)
    let index: any
    return {
      build(base, n) {
        index?.free()
        const embeddings = Array.from({ length: n }, (_, i) => ({ id: String(i), title: '', url: '', embeddings: Array.from(row(base, o.dim, i)) }))
        index = new bg.Voy({ embeddings })
      },
      prepare: (q) => q,
      // Euclidean k-d tree: same ranking as cosine on unit vectors.
      search: (q, k) => index.search(q, k).neighbors.map((x: { id: string }) => Number(x.id)),
    }
  },
}

const orama: EngineSpec = {
  library: '@orama/orama (vector)', pkg: '@orama/orama', graph: false,
  async create(o) {
    if (o.metric !== 'cosine') throw new Error('orama vector search is cosine only')
    const { create, insertMultiple, search } = await import(req.resolve('@orama/orama'))
    let db: any
    return {
      async build(base, n) {
        db = create({ schema: { e: `vector[${o.dim}]` } })
        const docs = Array.from({ length: n }, (_, i) => ({ id: String(i), e: Array.from(row(base, o.dim, i)) }))
        await insertMultiple(db, docs, 1000)
      },
      prepare: (q) => Array.from(q),
      search: async (q, k) => {
        const r = await search(db, { mode: 'vector', vector: { value: q, property: 'e' }, similarity: -1, limit: k, includeVectors: false })
        return r.hits.map((h: { id: string }) => Number(h.id))
      },
    }
  },
}

export const RESCORE = 4

/** Every engine, by task key. */
export const engines: Record<string, EngineSpec> = {
  'lumos-flat': lumos('lumos flat f32', { quantization: 'none', index: 'flat' }),
  'lumos-int8': lumos('lumos flat int8', { quantization: 'int8', int8Scale: 'vector', rescore: 0, index: 'flat' }),
  'lumos-int8-rescore': lumos(`lumos flat int8 +rescore x${RESCORE}`, { quantization: 'int8', int8Scale: 'vector', rescore: RESCORE, index: 'flat' }),
  'lumos-hnsw': lumos('lumos HNSW f32', { quantization: 'none', index: 'hnsw' }, true),
  'plain-js': plainJs,
  'usearch-exact': usearchExact,
  'usearch-hnsw': usearchHnsw,
  'hnswlib-node': hnswlibNode,
  'hnswlib-wasm': hnswlibWasm,
  'voy': voy,
  'orama': orama,
}
