import type { Agent } from '../agent/agent.js'
import type { JsonSchema } from '../schema/standard-schema.js'
import type { Store } from '../storage/types.js'
import type { ReadableSpan } from '../tracing/tracer.js'
import type { Workflow } from '../workflow/workflow.js'
import type { AuthOption } from './auth.js'

/** What the traces routes read: an InMemoryTracer (or anything keeping finished spans). */
export interface SpanSource {
  readonly spans: readonly ReadableSpan[]
}

export interface CorsOptions {
  /** Allowed origins (exact match), or '*' for any origin. */
  origins: readonly string[] | '*'
  credentials?: boolean
  /** Preflight cache time in seconds. */
  maxAge?: number
}

export interface AppOptions {
  /** Agents by id (the record key is the id used in URLs and as the OpenAI model name), or a list (each agent's `id`). */
  agents: Record<string, Agent<any>> | ReadonlyArray<Agent<any>>
  /** Workflows by id (the record key is the id in URLs), created with createWorkflow(...).commit(). Runs are stored in `store` (else in each workflow's own in-memory store). */
  workflows?: Record<string, Workflow<any, any, any>>
  /** The retriever behind POST /api/retriever/query (runtime/rag). */
  retriever?: { query(query: string, options?: Record<string, unknown>): Promise<unknown> }
  /** Threads, messages and working-memory routes need a store. */
  store?: Store
  /** The traces route reads finished spans from it (give the same tracer to the agents). */
  tracer?: SpanSource
  /** Required by `serve()` on a non-loopback address. Preflight requests, GET /api/health and the playground page are public. */
  auth?: AuthOption
  /** Default: no CORS headers (browsers allow same-origin only). */
  cors?: CorsOptions
  /** Maximum request body in bytes (default 1 MiB); larger bodies get 413. */
  bodyLimit?: number
  /** HTML served at GET / (the dev playground). */
  playground?: { html: string }
  /**
   * Show messages and details of 5xx errors (model, store, internal failures) to clients. Default false:
   * they can carry provider URLs, paths or SQL; the code and fix are always sent. `lumos dev` turns it on.
   */
  exposeErrors?: boolean
  /** Called with every error answered with a 5xx status (default: console.error for INTERNAL only, i.e. bugs). */
  onError?: (error: unknown, req: Request) => void
  /** Reported by /api/health and in /openapi.json (default: this package's version). */
  version?: string
}

/** Resolved configuration the route handlers read. */
export interface AppDeps {
  agents: ReadonlyMap<string, Agent<any>>
  workflows: ReadonlyMap<string, Workflow<any, any, any>>
  retriever: AppOptions['retriever']
  store: Store | undefined
  tracer: SpanSource | undefined
  playground: { html: string } | undefined
  bodyLimit: number
  version: string
  exposeErrors: boolean
}

export interface RouteContext {
  req: Request
  params: Record<string, string>
  query: URLSearchParams
  deps: AppDeps
  /** The body as a JSON object (limit-checked; {} when empty). */
  json(): Promise<Record<string, unknown>>
}

export interface QueryParam {
  name: string
  required?: boolean
  schema: JsonSchema
  description?: string
}

export interface RouteResponse {
  description: string
  /** JSON Schema of the body; omitted for no body. */
  schema?: JsonSchema
  /** Default application/json. */
  contentType?: string
}

/** One route: what the app registers and what /openapi.json documents, from the same table. */
export interface RouteDef {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** Hono path syntax (`/api/agents/:id`). */
  path: string
  operationId: string
  summary: string
  tag: string
  query?: QueryParam[]
  body?: JsonSchema
  responses: Record<string, RouteResponse>
  /** Routes under /v1 answer errors in the OpenAI format. */
  openaiErrors?: boolean
  /** No auth required (health, playground page). */
  public?: boolean
  handler: (ctx: RouteContext) => Response | Promise<Response>
}
