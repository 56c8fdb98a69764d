// Runs in the page and in a module Web Worker (bundled by ../browser.test.ts with `vitest` aliased to
// the portable harness): the runtime suite on IndexedDBStore, the wasm core via compileStreaming from
// the adapter's default URL, the `lumos ingest` snapshot fetched from the test server.
import { IndexedDBStore, ready } from '../../../adapters/browser/index.js'
import { runTests, type TestResult } from '../../portable/index.js'
import { runRuntimeSuite } from '../suite.js'

const prefix = `runtime-suite-${typeof document === 'undefined' ? 'worker' : 'page'}-`
const names: string[] = []

runRuntimeSuite({
  runtime: 'chromium',
  async createStore() {
    names.push(`${prefix}${names.length}`)
    return IndexedDBStore.open({ name: names[names.length - 1] })
  },
  reopenStore: () => IndexedDBStore.open({ name: names[names.length - 1] }),
  ready: () => ready(),
  snapshot: async () => {
    const res = await fetch(new URL('/runtime-suite/docs.lumos', location.href))
    if (!res.ok) throw new Error(`snapshot: HTTP ${res.status}`)
    return new Uint8Array(await res.arrayBuffer())
  },
})

/** Runs the suite, then deletes the databases it created (they are all closed by then). */
export async function runSuite(): Promise<TestResult[]> {
  const results = await runTests()
  for (const name of names.splice(0)) await IndexedDBStore.deleteDatabase(name)
  return results
}
