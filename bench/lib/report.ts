// Turns the rows of one run into bench/results/latest.{json,md}: a table per suite and dataset
// with speed ratios against Lumos, and the project's targets marked met / not met.
// Every ratio compares numbers from the same run (same machine state).
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import path from 'node:path'
import type { Row } from './child.js'

export interface Failure { task: string; why: string }
export interface Meta { mode: string; suite: string | null; lumos: boolean; seconds: number; argv: string; wasm: string | null; wasmChanged: boolean }

const ORDER = [
  'bandwidth', 'build', 'qps', 'qps_batch', 'recall@10', 'rss_growth', 'raw_bytes', 'index_bytes',
  'ndcg@10', 'recall@100', 'mb_s', 'chunks', 'max_chars', 'mean_chars', 'max_tokens', 'over_max', 'raw_size', 'gzip_size',
]
const rank = (m: string) => { const i = ORDER.indexOf(m.replace(/ ef=\d+$/, '')); return (i < 0 ? 99 : i) * 1000 + Number(m.match(/ef=(\d+)/)?.[1] ?? 0) }

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–'
  const a = Math.abs(v)
  if (a === 0) return '0'
  if (a >= 1000) return Math.round(v).toLocaleString('en-US')
  if (Number.isInteger(v)) return String(v)
  if (a >= 100) return v.toFixed(0)
  if (a >= 10) return v.toFixed(1)
  return v.toPrecision(3)
}

/** Speed metric of a dataset's table, and which Lumos row each library is compared with. */
function speedMetric(suite: string, metrics: string[]): string | undefined {
  if (suite === 'chunking') return 'mb_s'
  if (metrics.includes('qps')) return 'qps'
  return metrics.find((m) => m === 'qps ef=64') ?? metrics.find((m) => m.startsWith('qps'))
}
function lumosRef(suite: string, library: string, libs: string[]): string | undefined {
  const pick = (pred: (l: string) => boolean) => libs.find((l) => l.startsWith('lumos') && pred(l))
  if (suite === 'vectors') return /hnsw/i.test(library) ? pick((l) => /HNSW/.test(l)) : pick((l) => /flat f32/.test(l))
  if (suite === 'keyword') return pick((l) => /defaults/.test(l))
  if (suite === 'chunking') {
    const s = ['markdown', 'token', 'sentence'].find((w) => library.toLowerCase().includes(w)) ?? 'recursive'
    return pick((l) => l.includes(s)) ?? pick((l) => l.includes('recursive'))
  }
  return undefined
}

function tables(rows: Row[]): string[] {
  const out: string[] = []
  for (const suite of [...new Set(rows.map((r) => r.suite))]) {
    out.push(`## ${suite}`, '')
    const sr = rows.filter((r) => r.suite === suite)
    for (const dataset of [...new Set(sr.map((r) => r.dataset))]) {
      const dr = sr.filter((r) => r.dataset === dataset)
      const metrics = [...new Set(dr.map((r) => r.metric))].sort((a, b) => rank(a) - rank(b))
      const libs = [...new Set(dr.map((r) => r.library))]
      const unit = new Map(dr.map((r) => [r.metric, r.unit]))
      const val = (lib: string, m: string) => dr.find((r) => r.library === lib && r.metric === m)?.value
      const speed = speedMetric(suite, metrics)
      const withRatio = speed !== undefined && libs.some((l) => l.startsWith('lumos')) && libs.some((l) => !l.startsWith('lumos'))
      out.push(`### ${dataset}`, '')
      out.push(`| library | version | ${metrics.map((m) => `${m} (${unit.get(m)})`).join(' | ')}${withRatio ? ` | Lumos speedup (${speed})` : ''} |`)
      out.push(`|---|---|${metrics.map(() => '---:').join('|')}${withRatio ? '|---:' : ''}|`)
      for (const lib of libs) {
        let ratio = ''
        if (withRatio) {
          const ref = lumosRef(suite, lib, libs)
          const a = ref && val(ref, speed!), b = val(lib, speed!)
          ratio = ref === lib ? ' | 1.00x (ref)' : a && b ? ` | ${(a / b).toFixed(2)}x` : ' | –'
        }
        const version = dr.find((r) => r.library === lib)!.version
        out.push(`| ${lib} | ${version} | ${metrics.map((m) => fmt(val(lib, m))).join(' | ')}${ratio} |`)
      }
      out.push('')
    }
  }
  return out
}

