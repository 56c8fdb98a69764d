import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { extname, join, relative, resolve } from 'node:path'
import { EXIT_FAILURE, EXIT_OK, intFlag, UsageError, type ParsedArgs } from './args.js'
import type { Command } from './command.js'
import { formatBytes, type Output } from './output.js'

const TEXT_EXTENSIONS = new Set(['.md', '.mdx', '.txt', '.html', '.htm', '.json', '.csv', '.ts', '.js', '.rst', '.adoc'])

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Chunk and index files into a retrieval snapshot (lexical embedder; offline)',
  usage: 'lumos ingest <files|dirs...> --out <file> [--max-size 800] [--overlap 100]',
  details: `Text files (${[...TEXT_EXTENSIONS].join(' ')}) are read recursively (node_modules and dot-folders skipped),\nchunked and indexed; the snapshot is what Retriever.load() reads.`,
  flags: {
    out: { type: 'string', short: 'o', value: 'file', description: 'Snapshot file to write (required)' },
    'max-size': { type: 'string', value: 'chars', description: 'Chunk size in characters (default 800)' },
    overlap: { type: 'string', value: 'chars', description: 'Chunk overlap in characters (default 100)' },
  },
  positionals: { min: 1, name: 'files' },
  examples: ['lumos ingest docs --out docs.lumos', 'lumos ingest README.md guides/ --out knowledge.lumos --max-size 1200'],
  run: runIngest,
}

export function collectFiles(inputs: string[]): string[] {
  const out: string[] = []
  const walk = (p: string, explicit: boolean) => {
    const st = statSync(p)
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.') && name !== 'node_modules') walk(join(p, name), false)
    } else if (explicit || TEXT_EXTENSIONS.has(extname(p).toLowerCase())) out.push(p)
  }
  for (const input of inputs) {
    if (!existsSync(input)) throw new UsageError(`No such file or directory: ${input}`)
    walk(resolve(input), true)
  }
  return out
}

async function runIngest(args: ParsedArgs, io: Output): Promise<number> {
  const out = args.flags.out as string | undefined
  if (!out) throw new UsageError('lumos ingest needs --out <file>.', 'Example: lumos ingest docs --out docs.lumos')
  const maxSize = intFlag(args.flags['max-size'], 'max-size', 1, 1_000_000) ?? 800
  const overlap = intFlag(args.flags.overlap, 'overlap', 0, maxSize - 1) ?? 100
  const files = collectFiles(args.positionals)
  if (files.length === 0) {
    io.err(io.color.red('✖ No text files found in the given paths.'))
    return EXIT_FAILURE
  }
  // Loaded lazily: the node entry installs the wasm loader the vector index needs.
  const { Document, Retriever, WasmVectorStore, lexicalEmbedder, ready } = await import('../index.js')
  await ready()
  const chunks: import('../../../runtime/rag/index.js').DocumentChunk[] = []
  const reading = io.progress('Chunking', files.length)
  let bytes = 0
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    bytes += Buffer.byteLength(text)
    const source = relative(process.cwd(), file)
    const ext = extname(file).toLowerCase()
    try {
      const doc = ext === '.md' || ext === '.mdx' ? Document.fromMarkdown(text, { source }) : ext === '.html' || ext === '.htm' ? Document.fromHTML(text, { source }) : Document.fromText(text, { source })
      chunks.push(...doc.chunk({ maxSize, overlap }))
    } catch (error) {
      // An empty or binary file is skipped, not fatal: say which one.
      io.err(io.color.yellow(`! skipped ${source}: ${(error as Error).message}`))
    }
    reading.tick(1, source)
  }
  reading.done(`${chunks.length} chunks`)
  if (chunks.length === 0) {
    io.err(io.color.red('✖ No chunks to index.'))
    return EXIT_FAILURE
  }
  const retriever = new Retriever({ vectorStore: new WasmVectorStore(), embedder: lexicalEmbedder() })
  const indexing = io.progress('Indexing', chunks.length)
  let last = 0
  await retriever.add(chunks, { onProgress: (done) => (indexing.tick(done - last), (last = done)) })
  indexing.done()
  const snapshot = retriever.save()
  writeFileSync(out, snapshot)
  io.out(`${io.color.green('✓')} ${files.length} files (${formatBytes(bytes)}), ${chunks.length} chunks -> ${out} (${formatBytes(snapshot.byteLength)})`)
  io.out(io.color.dim(`  Load it with Retriever.load(bytes, { embedder: lexicalEmbedder() })`))
  return EXIT_OK
}
