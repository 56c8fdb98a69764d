// The runtime suite in headless Chromium (Debian's /usr/bin/chromium or CHROMIUM_PATH, driven by
// playwright-core), in the page and in a module Web Worker, on IndexedDBStore. Pages are served from
// 127.0.0.1 by node:http; the `lumos ingest` snapshot is fetched from there.
// Run: npx vitest run test/runtime-suite/browser.test.ts
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import type { TestResult } from '../portable/index.js'
import { launchChromium, openReadyPage, startChromium } from '../portable/runners/chromium.js'
import { expectedCaseNames, failuresOf, resultNames } from './case-names.js'
import { snapshotBytes } from './snapshot.js'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

interface LumosSuite {
  inPage(): Promise<TestResult[]>
  inWorker(): Promise<TestResult[]>
}
declare const lumosSuite: LumosSuite

let browser: Browser | undefined
const env = await startChromium(
  { page: here('./browser/page.ts'), worker: here('./browser/worker.ts') },
  async (origin) => {
    browser = await launchChromium()
    return { page: await openReadyPage(await (await browser.newContext()).newPage(), origin, 'lumos-suite-ready') }
  },
  { '/runtime-suite/docs.lumos': ['application/octet-stream', await snapshotBytes()] }, // the `lumos ingest` snapshot
)

afterAll(async () => {
  await browser?.close()
})

describe.skipIf(env === null)('chromium', () => {
  const places: Array<[title: string, where: string, run: () => Promise<TestResult[]>]> = [
    ['runs the runtime suite on IndexedDBStore in the page: every case Node registers, all passing', 'page', () => lumosSuite.inPage()],
    ['runs the same suite inside a module Web Worker', 'worker', () => lumosSuite.inWorker()],
  ]
  for (const [title, where, run] of places) {
    it(title, async () => {
      const t = Date.now()
      const results = await env!.page.evaluate(run) // `run` is serialized and called in the page
      console.log(`[chromium] ${where}: ${results.length} runtime-suite cases in ${Date.now() - t} ms`)
      expect(failuresOf(results)).toEqual([])
      expect(resultNames(results)).toEqual(expectedCaseNames())
    }, 60_000)
  }
})
