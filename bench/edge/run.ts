// Edge budgets: the same minimal Worker built with Lumos, the AI SDK and Mastra, next to an empty Worker
// and hand-written floors, measured in one run (see README.md in this folder).
//   (cd bench && npm ci) && npx tsx bench/edge/run.ts [--runs 5] [--only lumos,floor-zod]
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { Miniflare } from 'miniflare'
import { startFakeOpenAIServer } from '../../adapters/node/test/fake-openai-server.js'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')
const peers = path.join(root, 'bench/node_modules')
const work = path.join(root, 'bench/edge/.build')
const args = process.argv.slice(2)
const flag = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const RUNS = Number(flag('--runs') ?? 5)
const WARM = Number(flag('--warm') ?? 30)
const COMPAT_DATE = '2025-09-01'

interface WorkerSpec {
  name: string
  entry: string
  nodejsCompat?: boolean
  /** Extra module files the Worker uploads (e.g. the .wasm), counted in sizes. */
  note?: string
}

const ALL: WorkerSpec[] = [
  { name: 'empty', entry: 'empty.js' },
  { name: 'floor', entry: 'floor.js', note: 'hand-written fetch tool loop, no schema library' },
  { name: 'floor-zod', entry: 'floor-zod.js', note: 'the same loop, tool schema in zod (parse + toJSONSchema)' },
  { name: 'lumos', entry: 'lumos.ts', note: 'Agent + zod tool + built-in OpenAI-compatible model' },
  { name: 'lumos-memory', entry: 'lumos-memory.ts', note: 'the same + Memory (history, working memory) on a Store' },
  { name: 'lumos-wasm', entry: 'lumos-wasm.ts', note: 'lumos + the wasm core instantiated at the first request (no snapshot)' },
  { name: 'lumos-snapshot-bytes', entry: 'lumos-snapshot-bytes.ts', note: 'lumos-snapshot with the snapshot bundled but not loaded (control)' },
  { name: 'lumos-snapshot', entry: 'lumos-snapshot.ts', note: 'lumos + wasm core + a 10k x 384 int8 vector snapshot loaded at the first request' },
  { name: 'ai-sdk', entry: 'ai-sdk.ts', note: 'ai 6 generateText + zod tool + @ai-sdk/openai-compatible' },
  { name: 'mastra', entry: 'mastra.ts', nodejsCompat: true, note: 'Mastra Agent (bench/node_modules/@mastra/core) + zod tool; needs nodejs_compat' },
]
const only = flag('--only')?.split(',')
const specs = ALL.filter((s) => !only || only.includes(s.name) || s.name === 'empty')

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Our own esbuild bundle (minified), gzip -9 of JS plus any .wasm it imports. */
async function esbuildSize(spec: WorkerSpec, outdir: string) {
  const result = await esbuild.build({
    entryPoints: [path.join(here, 'workers', spec.entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    nodePaths: [peers],
    external: spec.nodejsCompat ? ['node:*', ...builtinModules] : [],
    loader: { '.wasm': 'copy', '.bin': 'copy' },
    outdir,
    metafile: true,
    logLevel: 'error',
  })
  let raw = 0
  let gzip = 0
  for (const file of Object.keys(result.metafile.outputs)) {
    const bytes = readFileSync(path.resolve(root, file))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { raw, gzip }
}

function wranglerConfig(spec: WorkerSpec, dir: string): string {
  const file = path.join(dir, 'wrangler.toml')
  const flags = spec.nodejsCompat ? '\ncompatibility_flags = ["nodejs_compat"]' : ''
  const rules = '\n[[rules]]\ntype = "Data"\nglobs = ["**/*.bin"]\nfallthrough = true\n'
  writeFileSync(file, `name = "edge-${spec.name}"\nmain = "${path.join(here, 'workers', spec.entry)}"\ncompatibility_date = "${COMPAT_DATE}"${flags}\n${rules}`)
  return file
}

const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NODE_PATH: peers, FORCE_COLOR: '0' }
const wrangler = path.join(root, 'node_modules/.bin/wrangler')

/** `wrangler deploy --dry-run`: the upload size wrangler reports, and its bundle (used for Miniflare too). */
async function dryRun(spec: WorkerSpec, dir: string) {
  const config = wranglerConfig(spec, dir)
  const outdir = path.join(dir, 'dist')
  const { stdout, stderr } = await run(wrangler, ['deploy', '--dry-run', '--outdir', outdir, '-c', config], { cwd: dir, env: wranglerEnv, maxBuffer: 1 << 24 })
  const m = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(stdout + stderr)
  if (!m) throw new Error(`wrangler deploy --dry-run for ${spec.name}: no size line\n${stdout}\n${stderr}`)
  // The main module must come first for Miniflare.
  const main = spec.entry.replace(/\.ts$/, '.js')
  const modules = [main, ...readdirSync(outdir).filter((f) => f !== main && /\.(m?js|wasm|bin)$/.test(f))]
  return { uploadKiB: Number(m[1]), uploadGzipKiB: Number(m[2]), outdir, modules, config }
}

/** `wrangler check startup`: CPU time of the startup phase from its cpuprofile (non-idle samples). */
async function startupCpu(spec: WorkerSpec, dir: string, config: string): Promise<number | null> {
  const outfile = path.join(dir, 'startup.cpuprofile')
  try {
    await run(wrangler, ['check', 'startup', '-c', config, '--outfile', outfile], { cwd: dir, env: wranglerEnv, maxBuffer: 1 << 24, timeout: 120_000 })
  } catch (error) {
    console.error(`  wrangler check startup failed for ${spec.name}: ${(error as Error).message.split('\n')[0]}`)
    return null
  }
  const profile = JSON.parse(readFileSync(outfile, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string } }[]; samples: number[]; timeDeltas: number[] }
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id))
  // Sample 0's delta is the profiler's own start latency, not Worker code: skip it.
  let us = 0
  for (let i = 1; i < profile.samples.length; i++) if (!idle.has(profile.samples[i])) us += profile.timeDeltas[i] ?? 0
  return us / 1000
}

