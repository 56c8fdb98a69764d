// Workflow engine overhead: Lumos vs Mastra 0.24.9 (`@mastra/core` from bench/agent/node_modules).
// Every step is a no-op with zod input/output schemas, so the time per step is framework overhead:
// scheduling, validation, events, and the snapshot write after every step.
//   npx tsx bench/workflow/run.ts            (~2 min; --quick for a smoke run)
// Each configuration runs in its own process; result = median of the per-sample µs/step.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const quick = process.argv.includes('--quick')
const WARMUP_MS = quick ? 300 : 1500
const SAMPLE_MS = quick ? 150 : 500
const SAMPLES = quick ? 3 : 7

type Shape = 'linear20' | 'parallel10'
const CONFIGS = [
  'lumos:none',
  'lumos:memory',
  'lumos:libsql-memory',
  'lumos:libsql-file',
  'mastra:none',
  'mastra:memory',
] as const
type Config = (typeof CONFIGS)[number]

interface Runner {
  steps: number
  runOnce(): Promise<void>
  close?(): Promise<void>
}

async function lumosRunner(shape: Shape, storeKind: string, dir: string): Promise<Runner> {
  const { z } = await import('zod')
  const { createStep, createWorkflow } = await import('../../runtime/workflow/index.js')
  const { InMemoryStore } = await import('../../runtime/storage/index.js')
  const { LibsqlStore } = await import('../../adapters/node/stores/index.js')
  const schema = z.object({ n: z.number() })
  const mk = (id: string) => createStep({ id, inputSchema: schema, outputSchema: schema, execute: async ({ inputData }) => ({ n: inputData.n + 1 }) })
  let wf = createWorkflow({ id: 'bench', inputSchema: schema }) as any
  const steps = shape === 'linear20' ? 20 : 10
  if (shape === 'linear20') for (let i = 0; i < 20; i++) wf = wf.then(mk(`s${i}`))
  else wf = wf.parallel(Array.from({ length: 10 }, (_, i) => mk(`p${i}`)))
  wf.commit()
  // 'none': a store that keeps nothing, to isolate the engine (compare with Mastra without storage)
  let v = 0
  const nullStore = { kind: 'null', putWorkflowRun: async () => ({ version: ++v }), getWorkflowRun: async () => null, close: async () => {} } as any
  const store =
    storeKind === 'none' ? nullStore : storeKind === 'memory' ? new InMemoryStore() : await LibsqlStore.open({ url: storeKind === 'libsql-file' ? `file:${join(dir, 'bench.db')}` : ':memory:' })
  return {
    steps,
    async runOnce() {
      const run = await wf.createRun({ store })
      const r = await run.start({ inputData: { n: 0 } })
      if (r.status !== 'success') throw new Error(`lumos run ${r.status}: ${r.error?.message}`)
    },
    close: () => store.close(),
  }
}

async function mastraRunner(shape: Shape, storeKind: string): Promise<Runner> {
  const mastraDir = join(here, '..', 'agent', 'node_modules')
  const { z } = await import(join(mastraDir, 'zod', 'index.js'))
  const { createStep, createWorkflow } = await import(join(mastraDir, '@mastra/core/dist/workflows/index.js'))
  const schema = z.object({ n: z.number() })
  const mk = (id: string) => createStep({ id, inputSchema: schema, outputSchema: schema, execute: async ({ inputData }: any) => ({ n: inputData.n + 1 }) })
  const steps = shape === 'linear20' ? 20 : 10
  let wf: any = createWorkflow({ id: 'bench', inputSchema: schema, outputSchema: shape === 'linear20' ? schema : z.any() })
  if (shape === 'linear20') for (let i = 0; i < 20; i++) wf = wf.then(mk(`s${i}`))
  else wf = wf.parallel(Array.from({ length: 10 }, (_, i) => mk(`p${i}`)))
  wf.commit()
  if (storeKind === 'memory') {
    const { Mastra } = await import(join(mastraDir, '@mastra/core/dist/index.js'))
    const { InMemoryStore } = await import(join(mastraDir, '@mastra/core/dist/storage/index.js'))
    const mastra = new Mastra({ workflows: { bench: wf }, storage: new InMemoryStore(), logger: false })
    wf = mastra.getWorkflow('bench')
  }
  return {
    steps,
    async runOnce() {
      const run = await wf.createRunAsync()
      const r = await run.start({ inputData: { n: 0 } })
      if (r.status !== 'success') throw new Error(`mastra run ${r.status}: ${r.error?.message ?? r.error}`)
    },
  }
}

