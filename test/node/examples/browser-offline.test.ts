// examples/browser-offline in headless Chromium (Debian /usr/bin/chromium, playwright-core): load it
// once from 127.0.0.1, switch the network off (and stop the server), reload (service worker), add a
// document, ask, get a cited answer from it; reload again: the conversation and the index persist.
//   npx vitest run test/node/examples/browser-offline.test.ts
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { buildSite } from '../../../examples/browser-offline/build.js'
import { startOrSkip } from '../../conformance/runtimes/gate.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.onnx': 'application/octet-stream' }

const dir = await mkdtemp(join(tmpdir(), 'lumos-browser-offline-'))
let server: Server | undefined
let context: BrowserContext | undefined
const requests: string[] = []

async function serve(root: string): Promise<string> {
  server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    requests.push(path)
    const file = normalize(join(root, path === '/' ? 'index.html' : decodeURIComponent(path)))
    if (!file.startsWith(root)) return void res.writeHead(403).end()
    try {
      const body = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no server address')
  return `http://127.0.0.1:${address.port}`
}

// a build failure fails the file (it is not a missing runtime)
const site = await buildSite(join(dir, 'site'))
const started = await startOrSkip('chromium', async () => {
  const origin = await serve(site.outDir)
  context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, args: ARGS, headless: true })
  return { origin, sizes: site.files }
})

afterAll(async () => {
  await context?.close()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  await rm(dir, { recursive: true, force: true })
})

const errors: string[] = []
async function whenReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.getElementById('status')?.textContent?.startsWith('Failed'), undefined, { timeout: 120_000 })
  expect(await page.textContent('#status')).toMatch(/^Ready/)
}

async function ask(page: Page, question: string): Promise<string> {
  const before = await page.locator('.msg.assistant').count()
  await page.fill('#question', question)
  await page.press('#question', 'Enter')
  await page.waitForFunction((n) => {
    const all = document.querySelectorAll('.msg.assistant')
    return all.length > n && !(all[all.length - 1] as HTMLElement).dataset.pending
  }, before, { timeout: 60_000 })
  return (await page.locator('.msg.assistant').last().textContent()) ?? ''
}

describe.skipIf(started.value === null)('examples/browser-offline (Chromium, offline after the first load)', () => {
  it('loads once, works offline after reload (service worker), answers from a pasted document, keeps memory across reloads', async () => {
    const { origin, sizes } = started.value!
    const total = Object.values(sizes).reduce((a, b) => a + b, 0)
    console.log(`[browser-offline] site ${(total / 1024).toFixed(0)} KiB: app.js ${(sizes['app.js'] / 1024).toFixed(1)} KiB, ort wasm ${(sizes['ort/ort-wasm-simd-threaded.wasm'] / 1024).toFixed(0)} KiB, model ${(sizes['models/lumos/tiny-bert/onnx/model.onnx'] / 1024).toFixed(1)} KiB`)
    const page = context!.pages()[0] ?? (await context!.newPage())
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() !== 'log' && console.log(`[chromium ${m.type()}] ${m.text()}`))
    await page.goto(`${origin}/`)
    await whenReady(page)
    await page.waitForFunction(() => document.body.dataset.offlineReady === 'true', undefined, { timeout: 120_000 })
    const embedder = await page.evaluate(() => document.body.dataset.embedder)
    console.log(`[browser-offline] embedder: ${embedder}`)
    expect(embedder).toBe('local')

    // network off, and the server gone: everything must come from the service worker's cache
    await context!.setOffline(true)
    await new Promise((resolve) => server!.close(resolve))
    server = undefined
    const served = requests.length
    await page.reload()
    await whenReady(page)
    expect(await page.evaluate(() => document.body.dataset.embedder)).toBe('local')
    expect(await page.evaluate(() => navigator.onLine)).toBe(false)

    await page.fill('#doc-name', 'lighthouse.md')
    await page.fill(
      '#doc-text',
      '# The Zephyr lighthouse\n\nThe Zephyr lighthouse keeper is named Oriel Vantablack. The lamp is lit every evening at dusk.\n\n## Visiting\n\nTours of the lighthouse run on Saturdays from May to September.',
    )
    await page.click('#add-doc')
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Indexed lighthouse.md'), undefined, { timeout: 60_000 })
    const answer = await ask(page, 'Who is the Zephyr lighthouse keeper?')
    expect(answer).toContain('Oriel Vantablack')
    expect(answer).toMatch(/\[1\]/)

    // reload (still offline): the conversation and the document index come back from IndexedDB
    await page.reload()
    await whenReady(page)
    const log = await page.locator('#log .msg').allTextContents()
    expect(log[0]).toBe('Who is the Zephyr lighthouse keeper?')
    expect(log[1]).toContain('Oriel Vantablack')
    expect(await page.locator('#docs li').allTextContents()).toEqual(['lighthouse.md'])
    const second = await ask(page, 'When do lighthouse tours run?')
    expect(second).toContain('Saturdays')
    expect(requests.length).toBe(served)
    expect(errors).toEqual([])
  }, 300_000)
})
