import type { EmbeddingModelV3 } from '@ai-sdk/provider'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import '../../../adapters/node/index.js' // sets the Node wasm loader
import type { ServedApp } from '../../../adapters/node/serve.js'
import { ready } from '../../../runtime/core/init.js'
import { Retriever } from '../../../runtime/rag/retriever.js'
import { WasmVectorStore } from '../../../runtime/rag/wasm-vector-store.js'
import { createStep } from '../../../runtime/workflow/step.js'
import { createWorkflow } from '../../../runtime/workflow/workflow.js'
import { createFixture, postJson, sseData, start } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})
beforeAll(async () => {
  await ready()
})

function approvalWorkflow() {
  const draft = createStep({
    id: 'draft',
    description: 'Writes a draft.',
    inputSchema: z.object({ topic: z.string() }),
    outputSchema: z.object({ text: z.string() }),
    execute: async ({ inputData }) => ({ text: `Draft about ${inputData.topic}` }),
  })
  const approve = createStep({
    id: 'approve',
    description: 'Waits for a human.',
    inputSchema: z.object({ text: z.string() }),
    outputSchema: z.object({ text: z.string(), approved: z.boolean() }),
    resumeSchema: z.object({ approved: z.boolean() }),
    suspendSchema: z.object({ question: z.string() }),
    execute: async ({ inputData, resumeData, suspend }) => {
      if (resumeData === undefined) return suspend({ question: `Publish "${inputData.text}"?` })
      return { text: inputData.text, approved: resumeData.approved }
    },
  })
  return createWorkflow({ id: 'publish', description: 'Draft then approve.', inputSchema: z.object({ topic: z.string() }) }).then(draft).then(approve).commit()
}

/** 8-dimensional letter-bucket vectors: enough for deterministic nearest-neighbour tests. */
const bagEmbedder: EmbeddingModelV3 = {
  specificationVersion: 'v3',
  provider: 'test',
  modelId: 'bag',
  maxEmbeddingsPerCall: 100,
  supportsParallelCalls: true,
  doEmbed: async ({ values }) => ({
    embeddings: values.map((text) => {
      const v = new Array(8).fill(0.01)
      for (const ch of text.toLowerCase()) if (ch >= 'a' && ch <= 'z') v[(ch.charCodeAt(0) - 97) % 8] += 1
      return v
    }),
    warnings: [],
  }),
}

describe('workflow routes', () => {
  it('lists workflows with steps, resume schemas and graph', async () => {
    served = await start({ ...createFixture().options, workflows: { publish: approvalWorkflow() } })
    const body = await (await fetch(`${served.url}/api/workflows`)).json()
    expect(body.workflows).toHaveLength(1)
    const wf = body.workflows[0]
    expect(wf).toMatchObject({ id: 'publish', description: 'Draft then approve.' })
    expect(wf.steps.map((s: { id: string }) => s.id)).toEqual(['draft', 'approve'])
    expect(wf.steps[1].resumeSchema).toMatchObject({ type: 'object', properties: { approved: { type: 'boolean' } }, required: ['approved'] })
    expect(wf.steps[0].resumeSchema).toBe(null)
    expect(wf.graph.mermaid).toContain('draft')
    const graph = await (await fetch(`${served.url}/api/workflows/publish/graph`)).json()
    expect(graph).toEqual(wf.graph)
    const missing = await fetch(`${served.url}/api/workflows/nope/graph`)
    expect(missing.status).toBe(404)
    expect((await missing.json()).error).toMatchObject({ code: 'WORKFLOW_NOT_FOUND', details: { available: ['publish'] } })
  })

  it('start -> suspended -> status -> resume -> success; runs are listed', async () => {
    const fx = createFixture()
    served = await start({ ...fx.options, workflows: { publish: approvalWorkflow() } })
    const u = served.url
    const started = await (await postJson(`${u}/api/workflows/publish/runs`, { inputData: { topic: 'edge AI' }, runId: 'r1' })).json()
    expect(started).toMatchObject({ runId: 'r1', status: 'suspended', suspended: [{ stepId: 'approve', path: ['approve'], suspendPayload: { question: 'Publish "Draft about edge AI"?' } }] })
    // persisted in the configured store
    expect((await fx.store.getWorkflowRun({ workflowId: 'publish', runId: 'r1' }))?.status).toBe('suspended')

    const status = await (await fetch(`${u}/api/workflows/publish/runs/r1`)).json()
    expect(status).toMatchObject({ runId: 'r1', status: 'suspended', suspended: [{ stepId: 'approve' }] })
    expect(status.snapshot.v).toBe(1)

    const badResume = await postJson(`${u}/api/workflows/publish/runs/r1/resume`, { step: 'approve', resumeData: { approved: 'yes' } })
    expect(badResume.status).toBe(400)
    expect((await badResume.json()).error.code).toBe('WORKFLOW_RESUME_DATA_INVALID')

    const resumed = await (await postJson(`${u}/api/workflows/publish/runs/r1/resume`, { step: 'approve', resumeData: { approved: true } })).json()
    expect(resumed).toMatchObject({ runId: 'r1', status: 'success', result: { text: 'Draft about edge AI', approved: true } })

    const again = await postJson(`${u}/api/workflows/publish/runs/r1/resume`, { resumeData: { approved: true } })
    expect(again.status).toBe(409)
    expect((await again.json()).error.code).toBe('WORKFLOW_NOT_SUSPENDED')

    const list = await (await fetch(`${u}/api/workflows/publish/runs?status=success`)).json()
    expect(list.items).toEqual([expect.objectContaining({ runId: 'r1', status: 'success' })])
    const notFound = await fetch(`${u}/api/workflows/publish/runs/nope`)
    expect(notFound.status).toBe(404)
    expect((await notFound.json()).error.code).toBe('WORKFLOW_RUN_NOT_FOUND')
    const badInput = await postJson(`${u}/api/workflows/publish/runs`, { inputData: { topic: 42 } })
    expect(badInput.status).toBe(400)
    expect((await badInput.json()).error.code).toBe('WORKFLOW_INPUT_INVALID')
  })

  it('streams workflow events as SSE, then resume/stream', async () => {
    served = await start({ ...createFixture().options, workflows: { publish: approvalWorkflow() } })
    const res = await postJson(`${served.url}/api/workflows/publish/runs/stream`, { inputData: { topic: 'x' }, runId: 's1' })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const data = await sseData(res)
    expect(data[data.length - 1]).toBe('[DONE]')
    const events = data.slice(0, -1).map((d) => JSON.parse(d))
    expect(events.map((e: { type: string }) => e.type)).toEqual(['workflow-start', 'step-start', 'step-result', 'step-start', 'step-suspended', 'workflow-finish'])
    expect(events[events.length - 1]).toMatchObject({ status: 'suspended' })
    const res2 = await postJson(`${served.url}/api/workflows/publish/runs/s1/resume/stream`, { resumeData: { approved: false } })
    const events2 = (await sseData(res2)).slice(0, -1).map((d) => JSON.parse(d))
    expect(events2[events2.length - 1]).toMatchObject({ type: 'workflow-finish', status: 'success', result: { approved: false } })
  })

  it('rejects uncommitted workflows at createApp', async () => {
    const wf = createWorkflow({ id: 'w' }).then(createStep({ id: 's', execute: async () => 1 }))
    await expect(start({ ...createFixture().options, workflows: { w: wf } })).rejects.toMatchObject({ code: 'SERVER_CONFIG_INVALID' })
  })
})

