// Timing and quality helpers. Timings are medians of several runs (the machine is shared and noisy).
export const now = (): number => performance.now()

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) { g(); g() }
}

export const rss = (): number => process.memoryUsage().rss

/**
 * Runs fn up to `runs` times (at least `minRuns`), stopping early once `budgetMs` is spent.
 * Returns the per-run durations in ms.
 */
export async function timeRuns(fn: () => unknown, opts: { runs: number; minRuns?: number; budgetMs?: number }): Promise<number[]> {
  const out: number[] = []
  const start = now()
  const minRuns = opts.minRuns ?? 1
  for (let i = 0; i < opts.runs; i++) {
    const t0 = now()
    await fn()
    out.push(now() - t0)
    if (out.length >= minRuns && opts.budgetMs !== undefined && now() - start > opts.budgetMs) break
  }
  return out
}

/** Recall@k: mean fraction of the true top-k found in the returned top-k. */
export function recallAtK(found: ArrayLike<number>[], truth: ArrayLike<number>[], k: number): number {
  let hit = 0
  for (let q = 0; q < truth.length; q++) {
    const t = new Set(Array.from(truth[q]).slice(0, k))
    const f = Array.from(found[q]).slice(0, k)
    for (const id of f) if (t.has(id)) hit++
  }
  return hit / (truth.length * k)
}

/** Graded nDCG@k with linear gains and log2 discounts (trec_eval's ndcg_cut, as BEIR reports it). */
export function ndcgAtK(ranked: string[], rels: Map<string, number>, k: number): number {
  let dcg = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const r = rels.get(ranked[i]) ?? 0
    if (r > 0) dcg += r / Math.log2(i + 2)
  }
  const ideal = [...rels.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, k)
  let idcg = 0
  ideal.forEach((r, i) => { idcg += r / Math.log2(i + 2) })
  return idcg > 0 ? dcg / idcg : 0
}

export function recallAtKIds(ranked: string[], rels: Map<string, number>, k: number): number {
  const rel = [...rels].filter(([, r]) => r > 0).map(([d]) => d)
  if (!rel.length) return 0
  const top = new Set(ranked.slice(0, k))
  return rel.filter((d) => top.has(d)).length / rel.length
}

/**
 * Queries per second of a single-query loop: one warm-up pass calibrates how many passes make a
 * run last at least minRunMs, then the median over `runs` runs (stopping early past budgetMs).
 */
export async function measureQps(
  searchOne: (i: number) => unknown,
  nq: number,
  opts: { runs: number; minRunMs?: number; budgetMs?: number },
): Promise<{ qps: number; runs: number }> {
  const pass = async () => { for (let i = 0; i < nq; i++) await searchOne(i) }
  const t0 = now()
  await pass()
  const warm = Math.max(now() - t0, 0.01)
  const passes = Math.max(1, Math.ceil((opts.minRunMs ?? 200) / warm))
  const times = await timeRuns(async () => { for (let p = 0; p < passes; p++) await pass() }, { runs: opts.runs, minRuns: Math.min(3, opts.runs), budgetMs: opts.budgetMs })
  return { qps: (nq * passes * 1000) / median(times), runs: times.length }
}
