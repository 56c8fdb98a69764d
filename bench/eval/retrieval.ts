// Retrieval evaluation on BEIR ArguAna (real data no one here wrote): keyword (BM25), lexical-
// embedding vector and hybrid retrieval through the public Retriever, plus ingest throughput and
// query latency.  Run: npx tsx bench/eval/retrieval.ts [--dims 512] [--chunk 2000] [--out path]
// Data: ../shared/data/arguana relative to the repo root (corpus.jsonl.gz, queries.jsonl.gz,
// qrels/test.tsv); exits 2 with a message when it is missing. BEIR rule: a hit whose doc id equals
// the query id is dropped. Metrics (trec_eval style, graded gains): nDCG@10, recall@100, MRR@10,
// averaged over the 1,406 test queries.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fuse, KeywordIndex, ready, VectorIndex } from '../../adapters/node/index.js'
import { lexicalEmbedFlat } from '../../runtime/core/lexical.js'
import { lexicalEmbedder } from '../../runtime/embeddings/lexical-embedder.js'
import { Document, type DocumentChunk } from '../../runtime/rag/document.js'
import { Retriever, type RetrievalMode, type RetrieverOptions } from '../../runtime/rag/retriever.js'
import { WasmVectorStore } from '../../runtime/rag/wasm-vector-store.js'
import { loadArguana, repoRoot } from '../lib/datasets.js'

const args = process.argv.slice(2)
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : def
}
const DIMS = arg('dims', 512)
const CHUNK = arg('chunk', 2000)
const outPath = (() => {
  const i = args.indexOf('--out')
  return i >= 0 ? path.resolve(args[i + 1]) : path.join(repoRoot, 'bench/results/retrieval.json')
})()

const dataDir = path.resolve(repoRoot, '../shared/data/arguana')
if (!existsSync(path.join(dataDir, 'corpus.jsonl.gz')) || !existsSync(path.join(dataDir, 'qrels/test.tsv'))) {
  console.error(`eval:retrieval: BEIR ArguAna not found at ${dataDir} (need corpus.jsonl.gz, queries.jsonl.gz, qrels/test.tsv).`)
  console.error('Place the shared data beside the repo as ../shared/data/arguana and run again.')
  process.exit(2)
}

interface Metrics {
  ndcg10: number
  recall100: number
  mrr10: number
}

