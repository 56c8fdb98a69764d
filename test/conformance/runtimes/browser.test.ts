// IndexedDBStore conformance, wasm smoke test and persistence in headless Chromium (page and Web Worker).
// Run: npx vitest run test/conformance/runtimes/browser.test.ts
// Needs Debian's /usr/bin/chromium (or CHROMIUM_PATH); pages are served from 127.0.0.1 by node:http.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import type { TestResult } from '../../portable/index.js'
import { launchChromium, openReadyPage, startChromium } from '../../portable/runners/chromium.js'
import { caseNamesOf, failuresOf, storeCaseNames } from './case-names.js'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

interface LumosTest {
  runConformance(filter?: string): Promise<TestResult[]>
  smoke(): Promise<unknown>
  persistWrite(): Promise<void>
  persistRead(): Promise<Record<string, unknown>>
  inWorker(): Promise<{ smoke: unknown; results: TestResult[] }>
}
declare const lumosTest: LumosTest

let context: BrowserContext | undefined
const profile = await mkdtemp(join(tmpdir(), 'lumos-chromium-'))

async function launch(): Promise<BrowserContext> {
  context = await launchChromium(profile)
  return context
}

async function openPage(ctx: BrowserContext, origin: string): Promise<Page> {
  return openReadyPage(ctx.pages()[0] ?? (await ctx.newPage()), origin, 'lumos-test-ready')
}

const env = await startChromium({ page: here('./browser/page.ts'), worker: here('./browser/worker.ts') }, async (origin) => ({ page: await openPage(await launch(), origin) }))

afterAll(async () => {
  await context?.close()
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
