// Agent benchmark: framework overhead per generate (one tool round trip against a zero-latency
// in-process mock model) at concurrency 1 and 100, heap per agent instance, and the gzip size of a
// minimal Worker. Each library runs in its own process. Usage: npm run bench [-- --quick]
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild' // resolved from the repo root's devDependencies

const here = path.dirname(fileURLToPath(import.meta.url))
const quick = process.argv.includes('--quick')
const seconds = quick ? 0.3 : 1.5
const runs = quick ? 3 : 5
const warmup = quick ? 0.5 : 3

// 1. Lumos from source, as users would bundle it.
await esbuild.build({ entryPoints: [path.join(here, 'lumos-entry.ts')], bundle: true, format: 'esm', platform: 'node', external: ['zod'], outfile: path.join(here, '.build/lumos.mjs'), logLevel: 'warning' })

// 2. Minimal Worker bundles (zod external: it is the user's schema library either way).
async function workerGzip(entry) {
  const out = await esbuild.build({ entryPoints: [path.join(here, 'worker', entry)], bundle: true, minify: true, format: 'esm', platform: 'browser', conditions: ['workerd', 'worker', 'browser'], external: ['zod'], write: false, logLevel: 'error' })
  const bytes = out.outputFiles[0].contents
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}
const bundles = { lumos: await workerGzip('lumos-worker.ts'), 'ai-streamText': await workerGzip('ai-sdk-worker.ts') }

// 3. Overhead per library, each in a fresh process.
const names = ['mock', 'lumos', 'ai-generateText', 'ai-ToolLoopAgent', 'mastra']
const results = {}
for (const name of names) {
  process.stderr.write(`[bench:agent] ${name} ...\n`)
  try {
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(here, 'child.mjs'), name, String(seconds), String(runs), String(warmup)], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
    results[name] = JSON.parse(out.trim().split('\n').pop())
  } catch (error) {
    const reason = String(error.stderr || error.message).trim().split('\n').slice(-3).join(' ').slice(0, 400)
    results[name] = { library: name, skipped: reason }
    process.stderr.write(`[bench:agent] ${name} failed: ${reason}\n`)
  }
}

// 4. Rows + table.
const rows = []
const row = (library, version, metric, value, unit) => rows.push({ suite: 'agent', library, version, dataset: 'one-tool-round-trip', metric, value: Math.round(value * 100) / 100, unit })
const floor = results.mock?.c1 ?? 0
const floor100 = results.mock?.c100 ?? 0
const floorCpu = results.mock?.c1Cpu ?? 0
const floorCpu100 = results.mock?.c100Cpu ?? 0
for (const name of names.filter((n) => n !== 'mock')) {
  const r = results[name]
  if (!r || r.skipped) continue
  row(name, r.version, 'generate_us_c1', r.c1, 'us')
  row(name, r.version, 'overhead_us_c1', r.c1 - floor, 'us')
  row(name, r.version, 'generate_us_c100', r.c100, 'us')
  row(name, r.version, 'overhead_us_c100', r.c100 - floor100, 'us')
  row(name, r.version, 'overhead_cpu_us_c1', r.c1Cpu - floorCpu, 'us')
  row(name, r.version, 'overhead_cpu_us_c100', r.c100Cpu - floorCpu100, 'us')
  if (r.heapPerAgent !== undefined) row(name, r.version, 'heap_per_agent', r.heapPerAgent, 'bytes')
}
if (results.mock && !results.mock.skipped) {
  row('mock', '-', 'generate_us_c1', results.mock.c1, 'us')
  row('mock', '-', 'generate_us_c100', results.mock.c100, 'us')
  row('mock', '-', 'generate_cpu_us_c1', results.mock.c1Cpu, 'us')
}
const lumosVersion = results.lumos?.version ?? JSON.parse(readFileSync(path.join(here, '../../package.json'), 'utf8')).version
row('lumos', lumosVersion, 'worker_bundle_gzip', bundles.lumos.gzip, 'bytes')
row('ai-streamText', results['ai-generateText']?.version ?? '?', 'worker_bundle_gzip', bundles['ai-streamText'].gzip, 'bytes')
for (const [name, r] of Object.entries(results)) if (r.skipped) rows.push({ suite: 'agent', library: name, version: r.version ?? '?', dataset: 'one-tool-round-trip', metric: 'skipped', value: 0, unit: r.skipped })

mkdirSync(path.join(here, '../results'), { recursive: true })
writeFileSync(path.join(here, '../results/agent.json'), JSON.stringify(rows, null, 2) + '\n')

const l = results.lumos
const fmt = (x, d = 1) => (x === undefined ? '-' : x.toFixed(d))
const ratio = (x, base) => (x === undefined || !base ? '-' : `${(x / base).toFixed(1)}x`)
const lines = [
  `Agent overhead per generate: one tool round trip (2 model calls + 1 tool) against a zero-latency in-process mock, minus the mock's own cost (${fmt(floor, 2)} us). Median of ${runs} runs of ${seconds} s after ${warmup} s warm-up; Node ${process.versions.node}. CPU = user+system time per op (steadier on a shared machine); wall = elapsed per op.`,
  '',
  '| library | version | CPU c=1 (us) | vs Lumos | wall c=1 (us) | vs Lumos | CPU c=100 (us/op) | vs Lumos | wall c=100 (us/op) | heap / agent (KB) |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
]
const base = l && !l.skipped ? { cpu1: l.c1Cpu - floorCpu, wall1: l.c1 - floor, cpu100: l.c100Cpu - floorCpu100 } : {}
for (const name of names.filter((n) => n !== 'mock')) {
  const r = results[name]
  if (!r || r.skipped) {
    lines.push(`| ${name} | ${r?.version ?? '-'} | skipped: ${r?.skipped ?? 'n/a'} | | | | | | | |`)
    continue
  }
  const cpu1 = r.c1Cpu - floorCpu
  const wall1 = r.c1 - floor
  const cpu100 = r.c100Cpu - floorCpu100
  lines.push(`| ${name} | ${r.version} | ${fmt(cpu1)} | ${ratio(cpu1, base.cpu1)} | ${fmt(wall1)} | ${ratio(wall1, base.wall1)} | ${fmt(cpu100)} | ${ratio(cpu100, base.cpu100)} | ${fmt(r.c100 - floor100)} | ${r.heapPerAgent === undefined ? '-' : fmt(r.heapPerAgent / 1024, 2)} |`)
}
lines.push('', '| minimal Worker (one agent, one tool, built-in/openai-compatible model, UI stream) | min (KB) | gzip (KB) |', '|---|---:|---:|')
for (const [name, b] of Object.entries(bundles)) lines.push(`| ${name} | ${fmt(b.min / 1024)} | ${fmt(b.gzip / 1024)} |`)
console.log(lines.join('\n'))