function workerdPids(): number[] {
  const pids: number[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8')
      if (/^Name:\s*workerd/m.test(status) && new RegExp(`^PPid:\\s*${process.pid}$`, 'm').test(status)) pids.push(Number(d))
    } catch {}
  }
  return pids
}
const peakRssKiB = (pid: number) => Number(/VmHWM:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN)

const CHAT_BODY = JSON.stringify({ messages: [{ role: 'user', content: 'What is 2 + 3?' }] })

/** Miniflare: construction -> first /chat answered (cold), then warm request latency and workerd peak RSS. */
async function miniflareRun(spec: WorkerSpec, dry: { outdir: string; modules: string[] }, modelUrl: string) {
  const modules = dry.modules.map((f) => ({
    type: f.endsWith('.wasm') ? ('CompiledWasm' as const) : f.endsWith('.bin') ? ('Data' as const) : ('ESModule' as const),
    path: path.join(dry.outdir, f),
  }))
  const t0 = performance.now()
  const before = new Set(workerdPids())
  const mf = new Miniflare({
    modules,
    modulesRoot: dry.outdir,
    compatibilityDate: COMPAT_DATE,
    compatibilityFlags: spec.nodejsCompat ? ['nodejs_compat'] : [],
    bindings: { MODEL_URL: modelUrl, OPENAI_API_KEY: 'sk-bench' },
  })
  try {
    const first = await mf.dispatchFetch('http://edge.local/chat', { method: 'POST', body: CHAT_BODY, headers: { 'content-type': 'application/json' } })
    const text = await first.text()
    const cold = performance.now() - t0
    if (spec.name !== 'empty' && !text.includes('The sum is 5')) throw new Error(`${spec.name}: unexpected answer ${first.status} ${text.slice(0, 300)}`)
    const warm: number[] = []
    for (let i = 0; i < WARM; i++) {
      const t = performance.now()
      const r = await mf.dispatchFetch('http://edge.local/chat', { method: 'POST', body: CHAT_BODY, headers: { 'content-type': 'application/json' } })
      await r.text()
      warm.push(performance.now() - t)
    }
    const pid = workerdPids().find((p) => !before.has(p))
    return { cold, warm: median(warm), rssKiB: pid ? peakRssKiB(pid) : NaN }
  } finally {
    await mf.dispose()
  }
}

/** The 10k x 384 int8 snapshot the lumos-snapshot Worker bundles; also times its load on Node. */
async function makeSnapshot(): Promise<{ bytes: number; nodeLoadMs: number }> {
  const { ready, WasmVectorStore } = await import('../../adapters/node/index.js')
  await ready()
  let seed = 42
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1
  const store = new WasmVectorStore({ metric: 'cosine', dimensions: 384, quantization: 'int8' })
  const records = []
  for (let i = 0; i < 10_000; i++) {
    const v = new Float32Array(384)
    for (let j = 0; j < 384; j++) v[j] = rand()
    records.push({ id: `chunk-${i}`, vector: v, metadata: { doc: `d${i % 100}` } })
  }
  await store.upsert(records)
  const bytes = store.save()
  writeFileSync(path.join(here, 'workers/.snapshot-10k.bin'), bytes)
  const times: number[] = []
  for (let i = 0; i < 7; i++) {
    const t = performance.now()
    WasmVectorStore.load(bytes)
    times.push(performance.now() - t)
  }
  return { bytes: bytes.length, nodeLoadMs: median(times) }
}

