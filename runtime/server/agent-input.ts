import type { Agent } from '../agent/agent.js'
import type { AgentInput } from '../agent/messages.js'
import type { GenerateOptions, GenerateResult } from '../agent/types.js'
import { LumosError } from '../errors.js'
import type { AppDeps } from './types.js'
import { optionalEnum, optionalNumber, optionalObject, optionalString } from './validate.js'

export function findAgent(deps: AppDeps, id: string, param = 'id'): Agent<any> {
  const agent = deps.agents.get(id)
  if (agent === undefined) {
    throw new LumosError('AGENT_NOT_FOUND', `No agent with id '${id}'. Available: ${[...deps.agents.keys()].join(', ') || '(none)'}.`, { details: { id, param, available: [...deps.agents.keys()] } })
  }
  return agent
}

/** Whether the agent was built with memory (the option is added by the memory module; read it loosely). */
export function agentHasMemory(agent: Agent<any>): boolean {
  const memory = (agent as { memory?: unknown }).memory
  return memory !== undefined && memory !== null && memory !== false
}

export interface ParsedAgentRequest {
  input: AgentInput
  options: GenerateOptions<any>
  /** Assistant message id requested by useChat (regenerate). */
  messageId: string | undefined
}

/**
 * Body of generate/stream: `{ prompt }` or `{ messages }` (UIMessage[] from useChat or ModelMessage[]),
 * with optional `threadId`/`resourceId` for agents with memory and a safe subset of call settings.
 */
export function parseAgentRequest(agent: Agent<any>, body: Record<string, unknown>, signal: AbortSignal | undefined): ParsedAgentRequest {
  const { prompt, messages } = body
  if (prompt !== undefined && messages !== undefined) throw new LumosError('REQUEST_INVALID', 'Send either `prompt` or `messages`, not both.', { details: { param: 'messages' } })
  let input: AgentInput
  if (typeof prompt === 'string') input = prompt
  else if (prompt !== undefined) throw new LumosError('REQUEST_INVALID', '`prompt` must be a string.', { details: { param: 'prompt' } })
  else if (Array.isArray(messages)) input = messages
  else throw new LumosError('REQUEST_INVALID', 'The body needs `prompt` (a string) or `messages` (UIMessage[] or ModelMessage[]).', { details: { param: 'messages' } })

  const resourceId = optionalString(body.resourceId, 'resourceId')
  // useChat sends its chat id as `id`: with a resourceId it names the thread.
  const threadId = optionalString(body.threadId, 'threadId') ?? (resourceId !== undefined ? optionalString(body.id, 'id') : undefined)
  if (threadId !== undefined && resourceId === undefined) throw new LumosError('REQUEST_INVALID', '`threadId` needs a `resourceId` (threads are scoped per resource).', { details: { param: 'resourceId' } })

  const options = callOptions(optionalObject(body.options, 'options') ?? {})
  if (signal) options.abortSignal = signal
  if (threadId !== undefined && agentHasMemory(agent)) {
    // useChat resends the whole chat; memory drops the messages it already stored (by message id).
    ;(options as Record<string, unknown>).memory = { thread: threadId, resource: resourceId }
  }
  return { input, options, messageId: optionalString(body.messageId, 'messageId') }
}

/** Only settings that cannot redirect the provider call (no headers/providerOptions from the network). */
function callOptions(o: Record<string, unknown>): GenerateOptions<any> {
  const out: GenerateOptions<any> = {}
  const set = <K extends keyof GenerateOptions<any>>(key: K, value: GenerateOptions<any>[K] | undefined) => {
    if (value !== undefined) out[key] = value
  }
  set('temperature', optionalNumber(o.temperature, 'options.temperature', 0, 2))
  set('topP', optionalNumber(o.topP, 'options.topP', 0, 1))
  set('topK', optionalNumber(o.topK, 'options.topK', 1, 1000, true))
  set('maxOutputTokens', optionalNumber(o.maxOutputTokens, 'options.maxOutputTokens', 1, 1_000_000, true))
  set('maxSteps', optionalNumber(o.maxSteps, 'options.maxSteps', 1, 50, true))
  set('seed', optionalNumber(o.seed, 'options.seed', -(2 ** 53), 2 ** 53, true))
  set('presencePenalty', optionalNumber(o.presencePenalty, 'options.presencePenalty', -2, 2))
  set('frequencyPenalty', optionalNumber(o.frequencyPenalty, 'options.frequencyPenalty', -2, 2))
  if (o.stop !== undefined) {
    if (!Array.isArray(o.stop) || o.stop.some((s) => typeof s !== 'string')) throw new LumosError('REQUEST_INVALID', '`options.stop` must be an array of strings.', { details: { param: 'options.stop' } })
    out.stop = o.stop as string[]
  }
  if (o.toolChoice !== undefined) {
    const tc = o.toolChoice
    if (typeof tc === 'string') out.toolChoice = optionalEnum(tc, 'options.toolChoice', ['auto', 'none', 'required'] as const)
    else if (typeof tc === 'object' && tc !== null && (tc as { type?: unknown }).type === 'tool' && typeof (tc as { toolName?: unknown }).toolName === 'string') out.toolChoice = { type: 'tool', toolName: (tc as { toolName: string }).toolName }
    else throw new LumosError('REQUEST_INVALID', "`options.toolChoice` must be 'auto', 'none', 'required' or { type: 'tool', toolName }.", { details: { param: 'options.toolChoice' } })
  }
  return out
}

/** Tool results as JSON: errors become `{ code, message }` (no causes, no stacks). */
export function serializeToolResults(results: GenerateResult['toolResults']): unknown[] {
  return results.map((r) => ({
    toolCallId: r.toolCallId,
    toolName: r.toolName,
    input: r.input,
    output: r.output,
    isError: r.isError,
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
  }))
}

/** The run's reply as one assistant UIMessage, the way useChat assembles it from the stream. */
export function toAssistantUIMessage(result: GenerateResult<unknown>, id: string): { id: string; role: 'assistant'; parts: Array<Record<string, unknown>> } {
  const parts: Array<Record<string, unknown>> = []
  for (const step of result.steps) {
    parts.push({ type: 'step-start' })
    if (step.reasoningText) parts.push({ type: 'reasoning', text: step.reasoningText, state: 'done' })
    if (step.text !== '') parts.push({ type: 'text', text: step.text, state: 'done' })
    for (const r of step.toolResults) {
      parts.push(
        r.isError
          ? { type: `tool-${r.toolName}`, toolCallId: r.toolCallId, state: 'output-error', input: r.input, errorText: r.error?.message ?? 'error' }
          : { type: `tool-${r.toolName}`, toolCallId: r.toolCallId, state: 'output-available', input: r.input, output: r.output },
      )
    }
  }
  return { id, role: 'assistant', parts }
}
