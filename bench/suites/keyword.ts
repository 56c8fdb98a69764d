// Keyword suite, BEIR ArguAna: BM25 build time, QPS, nDCG@10 and recall@100 over the 1,406 test
// queries. Indexed text is title + ' ' + text; a hit whose id equals the query id is dropped
// (every ArguAna query is also a corpus document). One engine per process.
import { createRequire } from 'node:module'
import path from 'node:path'
import { benchDir, loadArguana, sharedDataset, syntheticKeywordCorpus, type Arguana } from '../lib/datasets.js'
import { emit, main, rowsFor, taskArgs, versionOf, type Row } from '../lib/child.js'
import { loadLumos } from '../lib/lumos.js'
import { mean, measureQps, median, ndcgAtK, now, recallAtKIds, timeRuns } from '../lib/stats.js'

export interface KeywordTask {
  engine: string; runs: number; budgetMs: number
  /** Slow engines run only the first maxQueries queries; quality is also reported on each subset size. */
  maxQueries?: number; subsets: number[]
  /** --smoke: a generated corpus instead of ArguAna. */
  synthetic?: boolean
}

interface KeywordEngine {
  build(docs: Arguana['docs']): Promise<void> | void
  search(q: string, k: number): string[] | Promise<string[]>
}
interface KeywordSpec { library: string; pkg: string | null; create(): Promise<KeywordEngine> }

const req = createRequire(path.join(benchDir, 'package.json'))

function lumos(library: string, options: Record<string, unknown>): KeywordSpec {
  return {
    library, pkg: null,
    async create() {
      const L = await loadLumos()
      let ki: InstanceType<typeof L.KeywordIndex> | undefined
      return {
        build(docs) { ki?.free(); ki = new L.KeywordIndex(options); ki.upsert(docs.map((d) => d.id), docs.map((d) => d.text)) },
        search: (q, k) => ki!.search(q, { k }).ids,
      }
    },
  }
}

function orama(library: string, tokenizer: Record<string, unknown>): KeywordSpec {
  return {
    library, pkg: '@orama/orama',
    async create() {
      const { create, insertMultiple, search } = await import(req.resolve('@orama/orama'))
      let db: any
      return {
        async build(docs) {
          db = create({ schema: { content: 'string' }, components: { tokenizer } })
          await insertMultiple(db, docs.map((d) => ({ id: d.id, content: d.text })), 1000)
        },
        // Orama's defaults: threshold 1 (documents matching any term are ranked). Each query token
        // also matches every indexed word it prefixes (its radix lookup), which makes long ArguAna
        // queries slow; `exact: true` is no way out, it keeps only documents holding every term.
        search: async (q, k) => (await search(db, { term: q, properties: ['content'], limit: k, threshold: 1 })).hits.map((h: { id: string }) => h.id),
      }
    },
  }
}

const wink: KeywordSpec = {
  library: 'wink-bm25-text-search', pkg: 'wink-bm25-text-search',
  async create() {
    const bm25 = req('wink-bm25-text-search')
    const nlp = req('wink-nlp-utils')
    // The pipeline from wink's README: lowercase, tokenize, negations, stop words, Porter stem.
    const prep = [nlp.string.lowerCase, nlp.string.removeExtraSpaces, nlp.string.tokenize0, nlp.tokens.propagateNegations, nlp.tokens.removeWords, nlp.tokens.stem]
    let engine: any
    let ids: string[] = []
    return {
      build(docs) {
        engine = bm25()
        engine.defineConfig({ fldWeights: { body: 1 }, bm25Params: { k1: 1.2, b: 0.75, k: 1 } })
        engine.definePrepTasks(prep)
        docs.forEach((d, i) => engine.addDoc({ body: d.text }, i))
        engine.consolidate()
        ids = docs.map((d) => d.id)
      },
      search: (q, k) => engine.search(q, k).map((r: [number, number]) => ids[r[0]]),
    }
  },
}
const engines: Record<string, KeywordSpec> = {
  'lumos': lumos('lumos BM25 (defaults)', {}),
  // The defaults are already k1=0.9 b=0.4 with stemming and stop words (Pyserini's BEIR settings);
  // the classic Lucene parameters show how much the tuning matters.
  'lumos-classic': lumos('lumos BM25 (k1=1.2 b=0.75)', { k1: 1.2, b: 0.75 }),
  'orama': orama('@orama/orama (full-text, defaults)', {}),
  'orama-stem': orama('@orama/orama (full-text, english stemming)', { language: 'english', stemming: true }),
  'wink': wink,
}

await main(async () => {
  const t = taskArgs<KeywordTask>()
  const spec = engines[t.engine]
  if (!spec) throw new Error(`unknown keyword engine ${t.engine}`)
  const dir = t.synthetic ? null : sharedDataset('arguana')
  if (!t.synthetic && !dir) return
  const data = t.synthetic ? syntheticKeywordCorpus() : loadArguana(dir!)
  const name = t.synthetic ? 'synthetic' : 'ArguAna'
  const queries = data.queries.slice(0, t.maxQueries ?? data.queries.length)
  const engine = await spec.create()

  const builds = await timeRuns(() => engine.build(data.docs), { runs: t.runs, minRuns: 1, budgetMs: t.budgetMs })

  // One pass at k=101 (recall@100 after dropping the query's own document) gives every subset's quality.
  const ndcg: number[] = [], recall: number[] = []
  const t0 = now()
  for (const q of queries) {
    const hits = (await engine.search(q.text, 101)).filter((id) => id !== q.id)
    const rels = data.qrels.get(q.id)!
    ndcg.push(ndcgAtK(hits, rels, 10))
    recall.push(recallAtKIds(hits, rels, 100))
  }
  const qualityMs = now() - t0
  // k=10 QPS over this engine's queries; engines too slow for repeated passes reuse the quality pass.
  const qps = qualityMs > t.budgetMs / 2
    ? (queries.length * 1000) / qualityMs
    : (await measureQps((i) => engine.search(queries[i].text, 10), queries.length, { runs: t.runs, minRunMs: 0, budgetMs: t.budgetMs - qualityMs })).qps

  const rows: Row[] = []
  for (const n of [...t.subsets.filter((n) => n < queries.length), queries.length]) {
    const label = n === data.queries.length ? `${name}, all ${n} test queries` : `${name}, first ${n} test queries`
    const r = rowsFor('keyword', spec.library, versionOf(spec.pkg), label)
    r.add('build', median(builds), 'ms')
    r.add('ndcg@10', mean(ndcg.slice(0, n)), 'score')
    r.add('recall@100', mean(recall.slice(0, n)), 'ratio')
    r.add('qps', qps, 'q/s')
    rows.push(...r.rows)
  }
  emit(rows)
})
