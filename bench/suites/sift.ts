// HNSW on real data (SIFT10K, 128-d, L2): recall@10 against the shipped ground truth, QPS and build time
// for ef in {32, 64, 128} at M=16, efConstruction=200. Random vectors are the worst case for graphs.
import { loadSift, row, sharedDataset } from '../lib/datasets.js'
import { emit, main, rowsFor, taskArgs, versionOf } from '../lib/child.js'
import { measureQps, now, recallAtK } from '../lib/stats.js'
import { engines } from './vector-engines.js'

export interface SiftTask { engine: string; efs: number[]; k: number; runs: number; budgetMs: number; m: number; efConstruction: number }

await main(async () => {
  const t = taskArgs<SiftTask>()
  const dir = sharedDataset('siftsmall')
  if (!dir) return
  const spec = engines[t.engine]
  if (!spec) throw new Error(`unknown engine ${t.engine}`)
  const s = loadSift(dir)
  const r = rowsFor('vectors', spec.library, versionOf(spec.pkg), 'SIFT10K 128 L2')
  const engine = await spec.create({ dim: s.dim, metric: 'l2', m: t.m, efConstruction: t.efConstruction, efSearch: t.efs[0] })
  const t0 = now()
  await engine.build(s.base, s.nBase)
  r.add('build', now() - t0, 'ms')
  const prepared = Array.from({ length: s.nQueries }, (_, i) => engine.prepare(row(s.queries, s.dim, i)))
  for (const ef of t.efs) {
    engine.setEf?.(ef)
    const found: ArrayLike<number>[] = []
    for (let i = 0; i < s.nQueries; i++) found.push(await engine.search(prepared[i], t.k))
    r.add(`recall@10 ef=${ef}`, recallAtK(found, s.gt, t.k), 'ratio')
    const { qps } = await measureQps((i) => engine.search(prepared[i], t.k), s.nQueries, { runs: t.runs, budgetMs: t.budgetMs })
    r.add(`qps ef=${ef}`, qps, 'q/s')
  }
  engine.free?.()
  emit(r.rows)
})
