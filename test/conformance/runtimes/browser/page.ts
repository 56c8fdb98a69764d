// Page entry: exposes the suite to Playwright as `globalThis.lumosTest`, plus a runner for the worker.
import { persistRead, persistWrite, runConformance, smoke } from './suite.js'
import type { TestResult } from '../../../portable/index.js'

function inWorker(): Promise<{ smoke: unknown; results: TestResult[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
    worker.onmessage = (e) => {
      worker.terminate()
      resolve(e.data)
    }
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`))
    worker.postMessage('run')
  })
}

Object.assign(globalThis, { lumosTest: { runConformance, smoke, persistWrite, persistRead, inWorker } })
document.title = 'lumos-test-ready'
