// Memory benchmark: semantic-recall latency over 1k/10k/100k stored messages, index load time from
// the Store blobs (cold process), and Store round trips per agent turn.
//   npx tsx bench/memory/recall.ts [--quick] [--sizes=1000,100000] [--stores=memory,libsql]
// Writes bench/results/memory.json and prints a markdown table. The query embedding is excluded:
// vectors are random 384-dim unit vectors (recall cost does not depend on where they come from).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir, cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import type { EmbeddingModelV3 } from '@ai-sdk/provider'
import { Agent, InMemoryStore, LibsqlStore, Memory, encodeRecallSegment, type RecallEntry, type Store } from '../../adapters/node/index.js'
import { MockModel } from '../../runtime/test/index.js'

const DIMS = 384
const quick = process.argv.includes('--quick')
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const SIZES = arg('sizes')?.split(',').map(Number) ?? (quick ? [1_000, 10_000] : [1_000, 10_000, 100_000])
const STORES = arg('stores')?.split(',') ?? ['memory', 'libsql']
const QUERIES = 200
const RESOURCE = 'bench-user'

let seed = 42
function rand(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}
function unitVector(): Float32Array {
  const v = new Float32Array(DIMS)
  let n = 0
  for (let i = 0; i < DIMS; i++) {
    // sum of uniforms ~ normal enough for direction sampling
    const x = rand() + rand() + rand() - 1.5
    v[i] = x
    n += x * x
  }
  n = Math.sqrt(n)
  for (let i = 0; i < DIMS; i++) v[i] /= n
  return v
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d

/** Fills one thread with `n` messages and the recall blob as a compacted base + 63 appended turn segments. */
async function populate(store: Store, memoryKey: string, n: number): Promise<void> {
  const threadId = 'big'
  await store.createThread({ id: threadId, resourceId: RESOURCE })
  const entries: RecallEntry[] = []
  for (let at = 0; at < n; at += 1000) {
    const messages = []
    for (let i = at; i < Math.min(n, at + 1000); i++) {
      const id = `m${i}`
      messages.push({ id, role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant', content: { parts: [{ type: 'text', text: `message ${i} ${'lorem ipsum '.repeat(8)}` }] } })
      entries.push({ id, threadId, vector: unitVector() })
    }
    await store.appendMessages({ threadId, resourceId: RESOURCE, messages })
  }
  const tail = Math.min(126, n - 2)
  await store.putBlob(memoryKey, encodeRecallSegment({ kind: 'entries', dims: DIMS, entries: entries.slice(0, n - tail) }))
  for (let i = n - tail; i < n; i += 2) await store.appendBlob(memoryKey, encodeRecallSegment({ kind: 'entries', dims: DIMS, entries: entries.slice(i, i + 2) }))
}

interface Row {
  store: string
  messages: number
  blobMB: number
  loadMs: number
  searchMedianMs: number
  searchP95Ms: number
  recallMedianMs: number
  recallP95Ms: number
}

async function benchSize(storeName: string, store: Store, n: number): Promise<Row> {
  const key = `lumos/memory/recall/t/${RESOURCE}/big`
  await populate(store, key, n)
  const blobBytes = (await store.getBlobInfo(key))!.size
  const noEmbed: EmbeddingModelV3 = { specificationVersion: 'v3', provider: 'x', modelId: 'x', maxEmbeddingsPerCall: 1, supportsParallelCalls: true, doEmbed: async () => ({ embeddings: [], warnings: [] }) }
  const memory = new Memory({ store, embedder: noEmbed, options: { semanticRecall: { topK: 4, messageRange: { before: 1, after: 1 } } } })
  const t0 = performance.now()
  const index = await memory.recallIndex('thread', RESOURCE, 'big', [])
  const loadMs = performance.now() - t0
  if (index.size !== n) throw new Error(`index has ${index.size} vectors, expected ${n}`)
  const exclude = new Set<string>()
  const search: number[] = []
  const recall: number[] = []
  for (let q = 0; q < QUERIES + 10; q++) {
    const query = unitVector()
    const a = performance.now()
    const ids = index.search(query, 4, 1, 1, exclude)
    const b = performance.now()
    const msgs = await store.getMessages({ resourceId: RESOURCE, threadId: 'big', ids })
    const c = performance.now()
    if (ids.length < 4 || msgs.length !== ids.length) throw new Error(`recall returned ${ids.length} ids / ${msgs.length} messages`)
    if (q >= 10) {
      search.push(b - a)
      recall.push(c - a)
    }
  }
  memory.dispose()
  return {
    store: storeName,
    messages: n,
    blobMB: round(blobBytes / 1e6, 1),
    loadMs: round(loadMs, 1),
    searchMedianMs: round(quantile(search, 0.5)),
    searchP95Ms: round(quantile(search, 0.95)),
    recallMedianMs: round(quantile(recall, 0.5)),
    recallP95Ms: round(quantile(recall, 0.95)),
  }
}

/** Store round trips of real agent turns (recall + working memory + title), counted by a proxy. */
async function roundTrips(): Promise<Array<{ turn: string; calls: string[]; reads: number; writes: number }>> {
  const inner = new InMemoryStore()
  const calls: string[] = []
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || typeof prop !== 'string') return value
      return (...args: unknown[]) => {
        calls.push(prop)
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  const embedder: EmbeddingModelV3 = {
    specificationVersion: 'v3', provider: 'x', modelId: 'rand', maxEmbeddingsPerCall: 64, supportsParallelCalls: true,
    doEmbed: async ({ values }) => ({ embeddings: values.map(() => Array.from(unitVector())), warnings: [] }),
  }
  const options = { lastMessages: 4, semanticRecall: { topK: 2 }, workingMemory: { enabled: true }, generateTitle: true }
  const model = new MockModel({ responses: (_o, i) => ({ text: `reply ${i}` }) })
  const rows: Array<{ turn: string; calls: string[]; reads: number; writes: number }> = []
  const turn = async (label: string, memory: Memory, text: string) => {
    calls.length = 0
    await new Agent({ id: 'bench', model, memory }).generate(text, { memory: { thread: 't', resource: 'u' } })
    const writes = calls.filter((c) => c === 'batch').length
    rows.push({ turn: label, calls: [...calls], reads: calls.length - writes, writes })
  }
  const m1 = new Memory({ store, embedder, options })
  await turn('first turn, new thread (cold process: reads the index blob)', m1, 'hello')
  for (let i = 0; i < 4; i++) await turn(`turn ${i + 2} (warm)`, m1, `question ${i}`)
  const m2 = new Memory({ store, embedder, options })
  await turn('next turn in a new process (cold)', m2, 'again')
  await turn('following turn (warm)', m2, 'and again')
  return rows
}

const dirs: string[] = []
const rows: Row[] = []
for (const n of SIZES) {
  if (STORES.includes('memory')) {
    const mem = new InMemoryStore()
    rows.push(await benchSize('memory', mem, n))
    await mem.close()
  }
  if (!STORES.includes('libsql')) continue
  const dir = mkdtempSync(join(tmpdir(), 'lumos-bench-memory-'))
  dirs.push(dir)
  const lib = await LibsqlStore.open({ url: `file:${join(dir, 'bench.db')}` })
  rows.push(await benchSize('libsql', lib, n))
  await lib.close()
  console.error(`done ${n}`)
}
for (const d of dirs) rmSync(d, { recursive: true, force: true })
const trips = await roundTrips()

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverageAtEnd: loadavg().map((x) => round(x, 1)),
  dims: DIMS,
  queries: QUERIES,
  notes:
    'search = wasm exact cosine scan (int8, the default quantization) + neighbour expansion; recall = search + store.getMessages for the hits and their before/after neighbours (topK 4, range 1/1 -> up to 12 messages). Query embedding excluded. load = getBlob + decode + VectorIndex upsert (cold process, base snapshot + 63 appended segments).',
  recall: rows,
  roundTrips: trips.map(({ turn, calls, reads, writes }) => ({ turn, calls: calls.join(' + '), reads, writes })),
}
mkdirSync(join(import.meta.dirname, '../results'), { recursive: true })
writeFileSync(join(import.meta.dirname, '../results/memory.json'), JSON.stringify(result, null, 2) + '\n')

console.log(`\n### Semantic recall (${DIMS}-dim, ${QUERIES} queries, topK 4, range 1/1; excludes the query embedding)\n`)
console.log('| store | messages | blob MB | cold load ms | search median ms | search p95 ms | recall median ms | recall p95 ms |')
console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
for (const r of rows) console.log(`| ${r.store} | ${r.messages.toLocaleString('en')} | ${r.blobMB} | ${r.loadMs} | ${r.searchMedianMs} | ${r.searchP95Ms} | ${r.recallMedianMs} | ${r.recallP95Ms} |`)
console.log('\n### Store round trips per turn (recall + working memory + title)\n')
console.log('| turn | reads | writes | calls |')
console.log('|---|---:|---:|---|')
for (const t of result.roundTrips) console.log(`| ${t.turn} | ${t.reads} | ${t.writes} | ${t.calls} |`)
