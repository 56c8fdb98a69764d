import type { LanguageModelV3Message, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { formatIssues, issuesToJson } from '../schema/validate.js'
import type { StandardSchemaV1 } from '../schema/standard-schema.js'
import type { Span, Tracer } from '../tracing/tracer.js'
import { errorMessage } from '../tracing/tracer.js'
import type { RunInternals, Tool, ToolContext } from './tool.js'
import { RUN_INTERNALS } from './tool.js'

export interface ToolCall {
  toolCallId: string
  toolName: string
  /** Parsed input (the raw string when it was not valid JSON). */
  input: unknown
}

export interface ToolResult {
  toolCallId: string
  toolName: string
  input: unknown
  /** What `execute` returned (undefined on error). */
  output: unknown
  isError: boolean
  /** Set when `isError`: TOOL_NOT_FOUND, TOOL_INPUT_INVALID, TOOL_EXECUTION_FAILED, TOOL_TIMEOUT, TOOL_OUTPUT_INVALID, ... */
  error?: LumosError
  /** The tool has `requireApproval` and did not run: the run suspends until the call is approved or declined. */
  pendingApproval?: boolean
}

/** Per-run state shared by all tool calls of the run. */
export interface ToolRunEnv {
  tools: Record<string, Tool>
  signal: AbortSignal
  context: unknown
  agent: { readonly id: string; readonly name: string }
  tracer: Tracer
  internals: RunInternals
  /** Tool call ids approved by a human (tools with `requireApproval` run only when listed). */
  approved?: ReadonlySet<string>
}

export interface ToolOutcome {
  result: ToolResult
  modelOutput: LanguageModelV3ToolResultOutput
}

/** Parses a model's JSON tool input. Empty input means "no arguments". */
export function parseToolInput(raw: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof raw !== 'string') return { ok: true, value: raw }
  if (raw.trim() === '') return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(raw) }
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
}

/**
 * Runs one tool call. Never throws: every failure becomes an error result the model can read and
 * correct (unknown tool, bad JSON, schema issues, exceptions, timeouts, invalid output).
 */
