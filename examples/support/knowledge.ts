// The assistant's knowledge base: this repository's README files, chunked as markdown, embedded
// with the lexical embedder (no download) and indexed for hybrid search. The index is cached as a
// Retriever snapshot keyed by a hash of the files, so a restart with unchanged docs loads it.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { Document, lexicalEmbedder, Retriever, WasmVectorStore, type DocumentChunk } from '../../adapters/node/index.js'

/** Documentation roots, relative to the repo: README.md plus every README.md below these folders. */
const DOC_ROOTS = ['runtime', 'bench', 'examples']
const SKIP = new Set(['node_modules', '.git', 'dist', 'target', '.lumos', '.wrangler'])
const CHUNK = { maxSize: 1000, minSize: 200 } as const
/** Bump when the chunking or metadata changes: old snapshots then stop matching. */
const INDEX_VERSION = 1

export interface KnowledgeStats {
  files: number
  chunks: number
  /** Characters of documentation indexed. */
  chars: number
  /** Snapshot size on disk. */
  snapshotBytes: number
  /** True when the snapshot was loaded instead of built. */
  cached: boolean
  ms: number
  snapshot: string
}

export interface Knowledge {
  retriever: Retriever
  stats: KnowledgeStats
}

/** README.md files of the repo, sorted (so the hash does not depend on directory order). */
export function docFiles(root: string): string[] {
  const out: string[] = []
  if (existsSync(join(root, 'README.md'))) out.push(join(root, 'README.md'))
  const walk = (dir: string) => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(join(dir, e.name))
      } else if (e.name === 'README.md') out.push(join(dir, e.name))
    }
  }
  for (const r of DOC_ROOTS) walk(join(root, r))
  return out.sort()
}

/** Builds the retriever, or loads the snapshot in `dataDir` when the docs have not changed. */
export async function loadKnowledge(root: string, dataDir: string): Promise<Knowledge> {
  const started = performance.now()
  const embedder = lexicalEmbedder()
  const files = docFiles(root).map((path) => ({ source: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }))
  const hash = createHash('sha256').update(JSON.stringify({ v: INDEX_VERSION, chunk: CHUNK, embedder: embedder.modelId }))
  for (const f of files) hash.update(`\0${f.source}\0${f.text}`)
  const key = hash.digest('hex').slice(0, 16)
  const snapshot = join(dataDir, `support-index-${key}.bin`)
  const chars = files.reduce((n, f) => n + f.text.length, 0)

  if (existsSync(snapshot)) {
    try {
      const bytes = readFileSync(snapshot)
      const retriever = await Retriever.load(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { embedder })
      const chunks = await retriever.vectorStore.count()
      return { retriever, stats: { files: files.length, chunks, chars, snapshotBytes: bytes.byteLength, cached: true, ms: performance.now() - started, snapshot } }
    } catch {
      // A damaged or outdated snapshot: rebuild below and overwrite it.
    }
  }

  const retriever = await Retriever.create({ vectorStore: new WasmVectorStore(), embedder })
  const chunks: DocumentChunk[] = []
  for (const f of files) {
    if (f.text.trim() === '') continue
    const title = /^#\s+(.+)$/m.exec(f.text)?.[1]?.trim() ?? f.source
    chunks.push(...Document.fromMarkdown(f.text, { source: f.source, title }).chunk(CHUNK))
  }
  await retriever.add(chunks)
  const bytes = retriever.save()
  // Write-then-rename so a crash never leaves a half snapshot under the final name; drop stale ones.
  for (const name of readdirSync(dataDir)) if (/^support-index-[0-9a-f]{16}\.bin$/.test(name) && join(dataDir, name) !== snapshot) rmSync(join(dataDir, name), { force: true })
  const tmp = `${snapshot}.${process.pid}.tmp`
  writeFileSync(tmp, bytes)
  renameSync(tmp, snapshot)
  return { retriever, stats: { files: files.length, chunks: chunks.length, chars, snapshotBytes: bytes.byteLength, cached: false, ms: performance.now() - started, snapshot } }
}
