import type { LumosApp } from '../../runtime/server/app.js'
import type { PutWorkflowRunInput, Store } from '../../runtime/storage/types.js'
import type { Workflow } from '../../runtime/workflow/workflow.js'
import type { DurableObjectStateLike } from './bindings.js'
import { DurableObjectStore } from './durable-object-store.js'
import { buildWorkerApp, type WorkerAppOptions } from './worker-app.js'

/** The Durable Object class `createAgentObject` returns (export it from the Worker's main module). */
export interface AgentObjectClass<Env> {
  new (ctx: DurableObjectStateLike, env: Env): AgentObject
}

export interface AgentObject {
  fetch(request: Request): Promise<Response>
  /** Wakes workflow runs that were sleeping when the object was evicted. */
  alarm(): Promise<void>
}

/**
 * A Durable Object class hosting one conversation thread or one workflow run (the front Worker from
 * `createWorkerHandler` names objects `thread:<id>` / `run:<id>`). Its store is a `DurableObjectStore`
 * on the object's SQLite storage, so declare it under `new_sqlite_classes` in wrangler.toml.
 *
 * Workflow `sleep`: the run sleeps in the request that started it while the object stays alive; the
 * wake time is also written to the snapshot, and every such write sets the object's alarm, so a run
 * whose object was evicted mid-sleep is continued by `alarm()` (`workflow.recover`) at its wake time.
 */
export function createAgentObject<Env = Record<string, unknown>>(options: WorkerAppOptions<Env>): AgentObjectClass<Env> {
  return class LumosAgentObject implements AgentObject {
    readonly #ctx: DurableObjectStateLike
    readonly #env: Env
    readonly #store: Store
    /** Runs this instance is executing itself (their own timers wake them; the alarm skips them). */
    readonly #live = new Set<string>()
    #app: Promise<LumosApp> | undefined

    constructor(ctx: DurableObjectStateLike, env: Env) {
      this.#ctx = ctx
      this.#env = env
      this.#store = withAlarms(new DurableObjectStore(ctx.storage), ctx, this.#live)
    }

    #appOf(): Promise<LumosApp> {
      if (this.#app === undefined) {
        this.#app = buildWorkerApp(options, this.#env, this.#store)
        this.#app.catch(() => (this.#app = undefined))
      }
      return this.#app
    }

    async fetch(request: Request): Promise<Response> {
      return (await this.#appOf()).fetch(request)
    }

    async alarm(): Promise<void> {
      const workflows: Record<string, Workflow<any, any, any>> =
        (typeof options.workflows === 'function' ? await options.workflows({ env: this.#env, store: this.#store }) : options.workflows) ?? {}
      let next: number | undefined
      for (const wf of Object.values(workflows)) {
        const page = await wf.listRuns({ store: this.#store, limit: 100 })
        for (const stored of page.items) {
          if (this.#live.has(liveKey(wf.id, stored.runId))) continue
          const run = await wf.getRun(stored.runId, { store: this.#store })
          const wakeAt = run.wakeAt
          if (wakeAt === undefined) continue
          if (wakeAt <= Date.now() + 5) await wf.recover(stored.runId, { store: this.#store })
          else next = next === undefined ? wakeAt : Math.min(next, wakeAt)
        }
      }
      if (next !== undefined) await this.#ctx.storage.setAlarm(next)
    }
  }
}

const liveKey = (workflowId: string, runId: string): string => `${workflowId}\u0000${runId}`

/** The store, with every workflow snapshot write scheduling the object's alarm at the run's wake time. */
function withAlarms(store: Store, ctx: DurableObjectStateLike, live: Set<string>): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target)
      if (prop !== 'putWorkflowRun') return typeof value === 'function' ? value.bind(target) : value
      return async (input: PutWorkflowRunInput) => {
        const saved = await target.putWorkflowRun(input)
        const key = liveKey(input.workflowId, input.runId)
        if (input.status === 'running') live.add(key)
        else live.delete(key)
        const wakeAt = earliestWakeAt(input.snapshot)
        if (wakeAt !== undefined) {
          const current = await ctx.storage.getAlarm()
          if (current === null || current > wakeAt) await ctx.storage.setAlarm(wakeAt)
        }
        return saved
      }
    },
  })
}

/** The earliest `wakeAt` in a run snapshot (sleep frames record it), if any. */
export function earliestWakeAt(value: unknown): number | undefined {
  let found: number | undefined
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (typeof v !== 'object' || v === null) return
    for (const [k, x] of Object.entries(v)) {
      if (k === 'wakeAt' && typeof x === 'number') found = found === undefined ? x : Math.min(found, x)
      else walk(x)
    }
  }
  walk(value)
  return found
}
