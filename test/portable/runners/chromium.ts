// Node-side helpers for the Chromium runners (conformance and runtime suite): serve the bundled page,
// worker and wasm core from 127.0.0.1, launch Debian's chromium (or CHROMIUM_PATH) and open the page.
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll } from 'vitest'
import { startOrSkip } from '../../conformance/runtimes/gate.js'
import { bundlePortable, WASM_PATH } from '../bundle.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export interface PageServer {
  server: Server
  origin: string
}

/**
 * Bundles the page and worker entries and serves them under /adapters/browser/, so that the loader's
 * default wasm URL (new URL('../../runtime/core/wasm/lumos-core.wasm', import.meta.url)) resolves as in
 * a real install. `extra` adds routes: path -> [content type, body].
 */
export async function servePortablePage(entries: { page: string; worker: string }, extra: Record<string, [string, string | Uint8Array]> = {}): Promise<PageServer> {
  const [page, worker, wasm] = await Promise.all([bundlePortable(entries.page, { target: 'browser' }), bundlePortable(entries.worker, { target: 'browser' }), readFile(WASM_PATH)])
  const routes: Record<string, [string, string | Uint8Array]> = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><script type="module" src="/adapters/browser/page.js"></script>'],
    '/adapters/browser/page.js': ['text/javascript', page],
    '/adapters/browser/worker.js': ['text/javascript', worker],
    '/runtime/core/wasm/lumos-core.wasm': ['application/wasm', wasm],
    ...extra,
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

/** Launches headless chromium: with a persistent profile directory when `profile` is given. */
export function launchChromium(): Promise<Browser>
export function launchChromium(profile: string): Promise<BrowserContext>
export function launchChromium(profile?: string): Promise<Browser | BrowserContext> {
  const options = { executablePath: CHROMIUM, args: ARGS, headless: true }
  return profile === undefined ? chromium.launch(options) : chromium.launchPersistentContext(profile, options)
}

/** Opens the served page in `page` and waits until its entry sets `document.title` to `readyTitle`. */
export async function openReadyPage(page: Page, origin: string, readyTitle: string): Promise<Page> {
  page.on('pageerror', (e) => console.error('[chromium pageerror]', e.message))
  await page.goto(`${origin}/`)
  await page.waitForFunction((title) => document.title === title, readyTitle, { timeout: 30_000 })
  return page
}

/**
 * Serves the page (see servePortablePage) and runs `open(origin)` (launch chromium, open the page), or
 * returns null to skip (throws under CI, see gate.ts). The server closes after the file's tests; the
 * caller closes what `open` launched. Logs the bundle + launch time.
 */
export async function startChromium<T extends object>(entries: { page: string; worker: string }, open: (origin: string) => Promise<T>, extra: Record<string, [string, string | Uint8Array]> = {}): Promise<(PageServer & T) | null> {
  const t0 = Date.now()
  const started = await startOrSkip('chromium', async () => {
    const served = await servePortablePage(entries, extra)
    try {
      return { ...served, ...(await open(served.origin)) }
    } catch (error) {
      served.server.close()
      throw error
    }
  })
  console.log(`[chromium] bundle + launch: ${Date.now() - t0} ms`)
  afterAll(() => {
    started.value?.server.close()
  })
  return started.value
}
