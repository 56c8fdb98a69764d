import { LumosError } from '../errors.js'
import { formatIssues, issuesToJson } from '../schema/validate.js'
import type { JsonValue, Store } from '../storage/types.js'
import { findStep, isWorkflow } from './definition.js'
import { canceledError, deserializeError, serializeError } from './errors.js'
import { EventQueue } from './event-queue.js'
import type { ExecutionHost } from './executor.js'
import { newFrame, runFrame } from './executor.js'
import { check } from './step-runner.js'
import type { Frame, RunResumeOptions, RunSnapshot, RunStartOptions, StepRecord, SuspendedStep, WorkflowEvent, WorkflowRunResult } from './types.js'
import type { Workflow } from './workflow.js'

/** `for await (const event of stream)`; `stream.result` settles with the run result. */
export interface WorkflowStream<TOutput = unknown> extends AsyncIterable<WorkflowEvent> {
  readonly result: Promise<WorkflowRunResult<TOutput>>
}

/**
 * One run of a workflow. Every state change is a version-checked `putWorkflowRun`, so a run can be
 * resumed, recovered or canceled from any process that reaches the same store; when two callers
 * race, the store lets exactly one win and the other gets WORKFLOW_RESUME_CONFLICT.
 */
export class Run<TInput = unknown, TOutput = unknown> {
  readonly runId: string
  readonly workflowId: string
  readonly resourceId: string | null
  readonly #wf: Workflow<TInput, TOutput, any>
  readonly #store: Store
  #version: number
  #snapshot: RunSnapshot | undefined
  #executing = false
  #controller: AbortController | undefined
  #lastError: LumosError | undefined
  readonly #listeners = new Set<(e: WorkflowEvent) => void>()
  #queued: Promise<void> | undefined
  #chain: Promise<void> = Promise.resolve()

  /** @internal use workflow.createRun() / getRun() */
  constructor(wf: Workflow<TInput, TOutput, any>, store: Store, runId: string, resourceId: string | null, version: number, snapshot: RunSnapshot | undefined) {
    this.#wf = wf
    this.#store = store
    this.runId = runId
    this.workflowId = wf.id
    this.resourceId = resourceId
    this.#version = version
    this.#snapshot = snapshot
  }

  /** 'pending' before start(). */
  get status(): RunSnapshot['status'] | 'pending' {
    return this.#snapshot?.status ?? 'pending'
  }

  /** The stored snapshot version this object last read or wrote. */
  get version(): number {
    return this.#version
  }

  /** A copy of the current snapshot (plain JSON). */
  get snapshot(): RunSnapshot | undefined {
    return this.#snapshot === undefined ? undefined : (JSON.parse(JSON.stringify(this.#snapshot)) as RunSnapshot)
  }

  /**
   * Epoch ms at which a sleeping run should continue (`undefined` when not sleeping). A host that
   * stops mid-sleep (a Worker, a restarted server) schedules `workflow.recover(runId)` at this time.
   */
  get wakeAt(): number | undefined {
    return this.#snapshot ? findWakeAt(this.#snapshot.root) : undefined
  }