interface Target { name: string; value: string; threshold: string; met: boolean | null; note?: string }

function targets(rows: Row[]): Target[] {
  const get = (suite: string, lib: RegExp, dataset: RegExp, metric: string) =>
    rows.find((r) => r.suite === suite && lib.test(r.library) && dataset.test(r.dataset) && r.metric === metric)?.value
  const T: Target[] = []
  const add = (name: string, value: number | undefined, threshold: number, dir: '>=' | '<=' | '<' | '==', unit = '', note?: string) => {
    const met = value === undefined ? null : dir === '>=' ? value >= threshold : dir === '<=' ? value <= threshold : dir === '<' ? value < threshold : value === threshold
    T.push({ name, value: value === undefined ? 'n/a' : `${fmt(value)}${unit}`, threshold: `${dir} ${threshold}${unit}`, met, note })
  }
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined)

  // The vector targets are stated at 100k x 384; a --quick run falls back to its largest random set.
  const sizes = [...new Set(rows.filter((r) => r.suite === 'vectors' && r.dataset.startsWith('random')).map((r) => r.dataset))]
  const big = sizes.find((d) => d.startsWith('random 100k')) ?? sizes.sort((a, b) => parseInt(b.slice(7)) - parseInt(a.slice(7)))[0]
  const note = big && !big.startsWith('random 100k') ? `measured at ${big} (not 100k)` : undefined
  const D = new RegExp(`^${(big ?? 'none').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
  const flatQps = get('vectors', /^lumos flat f32/, D, 'qps')
  const n = Number(big?.match(/random (\d+)k/)?.[1] ?? 0) * 1000
  const bytesPerQuery = n * 384 * 4
  const jsBw = get('vectors', /streaming read/, /memory/, 'bandwidth')
  const copyBw = get('vectors', /native copy/, /memory/, 'bandwidth')
  const usearchQps = get('vectors', /^usearch exactSearch/, D, 'qps')
  const usearchBw = usearchQps !== undefined ? (usearchQps * bytesPerQuery) / 1e9 : undefined
  const ceiling = Math.max(jsBw ?? 0, copyBw ?? 0, usearchBw ?? 0) || undefined
  add('flat f32: fraction of the streaming-read ceiling', ratio(flatQps !== undefined ? (flatQps * bytesPerQuery) / 1e9 : undefined, ceiling), 0.85, '>=', '',
    `${note ? `${note}; ` : ''}ceiling ${fmt(ceiling)} GB/s = max(JS Float64Array sum ${fmt(jsBw)}, TypedArray.set read rate ${fmt(copyBw)}, usearch exactSearch ${fmt(usearchBw)}); Lumos scans ${fmt(flatQps !== undefined ? (flatQps * bytesPerQuery) / 1e9 : undefined)} GB/s`)
  add('flat f32 QPS / usearch exactSearch QPS', ratio(flatQps, usearchQps), 0.9, '>=', 'x', note)
  add('flat f32 QPS / plain JS QPS', ratio(flatQps, get('vectors', /^plain JS/, D, 'qps')), 5, '>=', 'x', note)
  const int8r = get('vectors', /^lumos flat int8 \+rescore/, D, 'qps')
  const int8 = get('vectors', /^lumos flat int8$/, D, 'qps')
  add('int8 (+rescore) QPS / f32 flat QPS', ratio(int8r, flatQps), 3, '>=', 'x', `${note ? `${note}; ` : ''}without rescore: ${fmt(ratio(int8, flatQps))}x`)
  add('int8 +rescore recall@10', get('vectors', /^lumos flat int8 \+rescore/, D, 'recall@10'), 0.99, '>=', '', `without rescore: ${fmt(get('vectors', /^lumos flat int8$/, D, 'recall@10'))}`)
  add('int8 index memory / f32 index memory', ratio(get('vectors', /^lumos flat int8$/, D, 'index_bytes'), get('vectors', /^lumos flat f32/, D, 'index_bytes')), 0.3, '<=', 'x',
    `memoryBytes, int8 without rescore (rescore keeps the f32 originals: ${fmt(ratio(get('vectors', /^lumos flat int8 \+rescore/, D, 'index_bytes'), get('vectors', /^lumos flat f32/, D, 'index_bytes')))}x)`)

  // HNSW on SIFT10K: some ef where Lumos reaches recall 0.98 at >= 0.5x hnswlib-node's QPS at that ef.
  const S = /^SIFT10K/
  const efs = [32, 64, 128].filter((ef) => get('vectors', /^lumos HNSW/, S, `recall@10 ef=${ef}`) !== undefined)
  const per = efs.map((ef) => ({ ef, recall: get('vectors', /^lumos HNSW/, S, `recall@10 ef=${ef}`)!, r: ratio(get('vectors', /^lumos HNSW/, S, `qps ef=${ef}`), get('vectors', /^hnswlib-node/, S, `qps ef=${ef}`)) }))
  const ok = per.find((p) => p.recall >= 0.98 && (p.r ?? 0) >= 0.5)
  const best = ok ?? per.find((p) => p.recall >= 0.98) ?? per[per.length - 1]
  T.push({
    name: 'HNSW SIFT10K: recall@10 >= 0.98 at QPS >= 0.5x hnswlib-node (same ef)',
    value: best ? `recall ${fmt(best.recall)}, ${fmt(best.r)}x at ef=${best.ef}` : 'n/a', threshold: 'recall >= 0.98 and >= 0.5x',
    met: per.length && per.every((p) => p.r !== undefined) ? ok !== undefined : null,
    note: per.map((p) => `ef=${p.ef}: recall ${fmt(p.recall)}, ${fmt(p.r)}x`).join('; '),
  })
  add('HNSW SIFT10K build / hnswlib-node build', ratio(get('vectors', /^lumos HNSW/, S, 'build'), get('vectors', /^hnswlib-node/, S, 'build')), 2, '<=', 'x')
  const rss10k = get('vectors', /^lumos flat f32/, /^random 10k/, 'rss_growth')
  add('RSS growth 10k x 384 f32 / raw bytes', ratio(rss10k, get('vectors', /^lumos flat f32/, /^random 10k/, 'raw_bytes')), 1.3, '<=', 'x', `RSS growth ${fmt(rss10k)} MB`)

  const K = /^ArguAna, all/
  add('BM25 nDCG@10 (ArguAna, 1,406 queries)', get('keyword', /^lumos BM25 \(defaults\)/, K, 'ndcg@10'), 0.4, '>=', '', 'Pyserini BM25: 0.397 flat, 0.414 multifield')
  add('BM25 build (ArguAna, 8,674 docs)', get('keyword', /^lumos BM25 \(defaults\)/, K, 'build'), 1000, '<', ' ms')

  const P = /^ArguAna prose/, M = /^markdown/
  const lumosRec = get('chunking', /^lumos recursive/, P, 'mb_s')
  add('chunk recursive MB/s / LangChain recursive', ratio(lumosRec, get('chunking', /RecursiveCharacterTextSplitter/, P, 'mb_s')), 10, '>=', 'x')
  add('chunk recursive MB/s / TextEncoder.encodeInto', ratio(lumosRec, get('chunking', /encodeInto/, P, 'mb_s')), 0.4, '>=', 'x')
  add('chunk markdown MB/s / LangChain markdown', ratio(get('chunking', /^lumos markdown/, M, 'mb_s'), get('chunking', /MarkdownTextSplitter/, M, 'mb_s')), 10, '>=', 'x')
  add('chunk token MB/s / Mastra token', ratio(get('chunking', /^lumos token/, P, 'mb_s'), get('chunking', /MDocument token/, P, 'mb_s')), 100, '>=', 'x')
  const over = rows.filter((r) => r.suite === 'chunking' && r.library.startsWith('lumos') && r.metric === 'over_max')
  add('Lumos chunks over maxSize (all strategies, all corpora)', over.length ? over.reduce((a, r) => a + r.value, 0) : undefined, 0, '==')
  add('.wasm gzip -9 size', get('wasm', /./, /./, 'gzip_size'), 80, '<=', ' KB')
  return T
}

function targetTable(T: Target[]): string[] {
  const status = (m: boolean | null) => (m === null ? 'n/a' : m ? '**met**' : '**not met**')
  return ['## Targets', '', '| target | value | threshold | status | note |', '|---|---:|---|---|---|',
    ...T.map((t) => `| ${t.name} | ${t.value} | ${t.threshold} | ${status(t.met)} | ${t.note ?? ''} |`), '']
}

export function writeReport(rows: Row[], failures: Failure[], meta: Meta, dir: string): { jsonFile: string; mdFile: string } {
  const jsonFile = path.join(dir, meta.mode === 'full' && !meta.suite ? 'latest.json' : `latest-${meta.mode}${meta.suite ? `-${meta.suite}` : ''}.json`)
  const mdFile = jsonFile.replace(/\.json$/, '.md')
  writeFileSync(jsonFile, JSON.stringify(rows, null, 1) + '\n')
  const cpu = cpus()
  const md = [
    '# Lumos benchmarks', '',
    `Mode **${meta.mode}**${meta.suite ? `, suite ${meta.suite}` : ''}${meta.lumos ? '' : ', peers only (--no-lumos)'}; ${new Date().toISOString().slice(0, 16)}Z; ` +
      `Node ${process.versions.node}; ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}; ${Math.round(totalmem() / 2 ** 30)} GiB; ${meta.seconds} s` +
      `${meta.wasm ? `; lumos-core.wasm sha256 ${meta.wasm}` : ''}.`,
    '',
    ...(meta.wasmChanged ? ['**Warning: lumos-core.wasm was rebuilt during this run; the Lumos rows mix two builds. Re-run.**', ''] : []),
    'Reproduce: `npm run bench` (full), `npm run bench -- --quick`, `npm run bench -- --suite vectors|keyword|chunking`, ' +
      '`npm run bench -- --smoke` (Lumos only, no bench/node_modules). Peers: `cd bench && npm ci`. ' +
      'Timings are medians of 5 to 15 runs (fewer when a slow task hits its time budget), each library in a fresh process; ' +
      'single-threaded everywhere (usearch with threads=1). The machine is shared and noisy (2 cores): compare ratios within ' +
      'one report, not absolute numbers across reports.',
    '',
    ...(failures.length ? ['## Failed tasks', '', ...failures.map((f) => `- ${f.task}: ${f.why}`), ''] : []),
    ...targetTable(targets(rows)),
    ...tables(rows),
  ].join('\n')
  writeFileSync(mdFile, md)
  return { jsonFile, mdFile }
}

/** Sanity checks for --smoke: the Lumos numbers must be plausible, not just present. */
export function smokeChecks(rows: Row[]): string[] {
  const problems: string[] = []
  const find = (lib: RegExp, metric: string) => rows.filter((r) => lib.test(r.library) && r.metric === metric)
  const expect = (what: string, rs: Row[], ok: (v: number) => boolean) => {
    if (!rs.length) problems.push(`${what}: no row`)
    for (const r of rs) if (!ok(r.value)) problems.push(`${what}: ${r.library} on ${r.dataset} = ${r.value}`)
  }
  expect('flat f32 recall@10 must be 1', find(/^lumos flat f32/, 'recall@10'), (v) => v >= 0.999)
  expect('int8 +rescore recall@10 >= 0.95', find(/^lumos flat int8 \+rescore/, 'recall@10'), (v) => v >= 0.95)
  expect('HNSW recall@10 >= 0.5', find(/^lumos HNSW/, 'recall@10'), (v) => v >= 0.5)
  expect('vector QPS > 0', rows.filter((r) => r.suite === 'vectors' && r.metric === 'qps'), (v) => v > 0)
  expect('BM25 nDCG@10 on the generated corpus >= 0.8', find(/^lumos BM25/, 'ndcg@10'), (v) => v >= 0.8)
  expect('chunks over maxSize = 0', find(/^lumos/, 'over_max'), (v) => v === 0)
  expect('chunk count > 0', find(/^lumos/, 'chunks'), (v) => v > 0)
  expect('.wasm gzip size > 0', find(/lumos-core\.wasm/, 'gzip_size'), (v) => v > 0)
  return problems
}
