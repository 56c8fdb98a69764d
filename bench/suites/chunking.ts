// Chunking suite: MB/s (UTF-8 bytes of the input / 1e6 per second), chunk count, max and mean chunk
// length and chunks over maxSize, on ArguAna prose and on a markdown corpus from installed packages.
// Lumos is timed through the public chunk() call, so the JS<->wasm transfer is included.
import { createRequire } from 'node:module'
import path from 'node:path'
import { arguanaText, benchDir, markdownText, sharedDataset } from '../lib/datasets.js'
import { emit, main, rowsFor, taskArgs, versionOf } from '../lib/child.js'
import { loadLumos } from '../lib/lumos.js'
import { median, timeRuns } from '../lib/stats.js'

export interface ChunkTask { chunker: string; corpus: 'prose' | 'markdown'; maxChars: number; runs: number; budgetMs: number }

/** Settings shared by every library where it has the option. */
export const MAX_SIZE = 1000
export const OVERLAP = 200

interface Chunker {
  /** Measure of a chunk in the unit maxSize is given in (chars unless the strategy counts tokens). */
  unit: 'chars' | 'tokens'
  run(text: string): Promise<string[]> | string[]
  /** Size in `unit`; only needed when unit is 'tokens'. */
  measure?(chunk: string): number
}
interface ChunkerSpec { library: string; pkg: string | null; create(): Promise<Chunker> }

const req = createRequire(path.join(benchDir, 'package.json'))
const peer = (name: string) => import(req.resolve(name))

function lumos(strategy: 'recursive' | 'markdown' | 'sentence' | 'token', overlap = OVERLAP): ChunkerSpec {
  const tokens = strategy === 'token'
  return {
    library: `lumos ${strategy}${tokens ? ' (estimated tokens)' : ''}`, pkg: null,
    async create() {
      const L = await loadLumos()
      const opts = { strategy, maxSize: MAX_SIZE, overlap, unit: tokens ? 'tokens' : 'chars' } as const
      return {
        unit: tokens ? 'tokens' : 'chars',
        run: (text) => L.chunk(text, opts).map((c) => c.text),
        measure: tokens ? (c) => L.estimateTokens(c) : undefined,
      }
    },
  }
}

function langchain(kind: 'RecursiveCharacterTextSplitter' | 'MarkdownTextSplitter'): ChunkerSpec {
  return {
    library: `@langchain/textsplitters ${kind}`, pkg: '@langchain/textsplitters',
    async create() {
      const Splitter = (await peer('@langchain/textsplitters'))[kind]
      const s = new Splitter({ chunkSize: MAX_SIZE, chunkOverlap: OVERLAP })
      return { unit: 'chars', run: (text) => s.splitText(text) }
    },
  }
}

function mastra(strategy: 'recursive' | 'markdown' | 'sentence' | 'token'): ChunkerSpec {
  const tokens = strategy === 'token'
  return {
    library: `@mastra/rag MDocument ${strategy}${tokens ? ' (tiktoken)' : ''}`, pkg: '@mastra/rag',
    async create() {
      const { MDocument } = await peer('@mastra/rag')
      let encode: ((s: string) => number[]) | undefined
      if (tokens) {
        // Mastra's token strategy counts with js-tiktoken (cl100k_base unless told otherwise).
        const { getEncoding } = await import(createRequire(req.resolve('@mastra/rag')).resolve('js-tiktoken'))
        const enc = getEncoding('cl100k_base')
        encode = (s) => enc.encode(s)
      }
      return {
        unit: tokens ? 'tokens' : 'chars',
        run: async (text) => {
          const doc = strategy === 'markdown' ? MDocument.fromMarkdown(text) : MDocument.fromText(text)
          const out = await doc.chunk({ strategy, maxSize: MAX_SIZE, overlap: OVERLAP })
          return out.map((c: { text: string }) => c.text)
        },
        measure: encode ? (c) => encode!(c).length : undefined,
      }
    },
  }
}

