// Builds the static site into ./dist (or the folder given): the esbuild bundle, the page, the
// service worker with the list of files to cache, the wasm core, the ONNX Runtime wasm and the
// generated tiny BERT embedding model. Nothing is downloaded.
//   npx tsx examples/browser-offline/build.ts [outDir]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { writeTinyBert } from '../../test/helpers/tiny-bert/index.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '../..')
const ORT = join(ROOT, 'node_modules/onnxruntime-web/dist')

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

export async function buildSite(outDir = join(HERE, 'dist')): Promise<{ outDir: string; files: Record<string, number> }> {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  await build({
    entryPoints: [join(HERE, 'src/app.ts')],
    outdir: outDir,
    bundle: true,
    splitting: true, // transformers.js is a separate chunk, loaded on demand
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  })
  copyFileSync(join(HERE, 'public/index.html'), join(outDir, 'index.html'))
  copyFileSync(join(ROOT, 'runtime/core/wasm/lumos-core.wasm'), join(outDir, 'lumos-core.wasm'))
  mkdirSync(join(outDir, 'ort'))
  for (const f of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(join(ORT, f), join(outDir, 'ort', f))
  writeTinyBert(join(outDir, 'models'), { modelId: 'lumos/tiny-bert' })

  const files = walk(outDir).map((p) => relative(outDir, p).split('\\').join('/')).filter((f) => f !== 'sw.js').sort()
  const version = createHash('sha256')
  for (const f of files) version.update(f).update(readFileSync(join(outDir, f)))
  const sw = readFileSync(join(HERE, 'public/sw.js'), 'utf8')
    .replace('__VERSION__', version.digest('hex').slice(0, 12))
    .replace('__FILES__', JSON.stringify(['./', ...files.map((f) => `./${f}`)]))
  writeFileSync(join(outDir, 'sw.js'), sw)
  const sizes: Record<string, number> = {}
  for (const f of [...files, 'sw.js']) sizes[f] = statSync(join(outDir, f)).size
  return { outDir, files: sizes }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outDir, files } = await buildSite(process.argv[2])
  for (const [f, n] of Object.entries(files)) console.log(`${(n / 1024).toFixed(1).padStart(10)} KiB  ${f}`)
  console.log(`-> ${outDir}`)
}
