import { LumosError } from '../errors.js'
import { formatIssues, issuesToJson } from '../schema/validate.js'
import type { JsonValue } from '../storage/types.js'
import type { Entry, StepLike } from './definition.js'
import { isWorkflow } from './definition.js'
import { serializeError } from './errors.js'
import { abortableDelay, check, runStep } from './step-runner.js'
import type { StepRunEnv } from './step-runner.js'
import type { Frame, StepRecord, WorkflowEvent } from './types.js'
import type { Workflow } from './workflow.js'

export type FrameOutcome = { kind: 'done'; output: unknown } | { kind: 'suspended' } | { kind: 'bail'; output: unknown }

/** What the executor needs from its run: persistence, events, cancellation. */
export interface ExecutionHost {
  readonly runId: string
  readonly signal: AbortSignal
  readonly context: unknown
  /** Writes the whole snapshot (coalesced, version-checked). */
  persist(): Promise<void>
  /** True when someone listens (events are built only then). */
  readonly listening: boolean
  emit(event: WorkflowEvent): void
  cancel(): void
  canceled(): LumosError
  /** Step-runner settings for one step (cheap: shares the run's signal and closures). */
  stepEnv(wf: Workflow<any, any, any>, onRetry: StepRunEnv['onRetry']): StepRunEnv
}

export function newFrame(workflowId: string, input: unknown, state: unknown): Frame {
  return { workflowId, input: input as JsonValue, cursor: 0, last: null, state: (state ?? {}) as JsonValue, results: {}, progress: {} }
}

/**
 * Runs a workflow level from `frame.cursor`. Completed records are skipped, so re-entering a frame
 * after a resume or a crash never re-runs a completed step. After every entry the snapshot is
 * persisted (the root's last entry is persisted by the final status write).
 */
export async function runFrame(host: ExecutionHost, wf: Workflow<any, any, any>, frame: Frame, path: string[]): Promise<FrameOutcome> {
  const entries = wf.entries
  const isRoot = path.length === 0
  while (frame.cursor < entries.length) {
    if (host.signal.aborted) throw host.canceled()
    const i = frame.cursor
    const input = i === 0 ? frame.input : frame.last
    const out = await runEntry(host, wf, frame, entries[i], i, input, path)
    if (out.kind === 'suspended') return out
    frame.last = (out.output ?? null) as JsonValue
    // bail ends this workflow level with the given result
    frame.cursor = out.kind === 'bail' ? entries.length : i + 1
    if (!(isRoot && frame.cursor === entries.length)) await host.persist()
  }
  return entries.length === 0 ? { kind: 'done', output: frame.input } : { kind: 'done', output: frame.last }
}

async function runEntry(host: ExecutionHost, wf: Workflow<any, any, any>, frame: Frame, entry: Entry, index: number, input: unknown, path: string[]): Promise<FrameOutcome> {
  switch (entry.type) {
    case 'step':
      return runStepLike(host, wf, frame, entry.step, entry.step.id, input, path)
    case 'parallel':
      return runAll(host, wf, frame, entry.steps, input, path)
    case 'branch': {
      const key = `branch-${index}`
      let chosen = frame.progress[key] as number[] | undefined
      if (chosen === undefined) {
        chosen = []
        for (let b = 0; b < entry.branches.length; b++) {
          if (await entry.branches[b][0](conditionContext(host, frame, input, 0))) chosen.push(b)
        }
        // remembered so a resume or recovery takes the same branches
        frame.progress[key] = chosen
      }
      const out = await runAll(host, wf, frame, chosen.map((b) => entry.branches[b][1]), input, path)
      if (out.kind === 'done') delete frame.progress[key]
      return out
    }
    case 'loop':
      return runLoop(host, wf, frame, entry, index, input, path)
    case 'foreach':
      return runForeach(host, wf, frame, entry.step, entry.concurrency, input, path)
    case 'map': {
      const output = await entry.fn({ inputData: input, state: frame.state, getStepResult: resultGetter(frame), getInitData: () => frame.input, runId: host.runId, context: host.context })
      frame.results[entry.id] = { status: 'success', output: (output ?? null) as JsonValue }
      return { kind: 'done', output }
    }
    case 'sleep': {
      if (frame.wakeAt === undefined) {
        const ctx = { inputData: input, state: frame.state }
        let wakeAt: number
        if (entry.until !== undefined) {
          const d = typeof entry.until === 'function' ? await entry.until(ctx) : entry.until
          wakeAt = d.getTime()
        } else {
          const ms = typeof entry.ms === 'function' ? await entry.ms(ctx) : (entry.ms ?? 0)
          wakeAt = Date.now() + ms
        }
        if (!Number.isFinite(wakeAt)) throw new LumosError('WORKFLOW_STEP_FAILED', `Sleep '${entry.id}' got an invalid duration or date.`, { details: { stepId: entry.id } })
        // the wake time is durable: a restarted process sleeps only the remaining time
        frame.wakeAt = wakeAt
        await host.persist()
        if (host.listening) host.emit({ type: 'workflow-sleep', runId: host.runId, path: [...path, entry.id], wakeAt })
      }
      await abortableDelay(frame.wakeAt - Date.now(), host.signal, () => host.canceled())
      delete frame.wakeAt
      return { kind: 'done', output: input }
    }
  }
}