const chonkieRecursive: ChunkerSpec = {
  library: '@chonkiejs/core RecursiveChunker (no overlap option)', pkg: '@chonkiejs/core',
  async create() {
    const { RecursiveChunker } = await peer('@chonkiejs/core')
    const c = await RecursiveChunker.create({ chunkSize: MAX_SIZE })
    return { unit: 'chars', run: async (text) => (await c.chunk(text)).map((x: { text: string }) => x.text) }
  },
}

const chonkieChunk: ChunkerSpec = {
  library: '@chonkiejs/chunk (wasm, size in bytes, no overlap)', pkg: '@chonkiejs/chunk',
  async create() {
    const m = await peer('@chonkiejs/chunk')
    await m.init()
    return { unit: 'chars', run: (text) => [...m.chunk(text, { size: MAX_SIZE })] as string[] }
  },
}

const encodeInto: ChunkerSpec = {
  library: 'TextEncoder.encodeInto (transfer ceiling)', pkg: 'node',
  async create() {
    const enc = new TextEncoder()
    let buf = new Uint8Array(0)
    return {
      unit: 'chars',
      run: (text) => {
        if (buf.length < text.length * 3) buf = new Uint8Array(text.length * 3)
        enc.encodeInto(text, buf)
        return []
      },
    }
  },
}

export const chunkers: Record<string, ChunkerSpec> = {
  'encodeInto': encodeInto,
  'lumos-recursive': lumos('recursive'),
  'lumos-markdown': lumos('markdown'),
  'lumos-sentence': lumos('sentence'),
  'lumos-token': lumos('token'),
  'langchain-recursive': langchain('RecursiveCharacterTextSplitter'),
  'langchain-markdown': langchain('MarkdownTextSplitter'),
  'mastra-recursive': mastra('recursive'),
  'mastra-markdown': mastra('markdown'),
  'mastra-sentence': mastra('sentence'),
  'mastra-token': mastra('token'),
  'chonkie-recursive': chonkieRecursive,
  'chonkie-chunk': chonkieChunk,
}

function corpus(t: ChunkTask): { text: string; name: string } | null {
  if (t.corpus === 'markdown') {
    const md = markdownText(t.maxChars)
    return { text: md.text, name: `markdown (${md.files} dependency .md files)` }
  }
  const dir = sharedDataset('arguana')
  if (!dir) return null
  return { text: arguanaText(dir, t.maxChars), name: 'ArguAna prose' }
}

await main(async () => {
  const t = taskArgs<ChunkTask>()
  const spec = chunkers[t.chunker]
  if (!spec) throw new Error(`unknown chunker ${t.chunker}`)
  const c = corpus(t)
  if (!c) return
  const bytes = Buffer.byteLength(c.text, 'utf8')
  const r = rowsFor('chunking', spec.library, versionOf(spec.pkg), `${c.name}, ${(bytes / 1e6).toFixed(1)} MB`)
  const chunker = await spec.create()
  let out: string[] = []
  // Fast chunkers get 3x the runs (the shared machine is noisy); slow ones (Mastra token: ~20 s on
  // 10 MB) stop after one run once past the budget.
  const times = await timeRuns(async () => { out = await chunker.run(c.text) }, { runs: t.runs * 3, minRuns: 1, budgetMs: t.budgetMs })
  r.add('mb_s', bytes / 1e6 / (median(times) / 1000), 'MB/s')
  if (spec.pkg !== 'node') {
    const lens = out.map((x) => x.length)
    const sizes = chunker.unit === 'tokens' && chunker.measure ? out.map((x) => chunker.measure!(x)) : lens
    r.add('chunks', out.length, 'count')
    r.add('max_chars', Math.max(0, ...lens), 'chars')
    r.add('mean_chars', lens.reduce((a, b) => a + b, 0) / Math.max(1, lens.length), 'chars')
    if (chunker.unit === 'tokens') r.add('max_tokens', Math.max(0, ...sizes), 'tokens')
    r.add('over_max', sizes.filter((s) => s > MAX_SIZE).length, 'count')
  }
  emit(r.rows)
})
