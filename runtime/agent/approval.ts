import type { LanguageModelV3Message, LanguageModelV3ToolResultPart } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { JsonValue, Store } from '../storage/types.js'
import type { ToolCall, ToolResult, ToolRunEnv } from '../tools/execute-tool.js'
import { executeToolCall } from '../tools/execute-tool.js'
import { noopTracer } from '../tracing/tracer.js'
import type { Agent } from './agent.js'
import type { AgentInput } from './messages.js'
import type { RunSetup } from './run.js'
import type { GenerateOptions, GenerateResult } from './types.js'
import { emptyUsage } from './usage.js'

/**
 * Human-in-the-loop for agents. A tool with `requireApproval` does not run: the loop stops and the
 * conversation so far (minus the agent's system prompt) plus the pending calls is stored with
 * `putWorkflowRun` under workflowId `agent:<agentId>`. `approveToolCall` / `declineToolCall` (from
 * any process with the same store) record the decision; once every pending call is decided the
 * approved tools run, declined ones return an error result to the model, and the loop continues.
 */

/** Internal generate() option: continue a stored run instead of starting one. */
export const APPROVAL_CONTINUATION: unique symbol = Symbol.for('lumos.approval-continuation') as never

interface Continuation {
  runId: string
  /** Store version the continuation holds (its claim). */
  version: number
}

interface PendingCall {
  toolCallId: string
  toolName: string
  input: JsonValue
  decision?: 'approved' | 'declined'
  reason?: string
}

interface ApprovalSnapshot {
  v: 1
  kind: 'agent-approval'
  agentId: string
  messages: JsonValue
  pending: PendingCall[]
}

export interface ToolDecisionInput<TContext = unknown> extends Omit<GenerateOptions<TContext>, 'approvalStore' | 'structuredOutput'> {
  runId: string
  toolCallId: string
  store: Store
  /** Told to the model when declining. */
  reason?: string
}

const refOf = (agentId: string, runId: string) => ({ workflowId: `agent:${agentId}`, runId })

function conflict(runId: string, cause: unknown): LumosError {
  return new LumosError('WORKFLOW_RESUME_CONFLICT', `Agent run '${runId}' was changed by another approval at the same time: re-read it and decide again if needed.`, { cause, details: { runId } })
}

/** Called by the agent loop when a step has calls waiting for approval. Stores the run; returns what the result reports. */
export async function suspendForApproval(s: RunSetup, results: ToolResult[]): Promise<{ runId: string; toolCalls: ToolCall[] }> {
  const pending = results.filter((r) => r.pendingApproval)
  const store = s.options.approvalStore as Store | undefined
  if (!store) {
    throw new LumosError('AGENT_CONFIG_INVALID', `Tool '${pending[0].toolName}' requires approval: pass \`approvalStore\` to generate()/stream() so the suspended run can be stored and approved later.`, { details: { agent: s.agent.id, toolName: pending[0].toolName } })
  }
  const cont = (s.options as { [APPROVAL_CONTINUATION]?: Continuation })[APPROVAL_CONTINUATION]
  const runId = cont?.runId ?? s.runId
  const ids = new Set(pending.map((r) => r.toolCallId))
  // the agent re-adds its own system prompt when the run continues
  const messages = (s.messages[0]?.role === 'system' ? s.messages.slice(1) : s.messages.slice())
    .map((m) => (m.role === 'tool' ? { ...m, content: m.content.filter((p) => !(p.type === 'tool-result' && ids.has(p.toolCallId))) } : m))
    .filter((m) => !(m.role === 'tool' && m.content.length === 0))
  const snapshot: ApprovalSnapshot = {
    v: 1,
    kind: 'agent-approval',
    agentId: s.agent.id,
    messages: messages as unknown as JsonValue,
    pending: pending.map((r) => ({ toolCallId: r.toolCallId, toolName: r.toolName, input: (r.input ?? null) as JsonValue })),
  }
  try {
    await store.putWorkflowRun({ ...refOf(s.agent.id, runId), status: 'suspended', snapshot: snapshot as unknown as JsonValue, expectedVersion: cont?.version ?? 0 })
  } catch (e) {
    if (LumosError.isInstance(e) && e.code === 'STORE_VERSION_CONFLICT') throw conflict(runId, e)
    throw e
  }
  return { runId, toolCalls: pending.map((r) => ({ toolCallId: r.toolCallId, toolName: r.toolName, input: r.input })) }
}

