// The playground in headless Chromium (playwright-core + Debian's /usr/bin/chromium): chat with a
// streaming tool-calling agent, inspect the tool call, run a workflow to suspension and resume it
// from the generated form, see the traces timeline. Screenshots go to test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { serve, type ServedApp } from '../../../adapters/node/serve.js'
import { Document, lexicalEmbedder, ready, Retriever, WasmVectorStore } from '../../../adapters/node/index.js'
import { Agent } from '../../../runtime/agent/index.js'
import { createApp } from '../../../runtime/server/index.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'
import { createInMemoryTracer } from '../../../runtime/tracing/index.js'
import { createStep, createWorkflow } from '../../../runtime/workflow/index.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { weather } from '../../fixtures/dev/tools.js'
import { startOrSkip } from '../../conformance/runtimes/gate.js'
import { launchChromium } from '../../portable/runners/chromium.js'
import { REPO } from './run-cli.js'

const ARTIFACTS = `${REPO}test-artifacts`
const ANSWER = 'It is 21°C and clear in Paris.'

let browser: import('playwright-core').Browser | undefined
let skipReason = ''
let server: ServedApp
const store = new InMemoryStore()

beforeAll(async () => {
  const tracer = createInMemoryTracer()
  const model = new MockModel({
    chunkDelayMs: 80,
    responses: (options) =>
      options.prompt.at(-1)?.role === 'tool'
        ? { text: ANSWER, usage: { inputTokens: 42, outputTokens: 9 } }
        : { toolCalls: [{ toolName: 'weather', input: { city: 'Paris' } }], usage: { inputTokens: 30, outputTokens: 7 } },
  })
  const agent = new Agent({ id: 'weather', description: 'Answers weather questions', model, tools: { weather }, tracer })
  const approve = createStep({
    id: 'approve',
    resumeSchema: z.object({ approved: z.boolean(), note: z.string() }),
    execute: async ({ inputData, resumeData, suspend }) => (resumeData ? { ...inputData, ...resumeData } : suspend({ question: `Publish "${inputData.draft}"?` })),
  })
  const draft = createStep({ id: 'draft', execute: async ({ inputData }) => ({ draft: `draft about ${inputData.topic}` }) })
  const publish = createStep({ id: 'publish', execute: async ({ inputData }) => ({ published: inputData.approved, note: inputData.note }) })
  const review = createWorkflow({ id: 'review', description: 'Draft, approve, publish' }).then(draft).then(approve).then(publish).commit()
  await ready()
  const retriever = new Retriever({ vectorStore: new WasmVectorStore(), embedder: lexicalEmbedder() })
  await retriever.add([
    ...Document.fromMarkdown('# Deploy\n\nRun wrangler deploy to publish the worker.', { source: 'deploy.md' }).chunk(),
    ...Document.fromMarkdown('# Memory\n\nThreads keep the conversation history.', { source: 'memory.md' }).chunk(),
  ])
  await store.createThread({ id: 't1', resourceId: 'playground', title: 'Trip planning' })
  await store.appendMessages({ threadId: 't1', resourceId: 'playground', messages: [{ role: 'user', content: { parts: [{ type: 'text', text: 'Plan a trip to Lisbon' }] } }, { role: 'assistant', content: { parts: [{ type: 'text', text: 'Day 1: Alfama.' }] } }] })
  await store.setWorkingMemory({ target: { scope: 'thread', threadId: 't1', resourceId: 'playground' }, value: '# Preferences\n- window seat' })
  const html = readFileSync(`${REPO}adapters/node/playground/index.html`, 'utf8')
  server = await serve(createApp({ agents: { weather: agent }, workflows: { review }, store, tracer, retriever, playground: { html } }), { port: 0 })

  // Same launch and CI gate as the runtime suites: under CI a Chromium that cannot start fails the run.
  const started = await startOrSkip('Chromium', () => launchChromium())
  browser = started.value ?? undefined
  skipReason = started.skip ?? ''
  mkdirSync(ARTIFACTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('playground in Chromium', () => {
  it('streams a chat answer with an expandable tool call and the step count', async (ctx) => {
    if (!browser) return ctx.skip(skipReason)
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/`)
    await expect.poll(() => page.locator('[data-testid=agent-select] option').allTextContents()).toEqual(['weather'])
    await page.fill('[data-testid=chat-input]', 'What is the weather in Paris?')
    await page.click('[data-testid=send]')
    const tool = page.locator('[data-testid=tool-call]')
    await tool.waitFor()
    await expect.poll(() => tool.locator('summary').textContent()).toContain('weather')
    // The answer streams in word by word (80 ms apart): seen part-way, then complete.
    const answer = page.locator('[data-testid=assistant-message] .text')
    await expect.poll(async () => { const t = (await answer.textContent().catch(() => '')) ?? ''; return t.length > 0 && t !== ANSWER && ANSWER.startsWith(t) }, { interval: 20 }).toBe(true)
    await expect.poll(() => answer.textContent(), { timeout: 10_000 }).toBe(ANSWER)
    await tool.locator('summary').click()
    expect(await tool.locator('.kv').allTextContents()).toEqual([expect.stringContaining('"city": "Paris"'), expect.stringContaining('"tempC": 21')])
    await expect.poll(() => page.locator('[data-testid=usage]').textContent()).toMatch(/^2 steps · stop/)
    await page.screenshot({ path: `${ARTIFACTS}/playground-chat.png`, fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })

  it('starts a workflow, shows the graph, and resumes the suspended step from the generated form', async (ctx) => {
    if (!browser) return ctx.skip(skipReason)
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    await page.goto(`${server.url}/#workflows`)
    await page.locator('[data-testid=workflow-graph]').waitFor()
    expect(await page.locator('[data-testid=workflow-graph] g.node').count()).toBeGreaterThanOrEqual(3)
    await page.fill('[data-testid=workflow-input]', '{"topic":"edge agents"}')
    await page.click('[data-testid=workflow-start]')
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent()).toBe('suspended')
    expect(await page.locator('g.node[data-step=approve]').getAttribute('class')).toBe('node suspended')
    const form = page.locator('[data-testid=resume-form]')
    await form.locator('input[name=approved]').check()
    await form.locator('input[name=note]').fill('ship it')
    await page.screenshot({ path: `${ARTIFACTS}/playground-workflow-suspended.png`, fullPage: true })
    await form.locator('button[type=submit]').click()
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent()).toBe('success')
    expect(await page.locator('[data-testid=run] .json').last().textContent()).toContain('"note": "ship it"')
    expect(await page.locator('g.node[data-step=publish]').getAttribute('class')).toBe('node success')
    await page.screenshot({ path: `${ARTIFACTS}/playground-workflow-resumed.png`, fullPage: true })
    await page.close()
  })

  it('shows the agent run in the traces timeline', async (ctx) => {
    if (!browser) return ctx.skip(skipReason)
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } })
    await page.goto(`${server.url}/#traces`)
    const trace = page.locator('[data-testid=trace]').first()
    await trace.waitFor()
    await trace.locator('.trace-head').click()
    await expect.poll(() => trace.locator('.span-row').count()).toBeGreaterThan(1)
    await page.screenshot({ path: `${ARTIFACTS}/playground-traces.png`, fullPage: true })
    await page.close()
  })

  it('searches the retriever and shows scores and chunks', async (ctx) => {
    if (!browser) return ctx.skip(skipReason)
    const page = await browser.newPage({ viewport: { width: 1100, height: 600 } })
    await page.goto(`${server.url}/#search`)
    await page.fill('[data-testid=search-input]', 'publish the worker')
    await page.keyboard.press('Enter')
    const first = page.locator('[data-testid=hits] li').first()
    await first.waitFor()
    expect(await first.locator('.chunk').textContent()).toContain('Run wrangler deploy to publish the worker.')
    expect(await first.locator('.score').textContent()).toMatch(/^\d+\.\d{4}$/)
    await page.screenshot({ path: `${ARTIFACTS}/playground-search.png`, fullPage: true })
    await page.close()
  })

  it('lists threads per resource and inspects messages and working memory', async (ctx) => {
    if (!browser) return ctx.skip(skipReason)
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } })
    await page.goto(`${server.url}/#threads`)
    const item = page.locator('[data-testid=thread-list] li', { hasText: 'Trip planning' })
    await item.click()
    await expect.poll(() => page.locator('.main .msg .bubble').allTextContents()).toEqual([expect.stringContaining('Plan a trip to Lisbon'), expect.stringContaining('Day 1: Alfama.')])
    const [threadWm, resourceWm] = [page.locator('.wm textarea').nth(0), page.locator('.wm textarea').nth(1)]
    await expect.poll(() => threadWm.inputValue()).toBe('# Preferences\n- window seat')
    await resourceWm.fill('Name: Ada')
    await page.locator('.wm button').nth(1).click()
    await expect.poll(() => store.getWorkingMemory({ scope: 'resource', resourceId: 'playground' })).toBe('Name: Ada')
    await page.screenshot({ path: `${ARTIFACTS}/playground-threads.png`, fullPage: true })
    await page.close()
  })
})
