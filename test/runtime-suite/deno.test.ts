// Runs ./deno/suite.deno.ts under `deno test` (the npm `deno` binary, local files only) with the
// snapshot built by the global setup, and checks every case Node registers passed.
// Run: npx vitest run test/runtime-suite/deno.test.ts
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { denoOrSkip, runDenoTest } from '../portable/runners/deno.js'
import { caseNamesOf, expectedCaseNames } from './case-names.js'
import { snapshotPath } from './snapshot.js'

const CONFIG = fileURLToPath(new URL('./deno/deno.json', import.meta.url))
const SUITE = fileURLToPath(new URL('./deno/suite.deno.ts', import.meta.url))

const version = await denoOrSkip()

describe.skipIf(version === null)('deno', () => {
  it('runs the runtime suite on DenoKvStore under deno test: every case Node registers, all passing', async () => {
    const { code, output, cases } = await runDenoTest({
      config: CONFIG,
      suite: SUITE,
      version,
      tmpPrefix: 'lumos-deno-suite-',
      timeoutMs: 110_000,
      env: async (dir) => ({ LUMOS_RUNTIME_SNAPSHOT: await snapshotPath(), LUMOS_RUNTIME_TMP: dir }),
    })
    expect(code, output.slice(-4000)).toBe(0)
    expect(cases.filter((c) => c.failed).map((c) => c.name)).toEqual([])
    expect(caseNamesOf(cases.map((c) => c.name))).toEqual(expectedCaseNames())
  }, 120_000)
})