/** approveToolCall / declineToolCall. */
export async function decideToolCall(agent: Agent<any>, input: ToolDecisionInput, approve: boolean): Promise<GenerateResult<unknown>> {
  const { runId, toolCallId, store, reason, ...options } = input ?? ({} as ToolDecisionInput)
  const notFound = () => new LumosError('TOOL_APPROVAL_NOT_FOUND', `Agent '${agent.id}' has no suspended tool call '${toolCallId}' in run '${runId}'.`, { details: { agent: agent.id, runId, toolCallId } })
  if (!store || typeof runId !== 'string' || typeof toolCallId !== 'string') throw notFound()
  const ref = refOf(agent.id, runId)
  const stored = await store.getWorkflowRun(ref)
  if (stored === null || stored.status !== 'suspended') throw notFound()
  const snap = JSON.parse(JSON.stringify(stored.snapshot)) as ApprovalSnapshot
  const call = snap.pending?.find((p) => p.toolCallId === toolCallId && p.decision === undefined)
  if (call === undefined) throw notFound()
  call.decision = approve ? 'approved' : 'declined'
  if (reason !== undefined) call.reason = reason
  const open = snap.pending.filter((p) => p.decision === undefined)
  const claim = async (status: string) => {
    try {
      return await store.putWorkflowRun({ ...ref, status, snapshot: snap as unknown as JsonValue, expectedVersion: stored.version })
    } catch (e) {
      if (LumosError.isInstance(e) && e.code === 'STORE_VERSION_CONFLICT') throw conflict(runId, e)
      throw e
    }
  }
  if (open.length > 0) {
    // other calls still wait: record this decision only
    await claim('suspended')
    const toolCalls = open.map((p) => ({ toolCallId: p.toolCallId, toolName: p.toolName, input: p.input }))
    return { runId, text: '', reasoningText: undefined, object: undefined, steps: [], toolCalls: [], toolResults: [], usage: emptyUsage(), finishReason: 'tool-calls', stoppedBy: 'approval', warnings: [], response: { messages: [] }, suspended: { runId, toolCalls } }
  }
  const claimed = await claim('running')
  let version = claimed.version
  try {
    const messages = snap.messages as unknown as LanguageModelV3Message[]
    const signal = options.abortSignal ?? new AbortController().signal
    const env: ToolRunEnv = {
      tools: agent.tools as ToolRunEnv['tools'],
      signal,
      context: options.context,
      agent,
      tracer: noopTracer,
      internals: { depth: 0, path: [], tracer: noopTracer, maxDelegationDepth: 3, emit: undefined },
      approved: new Set(snap.pending.filter((p) => p.decision === 'approved').map((p) => p.toolCallId)),
    }
    const parts: LanguageModelV3ToolResultPart[] = []
    for (const p of snap.pending) {
      if (p.decision === 'approved') {
        const outcome = await executeToolCall(env, { toolCallId: p.toolCallId, toolName: p.toolName, input: p.input }, undefined, messages, noopTracer.startSpan('approved_tool'))
        parts.push({ type: 'tool-result', toolCallId: p.toolCallId, toolName: p.toolName, output: outcome.modelOutput })
      } else {
        parts.push({ type: 'tool-result', toolCallId: p.toolCallId, toolName: p.toolName, output: { type: 'error-text', value: `The user declined this tool call${p.reason ? `: ${p.reason}` : '.'}` } })
      }
    }
    const last = messages[messages.length - 1]
    if (last?.role === 'tool') last.content.push(...parts)
    else messages.push({ role: 'tool', content: parts })
    const result = await agent.generate(messages as unknown as AgentInput, { ...(options as GenerateOptions), approvalStore: store, [APPROVAL_CONTINUATION]: { runId, version } } as GenerateOptions)
    if (result.suspended) return result
    await store.putWorkflowRun({ ...ref, status: 'success', snapshot: { v: 1, kind: 'agent-approval', agentId: agent.id, text: result.text } as JsonValue, expectedVersion: version })
    version++
    return result
  } catch (error) {
    if (!(LumosError.isInstance(error) && error.code === 'WORKFLOW_RESUME_CONFLICT')) {
      await store.putWorkflowRun({ ...ref, status: 'failed', snapshot: { v: 1, kind: 'agent-approval', agentId: agent.id, error: error instanceof Error ? error.message : String(error) }, expectedVersion: version }).catch(() => {})
    }
    throw error
  }
}
