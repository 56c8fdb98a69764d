// IndexedDBStore conformance, wasm smoke test and persistence in headless Chromium (page and Web Worker).
// Run: npx vitest run test/conformance/runtimes/browser.test.ts
// Needs Debian's /usr/bin/chromium (or CHROMIUM_PATH); pages are served from 127.0.0.1 by node:http.
import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { bundlePortable, WASM_PATH } from '../../portable/bundle.js'
import type { TestResult } from '../../portable/index.js'
import { caseNamesOf, failuresOf, storeCaseNames } from './case-names.js'
import { startOrSkip } from './gate.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

interface LumosTest {
  runConformance(filter?: string): Promise<TestResult[]>
  smoke(): Promise<unknown>
  persistWrite(): Promise<void>
  persistRead(): Promise<Record<string, unknown>>
  inWorker(): Promise<{ smoke: unknown; results: TestResult[] }>
}
declare const lumosTest: LumosTest

// Bundles are served under /adapters/browser/ so that the loader's default URL
// (new URL('../../runtime/core/wasm/lumos-core.wasm', import.meta.url)) resolves as in a real install.
async function startServer(): Promise<{ server: Server; origin: string }> {
  const [page, worker, wasm] = await Promise.all([
    bundlePortable(here('./browser/page.ts'), { target: 'browser' }),
    bundlePortable(here('./browser/worker.ts'), { target: 'browser' }),
    readFile(WASM_PATH),
  ])
  const routes: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><script type="module" src="/adapters/browser/page.js"></script>'],
    '/adapters/browser/page.js': ['text/javascript', page],
    '/adapters/browser/worker.js': ['text/javascript', worker],
    '/runtime/core/wasm/lumos-core.wasm': ['application/wasm', wasm],
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

let context: BrowserContext | undefined
const profile = await mkdtemp(join(tmpdir(), 'lumos-chromium-'))

async function launch(): Promise<BrowserContext> {
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true })
  return context
}

async function openPage(ctx: BrowserContext, origin: string): Promise<Page> {
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.on('pageerror', (e) => console.error('[chromium pageerror]', e.message))
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => document.title === 'lumos-test-ready', undefined, { timeout: 30_000 })
  return page
}

const t0 = Date.now()
const started = await startOrSkip('chromium', async () => {
  const { server, origin } = await startServer()
  try {
    const page = await openPage(await launch(), origin)
    return { server, origin, page }
  } catch (error) {
    server.close()
    throw error
  }
})
console.log(`[chromium] bundle + launch: ${Date.now() - t0} ms`)
const env = started.value

afterAll(async () => {
  await context?.close()
  env?.server.close()
  await rm(profile, { recursive: true, force: true })
})

describe.skipIf(env === null)('chromium', () => {
  it('loads the wasm core with compileStreaming from the default URL and queries both indexes', async () => {
    expect(await env!.page.evaluate(() => lumosTest.smoke())).toEqual({ vector: ['x', 'z'], keyword: ['a'] })
  })

  it('IndexedDBStore passes the Store conformance suite in the page', async () => {
    const t = Date.now()
    const results = await env!.page.evaluate(() => lumosTest.runConformance())
    console.log(`[chromium] page: ${results.length} conformance cases in ${Date.now() - t} ms`)
    expect(failuresOf(results)).toEqual([])
    expect(caseNamesOf(results, 'IndexedDBStore (chromium)')).toEqual(storeCaseNames().sort())
  }, 300_000)

  it('runs the same suite and smoke test inside a module Web Worker', async () => {
    const t = Date.now()
    const { smoke, results } = await env!.page.evaluate(() => lumosTest.inWorker())
    console.log(`[chromium] worker: ${results.length} conformance cases in ${Date.now() - t} ms`)
    expect(smoke).toEqual({ vector: ['x', 'z'], keyword: ['a'] })
    expect(failuresOf(results)).toEqual([])
    expect(caseNamesOf(results, 'IndexedDBStore (chromium)')).toEqual(storeCaseNames().sort())
  }, 300_000)

  it('keeps data across a page reload and a browser restart with the same profile', async () => {
    const expected = { title: 'persisted', messages: ['1:m1', '2:m2'], workingMemory: '# notes', blobOk: true }
    let page = env!.page
    await page.evaluate(() => lumosTest.persistWrite())
    await page.reload()
    await page.waitForFunction(() => document.title === 'lumos-test-ready')
    expect(await page.evaluate(() => lumosTest.persistRead())).toEqual(expected)

    await context!.close()
    page = await openPage(await launch(), env!.origin)
    expect(await page.evaluate(() => lumosTest.persistRead())).toEqual(expected)
  }, 120_000)
})