  /** Listens to the events of every later start/resume/recover on this object; returns an unsubscribe function. */
  watch(listener: (event: WorkflowEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async start(options: RunStartOptions<TInput> & { initialState?: unknown }): Promise<WorkflowRunResult<TOutput>> {
    if (this.#snapshot !== undefined || this.#executing) {
      throw new LumosError('WORKFLOW_RESUME_CONFLICT', `Run '${this.runId}' was already started (status ${this.status}): create a new run, or resume this one.`, { details: { runId: this.runId, status: this.status } })
    }
    const c = await check(this.#wf.inputSchema, options?.inputData)
    if (!c.ok) throw new LumosError('WORKFLOW_INPUT_INVALID', `Workflow '${this.workflowId}' input is invalid: ${formatIssues(c.issues)}`, { details: { workflowId: this.workflowId, issues: issuesToJson(c.issues) } })
    let state: unknown = options.initialState ?? {}
    if (this.#wf.stateSchema) {
      const s = await check(this.#wf.stateSchema, state)
      if (!s.ok) throw new LumosError('WORKFLOW_INPUT_INVALID', `Workflow '${this.workflowId}' initial state does not match its stateSchema: ${formatIssues(s.issues)}`, { details: { workflowId: this.workflowId, issues: issuesToJson(s.issues) } })
      state = s.value
    }
    // version 0: the run id must be new (a second start elsewhere loses here)
    return this.#claimAndExecute({ v: 1, status: 'running', root: newFrame(this.workflowId, c.value, state) }, undefined, options)
  }

  /** Starts the run and yields its events; `stream.result` has the final result. */
  stream(options: RunStartOptions<TInput> & { initialState?: unknown }): WorkflowStream<TOutput> {
    return this.#streamOf(() => this.start(options))
  }

  /** Resumes with events, like stream(). */
  resumeStream(options: RunResumeOptions): WorkflowStream<TOutput> {
    return this.#streamOf(() => this.resume(options))
  }

  /**
   * Resumes a suspended step. The resume data is validated first (a mismatch throws
   * WORKFLOW_RESUME_DATA_INVALID and changes nothing); then the run is claimed with a
   * version-checked write, so of two concurrent resumes exactly one continues.
   */
  async resume(options: RunResumeOptions = {}): Promise<WorkflowRunResult<TOutput>> {
    const snap = this.#snapshot
    if (this.#executing) throw new LumosError('WORKFLOW_RESUME_CONFLICT', `Run '${this.runId}' is executing in this process right now.`, { details: { runId: this.runId, status: this.status } })
    if (snap === undefined || snap.status !== 'suspended') {
      throw new LumosError('WORKFLOW_NOT_SUSPENDED', `Run '${this.runId}' is ${this.status}, not suspended.`, { details: { runId: this.runId, status: this.status } })
    }
    const suspended = listSuspended(snap.root, [])
    const target = pickTarget(suspended, options.step)
    if (target === undefined) {
      throw new LumosError('WORKFLOW_NOT_SUSPENDED', `Run '${this.runId}' has no suspended step matching ${JSON.stringify(describeStep(options.step))} (suspended: ${suspended.map((s) => s.path.join('.')).join(', ') || 'none'}).`, {
        details: { runId: this.runId, status: snap.status, step: describeStep(options.step), suspended: suspended.map((s) => s.path) },
      })
    }
    const step = resolveStep(this.#wf, target.path)
    const resumeSchema = step && !isWorkflow(step) ? step.resumeSchema : undefined
    const c = await check(resumeSchema, options.resumeData)
    if (!c.ok) {
      throw new LumosError('WORKFLOW_RESUME_DATA_INVALID', `Resume data for step '${target.stepId}' does not match its resumeSchema: ${formatIssues(c.issues)}`, { details: { runId: this.runId, stepId: target.stepId, path: target.path, issues: issuesToJson(c.issues) } })
    }
    // claim on a copy: if another resume wins, this object keeps the snapshot it read
    const next = JSON.parse(JSON.stringify(snap)) as RunSnapshot
    const record = recordAt(next.root, target.path)!
    record.status = 'running'
    record.resumeData = (c.value ?? null) as JsonValue
    next.status = 'running'
    return this.#claimAndExecute(next, snap, options)
  }

  /**
   * Continues a run left 'running' by a process that died. Completed steps are never re-run; the
   * step that was running when the process died runs again (at-least-once), and a sleep waits only
   * its remaining time. Runs in any other status are returned as they are.
   */
  async recover(options: { context?: unknown; abortSignal?: AbortSignal } = {}): Promise<WorkflowRunResult<TOutput>> {
    const snap = this.#snapshot
    if (snap === undefined) throw new LumosError('WORKFLOW_NOT_SUSPENDED', `Run '${this.runId}' was never started.`, { details: { runId: this.runId, status: 'pending' } })
    if (this.#executing) throw new LumosError('WORKFLOW_RESUME_CONFLICT', `Run '${this.runId}' is executing in this process right now.`, { details: { runId: this.runId, status: this.status } })
    if (snap.status !== 'running') return this.#result()
    // claims the run: a concurrent recover (or the old process, if alive) loses
    return this.#claimAndExecute(snap, snap, options)
  }

  /**
   * Makes `next` the snapshot and writes it (the version-checked write is the claim), then executes.
   * If the write fails, the object goes back to `previous` and is not executing.
   */
  async #claimAndExecute(next: RunSnapshot, previous: RunSnapshot | undefined, options: { context?: unknown; abortSignal?: AbortSignal }): Promise<WorkflowRunResult<TOutput>> {
    this.#snapshot = next
    this.#executing = true
    try {
      await this.#persist()
    } catch (e) {
      this.#executing = false
      this.#snapshot = previous
      throw e
    }
    return this.#execute(options.context, options.abortSignal)
  }

  /** Cancels the run: aborts it if it executes here, otherwise marks a suspended/running run canceled in the store. */
  async cancel(): Promise<void> {
    if (this.#executing) {
      this.#controller?.abort(canceledError(this.runId))
      return
    }
    const snap = this.#snapshot
    if (snap === undefined || snap.status === 'success' || snap.status === 'failed' || snap.status === 'canceled') return
    const prev = snap.status
    snap.status = 'canceled'
    snap.error = serializeError(canceledError(this.runId))
    try {
      await this.#persist()
    } catch (e) {
      snap.status = prev
      delete snap.error
      throw e
    }
  }

  #streamOf(begin: () => Promise<WorkflowRunResult<TOutput>>): WorkflowStream<TOutput> {
    const queue = new EventQueue<WorkflowEvent>()
    const off = this.watch((e) => queue.push(e))
    const result = begin().finally(() => {
      off()
      queue.close()
    })
    result.catch(() => {}) // surfaced through `result`; iteration just ends
    return Object.assign(queue, { result }) as unknown as WorkflowStream<TOutput>
  }

  async #execute(context: unknown, abortSignal: AbortSignal | undefined): Promise<WorkflowRunResult<TOutput>> {
    const snap = this.#snapshot!
    const controller = new AbortController()
    this.#controller = controller
    const onAbort = () => controller.abort(canceledError(this.runId))
    if (abortSignal) {
      if (abortSignal.aborted) onAbort()
      else abortSignal.addEventListener('abort', onAbort, { once: true })
    }
    this.#lastError = undefined
    const listeners = this.#listeners
    const canceled = () => canceledError(this.runId)
    const host: ExecutionHost = {
      runId: this.runId,
      signal: controller.signal,
      context,
      persist: () => this.#persist(),
      get listening() {
        return listeners.size > 0
      },
      emit: (e) => this.#emit(e),
      cancel: () => controller.abort(canceledError(this.runId)),
      canceled,
      stepEnv: (wf, onRetry) => ({ runSignal: controller.signal, retryConfig: wf.retryConfig, onRetry, canceled }),
    }
    this.#emit({ type: 'workflow-start', runId: this.runId, workflowId: this.workflowId })
    try {
      const out = await runFrame(host, this.#wf, snap.root, [])
      if (out.kind === 'suspended') snap.status = 'suspended'
      else {
        const c = await check(this.#wf.outputSchema, out.output)
        if (!c.ok) throw new LumosError('WORKFLOW_STEP_OUTPUT_INVALID', `Workflow '${this.workflowId}' result does not match its outputSchema: ${formatIssues(c.issues)}`, { details: { stepId: this.workflowId, issues: issuesToJson(c.issues) } })
        snap.status = 'success'
        snap.result = (c.value ?? null) as JsonValue
      }
    } catch (error) {
      if (LumosError.isInstance(error) && error.code === 'WORKFLOW_RESUME_CONFLICT') {
        // another process owns the run now (or canceled it): write nothing more
        this.#executing = false
        this.#controller = undefined
        abortSignal?.removeEventListener('abort', onAbort)
        const stored = await this.#store.getWorkflowRun({ workflowId: this.workflowId, runId: this.runId }).catch(() => null)
        if (stored?.status === 'canceled') {
          this.#snapshot = stored.snapshot as unknown as RunSnapshot
          this.#version = stored.version
          this.#lastError = canceledError(this.runId)
          return this.#result()
        }
        throw error
      }
      const err = LumosError.isInstance(error) ? error : new LumosError('WORKFLOW_STEP_FAILED', `Workflow '${this.workflowId}' failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      this.#lastError = err
      snap.status = controller.signal.aborted || err.code === 'WORKFLOW_CANCELED' ? 'canceled' : 'failed'
      if (snap.status === 'canceled' && err.code !== 'WORKFLOW_CANCELED') this.#lastError = canceledError(this.runId)
      snap.error = serializeError(this.#lastError)
    } finally {
      abortSignal?.removeEventListener('abort', onAbort)
    }
    try {
      await this.#persist()
    } finally {
      this.#executing = false
      this.#controller = undefined
    }
    const result = this.#result()
    if (this.#listeners.size > 0) this.#emit({ type: 'workflow-finish', runId: this.runId, status: result.status, result: result.result, ...(snap.error ? { error: snap.error } : {}) })
    return result
  }

  #result(): WorkflowRunResult<TOutput> {
    const snap = this.#snapshot!
    const status = snap.status === 'running' ? 'failed' : snap.status
    const out: WorkflowRunResult<TOutput> = { runId: this.runId, status, steps: snap.root.results, state: snap.root.state }
    if (snap.status === 'success') out.result = snap.result as TOutput
    if (snap.status === 'suspended') out.suspended = listSuspended(snap.root, [])
    if (snap.error) out.error = this.#lastError ?? deserializeError(snap.error)
    return out
  }

  #emit(e: WorkflowEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e)
      } catch {
        // a throwing listener must not break the run
      }
    }
  }

  /** Coalesced, serialized, version-checked snapshot write. */
  #persist(): Promise<void> {
    if (this.#queued) return this.#queued
    const p = this.#chain.then(() => {
      this.#queued = undefined
      return this.#write()
    })
    this.#queued = p
    this.#chain = p.catch(() => {})
    return p
  }

  async #write(): Promise<void> {
    const snap = this.#snapshot!
    try {
      const stored = await this.#store.putWorkflowRun({
        workflowId: this.workflowId,
        runId: this.runId,
        resourceId: this.resourceId,
        status: snap.status,
        snapshot: snap as unknown as JsonValue,
        expectedVersion: this.#version,
      })
      this.#version = stored.version
    } catch (e) {
      if (LumosError.isInstance(e) && e.code === 'STORE_VERSION_CONFLICT') {
        throw new LumosError('WORKFLOW_RESUME_CONFLICT', `Run '${this.runId}' was changed by another process or request (expected version ${this.#version}): re-read it with getRun().`, { cause: e, details: { runId: this.runId, expectedVersion: this.#version } })
      }
      throw e
    }
  }
}

export function listSuspended(frame: Frame, path: string[]): SuspendedStep[] {
  const out: SuspendedStep[] = []
  for (const key of Object.keys(frame.results)) {
    const r = frame.results[key]
    if (r.status !== 'suspended') continue
    if (r.nested) out.push(...listSuspended(r.nested, [...path, key]))
    else out.push({ stepId: key.includes('#') ? key.slice(0, key.indexOf('#')) : key, path: [...path, key], suspendPayload: r.suspendPayload })
  }
  return out
}

function pickTarget(suspended: SuspendedStep[], step: RunResumeOptions['step']): SuspendedStep | undefined {
  if (step === undefined) return suspended.length === 1 ? suspended[0] : undefined
  if (Array.isArray(step)) return suspended.find((s) => s.path.length === step.length && s.path.every((p, i) => p === step[i]))
  const id = typeof step === 'string' ? step : step.id
  return suspended.find((s) => s.stepId === id || s.path[s.path.length - 1] === id)
}

function describeStep(step: RunResumeOptions['step']): unknown {
  return step === undefined ? null : typeof step === 'object' && !Array.isArray(step) ? step.id : step
}

function recordAt(root: Frame, path: string[]): StepRecord | undefined {
  let frame: Frame | undefined = root
  let rec: StepRecord | undefined
  for (const key of path) {
    rec = frame?.results[key]
    frame = rec?.nested
  }
  return rec
}

/** The step definition at a snapshot path (through nested workflows). */
function resolveStep(wf: Workflow<any, any, any>, path: string[]) {
  let current: Workflow<any, any, any> = wf
  for (let i = 0; i < path.length; i++) {
    const s = findStep(current.entries, path[i])
    if (s === undefined) return undefined
    if (i === path.length - 1) return s
    if (!isWorkflow(s)) return undefined
    current = s
  }
  return undefined
}

function findWakeAt(frame: Frame): number | undefined {
  if (frame.wakeAt !== undefined) return frame.wakeAt
  for (const key of Object.keys(frame.results)) {
    const n = frame.results[key].nested
    if (n && frame.results[key].status !== 'success') {
      const w = findWakeAt(n)
      if (w !== undefined) return w
    }
  }
  return undefined
}
