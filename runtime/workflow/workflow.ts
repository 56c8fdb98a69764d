import { generateId } from '../agent/id.js'
import { LumosError } from '../errors.js'
import type { InferSchemaOutput, StandardSchemaV1 } from '../schema/standard-schema.js'
import { isStandardSchema } from '../schema/standard-schema.js'
import { InMemoryStore } from '../storage/in-memory-store.js'
import type { Page, Store, WorkflowRun as StoredRun, WorkflowRunStatus } from '../storage/types.js'
import type { Tool } from '../tools/tool.js'
import type { Entry, StepLike } from './definition.js'
import { checkDefinition, isWorkflow } from './definition.js'
import type { WorkflowGraph } from './graph.js'
import { buildGraph, toMermaid } from './graph.js'
import { Run } from './run.js'
import type { AgentLike } from './step.js'
import { createStep, isStep } from './step.js'
import type { Condition, CreateRunOptions, MapFn, RetryConfig, RunSnapshot, Step } from './types.js'

export interface WorkflowConfig<TInputSchema extends StandardSchemaV1 | undefined, TOutputSchema extends StandardSchemaV1 | undefined, TStateSchema extends StandardSchemaV1 | undefined> {
  id: string
  description?: string
  inputSchema?: TInputSchema
  outputSchema?: TOutputSchema
  stateSchema?: TStateSchema
  /** Defaults for steps without their own `retries`/`retryDelayMs`/`backoff`. */
  retryConfig?: RetryConfig
}

type Addable<I = any, O = any> = Step<I, O> | Workflow<I, O, any> | AgentLike | Tool<I, O>
type OutputOf<S> = S extends Step<any, infer O> ? O : S extends Workflow<any, infer O, any> ? O : S extends Tool<any, infer O> ? O : S extends AgentLike ? { text: string } : unknown

/**
 * A workflow definition: a chain of steps built with then/parallel/branch/dountil/dowhile/foreach/
 * map/sleep, frozen by commit(). A committed workflow can itself be a step of another workflow.
 */
export class Workflow<TInput = unknown, TOutput = unknown, TState = unknown> {
  readonly kind = 'lumos.workflow' as const
  readonly id: string
  readonly description: string | undefined
  readonly inputSchema: StandardSchemaV1<any, TInput> | undefined
  readonly outputSchema: StandardSchemaV1<any, TOutput> | undefined
  readonly stateSchema: StandardSchemaV1<any, TState> | undefined
  readonly retryConfig: RetryConfig | undefined
  readonly #entries: Entry[] = []
  #committed = false
  #defaultStore: Store | undefined
  #auto = 0

  constructor(config: WorkflowConfig<any, any, any>) {
    const c = (config ?? {}) as WorkflowConfig<any, any, any>
    if (typeof c.id !== 'string' || c.id.trim() === '') throw new LumosError('WORKFLOW_DEFINITION_INVALID', 'createWorkflow needs a non-empty `id`.')
    for (const key of ['inputSchema', 'outputSchema', 'stateSchema'] as const) {
      if (c[key] !== undefined && !isStandardSchema(c[key])) throw new LumosError('WORKFLOW_DEFINITION_INVALID', `Workflow '${c.id}': \`${key}\` is not a Standard Schema.`, { details: { workflowId: c.id } })
    }
    this.id = c.id
    this.description = c.description
    this.inputSchema = c.inputSchema
    this.outputSchema = c.outputSchema
    this.stateSchema = c.stateSchema
    this.retryConfig = c.retryConfig
  }

  get committed(): boolean {
    return this.#committed
  }

  /** @internal the frozen entry list */
  get entries(): readonly Entry[] {
    return this.#entries
  }

  then<S extends Addable>(step: S): Workflow<TInput, OutputOf<S>, TState> {
    return this.#add({ type: 'step', step: this.#stepOf(step) })
  }

