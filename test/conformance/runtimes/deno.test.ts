// Runs ./deno/suite.deno.ts under `deno test` (the npm `deno` binary, local files only) and checks
// every case passed. Run: npx vitest run test/conformance/runtimes/deno.test.ts
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { denoOrSkip, runDenoTest } from '../../portable/runners/deno.js'
import { storeCaseNames } from './case-names.js'

const CONFIG = fileURLToPath(new URL('./deno/deno.json', import.meta.url))
const SUITE = fileURLToPath(new URL('./deno/suite.deno.ts', import.meta.url))

const version = await denoOrSkip()

describe.skipIf(version === null)('deno', () => {
  it('DenoKvStore passes the Store conformance suite; wasm, KV persistence and serve() work under deno test', async () => {
    const { code, output, cases } = await runDenoTest({ config: CONFIG, suite: SUITE, version, tmpPrefix: 'lumos-deno-', timeoutMs: 280_000 })
    expect(code, output.slice(-4000)).toBe(0)
    expect(cases.filter((c) => c.failed).map((c) => c.name)).toEqual([])
    const prefix = 'Store conformance: DenoKvStore (deno) > '
    expect(cases.filter((c) => c.name.startsWith(prefix)).map((c) => c.name.slice(prefix.length)).sort()).toEqual(storeCaseNames().sort())
    expect(cases.filter((c) => c.name.startsWith('deno adapter > ')).length).toBe(5)
  }, 300_000)
})
