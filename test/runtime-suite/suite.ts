// The runtime suite of issue 7: the same cases, imported unchanged in Node (vitest), workerd, Deno and
// Chromium (where `vitest` maps to the portable harness, test/portable/). Each runtime passes its own
// Store, wasm init and the bytes of the snapshot `lumos ingest` built from ./fixtures/docs.
import { describe, expect, it } from 'vitest'
import { MockModel } from '../../runtime/test/index.js'
import { lexicalEmbedder, LumosError, Retriever, VectorIndex, type Store } from '../../runtime/index.js'
import { createRefundWorkflow, createSupportAgent, SUPPORT_INSTRUCTIONS } from './agent-definition.js'

export interface RuntimeSuiteContext {
  /** 'node', 'workerd', 'deno', 'chromium'. */
  runtime: string
  /** A fresh, empty Store of this runtime. */
  createStore(): Promise<Store>
  /** A second handle on the data of the store `createStore` returned last (as a new process would open it). */
  reopenStore(): Promise<Store>
  /** Initialises the wasm core with this runtime's loader. */
  ready(): Promise<void>
  /** The `lumos ingest` snapshot of ./fixtures/docs. */
  snapshot(): Promise<Uint8Array>
}

export type TestFn = (name: string, fn: () => Promise<void>, timeout?: number) => void

/** Suite title: the same in every runtime, so case names compare as they are. */
export const RUNTIME_SUITE = 'Runtime suite'

export function runRuntimeSuite(ctx: RuntimeSuiteContext): void {
  describe(RUNTIME_SUITE, () => runtimeCases((name, fn, timeout) => it(name, fn, timeout), ctx))
}

/** The case names, collected without running anything. */
export function runtimeCaseNames(): string[] {
  const names: string[] = []
  runtimeCases((name) => void names.push(name), {} as RuntimeSuiteContext)
  return names
}

const USER = 'user-1'
const text = (parts: Array<{ type: string; text?: string }>) => parts.filter((p) => p.type === 'text').map((p) => p.text)

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection, got a value')
}

