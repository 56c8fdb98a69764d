// The memory inspector's "Recalled messages" box in headless Chromium, against an agent whose
// memory has semantic recall (GET /api/threads/:id/recall).
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, createApp, InMemoryStore, lexicalEmbedder, Memory } from '../../../adapters/node/index.js'
import { serve, type ServedApp } from '../../../adapters/node/serve.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { REPO } from './run-cli.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
let browser: import('playwright-core').Browser | undefined
let skipReason = ''
let server: ServedApp

beforeAll(async () => {
  const store = new InMemoryStore()
  const memory = new Memory({ store, embedder: lexicalEmbedder(), options: { semanticRecall: { topK: 1, messageRange: 0 } } })
  const agent = new Agent({ id: 'support', model: new MockModel({ responses: () => ({ text: 'noted' }) }), memory })
  for (const prompt of ['My cat is called Miso and loves tuna', 'Deploy target is Cloudflare Workers']) {
    await agent.generate(prompt, { memory: { thread: { id: 't1', title: 'Pets and deploys' }, resource: 'playground' } })
  }
  const html = readFileSync(`${REPO}adapters/node/playground/index.html`, 'utf8')
  server = await serve(createApp({ agents: { support: agent }, store, playground: { html } }), { port: 0 })
  const { chromium } = await import('playwright-core')
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} does not exist (set CHROMIUM_PATH)`)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 })
  } catch (error) {
    skipReason = `Chromium could not start: ${(error as Error).message.split('\n')[0]}`
    if (process.env.CI === 'true') throw new Error(`${skipReason} (CI=true: the playground test must run)`)
    console.warn(`SKIPPED playground recall test: ${skipReason}`)
  }
  mkdirSync(`${REPO}test-artifacts`, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('playground memory inspector', () => {
  it('shows the messages semantic recall finds for a query', async (ctx) => {
    if (!browser) return ctx.skip(skipReason)
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/#threads`)
    await page.locator('[data-testid=thread-list] li', { hasText: 'Pets and deploys' }).click()
    const box = page.locator('[data-testid=recall]')
    await box.locator('input').fill('what does Miso eat?')
    await box.locator('button[type=submit]').click()
    await expect.poll(() => box.locator('.msg .bubble').allTextContents()).toEqual([expect.stringContaining('My cat is called Miso and loves tuna')])
    expect(await box.locator('p.muted').textContent()).toBe('1 message from the memory of agent support')
    await page.screenshot({ path: `${REPO}test-artifacts/playground-recall.png`, fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })
})
