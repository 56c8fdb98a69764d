import { LumosError } from '../../runtime/errors.js'
import type { LumosApp } from '../../runtime/server/app.js'
import { DEFAULT_BODY_LIMIT } from '../../runtime/server/body.js'
import type { DurableObjectNamespaceLike, ExecutionContextLike } from './bindings.js'
import { buildWorkerApp, DEFAULT_OBJECT_BINDING, type WorkerAppOptions } from './worker-app.js'

export interface WorkerHandler<Env> {
  fetch(request: Request, env: Env, ctx?: ExecutionContextLike): Promise<Response>
}

/** Where a request goes: the Durable Object with this name, or the stateless front app (null). */
export interface ObjectRoute {
  name: string
  /** The body to forward when the router had to fill in an id (a new run or thread). */
  body?: string
}

const AGENT_TURN = /^\/api\/agents\/[^/]+\/(stream|generate)$/
const THREAD = /^\/api\/threads\/([^/]+)(\/.*)?$/
const RUN_START = /^\/api\/workflows\/[^/]+\/runs(\/stream)?$/
const RUN = /^\/api\/workflows\/[^/]+\/runs\/([^/]+)(\/.*)?$/

/**
 * The Worker entry: serves the same HTTP API as `serve()` on Node (createApp on hono). Requests that
 * belong to a conversation thread or a workflow run go to the Durable Object named after it
 * (`thread:<threadId>`, `run:<runId>`), whose class is `createAgentObject(options)`; that object keeps
 * the thread's messages / the run's snapshots in its own SQLite storage. The rest (agent list, turns
 * without a thread, OpenAI-compatible routes, health, OpenAPI) is answered by the Worker itself.
 *
 * Listing threads of a resource (`GET /api/threads`) and runs of a workflow spans objects and is
 * not answered here (FEATURE_NOT_CONFIGURED): keep such an index in D1/KV if an app needs it.
 */
export function createWorkerHandler<Env = Record<string, unknown>>(options: WorkerAppOptions<Env>): WorkerHandler<Env> {
  const bindingName = options.binding ?? DEFAULT_OBJECT_BINDING
  // One app per isolate: env does not change between requests of a deployment.
  let front: Promise<LumosApp> | undefined
  return {
    async fetch(request, env) {
      const namespace = (env as Record<string, unknown> | undefined)?.[bindingName] as DurableObjectNamespaceLike | undefined
      const route = namespace ? await routeToObject(request) : null
      if (route && namespace) {
        if (typeof namespace.idFromName !== 'function') {
          throw new LumosError('WORKER_BINDING_MISSING', `env.${bindingName} is not a Durable Object namespace.`, { details: { binding: bindingName } })
        }
        const stub = namespace.get(namespace.idFromName(route.name))
        return stub.fetch(route.body === undefined ? request : withBody(request, route.body))
      }
      if (front === undefined) {
        front = buildWorkerApp(options, env, undefined)
        front.catch(() => (front = undefined)) // a failed cold start is retried by the next request
      }
      return (await front).fetch(request)
    },
  }
}

/**
 * Which Durable Object owns this request (null: none, the front answers). Agent turns are routed by
 * the thread the body names (`threadId`, or useChat's `id` with a `resourceId`), like the server reads it.
 */
export async function routeToObject(request: Request): Promise<ObjectRoute | null> {
  const { pathname } = new URL(request.url)
  const method = request.method.toUpperCase()
  const thread = THREAD.exec(pathname)
  if (thread) return { name: `thread:${decodeURIComponent(thread[1])}` }
  const starting = method === 'POST' && RUN_START.test(pathname) // before RUN: '/runs/stream' is not a run id
  const run = starting ? null : RUN.exec(pathname)
  if (run) return { name: `run:${decodeURIComponent(run[1])}` }
  if (method !== 'POST') return null
  if (AGENT_TURN.test(pathname)) {
    const body = await peekJson(request)
    if (!body) return null
    const resourceId = typeof body.resourceId === 'string' ? body.resourceId : undefined
    const threadId = typeof body.threadId === 'string' ? body.threadId : resourceId !== undefined && typeof body.id === 'string' ? body.id : undefined
    return threadId !== undefined && resourceId !== undefined ? { name: `thread:${threadId}` } : null
  }
  if (pathname === '/api/threads') {
    const body = await peekJson(request)
    if (!body) return null
    if (typeof body.id === 'string') return { name: `thread:${body.id}` }
    const id = crypto.randomUUID()
    return { name: `thread:${id}`, body: JSON.stringify({ ...body, id }) }
  }
  if (starting) {
    const body = await peekJson(request)
    if (!body) return null
    if (typeof body.runId === 'string') return { name: `run:${body.runId}` }
    const runId = crypto.randomUUID()
    return { name: `run:${runId}`, body: JSON.stringify({ ...body, runId }) }
  }
  return null
}

/** The JSON body, read from a clone; null when it is not a JSON object (the front app then answers the error). */
async function peekJson(request: Request): Promise<Record<string, unknown> | null> {
  const length = Number(request.headers.get('content-length') ?? '0')
  if (length > DEFAULT_BODY_LIMIT * 16) return null
  if (!(request.headers.get('content-type') ?? '').toLowerCase().includes('application/json')) return null
  try {
    const body: unknown = await request.clone().json()
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function withBody(request: Request, body: string): Request {
  const headers = new Headers(request.headers)
  headers.delete('content-length')
  return new Request(request.url, { method: request.method, headers, body, signal: request.signal })
}
