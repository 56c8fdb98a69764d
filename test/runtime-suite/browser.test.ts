// The runtime suite in headless Chromium (Debian's /usr/bin/chromium or CHROMIUM_PATH, driven by
// playwright-core), in the page and in a module Web Worker, on IndexedDBStore. Pages are served from
// 127.0.0.1 by node:http; the `lumos ingest` snapshot is fetched from there.
// Run: npx vitest run test/runtime-suite/browser.test.ts
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { bundlePortable, WASM_PATH } from '../portable/bundle.js'
import type { TestResult } from '../portable/index.js'
import { startOrSkip } from '../conformance/runtimes/gate.js'
import { expectedCaseNames, failuresOf, resultNames } from './case-names.js'
import { snapshotBytes } from './snapshot.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

interface LumosSuite {
  inPage(): Promise<TestResult[]>
  inWorker(): Promise<TestResult[]>
}
declare const lumosSuite: LumosSuite

// Bundles are served under /adapters/browser/ so that the loader's default wasm URL resolves as in a real install.
async function startServer(): Promise<{ server: Server; origin: string }> {
  const [page, worker, wasm, snapshot] = await Promise.all([
    bundlePortable(here('./browser/page.ts'), { target: 'browser' }),
    bundlePortable(here('./browser/worker.ts'), { target: 'browser' }),
    readFile(WASM_PATH),
    snapshotBytes(),
  ])
  const routes: Record<string, [string, string | Uint8Array]> = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><script type="module" src="/adapters/browser/page.js"></script>'],
    '/adapters/browser/page.js': ['text/javascript', page],
    '/adapters/browser/worker.js': ['text/javascript', worker],
    '/runtime/core/wasm/lumos-core.wasm': ['application/wasm', wasm],
    '/runtime-suite/docs.lumos': ['application/octet-stream', snapshot],
  }
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname]
    if (!route) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': route[0], 'cache-control': 'no-store' }).end(route[1])
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no server address')
  return { server, origin: `http://127.0.0.1:${address.port}` }
}

let browser: Browser | undefined
const t0 = Date.now()
const started = await startOrSkip('chromium', async () => {
  const { server, origin } = await startServer()
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
    const page: Page = await (await browser.newContext()).newPage()
    page.on('pageerror', (e) => console.error('[chromium pageerror]', e.message))
    await page.goto(`${origin}/`)
    await page.waitForFunction(() => document.title === 'lumos-suite-ready', undefined, { timeout: 30_000 })
    return { server, page }
  } catch (error) {
    server.close()
    throw error
  }
})
console.log(`[chromium] bundle + launch: ${Date.now() - t0} ms`)
const env = started.value

afterAll(async () => {
  await browser?.close()
  env?.server.close()
})

describe.skipIf(env === null)('chromium', () => {
  it('runs the runtime suite on IndexedDBStore in the page: every case Node registers, all passing', async () => {
    const t = Date.now()
    const results = await env!.page.evaluate(() => lumosSuite.inPage())
    console.log(`[chromium] page: ${results.length} runtime-suite cases in ${Date.now() - t} ms`)
    expect(failuresOf(results)).toEqual([])
    expect(resultNames(results)).toEqual(expectedCaseNames())
  }, 60_000)

  it('runs the same suite inside a module Web Worker', async () => {
    const t = Date.now()
    const results = await env!.page.evaluate(() => lumosSuite.inWorker())
    console.log(`[chromium] worker: ${results.length} runtime-suite cases in ${Date.now() - t} ms`)
    expect(failuresOf(results)).toEqual([])
    expect(resultNames(results)).toEqual(expectedCaseNames())
  }, 60_000)
})
