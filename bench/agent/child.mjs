// Measures one library in a fresh process: node --expose-gc child.mjs <library> <seconds-per-run> <runs> <warmup-seconds>
// Reports wall and CPU (user+system) microseconds per generate: on a shared machine CPU time is the
// steadier number, wall time is what a caller waits.
import { EXPECTED, libraries } from './libraries.mjs'

const [name, secondsArg = '1', runsArg = '5', warmupArg = '2'] = process.argv.slice(2)
const seconds = Number(secondsArg)
const warmup = Number(warmupArg)
const runs = Number(runsArg)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const lib = await libraries[name]()
if (lib === null) {
  console.log(JSON.stringify({ library: name, skipped: 'not available in the installed version' }))
  process.exit(0)
}

// Sanity: the library really did the round trip (two model calls, tool output fed back).
const callsBefore = lib.model.calls
const text = await lib.run()
if (text !== EXPECTED || lib.model.calls - callsBefore !== 2) {
  throw new Error(`${name}: expected "${EXPECTED}" after 2 model calls, got "${text}" after ${lib.model.calls - callsBefore}`)
}

async function timed(concurrency, budget = seconds) {
  const deadline = performance.now() + budget * 1000
  let ops = 0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  while (performance.now() < deadline) {
    if (concurrency === 1) {
      await lib.run()
      ops++
    } else {
      const batch = new Array(concurrency)
      for (let i = 0; i < concurrency; i++) batch[i] = lib.run()
      await Promise.all(batch)
      ops += concurrency
    }
  }
  const wall = ((performance.now() - t0) * 1000) / ops // microseconds per generate
  const cpu = process.cpuUsage(c0)
  return { wall, cpu: (cpu.user + cpu.system) / ops }
}

const result = { library: name, version: lib.version }
for (const concurrency of [1, 100]) {
  await timed(concurrency, warmup) // JIT warm-up (the AI SDK needs ~1000 calls to settle)
  const samples = []
  for (let r = 0; r < runs; r++) samples.push(await timed(concurrency))
  result[`c${concurrency}`] = median(samples.map((x) => x.wall))
  result[`c${concurrency}Cpu`] = median(samples.map((x) => x.cpu))
  result[`c${concurrency}Samples`] = samples.map((x) => Math.round(x.wall * 10) / 10)
}

if (lib.makeAgent && globalThis.gc) {
  const n = 500
  lib.makeAgent() // load lazy code paths first
  const keep = []
  gc(); gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < n; i++) keep.push(lib.makeAgent())
  gc(); gc()
  result.heapPerAgent = (process.memoryUsage().heapUsed - before) / n
  keep.length = 0
}
console.log(JSON.stringify(result))