async function runAll(host: ExecutionHost, wf: Workflow<any, any, any>, frame: Frame, steps: StepLike[], input: unknown, path: string[]): Promise<FrameOutcome> {
  // each branch's result is persisted when it completes (concurrent completions share one write)
  const settled = await Promise.allSettled(
    steps.map(async (s) => {
      const done = frame.results[s.id]?.status === 'success'
      const out = await runStepLike(host, wf, frame, s, s.id, input, path)
      if (!done && out.kind !== 'suspended' && steps.length > 1) await host.persist()
      return out
    }),
  )
  let suspended = false
  let bail: FrameOutcome | undefined
  const output: Record<string, unknown> = {}
  for (let k = 0; k < settled.length; k++) {
    const r = settled[k]
    if (r.status === 'rejected') throw r.reason
    if (r.value.kind === 'suspended') suspended = true
    else if (r.value.kind === 'bail') bail = r.value
    else output[steps[k].id] = r.value.output
  }
  if (suspended) return { kind: 'suspended' }
  return bail ?? { kind: 'done', output }
}

async function runLoop(host: ExecutionHost, wf: Workflow<any, any, any>, frame: Frame, entry: Extract<Entry, { type: 'loop' }>, index: number, input: unknown, path: string[]): Promise<FrameOutcome> {
  const key = `loop-${index}`
  let p = (frame.progress[key] as { n: number; input: JsonValue } | undefined) ?? { n: 0, input: input as JsonValue }
  for (;;) {
    const out = await runStepLike(host, wf, frame, entry.step, entry.step.id, p.input, path)
    if (out.kind !== 'done') return out
    const n = p.n + 1
    const cond = await entry.condition(conditionContext(host, frame, out.output, n))
    const stop = entry.mode === 'dountil' ? cond : !cond
    if (stop) {
      delete frame.progress[key]
      return out
    }
    // next iteration: a fresh record for the step, the counter and its input persisted together
    delete frame.results[entry.step.id]
    p = { n, input: (out.output ?? null) as JsonValue }
    frame.progress[key] = p
    await host.persist()
    if (host.signal.aborted) throw host.canceled()
  }
}

