// Module Web Worker entry: the same runtime suite outside the page (no DOM).
import { runSuite } from './suite.js'

self.onmessage = async () => {
  self.postMessage(await runSuite())
}