async function child(config: Config, shape: Shape): Promise<void> {
  const [lib, storeKind] = config.split(':')
  const dir = mkdtempSync(join(tmpdir(), 'lumos-wfbench-'))
  try {
    const runner = lib === 'lumos' ? await lumosRunner(shape, storeKind, dir) : await mastraRunner(shape, storeKind)
    const deadline = Date.now() + WARMUP_MS
    while (Date.now() < deadline) await runner.runOnce()
    const perStepUs: number[] = []
    const cpu0 = process.cpuUsage()
    let totalRuns = 0
    for (let s = 0; s < SAMPLES; s++) {
      let runs = 0
      const t0 = performance.now()
      while (performance.now() - t0 < SAMPLE_MS) {
        await runner.runOnce()
        runs++
      }
      perStepUs.push(((performance.now() - t0) * 1000) / (runs * runner.steps))
      totalRuns += runs
    }
    const cpu = process.cpuUsage(cpu0)
    await runner.close?.()
    perStepUs.sort((a, b) => a - b)
    const median = perStepUs[perStepUs.length >> 1]
    const cpuPerStepUs = (cpu.user + cpu.system) / (totalRuns * runner.steps)
    process.stdout.write(JSON.stringify({ config, shape, medianUsPerStep: median, cpuUsPerStep: cpuPerStepUs, samples: perStepUs, runs: totalRuns }) + '\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--child')
  if (i >= 0) return child(process.argv[i + 1] as Config, process.argv[i + 2] as Shape)
  const loadBefore = loadavg()[0]
  const results: Array<{ config: Config; shape: Shape; medianUsPerStep: number; cpuUsPerStep: number }> = []
  for (const shape of ['linear20', 'parallel10'] as Shape[]) {
    for (const config of CONFIGS) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', config, shape], { encoding: 'utf8', cwd: join(here, '..', '..'), timeout: 300_000 })
      const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()
      if (r.status !== 0 || !line) {
        console.error(`${config} ${shape} failed:\n${r.stderr}`)
        continue
      }
      const res = JSON.parse(line)
      results.push(res)
      console.error(`${shape.padEnd(11)} ${config.padEnd(20)} ${res.medianUsPerStep.toFixed(1).padStart(8)} µs/step (cpu ${res.cpuUsPerStep.toFixed(1)} µs/step)`)
    }
  }
  const get = (c: Config, s: Shape) => results.find((r) => r.config === c && r.shape === s)?.medianUsPerStep
  const rows: unknown[] = []
  // like-for-like baselines: no persistence vs Mastra without storage, persisting vs Mastra's InMemoryStore
  const baseOf = (r: { config: Config; shape: Shape }) => get(r.config === 'lumos:none' || r.config === 'mastra:none' ? 'mastra:none' : 'mastra:memory', r.shape)
  const cpuOf = (c: Config, s: Shape) => results.find((r) => r.config === c && r.shape === s)?.cpuUsPerStep
  const lines = ['| shape | configuration | µs/step (median wall) | CPU µs/step | × Mastra wall | × Mastra CPU |', '|---|---|---:|---:|---:|---:|']
  for (const r of results) {
    const baseName: Config = r.config === 'lumos:none' || r.config === 'mastra:none' ? 'mastra:none' : 'mastra:memory'
    const base = baseOf(r)
    const ratio = base ? r.medianUsPerStep / base : null
    const cpuBase = cpuOf(baseName, r.shape)
    const cpuRatio = cpuBase ? r.cpuUsPerStep / cpuBase : null
    rows.push({ suite: 'workflow', library: r.config.split(':')[0], store: r.config.split(':')[1], dataset: r.shape, metric: 'overhead_per_step', value: Number(r.medianUsPerStep.toFixed(2)), unit: 'us', cpuUsPerStep: Number(r.cpuUsPerStep.toFixed(2)), baseline: baseName, ratioWall: ratio === null ? null : Number(ratio.toFixed(4)), ratioCpu: cpuRatio === null ? null : Number(cpuRatio.toFixed(4)) })
    lines.push(`| ${r.shape} | ${r.config} | ${r.medianUsPerStep.toFixed(1)} | ${r.cpuUsPerStep.toFixed(1)} | ${ratio === null ? '' : ratio.toFixed(3)} | ${cpuRatio === null ? '' : cpuRatio.toFixed(3)} |`)
  }
  const outDir = join(here, '..', 'results')
  mkdirSync(outDir, { recursive: true })
  if (!quick) {
    writeFileSync(join(outDir, 'workflow.json'), JSON.stringify({ suite: 'workflow', node: process.version, date: new Date().toISOString(), mastra: '@mastra/core 0.24.9', loadAverage1m: { before: loadBefore, after: loadavg()[0] }, cores: (await import('node:os')).cpus().length, warmupMs: WARMUP_MS, sampleMs: SAMPLE_MS, samples: SAMPLES, results: rows }, null, 2) + '\n')
    writeFileSync(join(outDir, 'workflow.md'), lines.join('\n') + '\n')
  }
  console.log(lines.join('\n'))
}

await main()
