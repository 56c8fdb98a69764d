// The memory inspector's "Recalled messages" box in headless Chromium, against an agent whose
// memory has semantic recall (GET /api/threads/:id/recall).
import { mkdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, createApp, InMemoryStore, lexicalEmbedder, Memory } from '../../../adapters/node/index.js'
import { serve, type ServedApp } from '../../../adapters/node/serve.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { startOrSkip } from '../../conformance/runtimes/gate.js'
import { launchChromium } from '../../portable/runners/chromium.js'
import { REPO } from './run-cli.js'

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
  // Same launch and CI gate as the runtime suites: under CI a Chromium that cannot start fails the run.
  const started = await startOrSkip('Chromium', () => launchChromium())
  browser = started.value ?? undefined
  skipReason = started.skip ?? ''
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
