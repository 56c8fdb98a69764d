import { LumosError } from '../../errors.js'
import type { JsonSchema } from '../../schema/standard-schema.js'
import { toJsonSchema } from '../../schema/to-json-schema.js'
import type { Entry, StepLike } from '../../workflow/definition.js'
import { entrySteps, isWorkflow } from '../../workflow/definition.js'
import { listSuspended } from '../../workflow/run.js'
import type { RunSnapshot, WorkflowEvent, WorkflowRunResult } from '../../workflow/types.js'
import type { Workflow } from '../../workflow/workflow.js'
import { jsonResponse } from '../http-error.js'
import type { AppDeps, RouteDef } from '../types.js'
import { optionalString, queryInt, queryString, requireString } from '../validate.js'

type AnyWorkflow = Workflow<any, any, any>

function findWorkflow(deps: AppDeps, id: string): AnyWorkflow {
  const wf = deps.workflows.get(id)
  if (wf === undefined) throw new LumosError('WORKFLOW_NOT_FOUND', `No workflow with id '${id}'. Available: ${[...deps.workflows.keys()].join(', ') || '(none)'}.`, { details: { id, available: [...deps.workflows.keys()] } })
  return wf
}

function schemaJson(schema: unknown): JsonSchema | null {
  if (schema === undefined || schema === null) return null
  try {
    return toJsonSchema(schema as never)
  } catch {
    return null // not convertible: the playground falls back to a JSON text field
  }
}

interface StepView {
  id: string
  description: string | null
  type: string
  inputSchema: JsonSchema | null
  resumeSchema: JsonSchema | null
  suspendSchema: JsonSchema | null
  steps?: StepView[]
}

/** The steps of a workflow (nested workflows recursively) with the JSON Schemas a UI needs for forms. */
function describeSteps(entries: readonly Entry[]): StepView[] {
  const out: StepView[] = []
  for (const entry of entries) {
    for (const step of entrySteps(entry) as StepLike[]) {
      if (isWorkflow(step)) {
        out.push({ id: step.id, description: step.description ?? null, type: 'workflow', inputSchema: schemaJson(step.inputSchema), resumeSchema: null, suspendSchema: null, steps: describeSteps(step.entries) })
      } else {
        out.push({ id: step.id, description: step.description ?? null, type: step.source, inputSchema: schemaJson(step.inputSchema), resumeSchema: schemaJson(step.resumeSchema), suspendSchema: schemaJson(step.suspendSchema) })
      }
    }
  }
  return out
}

function describeWorkflow(id: string, wf: AnyWorkflow) {
  return { id, description: wf.description ?? null, inputSchema: schemaJson(wf.inputSchema), steps: describeSteps(wf.entries), graph: wf.graph() }
}

function errorView(error: { code?: string; message: string } | undefined, expose: boolean) {
  if (error === undefined) return undefined
  const code = error.code ?? 'INTERNAL'
  return { code, message: expose ? error.message : `An error occurred (${code}).` }
}

function resultView(r: WorkflowRunResult<unknown>, expose: boolean) {
  return {
    runId: r.runId,
    status: r.status,
    ...(r.result !== undefined ? { result: r.result } : {}),
    ...(r.error !== undefined ? { error: errorView(r.error, expose) } : {}),
    ...(r.suspended !== undefined ? { suspended: r.suspended } : {}),
    steps: r.steps,
  }
}

function eventView(e: WorkflowEvent, expose: boolean): WorkflowEvent {
  if ((e.type === 'step-failed' || e.type === 'step-retry' || e.type === 'workflow-finish') && e.error !== undefined) return { ...e, error: errorView(e.error, expose)! } as WorkflowEvent
  return e
}

