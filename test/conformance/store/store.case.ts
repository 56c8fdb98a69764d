import { afterEach, beforeEach, describe, it } from 'vitest'
import type { Store } from '../../../runtime/storage/index.js'
import { batchCases } from './cases/batch.js'
import { blobCases } from './cases/blobs.js'
import type { CaseContext, TestFn } from './cases/context.js'
import { messageCases } from './cases/messages.js'
import { threadCases } from './cases/threads.js'
import { unicodeCases } from './cases/unicode.js'
import { workflowCases } from './cases/workflow-runs.js'
import { workingMemoryCases } from './cases/working-memory.js'

export interface StoreConformanceOptions {
  name: string
  /** A fresh, empty store for each test. */
  create: () => Promise<Store>
  /** Runs after each test, before `store.close()` (drop a schema, delete a file...). */
  cleanup?: (store: Store) => Promise<void>
  /** Tests this implementation cannot pass, each with the reason. Unknown test names fail the suite. */
  skip?: Array<{ reason: string; tests: string[] }>
}

/** The Store port's conformance suite: every implementation runs exactly these cases. */
export function runStoreConformance(options: StoreConformanceOptions): void {
  describe(`Store conformance: ${options.name}`, () => {
    let current: Store | undefined
    const ctx: CaseContext = {
      get store(): Store {
        if (current === undefined) throw new Error('store not created')
        return current
      },
    }
    beforeEach(async () => {
      current = await options.create()
    })
    afterEach(async () => {
      const store = current
      current = undefined
      if (store === undefined) return
      await options.cleanup?.(store)
      await store.close()
    })

    const reasons = new Map<string, string>()
    for (const entry of options.skip ?? []) {
      if (!entry.reason) throw new Error('A conformance skip needs a reason.')
      for (const name of entry.tests) reasons.set(name, entry.reason)
    }
    const names = new Set<string>()
    const test: TestFn = (name, fn, timeout) => {
      names.add(name)
      const reason = reasons.get(name)
      if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, fn)
      else it(name, fn, timeout)
    }

    threadCases(test, ctx)
    messageCases(test, ctx)
    workingMemoryCases(test, ctx)
    workflowCases(test, ctx)
    blobCases(test, ctx)
    unicodeCases(test, ctx)
    batchCases(test, ctx)

    const unknown = [...reasons.keys()].filter((n) => !names.has(n))
    if (unknown.length > 0) throw new Error(`Conformance skip names unknown tests: ${unknown.join(', ')}`)
  })
}
