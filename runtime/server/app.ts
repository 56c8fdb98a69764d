import { Hono } from 'hono'
import { cors as honoCors } from 'hono/cors'
import type { Agent } from '../agent/agent.js'
import { LumosError } from '../errors.js'
import { isWorkflow } from '../workflow/definition.js'
import type { Workflow } from '../workflow/workflow.js'
import { authRequired, createAuthCheck } from './auth.js'
import { checkContentLength, DEFAULT_BODY_LIMIT, readJsonObject } from './body.js'
import { jsonResponse, toErrorBody, toOpenAIErrorBody } from './http-error.js'
import { createOpenApiDocument } from './openapi.js'
import { agentRoutes } from './routes/agents.js'
import { healthRoute, openApiRoute, playgroundRoute } from './routes/meta.js'
import { openaiRoutes } from './routes/openai.js'
import { threadRoutes } from './routes/threads.js'
import { retrieverRoutes } from './routes/retriever.js'
import { traceRoutes } from './routes/traces.js'
import { workflowRoutes } from './routes/workflows.js'
import type { AppDeps, AppOptions, RouteDef } from './types.js'
import { LUMOS_VERSION } from './version.js'

export type LumosApp = Hono & {
  /** The route table the app serves (also the source of /openapi.json). */
  readonly lumosRoutes: readonly RouteDef[]
  /** The OpenAPI 3.1 document served at /openapi.json. */
  openapi(): Record<string, unknown>
  /** Whether the app checks credentials (serve() refuses a non-loopback address otherwise). */
  readonly authEnabled: boolean
}

function agentMap(agents: AppOptions['agents']): Map<string, Agent<any>> {
  const map = new Map<string, Agent<any>>()
  if (Array.isArray(agents)) {
    for (const a of agents as ReadonlyArray<Agent<any>>) {
      if (map.has(a.id)) throw new LumosError('SERVER_CONFIG_INVALID', `Two agents have the id '${a.id}'.`, { details: { option: 'agents', id: a.id } })
      map.set(a.id, a)
    }
  } else if (typeof agents === 'object' && agents !== null) {
    for (const [id, a] of Object.entries(agents)) map.set(id, a)
  } else {
    throw new LumosError('SERVER_CONFIG_INVALID', '`agents` must be a record or an array of Agent.', { details: { option: 'agents' } })
  }
  for (const [id, a] of map) {
    if (typeof a?.generate !== 'function' || typeof a.stream !== 'function') throw new LumosError('SERVER_CONFIG_INVALID', `Agent '${id}' is not an Agent.`, { details: { option: 'agents', id } })
  }
  return map
}

/** Unknown (non-Lumos) errors are bugs: log them, since the response hides them. */
function defaultOnError(error: unknown, req: Request): void {
  if (!LumosError.isInstance(error)) console.error(`[lumos] ${req.method} ${new URL(req.url).pathname} failed:`, error)
}

function workflowMap(workflows: AppOptions['workflows']): Map<string, Workflow<any, any, any>> {
  const map = new Map<string, Workflow<any, any, any>>()
  if (workflows === undefined) return map
  if (typeof workflows !== 'object' || workflows === null || Array.isArray(workflows)) throw new LumosError('SERVER_CONFIG_INVALID', '`workflows` must be a record of workflows keyed by id.', { details: { option: 'workflows' } })
  for (const [id, wf] of Object.entries(workflows)) {
    if (!isWorkflow(wf)) throw new LumosError('SERVER_CONFIG_INVALID', `workflows.${id} is not a workflow (createWorkflow(...).commit()).`, { details: { option: 'workflows', id } })
    if (!wf.committed) throw new LumosError('SERVER_CONFIG_INVALID', `Workflow '${id}' is not committed: call commit() before serving it.`, { details: { option: 'workflows', id } })
    map.set(id, wf)
  }
  return map
}

const isOpenAIPath = (path: string) => path === '/v1' || path.startsWith('/v1/')

/**
 * The Lumos HTTP app (hono): REST, AI SDK UI message streams, OpenAI-compatible endpoints and
 * /openapi.json. Web-standard only, so `app.fetch` runs on Node (adapters/node serve()), Workers and Deno.
 */
