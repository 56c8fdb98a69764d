import type { StandardSchemaV1 } from '../schema/standard-schema.js'
import type { JsonValue, Store } from '../storage/types.js'
import type { LumosError } from '../errors.js'

/** What a step's `execute` receives. Everything is explicit: no AsyncLocalStorage, so it runs in Workers and browsers. */
export interface StepContext<TInput = any, TResume = any, TSuspend = any, TState = any, TContext = any> {
  inputData: TInput
  /** Set when this execution is a `resume` of this step. */
  resumeData: TResume | undefined
  /** Marks the step suspended with `payload` (checked against `suspendSchema`); return right after: `return suspend(p)`. */
  suspend: (payload?: TSuspend) => Promise<any>
  /** The workflow state (shared by the steps of one workflow, persisted in the snapshot). */
  state: TState
  /** Replaces the workflow state (validated against the workflow `stateSchema`). */
  setState: (state: TState) => void
  /** Output of an earlier step of the same workflow (undefined if it has not succeeded). */
  getStepResult: (step: string | { id: string }) => any
  /** The workflow's input. */
  getInitData: () => any
  /** Ends the workflow now with status success and `result` as its result. */
  bail: (result: unknown) => any
  /** Cancels the run (status canceled). */
  abort: () => void
  runId: string
  workflowId: string
  /** Attempt number, 0 for the first try. */
  retryCount: number
  /** The `context` given to start()/resume(). Not persisted. */
  context: TContext
  /** Aborted on cancel or when the step's `timeoutMs` elapses. */
  abortSignal: AbortSignal
}

export interface RetryConfig {
  /** Extra attempts after the first (default 0). */
  attempts?: number
  /** Delay before the first retry (default 0 ms). */
  delayMs?: number
  /** 'exponential' doubles the delay per retry (default 'fixed'). */
  backoff?: 'fixed' | 'exponential'
}

export interface StepConfig<TInput = any, TOutput = any, TResume = any, TSuspend = any, TState = any> {
  id: string
  description?: string
  inputSchema?: StandardSchemaV1<any, TInput>
  outputSchema?: StandardSchemaV1<any, TOutput>
  resumeSchema?: StandardSchemaV1<any, TResume>
  suspendSchema?: StandardSchemaV1<any, TSuspend>
  stateSchema?: StandardSchemaV1<any, TState>
  /** Extra attempts after a throw or timeout (default: the workflow's retryConfig.attempts, else 0). */
  retries?: number
  retryDelayMs?: number
  backoff?: 'fixed' | 'exponential'
  timeoutMs?: number
  execute: (ctx: StepContext<TInput, TResume, TSuspend, TState>) => TOutput | PromiseLike<TOutput>
}

export interface Step<TInput = any, TOutput = any, TResume = any, TSuspend = any> {
  readonly kind: 'lumos.step'
  readonly id: string
  readonly description: string | undefined
  readonly inputSchema: StandardSchemaV1<any, TInput> | undefined
  readonly outputSchema: StandardSchemaV1<any, TOutput> | undefined
  readonly resumeSchema: StandardSchemaV1<any, TResume> | undefined
  readonly suspendSchema: StandardSchemaV1<any, TSuspend> | undefined
  readonly stateSchema: StandardSchemaV1 | undefined
  readonly retries: number | undefined
  readonly retryDelayMs: number | undefined
  readonly backoff: 'fixed' | 'exponential' | undefined
  readonly timeoutMs: number | undefined
  /** Where the step came from (for graphs). */
  readonly source: 'step' | 'agent' | 'tool'
  execute(ctx: StepContext<TInput, TResume, TSuspend>): TOutput | PromiseLike<TOutput>
}

/** Condition for branch/dountil/dowhile. */
export type Condition = (ctx: ConditionContext) => boolean | PromiseLike<boolean>
export interface ConditionContext {
  inputData: any
  state: any
  iterationCount: number
  getStepResult: (step: string | { id: string }) => any
  getInitData: () => any
  runId: string
}

export type MapFn = (ctx: { inputData: any; state: any; getStepResult: (step: string | { id: string }) => any; getInitData: () => any; runId: string; context: any }) => unknown

// ------------------------------------------------------------------ snapshot (plain JSON)

export type RecordStatus = 'running' | 'success' | 'failed' | 'suspended'

/** One step execution as persisted. */
export interface StepRecord {
  status: RecordStatus
  output?: JsonValue
  suspendPayload?: JsonValue
  resumeData?: JsonValue
  error?: SerializedError
  attempts?: number
  startedAt?: number
  endedAt?: number
  /** A nested workflow's frame. */
  nested?: Frame
}

export interface SerializedError {
  code?: string
  message: string
  details?: JsonValue
}

/** Execution state of one workflow level (the root, or a nested workflow inside a step record). */
export interface Frame {
  workflowId: string
  input: JsonValue
  /** Index of the next entry to run. */
  cursor: number
  /** Output of entry cursor-1 (the input of entry cursor). */
  last: JsonValue
  state: JsonValue
  results: Record<string, StepRecord>
  /** Per-entry progress that survives restarts: loop counters, chosen branches, foreach items. */
  progress: Record<string, JsonValue>
  /** Wake time (epoch ms) of the sleep at `cursor`, while sleeping. */
  wakeAt?: number
}

export type WorkflowStatus = 'running' | 'suspended' | 'success' | 'failed' | 'canceled'

export interface RunSnapshot {
  v: 1
  status: WorkflowStatus
  root: Frame
  result?: JsonValue
  error?: SerializedError
}

// ------------------------------------------------------------------ runs

export interface SuspendedStep {
  stepId: string
  /** Step ids from the root workflow down to the suspended step (nested workflows), foreach items as `id#index`. */
  path: string[]
  suspendPayload: unknown
}

export interface WorkflowRunResult<TOutput = unknown> {
  runId: string
  status: 'success' | 'suspended' | 'failed' | 'canceled'
  result?: TOutput
  error?: LumosError
  suspended?: SuspendedStep[]
  /** The root workflow's step records (outputs, suspend payloads, errors). */
  steps: Record<string, StepRecord>
  state: unknown
}

export type WorkflowEvent =
  | { type: 'workflow-start'; runId: string; workflowId: string }
  | { type: 'step-start'; runId: string; stepId: string; path: string[] }
  | { type: 'step-result'; runId: string; stepId: string; path: string[]; output: unknown }
  | { type: 'step-suspended'; runId: string; stepId: string; path: string[]; suspendPayload: unknown }
  | { type: 'step-failed'; runId: string; stepId: string; path: string[]; error: SerializedError }
  | { type: 'step-retry'; runId: string; stepId: string; path: string[]; attempt: number; error: SerializedError }
  | { type: 'workflow-sleep'; runId: string; path: string[]; wakeAt: number }
  | { type: 'workflow-finish'; runId: string; status: WorkflowRunResult['status']; result?: unknown; error?: SerializedError }

export interface CreateRunOptions {
  /** Where snapshots go (default: one InMemoryStore per workflow object). */
  store?: Store
  runId?: string
  resourceId?: string
}

export interface RunStartOptions<TInput = unknown> {
  inputData: TInput
  /** Handed to steps as `context`; not persisted. */
  context?: unknown
  abortSignal?: AbortSignal
}

export interface RunResumeOptions {
  /** The suspended step: its id, the step object, or a path (`['outer', 'inner']`). Optional when exactly one step is suspended. */
  step?: string | { id: string } | string[]
  resumeData?: unknown
  context?: unknown
  abortSignal?: AbortSignal
}
