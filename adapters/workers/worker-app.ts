import type { Agent } from '../../runtime/agent/agent.js'
import { createApp, type LumosApp } from '../../runtime/server/app.js'
import type { AppOptions } from '../../runtime/server/types.js'
import type { Store } from '../../runtime/storage/types.js'
import type { Workflow } from '../../runtime/workflow/workflow.js'

/** What the factories get: the Worker's env, and inside a Durable Object its store. */
export interface WorkerSetup<Env> {
  env: Env
  /**
   * The Durable Object's `DurableObjectStore` when building inside the object that hosts a thread or
   * run; `undefined` in the stateless front Worker (build memory agents on it only when it is set,
   * or give them any store there: the front never runs a turn that has a thread).
   */
  store: Store | undefined
}

type MaybePromise<T> = T | Promise<T>

export interface WorkerAppOptions<Env> {
  /** Agents by id (or a list). A function of env, called once per isolate and once per object: load snapshots here. */
  agents: AppOptions['agents'] | ((setup: WorkerSetup<Env>) => MaybePromise<Record<string, Agent<any>> | ReadonlyArray<Agent<any>>>)
  /** Workflows by id; runs live in one Durable Object each (named `run:<runId>`). */
  workflows?: Record<string, Workflow<any, any, any>> | ((setup: WorkerSetup<Env>) => MaybePromise<Record<string, Workflow<any, any, any>>>)
  /**
   * Name of the Durable Object namespace binding whose class is `createAgentObject(...)` with the same
   * options (default 'LUMOS_OBJECT'). Without the binding in env, everything runs statelessly in the Worker.
   */
  binding?: string
  /** The rest of createApp's options (auth, cors, bodyLimit, retriever, exposeErrors, ...), possibly from env. */
  app?: Omit<AppOptions, 'agents' | 'workflows' | 'store'> | ((env: Env) => Omit<AppOptions, 'agents' | 'workflows' | 'store'>)
}

export const DEFAULT_OBJECT_BINDING = 'LUMOS_OBJECT'

/** Builds the hono app for one isolate (front) or one object (with its store). */
export async function buildWorkerApp<Env>(options: WorkerAppOptions<Env>, env: Env, store: Store | undefined): Promise<LumosApp> {
  const setup: WorkerSetup<Env> = { env, store }
  const agents = typeof options.agents === 'function' ? await options.agents(setup) : options.agents
  const workflows = typeof options.workflows === 'function' ? await options.workflows(setup) : options.workflows
  const rest = typeof options.app === 'function' ? options.app(env) : (options.app ?? {})
  return createApp({ ...rest, agents, ...(workflows ? { workflows } : {}), ...(store ? { store } : {}) })
}
