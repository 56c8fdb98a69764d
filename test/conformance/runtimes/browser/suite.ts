// Runs in the page and in a module Web Worker (bundled by ../browser.test.ts with `vitest` aliased to
// the portable harness): the Store conformance suite on IndexedDBStore, the wasm smoke test and the
// persistence probes.
import { IndexedDBStore, ready } from '../../../../adapters/browser/index.js'
import { runTests, type TestResult } from '../../../portable/index.js'
import { runStoreConformance } from '../../store/store.case.js'
import { queryBothIndexes } from '../wasm-smoke.js'

let counter = 0
let previous: string | undefined
const prefix = `conformance-${typeof document === 'undefined' ? 'worker' : 'page'}-`

runStoreConformance({
  name: 'IndexedDBStore (chromium)',
  create: async () => {
    // the previous case's database is closed by now, so it can be deleted without blocking
    if (previous !== undefined) await IndexedDBStore.deleteDatabase(previous)
    previous = `${prefix}${counter++}`
    return IndexedDBStore.open({ name: previous })
  },
})

export async function runConformance(filter?: string): Promise<TestResult[]> {
  return runTests({ filter })
}

export async function smoke(): Promise<{ vector: string[]; keyword: string[] }> {
  await ready() // default loader: compileStreaming(fetch(DEFAULT_WASM_URL))
  return queryBothIndexes('IndexedDB keeps memory in the browser', 'browser memory')
}

const PERSIST_DB = 'lumos-persistence'
const blobBytes = (): Uint8Array => Uint8Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => (i * 31 + 7) & 0xff)

/** Writes a thread, two messages, working memory and a 3 MB blob to a fixed database. */
export async function persistWrite(): Promise<void> {
  const store = await IndexedDBStore.open({ name: PERSIST_DB })
  await store.batch([
    { type: 'createThread', id: 't1', resourceId: 'u1', title: 'persisted' },
    { type: 'appendMessages', threadId: 't1', resourceId: 'u1', messages: [{ id: 'm1', role: 'user', content: { parts: [{ type: 'text', text: 'hello' }] } }, { id: 'm2', role: 'assistant', content: { parts: [{ type: 'text', text: 'hi' }] } }] },
    { type: 'setWorkingMemory', target: { scope: 'resource', resourceId: 'u1' }, value: '# notes' },
    { type: 'putBlob', key: 'index/snapshot', bytes: blobBytes() },
  ])
  await store.close()
}

/** Reads back what `persistWrite` stored (null fields = missing). */
export async function persistRead(): Promise<Record<string, unknown>> {
  const store = await IndexedDBStore.open({ name: PERSIST_DB })
  try {
    const ctx = await store.loadContext({ threadId: 't1', resourceId: 'u1', lastMessages: 10, workingMemory: 'resource' })
    const blob = await store.getBlob('index/snapshot')
    const expected = blobBytes()
    return {
      title: ctx.thread?.title ?? null,
      messages: ctx.messages.map((m) => `${m.seq}:${m.id}`),
      workingMemory: ctx.workingMemory,
      blobOk: blob !== null && blob.byteLength === expected.byteLength && blob.every((b, i) => b === expected[i]),
    }
  } finally {
    await store.close()
  }
}
