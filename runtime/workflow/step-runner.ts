import { LumosError } from '../errors.js'
import { formatIssues, issuesToJson } from '../schema/validate.js'
import type { StandardSchemaV1 } from '../schema/standard-schema.js'
import type { RetryConfig, Step, StepContext } from './types.js'

export type StepOutcome = { kind: 'done'; output: unknown } | { kind: 'suspended'; payload: unknown } | { kind: 'bail'; output: unknown }

export interface StepRunEnv {
  runSignal: AbortSignal
  retryConfig: RetryConfig | undefined
  onRetry: (attempt: number, error: unknown) => void
  canceled: () => LumosError
}

/** The per-step parts of the context that do not change between attempts. */
export type BaseContext = Pick<StepContext, 'state' | 'setState' | 'getStepResult' | 'getInitData' | 'abort' | 'runId' | 'workflowId' | 'context'>

type CheckResult = { ok: true; value: unknown } | { ok: false; issues: ReadonlyArray<StandardSchemaV1.Issue> }

/** Validates with a Standard Schema; returns synchronously when the schema is sync (the hot path). */
export function checkSync(schema: StandardSchemaV1 | undefined, value: unknown): CheckResult | Promise<CheckResult> {
  if (!schema) return { ok: true, value }
  const r = schema['~standard'].validate(value)
  if (r instanceof Promise) return r.then(toCheck)
  return toCheck(r)
}

function toCheck(r: StandardSchemaV1.Result<unknown>): CheckResult {
  return r.issues ? { ok: false, issues: r.issues } : { ok: true, value: r.value }
}

export async function check(schema: StandardSchemaV1 | undefined, value: unknown): Promise<CheckResult> {
  return checkSync(schema, value)
}

/**
 * Runs one step: attempts with backoff, per-attempt timeout, cancellation, suspend/bail, output validation.
 * Output validation failures are not retried (the step is wrong, not flaky).
 */
export async function runStep(step: Step, input: unknown, resumeData: unknown, base: BaseContext, env: StepRunEnv): Promise<StepOutcome & { attempts: number }> {
  const retries = step.retries ?? env.retryConfig?.attempts ?? 0
  if (step.inputSchema) {
    let c = checkSync(step.inputSchema, input)
    if (c instanceof Promise) c = await c
    if (!c.ok) throw new LumosError('WORKFLOW_STEP_INPUT_INVALID', `Step '${step.id}' got an input that does not match its inputSchema: ${formatIssues(c.issues)}`, { details: { stepId: step.id, issues: issuesToJson(c.issues) } })
    input = c.value
  }
  for (let attempt = 0; ; attempt++) {
    if (env.runSignal.aborted) throw env.canceled()
    let suspended: { payload: unknown } | undefined
    let bailed: { output: unknown } | undefined
    // a step without timeout sees the run's signal; an own controller only when a timeout can fire
    const controller = step.timeoutMs === undefined ? undefined : new AbortController()
    const ctx: StepContext = {
      state: base.state,
      setState: base.setState,
      getStepResult: base.getStepResult,
      getInitData: base.getInitData,
      abort: base.abort,
      runId: base.runId,
      workflowId: base.workflowId,
      context: base.context,
      inputData: input,
      resumeData: resumeData ?? undefined,
      retryCount: attempt,
      abortSignal: controller ? controller.signal : env.runSignal,
      suspend: async (payload?: unknown) => {
        const c = await check(step.suspendSchema, payload)
        if (!c.ok) throw new LumosError('WORKFLOW_STEP_OUTPUT_INVALID', `Step '${step.id}' suspended with a payload that does not match its suspendSchema: ${formatIssues(c.issues)}`, { details: { stepId: step.id, issues: issuesToJson(c.issues), kind: 'suspendPayload' } })
        suspended = { payload: c.value }
      },
      bail: (output: unknown) => {
        bailed = { output }
      },
    }
    let output: unknown
    try {
      output = await withLimits(step, ctx, controller, env)
    } catch (error) {
      if (env.runSignal.aborted) throw env.canceled()
      if (LumosError.isInstance(error) && error.code === 'WORKFLOW_STEP_OUTPUT_INVALID') throw error
      if (attempt < retries) {
        env.onRetry(attempt + 1, error)
        const baseDelay = step.retryDelayMs ?? env.retryConfig?.delayMs ?? 0
        const delay = (step.backoff ?? env.retryConfig?.backoff) === 'exponential' ? baseDelay * 2 ** attempt : baseDelay
        if (delay > 0) await abortableDelay(delay, env.runSignal, env.canceled)
        continue
      }
      if (LumosError.isInstance(error) && (error.code === 'WORKFLOW_STEP_TIMEOUT' || error.code === 'WORKFLOW_CANCELED' || error.code === 'WORKFLOW_RESUME_CONFLICT')) throw error
      throw new LumosError('WORKFLOW_STEP_FAILED', `Step '${step.id}' failed${retries ? ` after ${attempt + 1} attempts` : ''}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { stepId: step.id, attempts: attempt + 1, ...(LumosError.isInstance(error) ? { causeCode: error.code } : {}) } })
    }
    const attempts = attempt + 1
    if (suspended) return { kind: 'suspended', payload: suspended.payload, attempts }
    if (bailed) return { kind: 'bail', output: bailed.output, attempts }
    let c = checkSync(step.outputSchema, output)
    if (c instanceof Promise) c = await c
    if (!c.ok) throw new LumosError('WORKFLOW_STEP_OUTPUT_INVALID', `Step '${step.id}' returned an output that does not match its outputSchema: ${formatIssues(c.issues)}`, { details: { stepId: step.id, issues: issuesToJson(c.issues) } })
    return { kind: 'done', output: c.value, attempts }
  }
}

/** Calls execute; settles early on run cancel or timeout (a late rejection of the step is swallowed). */
function withLimits(step: Step, ctx: StepContext, controller: AbortController | undefined, env: StepRunEnv): Promise<unknown> {
  let value: unknown
  try {
    value = step.execute(ctx)
  } catch (e) {
    return Promise.reject(e)
  }
  const runSignal = env.runSignal
  if (!isThenable(value)) return Promise.resolve(value)
  return new Promise((resolve, reject) => {
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle = (fn: (v: any) => void, v: unknown) => {
      if (done) return
      done = true
      if (timer !== undefined) clearTimeout(timer)
      runSignal.removeEventListener('abort', onAbort)
      fn(v)
    }
    const onAbort = () => {
      controller?.abort(runSignal.reason)
      settle(reject, env.canceled())
    }
    runSignal.addEventListener('abort', onAbort, { once: true })
    if (controller !== undefined && step.timeoutMs !== undefined) {
      const ms = step.timeoutMs
      timer = setTimeout(() => {
        const err = new LumosError('WORKFLOW_STEP_TIMEOUT', `Step '${step.id}' timed out after ${ms} ms.`, { details: { stepId: step.id, timeoutMs: ms } })
        controller.abort(err)
        settle(reject, err)
      }, ms)
    }
    ;(value as PromiseLike<unknown>).then(
      (v) => settle(resolve, v),
      (e) => settle(reject, e),
    )
  })
}

export function abortableDelay(ms: number, signal: AbortSignal, canceled: () => LumosError): Promise<void> {
  if (signal.aborted) return Promise.reject(canceled())
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(canceled())
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, Math.max(0, ms))
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