export function runtimeCases(test: TestFn, ctx: RuntimeSuiteContext): void {
  let retriever: Retriever | undefined
  const loadRetriever = async (): Promise<Retriever> => {
    await ctx.ready()
    retriever ??= await Retriever.load(await ctx.snapshot(), { embedder: lexicalEmbedder() })
    return retriever
  }
  const withStore = async (fn: (store: Store) => Promise<void>): Promise<void> => {
    const store = await ctx.createStore()
    try {
      await fn(store)
    } finally {
      await store.close()
    }
  }

  test('agent: the mock model calls the zod tool, gets its result and answers (generate and stream)', async () => {
    const retriever = await loadRetriever()
    await withStore(async (store) => {
      const model = new MockModel({
        responses: [
          { toolCalls: [{ toolName: 'lookup_order', input: { orderId: 'bad id' } }] },
          { toolCalls: [{ toolName: 'lookup_order', input: { orderId: 'ord_42' } }] },
          { text: 'Order ord_42 has shipped (2 items).' },
        ],
      })
      const agent = createSupportAgent({ model, store, retriever })
      expect(Object.keys(agent.tools).sort()).toEqual(['lookup_order', 'search_docs'])
      const r = await agent.generate('Where is my order ord_42?', { memory: { thread: 'agent-t', resource: USER } })
      expect(r.text).toBe('Order ord_42 has shipped (2 items).')
      expect(r.steps.length).toBe(3)
      expect(r.toolResults.map((t) => [t.toolName, t.isError, t.error?.code ?? null])).toEqual([
        ['lookup_order', true, 'TOOL_INPUT_INVALID'],
        ['lookup_order', false, null],
      ])
      expect(r.toolResults[1].output).toEqual({ orderId: 'ord_42', status: 'shipped', items: 2 })
      // the zod issue went back to the model, then the tool result
      expect(JSON.stringify(model.calls[1].prompt)).toContain('order ids look like ord_123')
      expect(JSON.stringify(model.calls[2].prompt)).toContain('"status":"shipped"')
      expect(model.calls[0].prompt[0]).toEqual({ role: 'system', content: SUPPORT_INSTRUCTIONS })
      const tools = (model.calls[0].tools ?? []).map((t) => [t.name, (t as { inputSchema?: { required?: string[] } }).inputSchema?.required])
      expect(tools).toEqual([
        ['lookup_order', ['orderId']],
        ['search_docs', ['query']],
      ])

      // stream(): the same loop over Web streams; the turn joins the thread's history
      const sModel = new MockModel({ responses: [{ toolCalls: [{ toolName: 'lookup_order', input: { orderId: 'ord_7' } }] }, { text: 'Order ord_7 is still processing.' }] })
      const s = await createSupportAgent({ model: sModel, store, retriever }).stream('And ord_7?', { memory: { thread: 'agent-t', resource: USER } })
      const chunks: string[] = []
      const reader = s.textStream.getReader()
      for (let c = await reader.read(); !c.done; c = await reader.read()) chunks.push(c.value)
      expect(chunks.join('')).toBe('Order ord_7 is still processing.')
      expect(chunks.length).toBeGreaterThan(1)
      expect((await s.toolResults).map((t) => t.output)).toEqual([{ orderId: 'ord_7', status: 'processing', items: 1 }])
      // the first turn is replayed with its two tool calls and their results
      expect(sModel.calls[0].prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'user'])
      expect((await store.listMessages({ threadId: 'agent-t', resourceId: USER })).items.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    })
  })

  test('memory: the second turn sees the first through a new store handle; a new thread recalls it semantically', async () => {
    const retriever = await loadRetriever()
    const first = await ctx.createStore()
    let second: Store | undefined
    let third: Store | undefined
    try {
      const model1 = new MockModel({ responses: [{ text: 'Nice to meet you, Ada.' }] })
      const r1 = await createSupportAgent({ model: model1, store: first, retriever }).generate('My name is Ada and my favourite colour is teal', { memory: { thread: 'mem-t', resource: USER } })
      second = await ctx.reopenStore()
      const model2 = new MockModel({ responses: [{ text: 'Your name is Ada.' }] })
      const agent2 = createSupportAgent({ model: model2, store: second, retriever })
      const r2 = await agent2.generate('What is my name?', { memory: { thread: 'mem-t', resource: USER } })
      expect(r2.text).toBe('Your name is Ada.')
      const prompt = model2.calls[0].prompt
      expect(prompt.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
      expect(prompt[1]).toMatchObject({ role: 'user', content: [{ type: 'text', text: 'My name is Ada and my favourite colour is teal' }] })
      expect(prompt[2]).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'Nice to meet you, Ada.' }] })
      const ui = await agent2.memory!.getUIMessages({ threadId: 'mem-t', resourceId: USER })
      expect(ui.map((m) => [m.role, text(m.parts)])).toEqual([
        ['user', ['My name is Ada and my favourite colour is teal']],
        ['assistant', ['Nice to meet you, Ada.']],
        ['user', ['What is my name?']],
        ['assistant', ['Your name is Ada.']],
      ])
      expect(ui[1].id).toBe(r1.runId)
      const stored = await second.listMessages({ threadId: 'mem-t', resourceId: USER })
      expect(stored.items.map((m) => [m.seq, m.role])).toEqual([
        [1, 'user'],
        [2, 'assistant'],
        [3, 'user'],
        [4, 'assistant'],
      ])

      // a new thread of the same user, on a third handle: semantic recall (index in Store blobs) finds turn one
      third = await ctx.reopenStore()
      const model3 = new MockModel({ responses: [{ text: 'Teal.' }] })
      await createSupportAgent({ model: model3, store: third, retriever }).generate('Which favourite colour did I mention?', { memory: { thread: 'mem-t2', resource: USER } })
      const p3 = model3.calls[0].prompt
      expect(p3.map((m) => m.role)).toEqual(['system', 'system', 'user'])
      expect(String(p3[1].content)).toContain('My name is Ada and my favourite colour is teal')
      expect(String(p3[1].content)).not.toContain('Your name is Ada.')
    } finally {
      await third?.close()
      await second?.close()
      await first.close()
    }
  })

  test('rag: hybrid query over the lumos ingest snapshot, and the agent cites it through search_docs', async () => {
    const retriever = await loadRetriever()
    expect(Retriever.snapshotInfo(await ctx.snapshot())).toEqual({ embedder: { provider: 'lumos', modelId: 'lexical-512' }, keyword: true })
    const hits = await retriever.query('how do I rotate my API key', { topK: 3, mode: 'hybrid' })
    // Only api-keys.md shares words with the query; ranks 2-3 come from near-zero hashed-vector
    // similarities, so the suite pins the top hit and the set, not the order of the tail.
    expect(hits[0].id).toBe('api-keys.md#0')
    expect(hits.map((h) => h.id).slice(1).sort()).toEqual(['billing.md#0', 'offline.md#0'])
    expect(hits[0]).toMatchObject({ metadata: { source: 'api-keys.md', docId: 'api-keys.md', chunkIndex: 0 } })
    expect(hits[0].text).toContain('press Rotate')
    expect(hits[0].vectorScore).toBeGreaterThan(0)
    expect(hits[0].keywordScore).toBeGreaterThan(0)
    expect((await retriever.query('when will my refund arrive', { topK: 1, mode: 'keyword' })).map((h) => h.id)).toEqual(['billing.md#0'])
    expect((await retriever.query('where do orders ship from', { topK: 1, mode: 'vector' })).map((h) => h.id)).toEqual(['shipping.md#0'])
    expect((await retriever.query('rotate key', { topK: 3, filter: { docId: { $in: ['billing.md', 'offline.md'] } } })).map((h) => h.id).sort()).toEqual(['billing.md#0', 'offline.md#0'])

    await withStore(async (store) => {
      const model = new MockModel({
        responses: [{ toolCalls: [{ toolName: 'search_docs', input: { query: 'rotate API key' } }] }, { text: 'Settings, then API keys, then Rotate [1].' }],
      })
      const r = await createSupportAgent({ model, store, retriever }).generate('How do I rotate my key?', { memory: { thread: 'rag-t', resource: USER } })
      expect(r.text).toBe('Settings, then API keys, then Rotate [1].')
      const out = r.toolResults[0].output as { context: string; citations: unknown[] }
      expect(r.toolResults[0].isError).toBe(false)
      expect(out.context).toContain('[1]')
      expect(out.context).toContain('press Rotate')
      expect(out.citations[0]).toMatchObject({ n: 1, source: 'api-keys.md', chunkIds: ['api-keys.md#0'] })
    })
  })

  test('workflow: suspends, and a run from wf.getRun on a new store handle resumes it', async () => {
    await ctx.ready()
    const first = await ctx.createStore()
    let second: Store | undefined
    try {
      const wf = createRefundWorkflow()
      const run = await wf.createRun({ store: first, runId: 'refund-1', resourceId: USER })
      const r = await run.start({ inputData: { orderId: 'ord_42', amount: 30 } })
      expect(r.status).toBe('suspended')
      expect(r.suspended).toEqual([{ stepId: 'approve', path: ['approve'], suspendPayload: { question: 'Refund 30 for ord_42?' } }])
      expect(await first.getWorkflowRun({ workflowId: 'refund', runId: 'refund-1' })).toMatchObject({ status: 'suspended', resourceId: USER })

      second = await ctx.reopenStore()
      const again = await createRefundWorkflow().getRun('refund-1', { store: second })
      expect(again).not.toBe(run)
      expect(again.status).toBe('suspended')
      const bad = await rejection(again.resume({ step: 'approve', resumeData: { approved: 'yes' } }))
      expect(bad).toMatchObject({ code: 'WORKFLOW_RESUME_DATA_INVALID', details: { stepId: 'approve' } })
      const done = await again.resume({ step: 'approve', resumeData: { approved: true, by: 'agent-7' } })
      expect(done.status).toBe('success')
      expect(done.result).toEqual({ refund: 'refunded 30 on ord_42', by: 'agent-7' })
      expect(done.steps.check).toMatchObject({ status: 'success', output: { orderId: 'ord_42', amount: 30, eligible: true } })
      expect((await second.getWorkflowRun({ workflowId: 'refund', runId: 'refund-1' }))?.status).toBe('success')
    } finally {
      await second?.close()
      await first.close()
    }
  })

  test('typed errors: K_OUT_OF_RANGE, FILTER_INVALID, THREAD_ACCESS_DENIED, WORKFLOW_NOT_SUSPENDED', async () => {
    const retriever = await loadRetriever()
    const index = new VectorIndex({ dimensions: 3 })
    try {
      const e = await rejection(() => index.search([1, 0, 0], { k: 0 }))
      expect(LumosError.isInstance(e)).toBe(true)
      expect(e).toMatchObject({ code: 'K_OUT_OF_RANGE', details: { k: 0 } })
    } finally {
      index.free()
    }
    const f = await rejection(retriever.query('rotate', { filter: { docId: { $regex: 'x' } } as never }))
    expect(LumosError.isInstance(f)).toBe(true)
    expect(f).toMatchObject({ code: 'FILTER_INVALID', details: { operator: '$regex' } })

    await withStore(async (store) => {
      const model = new MockModel({ responses: [{ text: 'hi' }] })
      const agent = createSupportAgent({ model, store, retriever })
      await agent.generate('hello', { memory: { thread: 'owned', resource: USER } })
      const denied = await rejection(agent.generate('let me in', { memory: { thread: 'owned', resource: 'intruder' } }))
      expect(LumosError.isInstance(denied)).toBe(true)
      expect(denied).toMatchObject({ code: 'THREAD_ACCESS_DENIED', details: { threadId: 'owned', resourceId: 'intruder' } })
      expect(model.calls.length).toBe(1) // refused before the model was called

      const wf = createRefundWorkflow()
      const run = await wf.createRun({ store, runId: 'refund-2' })
      await run.start({ inputData: { orderId: 'ord_7', amount: 500 } })
      const done = await run.resume({ resumeData: { approved: true, by: 'x' } })
      expect(done.result).toEqual({ refund: 'declined', by: 'x' }) // not eligible above 100
      const again = await (await wf.getRun('refund-2', { store })).resume({ resumeData: { approved: true, by: 'x' } }).catch((e: unknown) => e)
      expect(LumosError.isInstance(again)).toBe(true)
      expect(again).toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED', details: { status: 'success' } })
      expect(await rejection(wf.getRun('missing', { store }))).toMatchObject({ code: 'WORKFLOW_RUN_NOT_FOUND' })
    })
  })
}
