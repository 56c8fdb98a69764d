// Page entry: exposes the suite to Playwright as `globalThis.lumosTest`, plus a runner for the worker.
import { persistRead, persistWrite, runConformance, smoke } from './suite.js'
import type { TestResult } from '../../../portable/index.js'
import { runInWorker } from '../../../portable/runners/page-worker.js'

function inWorker(): Promise<{ smoke: unknown; results: TestResult[] }> {
  return runInWorker(new URL('./worker.js', import.meta.url))
}

Object.assign(globalThis, { lumosTest: { runConformance, smoke, persistWrite, persistRead, inWorker } })
document.title = 'lumos-test-ready'