async function runForeach(host: ExecutionHost, wf: Workflow<any, any, any>, frame: Frame, step: StepLike, concurrency: number, input: unknown, path: string[]): Promise<FrameOutcome> {
  if (!Array.isArray(input)) {
    throw new LumosError('WORKFLOW_STEP_FAILED', `foreach('${step.id}') needs an array as input, got ${input === null ? 'null' : typeof input}.`, { details: { stepId: step.id } })
  }
  const items = input
  let next = 0
  let suspended = false
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const j = next++
      try {
        const out = await runStepLike(host, wf, frame, step, `${step.id}#${j}`, items[j], path)
        if (out.kind === 'suspended') suspended = true
        else await host.persist()
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  if (failure) throw failure.error
  if (suspended) return { kind: 'suspended' }
  const outputs: JsonValue[] = new Array(items.length)
  for (let j = 0; j < items.length; j++) {
    const k = `${step.id}#${j}`
    outputs[j] = frame.results[k]?.output ?? null
    delete frame.results[k]
  }
  frame.results[step.id] = { status: 'success', output: outputs }
  return { kind: 'done', output: outputs }
}

/** Runs a step or a nested workflow at `key` of `frame`, honouring the record already there. */
async function runStepLike(host: ExecutionHost, wf: Workflow<any, any, any>, frame: Frame, step: StepLike, key: string, input: unknown, path: string[]): Promise<FrameOutcome> {
  let record = frame.results[key]
  if (record?.status === 'success') return { kind: 'done', output: record.output }
  const stepPath = host.listening ? [...path, key] : path
  if (isWorkflow(step)) {
    if (record?.nested === undefined) {
      const c = await check(step.inputSchema, input)
      if (!c.ok) throw new LumosError('WORKFLOW_INPUT_INVALID', `Nested workflow '${step.id}' got an input that does not match its inputSchema: ${formatIssues(c.issues)}`, { details: { workflowId: step.id, stepId: key, issues: issuesToJson(c.issues) } })
      record = { status: 'running', startedAt: Date.now(), nested: newFrame(step.id, c.value, undefined) }
      frame.results[key] = record
    } else {
      record.status = 'running'
    }
    if (host.listening) host.emit({ type: 'step-start', runId: host.runId, stepId: step.id, path: stepPath })
    let out: FrameOutcome
    try {
      out = await runFrame(host, step, record.nested!, [...path, key])
    } catch (error) {
      record.status = 'failed'
      record.error = serializeError(error)
      throw error
    }
    if (out.kind === 'suspended') {
      record.status = 'suspended'
      return out
    }
    const c = await check(step.outputSchema, out.output)
    if (!c.ok) throw new LumosError('WORKFLOW_STEP_OUTPUT_INVALID', `Nested workflow '${step.id}' returned a result that does not match its outputSchema: ${formatIssues(c.issues)}`, { details: { stepId: key, issues: issuesToJson(c.issues) } })
    record.status = 'success'
    record.output = (c.value ?? null) as JsonValue
    record.endedAt = Date.now()
    if (host.listening) host.emit({ type: 'step-result', runId: host.runId, stepId: step.id, path: stepPath, output: c.value })
    return { kind: 'done', output: c.value }
  }
  // a suspended step stays suspended until a resume targets it (the resume sets it 'running')
  if (record?.status === 'suspended') return { kind: 'suspended' }
  const resumeData = record?.resumeData
  const prior = record
  record = { status: 'running', startedAt: Date.now() }
  // a resumed step keeps what it was suspended with and what it was resumed with
  if (resumeData !== undefined) {
    record.resumeData = resumeData
    if (prior?.suspendPayload !== undefined) record.suspendPayload = prior.suspendPayload
  }
  frame.results[key] = record
  if (host.listening) host.emit({ type: 'step-start', runId: host.runId, stepId: step.id, path: stepPath })
  const rec = record
  let out
  try {
    out = await runStep(
      step,
      input,
      resumeData,
      {
        state: frame.state,
        setState: (state: unknown) => {
          frame.state = (state ?? null) as JsonValue
        },
        getStepResult: resultGetter(frame),
        getInitData: () => frame.input,
        abort: () => host.cancel(),
        runId: host.runId,
        workflowId: wf.id,
        context: host.context,
      },
      host.stepEnv(wf, (attempt, error) => {
        if (host.listening) host.emit({ type: 'step-retry', runId: host.runId, stepId: step.id, path: stepPath, attempt, error: serializeError(error) })
      }),
    )
  } catch (error) {
    rec.status = 'failed'
    rec.error = serializeError(error)
    rec.endedAt = Date.now()
    if (host.listening) host.emit({ type: 'step-failed', runId: host.runId, stepId: step.id, path: stepPath, error: rec.error })
    throw error
  }
  rec.attempts = out.attempts
  rec.endedAt = Date.now()
  if (out.kind === 'suspended') {
    rec.status = 'suspended'
    rec.suspendPayload = (out.payload ?? null) as JsonValue
    if (host.listening) host.emit({ type: 'step-suspended', runId: host.runId, stepId: step.id, path: stepPath, suspendPayload: out.payload })
    return { kind: 'suspended' }
  }
  rec.status = 'success'
  rec.output = (out.output ?? null) as JsonValue
  if (host.listening) host.emit({ type: 'step-result', runId: host.runId, stepId: step.id, path: stepPath, output: out.output })
  return out.kind === 'bail' ? { kind: 'bail', output: out.output } : { kind: 'done', output: out.output }
}

function resultGetter(frame: Frame): (step: string | { id: string }) => unknown {
  return (step) => {
    const r: StepRecord | undefined = frame.results[typeof step === 'string' ? step : step.id]
    return r?.status === 'success' ? r.output : undefined
  }
}

function conditionContext(host: ExecutionHost, frame: Frame, inputData: unknown, iterationCount: number) {
  return { inputData, state: frame.state, iterationCount, getStepResult: resultGetter(frame), getInitData: () => frame.input, runId: host.runId }
}
