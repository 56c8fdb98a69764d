import { Agent } from './agent/agent.js'
import { LumosError } from './errors.js'
import type { Store } from './storage/types.js'

/** What `lumos dev` needs from a workflow (runtime/workflow's Workflow satisfies it). */
export interface WorkflowLike {
  id: string
}

/** What the server needs from a retriever (runtime/rag's Retriever satisfies it). */
export interface RetrieverLike {
  query(query: string, options?: Record<string, unknown>): Promise<unknown>
}

export interface ServerConfig {
  /** Default port for `lumos dev` (4111); `--port` wins. */
  port?: number
  /** Default host for `lumos dev` (127.0.0.1); `--host` wins. */
  hostname?: string
  /** Passed through to createApp. */
  cors?: unknown
  auth?: unknown
  bodyLimit?: number
}

export interface LumosConfig {
  /** Agents by id (the record key should equal the agent's id). */
  agents: Record<string, Agent<any>>
  workflows?: Record<string, WorkflowLike>
  store?: Store
  retriever?: RetrieverLike
  /** A tracer the playground's traces view reads from (an InMemoryTracer). */
  tracer?: unknown
  server?: ServerConfig
}

const KEYS = new Set(['agents', 'workflows', 'store', 'retriever', 'tracer', 'server'])

/**
 * Declares a project's agents and workflows for `lumos dev` / `lumos build`
 * (`export default defineConfig({ agents: { support } })`). Returns the config unchanged after
 * validating it, so mistakes surface at load time with CONFIG_INVALID naming the field.
 */
export function defineConfig<C extends LumosConfig>(config: C): C {
  validateConfig(config)
  return config
}

export function validateConfig(config: unknown): asserts config is LumosConfig {
  const fail = (message: string, details?: Record<string, unknown>): never => {
    throw new LumosError('CONFIG_INVALID', message, details ? { details } : undefined)
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail('The config must be an object: `export default defineConfig({ agents: { ... } })`.')
  const c = config as Record<string, unknown>
  for (const key of Object.keys(c)) if (!KEYS.has(key)) fail(`Unknown config key '${key}' (known: ${[...KEYS].join(', ')}).`, { key })
  if (typeof c.agents !== 'object' || c.agents === null || Array.isArray(c.agents)) fail('`agents` must be a record of Agent instances keyed by id: `agents: { support }`.')
  const agents = c.agents as Record<string, unknown>
  for (const [key, agent] of Object.entries(agents)) {
    if (!(agent instanceof Agent) && !looksLikeAgent(agent)) fail(`agents.${key} is not an Agent (create it with \`new Agent({ id, model })\`).`, { agent: key })
  }
  if (c.workflows !== undefined) {
    if (typeof c.workflows !== 'object' || c.workflows === null || Array.isArray(c.workflows)) fail('`workflows` must be a record of workflows keyed by id.')
    for (const [key, wf] of Object.entries(c.workflows as Record<string, unknown>)) {
      if (typeof wf !== 'object' || wf === null || typeof (wf as WorkflowLike).id !== 'string') fail(`workflows.${key} is not a workflow (it has no string \`id\`).`, { workflow: key })
    }
  }
  if (c.store !== undefined && (typeof c.store !== 'object' || c.store === null)) fail('`store` must be a Store (e.g. createInMemoryStore()).')
  if (c.retriever !== undefined && typeof (c.retriever as RetrieverLike | null)?.query !== 'function') fail('`retriever` must have a query() method (a Retriever from lumosai).')
  if (c.server !== undefined) {
    const s = c.server as ServerConfig
    if (typeof s !== 'object' || s === null) fail('`server` must be an object.')
    if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 0 && s.port <= 65535)) fail(`server.port must be an integer 0..65535 (got ${String(s.port)}).`)
    if (s.hostname !== undefined && (typeof s.hostname !== 'string' || s.hostname === '')) fail('server.hostname must be a non-empty string.')
  }
}

// A second copy of the package (config importing 'lumosai' while the CLI runs from the repo) has
// its own Agent class, so instanceof fails: accept the shape.
function looksLikeAgent(value: unknown): boolean {
  const a = value as { id?: unknown; generate?: unknown; stream?: unknown } | null
  return typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.generate === 'function' && typeof a.stream === 'function'
}