describe('retriever route', () => {
  it('queries a real Retriever (vector and hybrid, with a filter)', async () => {
    const retriever = new Retriever({ vectorStore: new WasmVectorStore(), embedder: bagEmbedder })
    await retriever.add([
      { id: 'a', text: 'apples and bananas', metadata: { docId: 'fruit', chunkIndex: 0, start: 0, end: 18, lang: 'en' } },
      { id: 'b', text: 'zebra zoo', metadata: { docId: 'zoo', chunkIndex: 0, start: 0, end: 9, lang: 'en' } },
      { id: 'c', text: 'pommes et bananes', metadata: { docId: 'fruit-fr', chunkIndex: 0, start: 0, end: 17, lang: 'fr' } },
    ])
    served = await start({ ...createFixture().options, retriever })
    const u = served.url
    const res = await (await postJson(`${u}/api/retriever/query`, { query: 'bananas apples', topK: 2, mode: 'vector' })).json()
    expect(res.hits).toHaveLength(2)
    expect(res.hits[0]).toMatchObject({ id: 'a', text: 'apples and bananas', metadata: { docId: 'fruit' } })
    expect(typeof res.hits[0].score).toBe('number')
    const filtered = await (await postJson(`${u}/api/retriever/query`, { query: 'bananas', topK: 3, filter: { lang: { $eq: 'fr' } } })).json()
    expect(filtered.hits.map((h: { id: string }) => h.id)).toEqual(['c'])
    const keyword = await (await postJson(`${u}/api/retriever/query`, { query: 'zebra', topK: 1, mode: 'keyword' })).json()
    expect(keyword.hits[0].id).toBe('b')
    const badFilter = await postJson(`${u}/api/retriever/query`, { query: 'x', filter: { lang: { $regex: 'f' } } })
    expect(badFilter.status).toBe(400)
    expect((await badFilter.json()).error.code).toBe('FILTER_INVALID')
    const badMode = await postJson(`${u}/api/retriever/query`, { query: 'x', mode: 'magic' })
    expect(badMode.status).toBe(400)
    const noQuery = await postJson(`${u}/api/retriever/query`, { topK: 1 })
    expect((await noQuery.json()).error).toMatchObject({ code: 'REQUEST_INVALID', details: { param: 'query' } })
  })

  it('without a retriever: 404 FEATURE_NOT_CONFIGURED', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/api/retriever/query`, { query: 'x' })
    expect(res.status).toBe(404)
    expect((await res.json()).error.details.option).toBe('retriever')
  })
})
