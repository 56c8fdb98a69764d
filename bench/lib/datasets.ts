// Benchmark inputs: seeded random vectors, SIFT10K, BEIR ArguAna and a markdown corpus.
// Everything is generated or read from ../shared/data; nothing is downloaded.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const repoRoot = path.resolve(benchDir, '..')
export const sharedDataDir = path.resolve(repoRoot, '../shared/data')
const cacheDir = path.join(tmpdir(), 'lumos-bench-cache')

/** Returns the dataset folder, or null (with a clear message) when ../shared/data lacks it. */
export function sharedDataset(name: 'arguana' | 'siftsmall'): string | null {
  const dir = path.join(sharedDataDir, name)
  if (existsSync(dir)) return dir
  console.error(`[bench] ${dir} is missing: skipping the rows that need ${name} (place the shared data beside the repo as ../shared/data)`)
  return null
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** n unit vectors (Gaussian via Box-Muller, then normalised), row-major n*dim. */
export function randomUnitVectors(n: number, dim: number, seed: number): Float32Array {
  const rand = mulberry32(seed)
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const o = i * dim
    let norm = 0
    for (let j = 0; j < dim; j += 2) {
      const u1 = rand() || 1e-12
      const r = Math.sqrt(-2 * Math.log(u1))
      const th = 2 * Math.PI * rand()
      const x = r * Math.cos(th)
      out[o + j] = x
      norm += x * x
      if (j + 1 < dim) {
        const y = r * Math.sin(th)
        out[o + j + 1] = y
        norm += y * y
      }
    }
    const inv = 1 / Math.sqrt(norm)
    for (let j = 0; j < dim; j++) out[o + j] *= inv
  }
  return out
}

export const row = (m: Float32Array, dim: number, i: number): Float32Array => m.subarray(i * dim, (i + 1) * dim)

/** Exact top-k by dot product (= cosine on unit vectors), plain JS. Returns row indices, best first. */
export function exactTopKDot(base: Float32Array, dim: number, query: Float32Array, k: number): Int32Array {
  const n = base.length / dim
  const ids = new Int32Array(k).fill(-1)
  const sc = new Float32Array(k).fill(-Infinity)
  for (let i = 0; i < n; i++) {
    const o = i * dim
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0
    for (let j = 0; j < dim; j += 4) {
      s0 += base[o + j] * query[j]
      s1 += base[o + j + 1] * query[j + 1]
      s2 += base[o + j + 2] * query[j + 2]
      s3 += base[o + j + 3] * query[j + 3]
    }
    const s = s0 + s1 + s2 + s3
    if (s <= sc[k - 1]) continue
    let p = k - 1
    while (p > 0 && sc[p - 1] < s) { sc[p] = sc[p - 1]; ids[p] = ids[p - 1]; p-- }
    sc[p] = s; ids[p] = i
  }
  return ids
}

/** Exact top-k ground truth for the random set, cached in the OS temp dir (it is deterministic). */
export function randomGroundTruth(base: Float32Array, queries: Float32Array, dim: number, k: number, key: string): Int32Array[] {
  const nq = queries.length / dim
  const file = path.join(cacheDir, `gt-${key}-k${k}.bin`)
  if (existsSync(file)) {
    const buf = readFileSync(file)
    const all = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
    if (all.length === nq * k) return Array.from({ length: nq }, (_, i) => all.slice(i * k, (i + 1) * k))
  }
  const out = Array.from({ length: nq }, (_, i) => exactTopKDot(base, dim, row(queries, dim, i), k))
  mkdirSync(cacheDir, { recursive: true })
  const flat = new Int32Array(nq * k)
  out.forEach((r, i) => flat.set(r, i * k))
  writeFileSync(file, new Uint8Array(flat.buffer))
  return out
}

/** .fvecs / .ivecs: per vector an int32 dimension d then d float32 / int32 values. */
export function readVecs(file: string, kind: 'f' | 'i'): { dim: number; count: number; data: Float32Array | Int32Array } {
  const buf = readFileSync(file)
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const dim = dv.getInt32(0, true)
  const count = buf.byteLength / (4 * (dim + 1))
  const data = kind === 'f' ? new Float32Array(count * dim) : new Int32Array(count * dim)
  for (let i = 0; i < count; i++) {
    const o = i * (dim + 1) * 4
    for (let j = 0; j < dim; j++) data[i * dim + j] = kind === 'f' ? dv.getFloat32(o + 4 + 4 * j, true) : dv.getInt32(o + 4 + 4 * j, true)
  }
  return { dim, count, data }
}

