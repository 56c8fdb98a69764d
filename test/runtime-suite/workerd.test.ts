// The runtime suite inside workerd (Miniflare 4): DurableObjectStore in a SQLite-backed Durable Object,
// the wasm core from the imported compiled module, the `lumos ingest` snapshot as a bundled Data module.
// Run: npx vitest run test/runtime-suite/workerd.test.ts
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { TestResult } from '../portable/index.js'
import { startWorkerd } from '../portable/runners/workerd.js'
import { expectedCaseNames, failuresOf, resultNames } from './case-names.js'
import { snapshotBytes } from './snapshot.js'

const ENTRY = fileURLToPath(new URL('./workerd/entry.ts', import.meta.url))

// the `lumos ingest` snapshot is a bundled Data module
const mf = await startWorkerd({
  entry: ENTRY,
  external: ['*.lumos'],
  modules: [{ type: 'Data', path: 'docs.lumos', contents: await snapshotBytes() }],
  durableObjects: { SUITE: { className: 'RuntimeSuiteObject', useSQLite: true } },
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
