// The runtime suite in Node (vitest), on LibsqlStore (a SQLite file), with the wasm core read from disk
// by the Node entry. Run: npx vitest run test/runtime-suite/node.test.ts
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LibsqlStore, ready } from '../../adapters/node/index.js'
import { snapshotBytes } from './snapshot.js'
import { runRuntimeSuite, runtimeCaseNames } from './suite.js'

const dir = await mkdtemp(join(tmpdir(), 'lumos-runtime-node-'))
let n = 0
let last = ''
let bytes: Promise<Uint8Array> | undefined

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

runRuntimeSuite({
  runtime: 'node',
  async createStore() {
    last = `file:${join(dir, `store-${n++}.db`)}`
    return LibsqlStore.open({ url: last })
  },
  reopenStore: async () => LibsqlStore.open({ url: last }),
  ready: () => ready(),
  snapshot: () => (bytes ??= snapshotBytes()),
})

describe('runtime suite registration (node)', () => {
  it('registers the five cases every runtime must report', () => {
    expect(runtimeCaseNames().length).toBe(5)
    expect(new Set(runtimeCaseNames()).size).toBe(5)
  })
})
