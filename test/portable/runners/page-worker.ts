// Browser-side helper for the Chromium page entries: runs the bundled module worker once and resolves
// with the first message it posts back.

/** Starts a module Web Worker at `url`, sends it 'run' and resolves with its reply. */
export function runInWorker<T>(url: URL): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { type: 'module' })
    worker.onmessage = (e) => {
      worker.terminate()
      resolve(e.data)
    }
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`))
    worker.postMessage('run')
  })
}
