// `npm start`: chunks this repository's README, indexes it (BM25 + a hashed bag-of-words vector
// index) and answers a question from the index with hybrid search. No model, no network.
//   npm start -- "how do I load a snapshot?"
import { readFile } from 'node:fs/promises'
import { chunk, fuse, KeywordIndex, ready, tokenize, VectorIndex } from '../../adapters/node/index.js'

const DIM = 256
const question = process.argv.slice(2).join(' ') || 'How do I save and load an index snapshot?'

/** Feature hashing of tokens into DIM dimensions: a lexical stand-in until an embedder is configured. */
function embed(text: string): Float32Array {
  const v = new Float32Array(DIM)
  for (const t of tokenize(text)) {
    let h = 2166136261
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619)
    v[(h >>> 0) % DIM] += h & 1 ? 1 : -1
  }
  let n = 0
  for (const x of v) n += x * x
  if (n === 0) v[0] = 1
  return v
}

await ready()
const source = new URL('../../README.md', import.meta.url)
const text = await readFile(source, 'utf8')
const t0 = performance.now()
const chunks = chunk(text, { strategy: 'markdown', maxSize: 600, overlap: 0 })
const ids = chunks.map((_, i) => `chunk-${i}`)
using keyword = new KeywordIndex()
keyword.upsert(ids, chunks.map((c) => c.text))
using vectors = new VectorIndex({ dimensions: DIM, metric: 'cosine' })
vectors.upsert(ids, chunks.map((c) => embed(c.text)))
const t1 = performance.now()

const hits = fuse([keyword.search(question, { k: 10 }), vectors.search(embed(question), { k: 10 })], { method: 'rrf', limit: 3 })
const t2 = performance.now()

console.log(`Indexed ${chunks.length} chunks of README.md in ${(t1 - t0).toFixed(1)} ms; query took ${(t2 - t1).toFixed(2)} ms.`)
console.log(`\nQ: ${question}\n`)
hits.ids.forEach((id, rank) => {
  const c = chunks[Number(id.slice('chunk-'.length))]
  const where = c.metadata.headers?.join(' > ') ?? '(top)'
  console.log(`[${rank + 1}] ${where}  (score ${hits.scores[rank].toFixed(4)}, chars ${c.start}-${c.end})`)
  console.log('    ' + c.text.trim().split('\n').slice(0, 6).join('\n    ') + '\n')
})