  /** Runs the steps concurrently on the same input; output `{ [stepId]: output }`. */
  parallel(steps: Addable[]): Workflow<TInput, Record<string, any>, TState> {
    if (!Array.isArray(steps) || steps.length === 0) throw this.#invalid('parallel() needs a non-empty array of steps.')
    return this.#add({ type: 'parallel', steps: steps.map((s) => this.#stepOf(s)) })
  }

  /** Runs every step whose condition is true (concurrently); output `{ [stepId]: output }` of those. */
  branch(branches: Array<[Condition, Addable]>): Workflow<TInput, Record<string, any>, TState> {
    if (!Array.isArray(branches) || branches.length === 0) throw this.#invalid('branch() needs a non-empty array of [condition, step] pairs.')
    return this.#add({
      type: 'branch',
      branches: branches.map((b) => {
        if (!Array.isArray(b) || typeof b[0] !== 'function') throw this.#invalid('each branch is a [condition, step] pair.')
        return [b[0], this.#stepOf(b[1])] as [Condition, StepLike]
      }),
    })
  }

  /** Runs the step, feeding its output back as input, until `condition` is true (at least once). */
  dountil<S extends Addable>(step: S, condition: Condition): Workflow<TInput, OutputOf<S>, TState> {
    if (typeof condition !== 'function') throw this.#invalid('dountil(step, condition) needs a condition function.')
    return this.#add({ type: 'loop', mode: 'dountil', step: this.#stepOf(step), condition })
  }

  /** Runs the step, feeding its output back as input, while `condition` is true (at least once). */
  dowhile<S extends Addable>(step: S, condition: Condition): Workflow<TInput, OutputOf<S>, TState> {
    if (typeof condition !== 'function') throw this.#invalid('dowhile(step, condition) needs a condition function.')
    return this.#add({ type: 'loop', mode: 'dowhile', step: this.#stepOf(step), condition })
  }

  /** Runs the step once per element of the input array, `concurrency` at a time (default 1); output in input order. */
  foreach<S extends Addable>(step: S, options: { concurrency?: number } = {}): Workflow<TInput, Array<OutputOf<S>>, TState> {
    const concurrency = options.concurrency ?? 1
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw this.#invalid('foreach concurrency must be a positive integer.')
    return this.#add({ type: 'foreach', step: this.#stepOf(step), concurrency })
  }

  /** Transforms the previous output (its result is persisted like a step's). */
  map<O>(fn: (ctx: Parameters<MapFn>[0]) => O | PromiseLike<O>, options: { id?: string } = {}): Workflow<TInput, O, TState> {
    if (typeof fn !== 'function') throw this.#invalid('map(fn) needs a function.')
    return this.#add({ type: 'map', id: options.id ?? `map-${++this.#auto}`, fn: fn as MapFn })
  }

  /** Durable sleep: the wake time is persisted; the previous output passes through. */
  sleep(ms: number | ((ctx: { inputData: any; state: any }) => number | PromiseLike<number>)): Workflow<TInput, TOutput, TState> {
    if (typeof ms !== 'function' && !(typeof ms === 'number' && ms >= 0 && Number.isFinite(ms))) throw this.#invalid('sleep(ms) needs a non-negative number of milliseconds.')
    return this.#add({ type: 'sleep', id: `sleep-${++this.#auto}`, ms })
  }

  /** Durable sleep until a date. */
  sleepUntil(date: Date | ((ctx: { inputData: any; state: any }) => Date | PromiseLike<Date>)): Workflow<TInput, TOutput, TState> {
    if (typeof date !== 'function' && !(date instanceof Date && Number.isFinite(date.getTime()))) throw this.#invalid('sleepUntil(date) needs a valid Date.')
    return this.#add({ type: 'sleep', id: `sleep-${++this.#auto}`, until: date })
  }

  /** Freezes the definition; throws WORKFLOW_DEFINITION_INVALID for duplicate step ids or an empty workflow. */
  commit(): this {
    checkDefinition(this.id, this.#entries)
    this.#committed = true
    return this
  }

  graph(): WorkflowGraph {
    return buildGraph(this)
  }

  toMermaid(): string {
    return toMermaid(this.graph())
  }

  /** A new run (nothing is stored until start()). */
  async createRun(options: CreateRunOptions = {}): Promise<Run<TInput, TOutput>> {
    this.#requireCommitted()
    const runId = options.runId ?? generateId('wfrun')
    return new Run(this, this.#storeOf(options.store), runId, options.resourceId ?? null, 0, undefined)
  }

  /** Loads a stored run (from any process). Throws WORKFLOW_RUN_NOT_FOUND. */
  async getRun(runId: string, options: { store?: Store } = {}): Promise<Run<TInput, TOutput>> {
    this.#requireCommitted()
    const store = this.#storeOf(options.store)
    const stored = await store.getWorkflowRun({ workflowId: this.id, runId })
    if (stored === null) throw new LumosError('WORKFLOW_RUN_NOT_FOUND', `Workflow '${this.id}' has no run '${runId}' in this store.`, { details: { workflowId: this.id, runId } })
    const snap = stored.snapshot as unknown as RunSnapshot
    if (typeof snap !== 'object' || snap === null || snap.v !== 1 || typeof snap.root !== 'object') {
      throw new LumosError('WORKFLOW_RUN_NOT_FOUND', `Run '${runId}' of '${this.id}' holds no Lumos workflow snapshot.`, { details: { workflowId: this.id, runId } })
    }
    return new Run(this, store, runId, stored.resourceId, stored.version, snap)
  }

  /**
   * Continues a run whose process died while it was 'running' (see Run.recover: completed
   * steps never re-run; the interrupted step runs again, at-least-once).
   */
  async recover(runId: string, options: { store?: Store; context?: unknown; abortSignal?: AbortSignal } = {}) {
    const run = await this.getRun(runId, options)
    return run.recover(options)
  }

  /** Stored runs of this workflow, newest first. */
  async listRuns(options: { store?: Store; status?: WorkflowRunStatus | WorkflowRunStatus[]; resourceId?: string; limit?: number; cursor?: string | null } = {}): Promise<Page<StoredRun>> {
    const { store, ...rest } = options
    return this.#storeOf(store).listWorkflowRuns({ workflowId: this.id, ...rest })
  }

  #storeOf(store: Store | undefined): Store {
    if (store) return store
    return (this.#defaultStore ??= new InMemoryStore())
  }

  #requireCommitted(): void {
    if (!this.#committed) throw this.#invalid('call commit() before running the workflow.')
  }

  #add(entry: Entry): any {
    if (this.#committed) throw this.#invalid('the workflow is committed; build a new one to add steps.')
    this.#entries.push(entry)
    return this
  }

  #stepOf(step: Addable): StepLike {
    if (isWorkflow(step)) {
      if (step === (this as unknown)) throw this.#invalid('a workflow cannot contain itself.')
      return step
    }
    if (isStep(step)) return step
    try {
      return createStep(step as never)
    } catch (cause) {
      throw this.#invalid(`not a step, workflow, agent or tool (${(cause as Error).message}).`)
    }
  }

  #invalid(problem: string): LumosError {
    return new LumosError('WORKFLOW_DEFINITION_INVALID', `Workflow '${this.id}': ${problem}`, { details: { workflowId: this.id } })
  }
}

export function createWorkflow<
  TInputSchema extends StandardSchemaV1 | undefined = undefined,
  TOutputSchema extends StandardSchemaV1 | undefined = undefined,
  TStateSchema extends StandardSchemaV1 | undefined = undefined,
>(config: WorkflowConfig<TInputSchema, TOutputSchema, TStateSchema>): Workflow<
  TInputSchema extends StandardSchemaV1 ? InferSchemaOutput<TInputSchema> : unknown,
  TOutputSchema extends StandardSchemaV1 ? InferSchemaOutput<TOutputSchema> : unknown,
  TStateSchema extends StandardSchemaV1 ? InferSchemaOutput<TStateSchema> : unknown
> {
  return new Workflow(config)
}
