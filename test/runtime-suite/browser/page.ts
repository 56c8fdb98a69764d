// Page entry: exposes the runtime suite to Playwright as `globalThis.lumosSuite` (page and Web Worker).
import type { TestResult } from '../../portable/index.js'
import { runInWorker } from '../../portable/runners/page-worker.js'
import { runSuite } from './suite.js'

function inWorker(): Promise<TestResult[]> {
  return runInWorker(new URL('./worker.js', import.meta.url))
}

Object.assign(globalThis, { lumosSuite: { inPage: runSuite, inWorker } })
document.title = 'lumos-suite-ready'