export async function executeToolCall(
  env: ToolRunEnv,
  call: ToolCall,
  inputParseError: string | undefined,
  messages: ReadonlyArray<LanguageModelV3Message>,
  parentSpan: Span,
): Promise<ToolOutcome> {
  const { toolName, toolCallId } = call
  const span = env.tracer.startSpan(`execute_tool ${toolName}`, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': toolName, 'gen_ai.tool.call.id': toolCallId }, parentSpan)
  let input = call.input
  try {
    const tool = env.tools[toolName]
    if (tool === undefined) {
      const available = Object.keys(env.tools)
      return fail(new LumosError('TOOL_NOT_FOUND', `Tool '${toolName}' does not exist. Available tools: ${available.length ? available.join(', ') : '(none)'}.`, { details: { toolName, available } }))
    }
    if (inputParseError !== undefined) {
      return fail(new LumosError('TOOL_INPUT_INVALID', `Tool '${toolName}' input is not valid JSON (${inputParseError}). Call the tool again with a JSON object matching its schema.`, { details: { toolName, input } }))
    }
    if (tool.inputSchema) {
      let checked = tool.inputSchema['~standard'].validate(input)
      if (checked instanceof Promise) checked = await checked
      if ((checked as StandardSchemaV1.FailureResult).issues) {
        const issues = (checked as StandardSchemaV1.FailureResult).issues
        return fail(new LumosError('TOOL_INPUT_INVALID', `Invalid input for tool '${toolName}': ${formatIssues(issues)}. Call the tool again with corrected arguments.`, { details: { toolName, input, issues: issuesToJson(issues) } }))
      }
      input = (checked as StandardSchemaV1.SuccessResult<unknown>).value
    }
    if (tool.requireApproval && !env.approved?.has(toolCallId)) {
      return { result: { toolCallId, toolName, input, output: undefined, isError: false, pendingApproval: true }, modelOutput: { type: 'text', value: 'Waiting for approval.' } }
    }
    let output: unknown
    try {
      output = await runWithLimits(tool, input, {
        abortSignal: env.signal,
        context: env.context,
        toolCallId,
        agent: env.agent,
        messages,
        span,
        [RUN_INTERNALS]: env.internals,
      })
    } catch (cause) {
      if (LumosError.isInstance(cause)) return fail(cause)
      return fail(new LumosError('TOOL_EXECUTION_FAILED', `Tool '${toolName}' failed: ${errorMessage(cause)}`, { cause, details: { toolName } }))
    }
    if (tool.outputSchema) {
      let checked = tool.outputSchema['~standard'].validate(output)
      if (checked instanceof Promise) checked = await checked
      if ((checked as StandardSchemaV1.FailureResult).issues) {
        const issues = (checked as StandardSchemaV1.FailureResult).issues
        return fail(new LumosError('TOOL_OUTPUT_INVALID', `Tool '${toolName}' returned an invalid output: ${formatIssues(issues)}.`, { details: { toolName, issues: issuesToJson(issues) } }))
      }
      output = (checked as StandardSchemaV1.SuccessResult<unknown>).value
    }
    let modelOutput: LanguageModelV3ToolResultOutput
    try {
      modelOutput = tool.toModelOutput ? tool.toModelOutput(output) : toModelOutput(output)
    } catch (cause) {
      return fail(new LumosError('TOOL_EXECUTION_FAILED', `Tool '${toolName}' toModelOutput failed: ${errorMessage(cause)}`, { cause, details: { toolName } }))
    }
    return { result: { toolCallId, toolName, input, output, isError: false }, modelOutput }
  } finally {
    span.end()
  }

  function fail(error: LumosError): ToolOutcome {
    span.recordError(error)
    return {
      result: { toolCallId, toolName, input, output: undefined, isError: true, error },
      modelOutput: { type: 'error-text', value: error.message },
    }
  }
}

function toModelOutput(output: unknown): LanguageModelV3ToolResultOutput {
  if (typeof output === 'string') return { type: 'text', value: output }
  return { type: 'json', value: output === undefined ? null : (output as never) }
}

/**
 * Calls `execute`, settling early on run abort or timeout. The tool's own promise keeps a rejection
 * handler attached, so a tool that rejects after we stopped waiting is never an unhandled rejection.
 */
function runWithLimits(tool: Tool, input: unknown, ctx: ToolContext): Promise<unknown> {
  const runSignal = ctx.abortSignal
  if (runSignal.aborted) return Promise.reject(abortError(runSignal))
  if (tool.timeoutMs === undefined) {
    const value = tool.execute(input, ctx)
    if (!isThenable(value)) return Promise.resolve(value)
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(runSignal))
      runSignal.addEventListener('abort', onAbort, { once: true })
      Promise.resolve(value).then(
        (v) => (runSignal.removeEventListener('abort', onAbort), resolve(v)),
        (e) => (runSignal.removeEventListener('abort', onAbort), reject(e)),
      )
    })
  }
  const limit = tool.timeoutMs
  const controller = new AbortController()
  const timeoutError = new LumosError('TOOL_TIMEOUT', `Tool '${tool.id}' timed out after ${limit} ms.`, { details: { toolName: tool.id, timeoutMs: limit } })
  return new Promise((resolve, reject) => {
    const onRunAbort = () => {
      controller.abort(runSignal.reason)
      settle(reject, abortError(runSignal))
    }
    const timer = setTimeout(() => {
      controller.abort(timeoutError)
      settle(reject, timeoutError)
    }, limit)
    let done = false
    const settle = <T>(fn: (v: T) => void, v: T) => {
      if (done) return
      done = true
      clearTimeout(timer)
      runSignal.removeEventListener('abort', onRunAbort)
      fn(v)
    }
    runSignal.addEventListener('abort', onRunAbort, { once: true })
    try {
      Promise.resolve(tool.execute(input, { ...ctx, abortSignal: controller.signal })).then(
        (v) => settle(resolve, v),
        (e) => settle(reject, e),
      )
    } catch (e) {
      settle(reject, e)
    }
  })
}

function abortError(signal: AbortSignal): LumosError {
  return new LumosError('AGENT_ABORTED', 'The run was aborted while the tool was running.', { cause: signal.reason })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}
