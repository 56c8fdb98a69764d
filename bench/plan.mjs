// What each mode measures. Sizes are chosen so a full run stays near 10 minutes on 2 shared cores:
// graph builds at 100k x 384 (efConstruction 200) take minutes per library, so HNSW on random
// vectors runs at 10k only; SIFT10K is the real-data HNSW comparison.

const HNSW = { m: 16, efConstruction: 200, efSearch: 64 }

const SIZES = {
  full: { random: [{ n: 10_000, nq: 100, qpsQueries: 100 }, { n: 100_000, nq: 50, qpsQueries: 20 }], graphMax: 10_000, runs: 5, budgetMs: 15_000 },
  quick: { random: [{ n: 2_000, nq: 50, qpsQueries: 50 }, { n: 10_000, nq: 50, qpsQueries: 50 }], graphMax: 2_000, runs: 3, budgetMs: 5_000 },
  smoke: { random: [{ n: 1_000, nq: 20, qpsQueries: 20 }], graphMax: 1_000, runs: 1, budgetMs: 2_000 },
}

const LUMOS_VECTOR = ['lumos-flat', 'lumos-int8', 'lumos-int8-rescore', 'lumos-hnsw']
/** Engines per random size; graph and slow-build libraries only up to graphMax vectors. */
function vectorEngines(n, graphMax, lumos, smoke) {
  const lumosEngines = lumos ? (n > graphMax ? LUMOS_VECTOR.filter((e) => e !== 'lumos-hnsw') : LUMOS_VECTOR) : []
  if (smoke) return lumosEngines
  // Orama (JS brute force over number[]) takes over a minute at 100k; hnswlib-wasm's build at 10k
  // x 384 is a minute too, and SIFT10K already compares it.
  const exact = n <= graphMax ? ['plain-js', 'usearch-exact', 'orama'] : ['plain-js', 'usearch-exact']
  const small = n <= graphMax ? ['voy', 'usearch-hnsw', 'hnswlib-node', ...(n <= 2_000 ? ['hnswlib-wasm'] : [])] : []
  return [...lumosEngines, ...exact, ...small]
}

function vectorTasks(mode, lumos) {
  const s = SIZES[mode]
  const tasks = []
  if (mode !== 'smoke') tasks.push({ file: 'suites/vectors.ts', args: { engine: 'bandwidth', runs: s.runs }, timeoutMs: 120_000 })
  for (const size of s.random) {
    for (const engine of vectorEngines(size.n, s.graphMax, lumos, mode === 'smoke')) {
      tasks.push({
        file: 'suites/vectors.ts', label: `${size.n}`, timeoutMs: 300_000,
        args: { engine, n: size.n, dim: 384, nq: size.nq, qpsQueries: size.qpsQueries, k: 10, runs: s.runs, budgetMs: s.budgetMs, buildRuns: s.runs, ...HNSW },
      })
    }
  }
  if (mode !== 'smoke') {
    for (const engine of [...(lumos ? ['lumos-hnsw'] : []), 'hnswlib-node', 'hnswlib-wasm', 'usearch-hnsw']) {
      tasks.push({ file: 'suites/sift.ts', label: 'SIFT10K', timeoutMs: 300_000, args: { engine, efs: [32, 64, 128], k: 10, runs: s.runs, budgetMs: s.budgetMs / 3, m: HNSW.m, efConstruction: HNSW.efConstruction } })
    }
  }
  return tasks
}

function keywordTasks(mode, lumos) {
  if (mode === 'smoke') return [{ file: 'suites/keyword.ts', args: { engine: 'lumos', runs: 1, budgetMs: 2_000, subsets: [], synthetic: true }, timeoutMs: 120_000 }]
  const quick = mode === 'quick'
  const s = SIZES[mode]
  // Orama's default search takes seconds per (long) ArguAna query and wink ~0.15 s: they answer a
  // prefix of the query list, and every engine reports quality on those same prefixes too.
  const oramaQ = 10
  const winkQ = quick ? 100 : 150
  const subsets = [oramaQ, winkQ]
  const engines = [
    ...(lumos ? [['lumos', undefined], ['lumos-classic', undefined]] : []),
    ['wink', winkQ],
    ['orama', oramaQ],
  ]
  return engines.map(([engine, maxQueries]) => ({
    file: 'suites/keyword.ts', timeoutMs: 400_000, args: { engine, runs: s.runs, budgetMs: s.budgetMs * 2, maxQueries, subsets },
  }))
}

function chunkingTasks(mode, lumos) {
  const s = SIZES[mode]
  const prose = { full: 10_000_000, quick: 1_000_000, smoke: 0 }[mode]
  const md = { full: 4_000_000, quick: 500_000, smoke: 300_000 }[mode]
  const L = (xs) => (lumos ? xs : [])
  const proseChunkers = mode === 'smoke' ? [] : [
    'encodeInto', ...L(['lumos-recursive', 'lumos-sentence', 'lumos-token']),
    'langchain-recursive', 'mastra-recursive', 'mastra-sentence', 'mastra-token', 'chonkie-recursive', 'chonkie-chunk',
  ]
  const mdChunkers = mode === 'smoke'
    ? ['lumos-recursive', 'lumos-markdown', 'lumos-sentence', 'lumos-token']
    : ['encodeInto', ...L(['lumos-markdown', 'lumos-recursive']), 'langchain-markdown', 'langchain-recursive', 'mastra-markdown', 'chonkie-recursive']
  const task = (chunker, corpus, maxChars) => ({
    file: 'suites/chunking.ts', label: corpus, timeoutMs: 300_000, args: { chunker, corpus, maxChars, runs: s.runs, budgetMs: s.budgetMs },
  })
  return [...proseChunkers.map((c) => task(c, 'prose', prose)), ...mdChunkers.map((c) => task(c, 'markdown', md))]
}

export function planTasks({ mode, suite, lumos }) {
  const all = { vectors: vectorTasks, keyword: keywordTasks, chunking: chunkingTasks }
  return Object.entries(all).filter(([name]) => !suite || suite === name).flatMap(([, f]) => f(mode, lumos))
}