function score(ranked: string[], rels: Map<string, number>): Metrics {
  let dcg = 0
  let mrr = 0
  for (let i = 0; i < Math.min(10, ranked.length); i++) {
    const g = rels.get(ranked[i]) ?? 0
    dcg += g / Math.log2(i + 2)
    if (g > 0 && mrr === 0) mrr = 1 / (i + 1)
  }
  const ideal = [...rels.values()].filter((g) => g > 0).sort((a, b) => b - a)
  let idcg = 0
  for (let i = 0; i < Math.min(10, ideal.length); i++) idcg += ideal[i] / Math.log2(i + 2)
  const found = ranked.slice(0, 100).filter((d) => (rels.get(d) ?? 0) > 0).length
  return { ndcg10: idcg > 0 ? dcg / idcg : 0, recall100: ideal.length > 0 ? found / ideal.length : 0, mrr10: mrr }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const r4 = (x: number) => Math.round(x * 10000) / 10000
const r2 = (x: number) => Math.round(x * 100) / 100

async function main() {
  await ready()
  const data = loadArguana(dataDir)
  const textBytes = data.docs.reduce((n, d) => n + Buffer.byteLength(d.text, 'utf8'), 0)
  console.log(`ArguAna: ${data.docs.length} docs (${r2(textBytes / 1e6)} MB), ${data.queries.length} test queries; lexical dims ${DIMS}, chunk maxSize ${CHUNK}`)

  // ---- ingest: documents -> chunks -> lexical embeddings -> vector store + BM25 ----
  const embedder = lexicalEmbedder({ dimensions: DIMS })
  const make = (fusion: RetrieverOptions['fusion']) =>
    new Retriever({ vectorStore: new WasmVectorStore({ dimensions: DIMS }), embedder, keyword: true, fusion, batchSize: 1024 })
  const retriever = make('rrf')
  // Warm-up (JIT, wasm tiering) on a throwaway retriever so the timing reflects steady state.
  await make('rrf').add(data.docs.slice(0, 200).map((d) => Document.fromText(d.text, {}, { id: d.id }).chunk({ maxSize: CHUNK })).flat())

  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const chunks: DocumentChunk[] = []
  for (const d of data.docs) chunks.push(...Document.fromText(d.text, {}, { id: d.id }).chunk({ maxSize: CHUNK }))
  const tChunk = performance.now()
  await retriever.add(chunks)
  const tAdd = performance.now()
  const cpu = process.cpuUsage(cpu0)
  const cpuS = (cpu.user + cpu.system) / 1e6
  const ingestS = (tAdd - t0) / 1000
  const ingest = {
    documents: data.docs.length,
    chunks: chunks.length,
    textMB: r2(textBytes / 1e6),
    seconds: r2(ingestS),
    MBps: r2(textBytes / 1e6 / ingestS),
    cpuSeconds: r2(cpuS),
    MBperCpuSecond: r2(textBytes / 1e6 / cpuS),
    chunkSeconds: r2((tChunk - t0) / 1000),
    embedAndIndexSeconds: r2((tAdd - tChunk) / 1000),
    vectorQuantization: (retriever.vectorStore as WasmVectorStore).quantization,
  }
  console.log(
    `ingest (Retriever): ${ingest.chunks} chunks in ${ingest.seconds}s = ${ingest.MBps} MB/s wall, ${ingest.MBperCpuSecond} MB per CPU-second (chunk ${ingest.chunkSeconds}s, embed+index ${ingest.embedAndIndexSeconds}s)`,
  )

  // ---- the same pipeline on the engine directly (no Retriever/VectorStore layers) ----
  const e0 = performance.now()
  const ecpu0 = process.cpuUsage()
  const eChunks: DocumentChunk[] = []
  for (const d of data.docs) eChunks.push(...Document.fromText(d.text, {}, { id: d.id }).chunk({ maxSize: CHUNK }))
  const eTexts = eChunks.map((c) => c.text)
  const eIds = eChunks.map((c) => c.id)
  const e1 = performance.now()
  const flat = lexicalEmbedFlat(eTexts, { dimensions: DIMS })
  const e2 = performance.now()
  // int8, as the WasmVectorStore picks for this size (f32 would be 17.8 MB per scan)
  const vi = new VectorIndex({ dimensions: DIMS, quantization: 'int8' })
  vi.upsert(eIds, flat)
  const ki = new KeywordIndex()
  ki.upsert(eIds, eTexts)
  const e3 = performance.now()
  const ecpu = process.cpuUsage(ecpu0)
  const engineIngest = {
    seconds: r2((e3 - e0) / 1000),
    MBps: r2(textBytes / 1e6 / ((e3 - e0) / 1000)),
    MBperCpuSecond: r2(textBytes / 1e6 / ((ecpu.user + ecpu.system) / 1e6)),
    chunkSeconds: r2((e1 - e0) / 1000),
    embedSeconds: r2((e2 - e1) / 1000),
    embedMBps: r2(textBytes / 1e6 / ((e2 - e1) / 1000)),
    indexSeconds: r2((e3 - e2) / 1000),
  }
  console.log(`ingest (engine direct): ${engineIngest.MBps} MB/s wall, ${engineIngest.MBperCpuSecond} MB per CPU-second (chunk ${engineIngest.chunkSeconds}s, lexical embed ${engineIngest.embedSeconds}s = ${engineIngest.embedMBps} MB/s, index ${engineIngest.indexSeconds}s)`)
  const engineLatency = { embedQuery: [] as number[], bm25: [] as number[], vector: [] as number[], fuse: [] as number[], hybrid: [] as number[] }
  for (const q of data.queries) {
    const a = performance.now()
    const qv = lexicalEmbedFlat([q.text], { dimensions: DIMS })
    const b = performance.now()
    const vh = vi.search(qv, { k: 40 })
    const c = performance.now()
    const kh = ki.search(q.text, { k: 40 })
    const d = performance.now()
    fuse([vh, kh], { limit: 10 })
    const e = performance.now()
    engineLatency.embedQuery.push(b - a)
    engineLatency.vector.push(c - b)
    engineLatency.bm25.push(d - c)
    engineLatency.fuse.push(e - d)
    engineLatency.hybrid.push(e - a)
  }
  // Fusion variants on the engine lists (quality only; exploratory: ArguAna has no dev split, so
  // these are measured on the test queries and must not be read as tuned results).
  const variants: { name: string; opts: Parameters<typeof fuse>[1] }[] = [
    { name: 'RRF k=60, equal weights', opts: { method: 'rrf', k: 60 } },
    { name: 'RRF k=60, vector 0.5 / keyword 1', opts: { method: 'rrf', k: 60, weights: [0.5, 1] } },
    { name: 'weighted min-max 0.5/0.5', opts: { method: 'weighted', normalization: 'minmax' } },
    { name: 'weighted min-max 0.3/0.7', opts: { method: 'weighted', normalization: 'minmax', weights: [0.3, 0.7] } },
    { name: 'weighted min-max 0.2/0.8', opts: { method: 'weighted', normalization: 'minmax', weights: [0.2, 0.8] } },
    { name: 'weighted z-score 0.3/0.7', opts: { method: 'weighted', normalization: 'zscore', weights: [0.3, 0.7] } },
  ]
  const variantSums = variants.map(() => ({ ndcg10: 0, recall100: 0, mrr10: 0 }))
  const engineDocOf = new Map(eChunks.map((c) => [c.id, c.metadata.docId]))
  for (const q of data.queries) {
    const qv = lexicalEmbedFlat([q.text], { dimensions: DIMS })
    const lists = [vi.search(qv, { k: 404 }), ki.search(q.text, { k: 404 })]
    variants.forEach((v, i) => {
      const f = fuse(lists, { ...v.opts, limit: 404 })
      const seen = new Set<string>()
      const ranked: string[] = []
      for (const id of f.ids) {
        const doc = engineDocOf.get(id) ?? id
        if (doc === q.id || seen.has(doc)) continue
        seen.add(doc)
        ranked.push(doc)
      }
      const m = score(ranked, data.qrels.get(q.id)!)
      variantSums[i].ndcg10 += m.ndcg10
      variantSums[i].recall100 += m.recall100
      variantSums[i].mrr10 += m.mrr10
    })
  }
  const fusionVariants = variants.map((v, i) => ({
    name: v.name,
    ndcg10: r4(variantSums[i].ndcg10 / data.queries.length),
    recall100: r4(variantSums[i].recall100 / data.queries.length),
    mrr10: r4(variantSums[i].mrr10 / data.queries.length),
  }))
  for (const v of fusionVariants) console.log(`engine fusion ${v.name}: nDCG@10 ${v.ndcg10}  R@100 ${v.recall100}  MRR@10 ${v.mrr10}`)
  const engineLatencyMs = Object.fromEntries(Object.entries(engineLatency).map(([k, v]) => [k, { p50: r2(pct(v, 50)), p95: r2(pct(v, 95)) }]))
  console.log('engine-direct hybrid latency (k=40 per list, fuse to 10), ms:', JSON.stringify(engineLatencyMs))
  vi.free()
  ki.free()

  // Weighted fusion: the same indexes reloaded from the snapshot with another fusion setting.
  const snapshot = retriever.save()
  const weighted = await Retriever.load(snapshot, { embedder, fusion: 'weighted' })
  const weightedKw = await Retriever.load(snapshot, { embedder, fusion: { method: 'weighted', weights: [0.3, 0.7] } })

  const runs: { name: string; r: Retriever; mode: RetrievalMode }[] = [
    { name: 'keyword (BM25)', r: retriever, mode: 'keyword' },
    { name: `vector (lexical-${DIMS})`, r: retriever, mode: 'vector' },
    { name: 'hybrid RRF (k=60)', r: retriever, mode: 'hybrid' },
    { name: 'hybrid weighted (min-max, 0.5/0.5)', r: weighted, mode: 'hybrid' },
    { name: 'hybrid weighted (min-max, vector 0.3 / keyword 0.7)', r: weightedKw, mode: 'hybrid' },
  ]
  const docOf = new Map(chunks.map((c) => [c.id, c.metadata.docId]))
  const rows = []
  for (const run of runs) {
    // Quality: top 101 chunks (one may be the query itself), rolled up to documents.
    const sum: Metrics = { ndcg10: 0, recall100: 0, mrr10: 0 }
    for (const q of data.queries) {
      const hits = await run.r.query(q.text, { topK: 101, mode: run.mode })
      const seen = new Set<string>()
      const ranked: string[] = []
      for (const h of hits) {
        const doc = docOf.get(h.id) ?? h.id
        if (doc === q.id || seen.has(doc)) continue
        seen.add(doc)
        ranked.push(doc)
      }
      const m = score(ranked, data.qrels.get(q.id)!)
      sum.ndcg10 += m.ndcg10
      sum.recall100 += m.recall100
      sum.mrr10 += m.mrr10
    }
    const n = data.queries.length
    // Latency: the typical call (topK 10), one query at a time, after the quality pass warmed up.
    const times: number[] = []
    for (const q of data.queries) {
      const t = performance.now()
      await run.r.query(q.text, { topK: 10, mode: run.mode })
      times.push(performance.now() - t)
    }
    const row = {
      name: run.name,
      mode: run.mode,
      ndcg10: r4(sum.ndcg10 / n),
      recall100: r4(sum.recall100 / n),
      mrr10: r4(sum.mrr10 / n),
      p50ms: r2(pct(times, 50)),
      p95ms: r2(pct(times, 95)),
    }
    rows.push(row)
    console.log(`${row.name}: nDCG@10 ${row.ndcg10}  R@100 ${row.recall100}  MRR@10 ${row.mrr10}  p50 ${row.p50ms} ms  p95 ${row.p95ms} ms`)
  }

  const kw = rows[0]
  const rrf = rows[2]
  const best = rows.slice(2).reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a))
  const targets = {
    'keyword nDCG@10 >= 0.40': kw.ndcg10 >= 0.4,
    'hybrid (RRF default) nDCG@10 > keyword': rrf.ndcg10 > kw.ndcg10,
    'ingest (Retriever) >= 5 MB/s': ingest.MBps >= 5,
    'hybrid (RRF) p50 <= 5 ms': rrf.p50ms <= 5,
  }
  const result = {
    dataset: 'BEIR ArguAna (test split)',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    settings: { lexicalDimensions: DIMS, chunkMaxSize: CHUNK, retrieverBatchSize: 1024, latencyTopK: 10, qualityTopK: 101 },
    references: { 'Pyserini BM25 flat': 0.397, 'Pyserini BM25 multifield': 0.414, 'all-MiniLM-L6-v2': 0.502 },
    loadAverageAtEnd: loadavg().map(r2),
    ingest,
    engineIngest,
    engineLatencyMs,
    fusionVariantsExploratory: fusionVariants,
    modes: rows,
    bestHybrid: best.name,
    targets,
  }
  mkdirSync(path.dirname(outPath), { recursive: true })
  writeFileSync(outPath, JSON.stringify(result, null, 2) + '\n')

  console.log('\n| mode | nDCG@10 | recall@100 | MRR@10 | p50 ms | p95 ms |\n|---|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.name} | ${r.ndcg10.toFixed(3)} | ${r.recall100.toFixed(3)} | ${r.mrr10.toFixed(3)} | ${r.p50ms} | ${r.p95ms} |`)
  console.log(`\ningest (chunk + lexical embed + index): Retriever ${ingest.MBps} MB/s wall (${ingest.MBperCpuSecond} MB/CPU-s); engine direct ${engineIngest.MBps} MB/s wall (${engineIngest.MBperCpuSecond} MB/CPU-s); ${ingest.textMB} MB, ${ingest.chunks} chunks`)
  console.log(`engine-direct hybrid p50 ${engineLatencyMs.hybrid.p50} ms, p95 ${engineLatencyMs.hybrid.p95} ms; load average ${loadavg().map(r2).join(' ')} on ${availableParallelism()} cores`)
  for (const [t, ok] of Object.entries(targets)) console.log(`${ok ? 'PASS' : 'FAIL'}  ${t}`)
  console.log(`wrote ${path.relative(repoRoot, outPath)}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