/** Workflow events as SSE (`data: <WorkflowEvent JSON>`), ended by `data: [DONE]`. Disconnect cancels nothing: runs are durable. */
function eventStreamResponse(events: AsyncIterable<WorkflowEvent>, expose: boolean): Response {
  const encoder = new TextEncoder()
  const iterator = events[Symbol.asyncIterator]()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next()
      if (done) {
        controller.enqueue(encoder.encode('data: [DONE]\n\n'))
        controller.close()
        return
      }
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(eventView(value, expose))}\n\n`))
    },
    async cancel() {
      await iterator.return?.()
    },
  })
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' } })
}

const runResult: JsonSchema = {
  type: 'object',
  properties: {
    runId: { type: 'string' },
    status: { enum: ['success', 'suspended', 'failed', 'canceled'] },
    result: {},
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    suspended: { type: 'array', items: { type: 'object', properties: { stepId: { type: 'string' }, path: { type: 'array', items: { type: 'string' } }, suspendPayload: {} }, required: ['stepId', 'path'] } },
    steps: { type: 'object' },
  },
  required: ['runId', 'status'],
}
const stepView: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, description: { type: ['string', 'null'] }, type: { type: 'string' }, inputSchema: {}, resumeSchema: {}, suspendSchema: {}, steps: { type: 'array', items: { type: 'object' } } },
  required: ['id', 'type'],
}
const graph: JsonSchema = { type: 'object', properties: { nodes: { type: 'array', items: { type: 'object' } }, edges: { type: 'array', items: { type: 'object' } }, mermaid: { type: 'string' } }, required: ['nodes', 'edges', 'mermaid'] }
const workflowView: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, description: { type: ['string', 'null'] }, inputSchema: {}, steps: { type: 'array', items: stepView }, graph },
  required: ['id', 'steps', 'graph'],
}
const startBody: JsonSchema = { type: 'object', properties: { inputData: {}, runId: { type: 'string' }, resourceId: { type: 'string' } } }
const resumeBody: JsonSchema = { type: 'object', properties: { step: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, resumeData: {} } }
const sse = { description: 'SSE of workflow events (`data: <WorkflowEvent JSON>`), ended by `data: [DONE]`.', contentType: 'text/event-stream', schema: { type: 'string' } }

type Body = Record<string, unknown>

/** A start request: the workflow's new run (with the body's runId/resourceId) and the body. */
async function runToStart(deps: AppDeps, id: string, json: () => Promise<Body>) {
  const wf = findWorkflow(deps, id)
  const body = await json()
  const run = await wf.createRun({ store: deps.store, runId: optionalString(body.runId, 'runId'), resourceId: optionalString(body.resourceId, 'resourceId') })
  return { run, body }
}

/** A resume request: the stored run it names and the body. */
async function runToResume(deps: AppDeps, params: Record<string, string>, json: () => Promise<Body>) {
  const body = await json()
  const run = await findWorkflow(deps, params.id).getRun(params.runId, { store: deps.store })
  return { run, body }
}

function streamResponse(stream: AsyncIterable<WorkflowEvent> & { result: Promise<unknown> }, deps: AppDeps): Response {
  stream.result.catch(() => {}) // failures arrive as events
  return eventStreamResponse(stream, deps.exposeErrors)
}

function parseStep(value: unknown): string | string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' && value !== '') return value
  if (Array.isArray(value) && value.length > 0 && value.every((s) => typeof s === 'string')) return value as string[]
  throw new LumosError('REQUEST_INVALID', '`step` must be a step id or a path of step ids.', { details: { param: 'step' } })
}

export const workflowRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/workflows',
    operationId: 'listWorkflows',
    summary: 'The workflows with their steps (and resume schemas) and graphs.',
    tag: 'workflows',
    responses: { 200: { description: 'The workflows.', schema: { type: 'object', properties: { workflows: { type: 'array', items: workflowView } }, required: ['workflows'] } } },
    handler: ({ deps }) => jsonResponse(200, { workflows: [...deps.workflows].map(([id, wf]) => describeWorkflow(id, wf)) }),
  },
  {
    method: 'get',
    path: '/api/workflows/:id/graph',
    operationId: 'getWorkflowGraph',
    summary: 'The workflow graph (nodes, edges, mermaid).',
    tag: 'workflows',
    responses: { 200: { description: 'The graph.', schema: graph } },
    handler: ({ deps, params }) => jsonResponse(200, findWorkflow(deps, params.id).graph()),
  },
  {
    method: 'post',
    path: '/api/workflows/:id/runs',
    operationId: 'startWorkflowRun',
    summary: 'Start a run and wait until it succeeds, fails or suspends.',
    tag: 'workflows',
    body: startBody,
    responses: { 200: { description: 'The run result.', schema: runResult } },
    handler: async ({ deps, params, json }) => {
      const { run, body } = await runToStart(deps, params.id, json)
      return jsonResponse(200, resultView(await run.start({ inputData: body.inputData }), deps.exposeErrors))
    },
  },
  {
    method: 'post',
    path: '/api/workflows/:id/runs/stream',
    operationId: 'streamWorkflowRun',
    summary: 'Start a run and stream its events.',
    tag: 'workflows',
    body: startBody,
    responses: { 200: sse },
    handler: async ({ deps, params, json }) => {
      const { run, body } = await runToStart(deps, params.id, json)
      return streamResponse(run.stream({ inputData: body.inputData }), deps)
    },
  },
  {
    method: 'get',
    path: '/api/workflows/:id/runs',
    operationId: 'listWorkflowRuns',
    summary: 'Stored runs of the workflow, newest first.',
    tag: 'workflows',
    query: [
      { name: 'status', schema: { type: 'string' } },
      { name: 'resourceId', schema: { type: 'string' } },
      { name: 'cursor', schema: { type: 'string' } },
      { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
    ],
    responses: {
      200: {
        description: 'A page of runs (without snapshots).',
        schema: {
          type: 'object',
          properties: {
            items: { type: 'array', items: { type: 'object', properties: { runId: { type: 'string' }, status: { type: 'string' }, resourceId: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' } }, required: ['runId', 'status'] } },
            nextCursor: { type: ['string', 'null'] },
          },
          required: ['items', 'nextCursor'],
        },
      },
    },
    handler: async ({ deps, params, query }) => {
      const wf = findWorkflow(deps, params.id)
      const page = await wf.listRuns({ store: deps.store, status: queryString(query, 'status'), resourceId: queryString(query, 'resourceId'), cursor: queryString(query, 'cursor'), limit: queryInt(query, 'limit', 1, 1000) })
      return jsonResponse(200, { items: page.items.map((r) => ({ runId: r.runId, status: r.status, resourceId: r.resourceId, createdAt: r.createdAt, updatedAt: r.updatedAt })), nextCursor: page.nextCursor })
    },
  },
  {
    method: 'get',
    path: '/api/workflows/:id/runs/:runId',
    operationId: 'getWorkflowRun',
    summary: 'Status and snapshot of one run (with its suspended steps).',
    tag: 'workflows',
    responses: {
      200: {
        description: 'The run.',
        schema: { type: 'object', properties: { runId: { type: 'string' }, status: { type: 'string' }, snapshot: {}, suspended: { type: 'array', items: { type: 'object' } } }, required: ['runId', 'status', 'snapshot', 'suspended'] },
      },
    },
    handler: async ({ deps, params }) => {
      const run = await findWorkflow(deps, params.id).getRun(requireString(params.runId, 'runId'), { store: deps.store })
      const snapshot = run.snapshot as RunSnapshot | undefined
      return jsonResponse(200, { runId: run.runId, status: run.status, snapshot: snapshot ?? null, suspended: snapshot?.status === 'suspended' ? listSuspended(snapshot.root, []) : [] })
    },
  },
  {
    method: 'post',
    path: '/api/workflows/:id/runs/:runId/resume',
    operationId: 'resumeWorkflowRun',
    summary: 'Resume a suspended run with data for the suspended step; waits like start.',
    tag: 'workflows',
    body: resumeBody,
    responses: { 200: { description: 'The run result.', schema: runResult } },
    handler: async ({ deps, params, json }) => {
      const { run, body } = await runToResume(deps, params, json)
      return jsonResponse(200, resultView(await run.resume({ step: parseStep(body.step), resumeData: body.resumeData }), deps.exposeErrors))
    },
  },
  {
    method: 'post',
    path: '/api/workflows/:id/runs/:runId/resume/stream',
    operationId: 'resumeWorkflowRunStream',
    summary: 'Resume a suspended run and stream its events.',
    tag: 'workflows',
    body: resumeBody,
    responses: { 200: sse },
    handler: async ({ deps, params, json }) => {
      const { run, body } = await runToResume(deps, params, json)
      return streamResponse(run.resumeStream({ step: parseStep(body.step), resumeData: body.resumeData }), deps)
    },
  },
]