export interface Sift { dim: number; base: Float32Array; nBase: number; queries: Float32Array; nQueries: number; gt: Int32Array[] }

export function loadSift(dir: string): Sift {
  const b = readVecs(path.join(dir, 'siftsmall_base.fvecs'), 'f')
  const q = readVecs(path.join(dir, 'siftsmall_query.fvecs'), 'f')
  const g = readVecs(path.join(dir, 'siftsmall_groundtruth.ivecs'), 'i')
  const gt = Array.from({ length: g.count }, (_, i) => (g.data as Int32Array).slice(i * g.dim, (i + 1) * g.dim))
  return { dim: b.dim, base: b.data as Float32Array, nBase: b.count, queries: q.data as Float32Array, nQueries: q.count, gt }
}

const readJsonlGz = (file: string): any[] =>
  gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))

export interface Arguana {
  docs: { id: string; text: string }[]
  queries: { id: string; text: string }[] // only the ones with test judgements
  qrels: Map<string, Map<string, number>>
}

export function loadArguana(dir: string): Arguana {
  const docs = readJsonlGz(path.join(dir, 'corpus.jsonl.gz')).map((d) => ({ id: String(d._id), text: `${d.title ?? ''} ${d.text ?? ''}` }))
  const qrels = new Map<string, Map<string, number>>()
  const lines = readFileSync(path.join(dir, 'qrels/test.tsv'), 'utf8').split('\n').slice(1)
  for (const line of lines) {
    const [q, d, s] = line.split('\t')
    if (!q || !d) continue
    if (!qrels.has(q)) qrels.set(q, new Map())
    qrels.get(q)!.set(d, Number(s))
  }
  const queries = readJsonlGz(path.join(dir, 'queries.jsonl.gz'))
    .map((q) => ({ id: String(q._id), text: String(q.text) }))
    .filter((q) => qrels.has(q.id))
  return { docs, queries, qrels }
}

/** ArguAna documents joined into one prose text (real English), cut at maxBytes. */
export function arguanaText(dir: string, maxChars: number): string {
  const parts: string[] = []
  let len = 0
  for (const d of loadArguana(dir).docs) {
    if (len >= maxChars) break
    parts.push(d.text)
    len += d.text.length + 2
  }
  return parts.join('\n\n').slice(0, maxChars)
}

function listMarkdown(dir: string, out: string[], depth = 0): void {
  if (depth > 8 || !existsSync(dir)) return
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name)
    let st
    try { st = statSync(p) } catch { continue }
    if (st.isDirectory()) listMarkdown(p, out, depth + 1)
    else if (name.toLowerCase().endsWith('.md') && st.size > 200) out.push(p)
  }
}

/** The *.md files of the installed dependencies (bench/ first, then root), joined up to maxChars. */
export function markdownText(maxChars: number): { text: string; files: number } {
  const files: string[] = []
  listMarkdown(path.join(benchDir, 'node_modules'), files)
  listMarkdown(path.join(repoRoot, 'node_modules'), files)
  const parts: string[] = []
  let len = 0
  for (const f of files) {
    if (len >= maxChars) break
    const t = readFileSync(f, 'utf8')
    parts.push(t)
    len += t.length + 2
  }
  return { text: parts.join('\n\n').slice(0, maxChars), files: parts.length }
}

/** Generated keyword corpus (for --smoke, no data files): each query is 8 words of its one relevant doc. */
export function syntheticKeywordCorpus(nDocs = 500, nQueries = 50, seed = 7): Arguana {
  const rand = mulberry32(seed)
  const syll = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vor', 'ne', 'di', 'pha', 'qu', 'zel']
  const vocab = Array.from({ length: 2000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join(''))
  const word = () => vocab[Math.floor(vocab.length * rand() ** 2)] // skewed: some words are common
  const docs = Array.from({ length: nDocs }, (_, i) => ({ id: `d${i}`, text: Array.from({ length: 50 }, word).join(' ') }))
  const queries: Arguana['queries'] = []
  const qrels = new Map<string, Map<string, number>>()
  for (let j = 0; j < nQueries; j++) {
    const words = docs[j].text.split(' ')
    queries.push({ id: `q${j}`, text: Array.from({ length: 8 }, () => words[Math.floor(rand() * words.length)]).join(' ') })
    qrels.set(`q${j}`, new Map([[`d${j}`, 1]]))
  }
  return { docs, queries, qrels }
}
