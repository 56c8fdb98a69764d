// Module Web Worker entry: the same suite and smoke test, outside the page (no DOM).
import { runConformance, smoke } from './suite.js'

self.onmessage = async () => {
  const s = await smoke().catch((e: unknown) => ({ error: String(e) }))
  const results = await runConformance()
  self.postMessage({ smoke: s, results })
}