async function main() {
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  try {
    statSync(path.join(peers, '@mastra/core'))
  } catch {
    console.error('bench/edge needs the peer libraries: cd bench && npm ci')
    process.exit(2)
  }
  // The model: a local OpenAI-compatible fake that calls `add` once, then answers.
  const server = await startFakeOpenAIServer({
    defaultReply: (req) => {
      const body = req.body as { messages: { role: string }[] }
      return body.messages.some((m) => m.role === 'tool') ? { text: 'The sum is 5.' } : { toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }
    },
  })
  const rows: Record<string, Record<string, number | string | null>> = {}
  const snapshotInfo = specs.some((s) => s.name === 'lumos-snapshot') ? await makeSnapshot() : undefined
  if (snapshotInfo) console.error(`snapshot: ${snapshotInfo.bytes} bytes, WasmVectorStore.load on Node ${snapshotInfo.nodeLoadMs.toFixed(1)} ms`)
  try {
    const built: { spec: WorkerSpec; size: { raw: number; gzip: number }; dry: Awaited<ReturnType<typeof dryRun>>; dir: string }[] = []
    for (const spec of specs) {
      const dir = path.join(work, spec.name)
      mkdirSync(dir, { recursive: true })
      console.error(`# build ${spec.name}`)
      built.push({ spec, dir, size: await esbuildSize(spec, path.join(dir, 'esbuild')), dry: await dryRun(spec, dir) })
    }
    // One discarded start warms the OS caches for workerd itself; then runs are interleaved across
    // Workers so machine noise hits all of them alike.
    await miniflareRun(built[0].spec, built[0].dry, server.url)
    const samples = new Map(built.map((b) => [b.spec.name, { cold: [] as number[], warm: [] as number[], rss: [] as number[], cpu: [] as number[] }]))
    for (let i = 0; i < RUNS; i++) {
      for (const b of built) {
        const r = await miniflareRun(b.spec, b.dry, server.url)
        const s = samples.get(b.spec.name)!
        s.cold.push(r.cold)
        s.warm.push(r.warm)
        s.rss.push(r.rssKiB)
        const cpu = await startupCpu(b.spec, b.dir, b.dry.config)
        if (cpu !== null) s.cpu.push(cpu)
      }
      console.error(`  run ${i + 1}/${RUNS} done`)
    }
    for (const b of built) {
      const s = samples.get(b.spec.name)!
      rows[b.spec.name] = {
        note: b.spec.note ?? '',
        esbuildGzipKB: +(b.size.gzip / 1000).toFixed(1),
        esbuildRawKB: +(b.size.raw / 1000).toFixed(1),
        uploadGzipKiB: b.dry.uploadGzipKiB,
        uploadKiB: b.dry.uploadKiB,
        startupCpuMs: s.cpu.length ? +median(s.cpu).toFixed(1) : null,
        coldMs: +median(s.cold).toFixed(1),
        warmMs: +median(s.warm).toFixed(2),
        workerdPeakRssMB: +(median(s.rss) / 1024).toFixed(1),
      }
      console.error(`  ${b.spec.name} ${JSON.stringify(rows[b.spec.name])}`)
    }
  } finally {
    await server.close()
  }
  const empty = rows.empty
  const floorZod = rows['floor-zod']
  const table = ['| Worker | esbuild gzip | wrangler upload gzip | startup CPU | cold start over empty | warm request | workerd peak RSS |', '|---|---|---|---|---|---|---|']
  for (const [name, r] of Object.entries(rows)) {
    const over = name === 'empty' ? '—' : `+${((r.coldMs as number) - (empty.coldMs as number)).toFixed(0)} ms`
    const warmRatio = floorZod && name !== 'floor-zod' && name !== 'empty' ? ` (${((r.warmMs as number) / (floorZod.warmMs as number)).toFixed(2)}× floor-zod)` : ''
    table.push(`| ${name} | ${r.esbuildGzipKB} KB | ${r.uploadGzipKiB} KiB | ${r.startupCpuMs ?? 'n/a'} ms | ${over} | ${r.warmMs} ms${warmRatio} | ${r.workerdPeakRssMB} MB |`)
  }
  if (snapshotInfo && rows['lumos-snapshot'] && rows.lumos) {
    table.push('', `10k x 384 int8 snapshot: ${(snapshotInfo.bytes / 1e6).toFixed(2)} MB; WasmVectorStore.load on Node ${snapshotInfo.nodeLoadMs.toFixed(1)} ms; cold start in workerd (wasm + snapshot) +${((rows['lumos-snapshot'].coldMs as number) - (rows.lumos.coldMs as number)).toFixed(0)} ms over the lumos Worker${rows['lumos-wasm'] ? `, of which the snapshot (over lumos-wasm) +${((rows['lumos-snapshot'].coldMs as number) - (rows['lumos-wasm'].coldMs as number)).toFixed(0)} ms` : ''}${rows['lumos-snapshot-bytes'] ? `, and WasmVectorStore.load itself (over lumos-snapshot-bytes) +${((rows['lumos-snapshot'].coldMs as number) - (rows['lumos-snapshot-bytes'].coldMs as number)).toFixed(0)} ms` : ''}`)
  }
  const out = { suite: 'edge', date: new Date().toISOString(), runs: RUNS, warmRequests: WARM, node: process.version, snapshot: snapshotInfo, rows }
  mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  // A partial run (--only) must not overwrite the full table the README quotes.
  const base = only ? 'edge-partial' : 'edge'
  writeFileSync(path.join(root, `bench/results/${base}.json`), JSON.stringify(out, null, 2) + '\n')
  writeFileSync(path.join(root, `bench/results/${base}.md`), table.join('\n') + '\n')
  console.log(table.join('\n'))
}

await main()
