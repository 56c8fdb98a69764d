// Page entry: exposes the runtime suite to Playwright as `globalThis.lumosSuite` (page and Web Worker).
import type { TestResult } from '../../portable/index.js'
import { runSuite } from './suite.js'

function inWorker(): Promise<TestResult[]> {
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

Object.assign(globalThis, { lumosSuite: { inPage: runSuite, inWorker } })
document.title = 'lumos-suite-ready'
