// Vector suite, random unit vectors: build time, QPS, recall@10 vs exact, RSS growth, index bytes.
// One engine per process (fresh RSS baseline). Also the streaming-read ceiling ('bandwidth' task).
import { randomGroundTruth, randomUnitVectors, row } from '../lib/datasets.js'
import { emit, main, rowsFor, taskArgs, versionOf } from '../lib/child.js'
import { gc, measureQps, median, now, recallAtK, rss, timeRuns } from '../lib/stats.js'
import { engines } from './vector-engines.js'

export interface VectorTask {
  engine: string // key of `engines`, or 'bandwidth'
  n: number; dim: number; nq: number; qpsQueries: number; k: number
  runs: number; budgetMs: number; buildRuns: number
  m: number; efConstruction: number; efSearch: number
}

const SEED_BASE = 42
const SEED_QUERIES = 4242

/**
 * Streaming-read ceiling without wasm. Summing a 150 MB Float64Array with 4 accumulators is often
 * add-bound rather than memory-bound, so a native copy (TypedArray.set, i.e. memmove) is measured
 * too: its read rate (bytes copied / time) is a lower bound of the read bandwidth.
 */
async function bandwidth(t: VectorTask): Promise<void> {
  const a = new Float64Array(150e6 / 8)
  for (let i = 0; i < a.length; i++) a[i] = i & 7
  let sink = 0
  const sum = await timeRuns(() => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0
    for (let i = 0; i < a.length; i += 4) { s0 += a[i]; s1 += a[i + 1]; s2 += a[i + 2]; s3 += a[i + 3] }
    sink += s0 + s1 + s2 + s3
  }, { runs: Math.max(5, t.runs) })
  if (sink === 42) console.error('unlikely')
  const r = rowsFor('vectors', 'JS streaming read (Float64Array sum)', versionOf('node'), 'memory')
  r.add('bandwidth', a.byteLength / (median(sum) / 1000) / 1e9, 'GB/s')
  const b = new Float64Array(a.length)
  b.set(a) // fault the pages in before timing
  const copy = await timeRuns(() => b.set(a), { runs: Math.max(5, t.runs) })
  const c = rowsFor('vectors', 'JS native copy read rate (TypedArray.set)', versionOf('node'), 'memory')
  c.add('bandwidth', a.byteLength / (median(copy) / 1000) / 1e9, 'GB/s')
  emit([...r.rows, ...c.rows])
}

async function run(t: VectorTask): Promise<void> {
  const spec = engines[t.engine]
  if (!spec) throw new Error(`unknown engine ${t.engine}`)
  const dataset = `random ${t.n >= 1000 ? `${t.n / 1000}k` : t.n} x ${t.dim}`
  const r = rowsFor('vectors', spec.library, versionOf(spec.pkg), dataset)
  const base = randomUnitVectors(t.n, t.dim, SEED_BASE)
  const queries = randomUnitVectors(t.nq, t.dim, SEED_QUERIES)
  const truth = randomGroundTruth(base, queries, t.dim, t.k, `${t.n}x${t.dim}-${t.nq}-${SEED_BASE}-${SEED_QUERIES}`)
  const engine = await spec.create({ dim: t.dim, metric: 'cosine', m: t.m, efConstruction: t.efConstruction, efSearch: t.efSearch })

  // First build measures RSS growth; later builds (cheap engines only) add timing samples.
  gc()
  const rss0 = rss()
  let t0 = now()
  await engine.build(base, t.n)
  const builds = [now() - t0]
  gc()
  r.add('rss_growth', (rss() - rss0) / 1e6, 'MB')
  r.add('raw_bytes', (t.n * t.dim * 4) / 1e6, 'MB')
  if (engine.memoryBytes) r.add('index_bytes', engine.memoryBytes() / 1e6, 'MB')
  const spent = builds[0]
  for (let i = 1; i < t.buildRuns && spent * (i + 1) < t.budgetMs; i++) {
    t0 = now()
    await engine.build(base, t.n)
    builds.push(now() - t0)
  }
  r.add('build', median(builds), 'ms')

  const prepared = Array.from({ length: t.nq }, (_, i) => engine.prepare(row(queries, t.dim, i)))
  const found: ArrayLike<number>[] = []
  for (let i = 0; i < t.nq; i++) found.push(await engine.search(prepared[i], t.k))
  r.add('recall@10', recallAtK(found, truth, t.k), 'ratio')
  const nq = Math.min(t.qpsQueries, t.nq)
  // Up to 2x the runs while the budget lasts: medians need samples on a noisy shared machine.
  const { qps } = await measureQps((i) => engine.search(prepared[i], t.k), nq, { runs: t.runs * 2, budgetMs: t.budgetMs })
  r.add('qps', qps, 'q/s')
  if (engine.searchBatch) {
    const batch = queries.subarray(0, nq * t.dim)
    const times = await timeRuns(() => engine.searchBatch!(batch, t.k), { runs: t.runs * 2, minRuns: 3, budgetMs: t.budgetMs })
    r.add('qps_batch', (nq * 1000) / median(times), 'q/s')
  }
  engine.free?.()
  emit(r.rows)
}

await main(async () => {
  const t = taskArgs<VectorTask>()
  if (t.engine === 'bandwidth') await bandwidth(t)
  else await run(t)
})
