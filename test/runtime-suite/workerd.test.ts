// The runtime suite inside workerd (Miniflare 4): DurableObjectStore in a SQLite-backed Durable Object,
// the wasm core from the imported compiled module, the `lumos ingest` snapshot as a bundled Data module.
// Run: npx vitest run test/runtime-suite/workerd.test.ts
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { afterAll, describe, expect, it } from 'vitest'
import { bundlePortable, WASM_PATH } from '../portable/bundle.js'
import type { TestResult } from '../portable/index.js'
import { startOrSkip } from '../conformance/runtimes/gate.js'
import { expectedCaseNames, failuresOf, resultNames } from './case-names.js'
import { snapshotBytes } from './snapshot.js'

const ENTRY = fileURLToPath(new URL('./workerd/entry.ts', import.meta.url))

const t0 = Date.now()
const started = await startOrSkip('workerd (Miniflare)', async () => {
  const [code, wasm, snapshot] = await Promise.all([bundlePortable(ENTRY, { target: 'workerd', external: ['*.lumos'] }), readFile(WASM_PATH), snapshotBytes()])
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: 'entry.js', contents: code },
      { type: 'CompiledWasm', path: 'lumos-core.wasm', contents: wasm },
      { type: 'Data', path: 'docs.lumos', contents: snapshot },
    ],
    compatibilityDate: '2025-04-01',
    durableObjects: { SUITE: { className: 'RuntimeSuiteObject', useSQLite: true } },
  })
  await mf.ready
  return mf
})
const mf = started.value
console.log(`[workerd] bundle + start: ${Date.now() - t0} ms`)

afterAll(async () => {
  await mf?.dispose()
})

describe.skipIf(mf === null)('workerd', () => {
  it('runs the runtime suite on DurableObjectStore: every case Node registers, all passing', async () => {
    const t = Date.now()
    const res = await mf!.dispatchFetch('http://lumos.test/suite')
    const body = await res.text()
    expect(res.status, body).toBe(200)
    const results = JSON.parse(body) as TestResult[]
    console.log(`[workerd] ${results.length} runtime-suite cases in ${Date.now() - t} ms`)
    expect(failuresOf(results)).toEqual([])
    expect(resultNames(results)).toEqual(expectedCaseNames())
  }, 120_000)
})