export function createApp(options: AppOptions): LumosApp {
  if (typeof options !== 'object' || options === null) throw new LumosError('SERVER_CONFIG_INVALID', 'createApp(options) needs an options object.')
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1) throw new LumosError('SERVER_CONFIG_INVALID', '`bodyLimit` must be a positive integer (bytes).', { details: { option: 'bodyLimit' } })
  if (options.retriever !== undefined && typeof options.retriever?.query !== 'function') throw new LumosError('SERVER_CONFIG_INVALID', '`retriever` must have a query(text, options) method (a Retriever).', { details: { option: 'retriever' } })
  if (options.playground !== undefined && typeof options.playground?.html !== 'string') throw new LumosError('SERVER_CONFIG_INVALID', '`playground.html` must be a string.', { details: { option: 'playground' } })
  const deps: AppDeps = {
    agents: agentMap(options.agents),
    workflows: workflowMap(options.workflows),
    retriever: options.retriever,
    store: options.store,
    // Only a tracer that keeps spans (InMemoryTracer) can back /api/traces; others (OTLP) export elsewhere.
    tracer: Array.isArray((options.tracer as { spans?: unknown } | undefined)?.spans) ? options.tracer : undefined,
    playground: options.playground,
    bodyLimit,
    version: options.version ?? LUMOS_VERSION,
    exposeErrors: options.exposeErrors === true,
  }
  const onError = options.onError ?? defaultOnError
  const authCheck = options.auth === undefined ? undefined : createAuthCheck(options.auth)

  let document: Record<string, unknown> | undefined
  const routes: RouteDef[] = [healthRoute, ...agentRoutes, ...threadRoutes, ...workflowRoutes, ...retrieverRoutes, ...traceRoutes, ...openaiRoutes, openApiRoute(() => (document ??= createOpenApiDocument(routes, { version: deps.version, auth: authCheck !== undefined })))]
  if (deps.playground) routes.push(playgroundRoute)
  const publicPaths = new Set(routes.filter((r) => r.public).map((r) => `${r.method.toUpperCase()} ${r.path}`))

  const app = new Hono()
  app.onError((error, c) => {
    const { status, body } = isOpenAIPath(c.req.path) ? toOpenAIErrorBody(error, deps.exposeErrors) : toErrorBody(error, deps.exposeErrors)
    if (status >= 500) onError(error, c.req.raw)
    return jsonResponse(status, body, status === 401 ? { 'www-authenticate': 'Bearer' } : undefined)
  })
  app.notFound((c) => {
    const error = new LumosError('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`, { details: { method: c.req.method, path: c.req.path } })
    const { status, body } = isOpenAIPath(c.req.path) ? toOpenAIErrorBody(error) : toErrorBody(error)
    return jsonResponse(status, body)
  })
  if (options.cors) {
    const { origins, credentials, maxAge } = options.cors
    if (origins !== '*' && !Array.isArray(origins)) throw new LumosError('SERVER_CONFIG_INVALID', "`cors.origins` must be an array of origins or '*'.", { details: { option: 'cors.origins' } })
    if (origins === '*' && credentials) throw new LumosError('SERVER_CONFIG_INVALID', "`cors.credentials` cannot be used with origins '*'.", { details: { option: 'cors' } })
    app.use('*', honoCors({ origin: origins === '*' ? '*' : [...origins], credentials, maxAge, allowHeaders: ['authorization', 'content-type'], exposeHeaders: ['x-vercel-ai-ui-message-stream'] }))
  }
  // Security checks run before any route (CORS preflights are answered above, without credentials).
  app.use('*', async (c, next) => {
    if (authCheck && c.req.method !== 'OPTIONS') {
      const key = `${c.req.method === 'HEAD' ? 'GET' : c.req.method} ${c.req.path}`
      if (!publicPaths.has(key) && !(await authCheck(c.req.raw))) throw authRequired()
    }
    checkContentLength(c.req.raw, bodyLimit)
    await next()
  })
  for (const r of routes) {
    app.on(r.method.toUpperCase(), r.path, (c) =>
      r.handler({
        req: c.req.raw,
        params: c.req.param() as Record<string, string>,
        query: new URL(c.req.url).searchParams,
        deps,
        json: () => readJsonObject(c.req.raw, bodyLimit),
      }),
    )
  }
  return Object.assign(app, {
    lumosRoutes: routes as readonly RouteDef[],
    authEnabled: authCheck !== undefined,
    openapi: () => (document ??= createOpenApiDocument(routes, { version: deps.version, auth: authCheck !== undefined })),
  })
}
