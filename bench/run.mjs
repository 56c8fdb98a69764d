#!/usr/bin/env node
// Benchmark entry (`npm run bench`). Plans the tasks, runs each in a fresh `node --import tsx`
// child (clean RSS baseline, no JIT carry-over), collects the rows and writes the report.
//
//   node bench/run.mjs [--suite vectors|keyword|chunking] [--quick] [--smoke] [--no-lumos] [--out DIR]
//
// --smoke: Lumos only, tiny inputs, generated data only, no bench/node_modules needed; exits 1 on
//          any error or failed sanity check (CI). Writes to the OS temp dir unless --out is given.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { planTasks } from './plan.mjs'

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(benchDir, '..')

function parseArgs(argv) {
  const o = { suite: null, quick: false, smoke: false, lumos: true, out: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--suite') o.suite = argv[++i]
    else if (a.startsWith('--suite=')) o.suite = a.slice(8)
    else if (a === '--quick') o.quick = true
    else if (a === '--smoke') o.smoke = true
    else if (a === '--no-lumos') o.lumos = false
    else if (a === '--out') o.out = argv[++i]
    else if (a === '--help' || a === '-h') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 8).join('\n')); process.exit(0) }
    else { console.error(`unknown argument ${a}`); process.exit(2) }
  }
  if (o.suite && !['vectors', 'keyword', 'chunking'].includes(o.suite)) { console.error(`--suite must be vectors, keyword or chunking (got ${o.suite})`); process.exit(2) }
  if (o.smoke && !o.lumos) { console.error('--smoke measures Lumos only; drop --no-lumos'); process.exit(2) }
  return o
}

const opts = parseArgs(process.argv.slice(2))
const mode = opts.smoke ? 'smoke' : opts.quick ? 'quick' : 'full'
if (!opts.smoke && !existsSync(path.join(benchDir, 'node_modules'))) {
  console.error('[bench] bench/node_modules is missing: run `cd bench && npm ci` first (or use --smoke for the Lumos-only run)')
  process.exit(2)
}

const work = mkdtempSync(path.join(tmpdir(), 'lumos-bench-'))
const rows = []
const failures = []

function runTask(task) {
  const out = path.join(work, 'rows.jsonl')
  rmSync(out, { force: true })
  const label = `${task.file.replace(/^suites\//, '').replace(/\.ts$/, '')} ${task.args.engine ?? task.args.chunker ?? ''} ${task.label ?? ''}`.trim()
  console.error(`\n[bench] ${label}`)
  const t0 = Date.now()
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(benchDir, task.file), '--task', JSON.stringify(task.args), '--out', out], {
    cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], timeout: task.timeoutMs,
  })
  const got = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []
  rows.push(...got)
  const seconds = ((Date.now() - t0) / 1000).toFixed(1)
  if (r.error || r.status !== 0) {
    const why = r.error ? `${r.error.code ?? r.error.message}` : r.signal ? `signal ${r.signal}` : `exit ${r.status}`
    failures.push({ task: label, why })
    console.error(`[bench] FAILED ${label}: ${why} (${seconds} s)`)
  } else console.error(`[bench] done ${label} (${seconds} s, ${got.length} rows)`)
}

const wasmFile = path.join(repoRoot, 'runtime/core/wasm/lumos-core.wasm')
/** Short hash of the .wasm: a rebuild during the run would mix two builds in the Lumos rows. */
const wasmHash = () => (existsSync(wasmFile) ? createHash('sha256').update(readFileSync(wasmFile)).digest('hex').slice(0, 12) : null)

function wasmRows() {
  const file = wasmFile
  if (!existsSync(file)) { failures.push({ task: 'wasm size', why: `${file} is missing` }); return }
  const bytes = readFileSync(file)
  const version = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version
  const base = { suite: 'wasm', library: 'lumos-core.wasm', version, dataset: 'runtime/core/wasm/lumos-core.wasm' }
  rows.push({ ...base, metric: 'raw_size', value: bytes.length / 1024, unit: 'KB' })
  rows.push({ ...base, metric: 'gzip_size', value: gzipSync(bytes, { level: 9 }).length / 1024, unit: 'KB' })
}

const started = Date.now()
const wasmAtStart = opts.lumos ? wasmHash() : null
const tasks = planTasks({ mode, suite: opts.suite, lumos: opts.lumos })
if (opts.lumos && (!opts.suite || opts.smoke)) wasmRows()
for (const task of tasks) runTask(task)
rmSync(work, { recursive: true, force: true })

// The report is TypeScript; load it through tsx's in-process loader.
const { register } = await import('tsx/esm/api')
register()
const { writeReport, smokeChecks } = await import('./lib/report.ts')
const outDir = opts.out ? path.resolve(opts.out) : opts.smoke ? path.join(tmpdir(), 'lumos-bench-smoke') : path.join(benchDir, 'results')
mkdirSync(outDir, { recursive: true })
const wasmAtEnd = opts.lumos ? wasmHash() : null
if (wasmAtStart !== wasmAtEnd) console.error(`[bench] WARNING: lumos-core.wasm changed during the run (${wasmAtStart} -> ${wasmAtEnd}); re-run for consistent Lumos rows`)
const meta = {
  mode, suite: opts.suite, lumos: opts.lumos, seconds: Math.round((Date.now() - started) / 1000), argv: process.argv.slice(2).join(' '),
  wasm: wasmAtStart, wasmChanged: wasmAtStart !== wasmAtEnd,
}
const { jsonFile, mdFile } = writeReport(rows, failures, meta, outDir)
console.error(`\n[bench] ${rows.length} rows in ${meta.seconds} s -> ${jsonFile}, ${mdFile}`)

if (opts.smoke) {
  const problems = smokeChecks(rows)
  for (const p of problems) console.error(`[bench] SMOKE CHECK FAILED: ${p}`)
  if (problems.length || failures.length) {
    console.error(`[bench] smoke run FAILED (${failures.length} task failures, ${problems.length} failed checks)`)
    process.exit(1)
  }
  console.error('[bench] smoke run passed')
} else if (failures.length) {
  console.error(`[bench] ${failures.length} task(s) failed: ${failures.map((f) => f.task).join('; ')}`)
  process.exit(1)
}
