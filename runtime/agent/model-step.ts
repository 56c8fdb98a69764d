import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3ReasoningPart,
  LanguageModelV3StreamPart,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultPart,
  SharedV3Headers,
  SharedV3Warning,
} from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { AgentStreamPart } from '../stream/parts.js'
import type { ToolCall, ToolOutcome, ToolRunEnv } from '../tools/execute-tool.js'
import { executeToolCall, parseToolInput } from '../tools/execute-tool.js'
import type { Span } from '../tracing/tracer.js'
import { errorMessage } from '../tracing/tracer.js'
import type { FinishReason, Usage } from './usage.js'
import { fromModelUsage } from './usage.js'

type AssistantPart = LanguageModelV3TextPart | LanguageModelV3FilePart | LanguageModelV3ReasoningPart | LanguageModelV3ToolCallPart | LanguageModelV3ToolResultPart

/** One model call, normalised, with its tool executions already started. */
export interface StepOutput {
  content: LanguageModelV3Content[]
  assistantParts: AssistantPart[]
  text: string
  reasoningText: string | undefined
  /** Client-executed tool calls, in model order. */
  toolCalls: ToolCall[]
  outcomes: Array<Promise<ToolOutcome>>
  finishReason: FinishReason
  rawFinishReason: string | undefined
  usage: Usage
  warnings: SharedV3Warning[]
  response: { id?: string; modelId?: string; timestamp?: Date; headers?: SharedV3Headers }
}

export interface StepEnv {
  model: LanguageModelV3
  tools: ToolRunEnv
  signal: AbortSignal
  emit: ((part: AgentStreamPart) => void) | undefined
}

export function abortedError(signal: AbortSignal): LumosError {
  return new LumosError('AGENT_ABORTED', 'The agent run was aborted.', { cause: signal.reason })
}

export function toModelError(error: unknown, signal: AbortSignal): LumosError {
  if (signal.aborted) return abortedError(signal)
  if (LumosError.isInstance(error)) return error
  return new LumosError('AGENT_MODEL_ERROR', `Model call failed: ${errorMessage(error)}`, { cause: error })
}

function startToolCall(env: StepEnv, out: StepOutput, raw: { toolCallId: string; toolName: string; input: string; providerMetadata?: Record<string, never> }, messages: ReadonlyArray<LanguageModelV3Message>, span: Span): ToolCall {
  const parsed = parseToolInput(raw.input)
  const call: ToolCall = { toolCallId: raw.toolCallId, toolName: raw.toolName, input: parsed.ok ? parsed.value : raw.input }
  out.toolCalls.push(call)
  out.assistantParts.push({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: call.input, providerOptions: raw.providerMetadata })
  const outcome = executeToolCall(env.tools, call, parsed.ok ? undefined : parsed.error, messages, span)
  const emit = env.emit
  if (emit !== undefined) {
    emit({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: call.input })
    outcome.then(({ result }) =>
      emit(
        result.isError
          ? { type: 'tool-error', toolCallId: result.toolCallId, toolName: result.toolName, input: result.input, error: result.error! }
          : { type: 'tool-result', toolCallId: result.toolCallId, toolName: result.toolName, input: result.input, output: result.output },
      ),
    )
  }
  out.outcomes.push(outcome)
  return call
}

function newOutput(): StepOutput {
  return {
    content: [],
    assistantParts: [],
    text: '',
    reasoningText: undefined,
    toolCalls: [],
    outcomes: [],
    finishReason: 'other',
    rawFinishReason: undefined,
    usage: undefined as never,
    warnings: [],
    response: {},
  }
}

/** doGenerate: tool calls start concurrently once the whole response is in. */
export async function generateStep(env: StepEnv, callOptions: LanguageModelV3CallOptions, span: Span): Promise<StepOutput> {
  let res
  try {
    res = await env.model.doGenerate(callOptions)
  } catch (error) {
    throw toModelError(error, env.signal)
  }
  const out = newOutput()
  out.content = res.content
  for (const c of res.content) {
    switch (c.type) {
      case 'text':
        out.text += c.text
        out.assistantParts.push({ type: 'text', text: c.text, providerOptions: c.providerMetadata })
        break
      case 'reasoning':
        out.reasoningText = (out.reasoningText ?? '') + c.text
        out.assistantParts.push({ type: 'reasoning', text: c.text, providerOptions: c.providerMetadata })
        break
      case 'tool-call':
        if (c.providerExecuted) {
          const parsed = parseToolInput(c.input)
          out.assistantParts.push({ type: 'tool-call', toolCallId: c.toolCallId, toolName: c.toolName, input: parsed.ok ? parsed.value : c.input, providerExecuted: true })
        } else {
          startToolCall(env, out, c as never, callOptions.prompt, span)
        }
        break
      case 'tool-result':
        out.assistantParts.push({ type: 'tool-result', toolCallId: c.toolCallId, toolName: c.toolName, output: { type: c.isError ? 'error-json' : 'json', value: c.result } })
        break
      case 'file':
        out.assistantParts.push({ type: 'file', data: c.data, mediaType: c.mediaType })
        break
    }
  }
  out.finishReason = res.finishReason.unified
  out.rawFinishReason = res.finishReason.raw
  out.usage = fromModelUsage(res.usage)
  out.warnings = res.warnings
  if (res.response) out.response = res.response
  return out
}

/**
 * doStream: parts are forwarded as they arrive and each tool starts as soon as its call is complete,
 * while the model may still be streaming. Abort cancels the provider stream.
 */
export async function streamStep(env: StepEnv, callOptions: LanguageModelV3CallOptions, span: Span): Promise<StepOutput> {
  const emit = env.emit!
  let stream: ReadableStream<LanguageModelV3StreamPart>
  try {
    stream = (await env.model.doStream(callOptions)).stream
  } catch (error) {
    throw toModelError(error, env.signal)
  }
  const out = newOutput()
  const reader = stream.getReader()
  const onAbort = () => void reader.cancel(env.signal.reason).catch(() => {})
  env.signal.addEventListener('abort', onAbort, { once: true })
  const texts = new Map<string, { type: 'text'; text: string }>()
  const reasonings = new Map<string, { type: 'reasoning'; text: string }>()
  let finished = false
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<LanguageModelV3StreamPart>
      try {
        chunk = await reader.read()
      } catch (error) {
        throw toModelError(error, env.signal)
      }
      if (chunk.done) break
      const part = chunk.value
      switch (part.type) {
        case 'text-start':
        case 'text-delta': {
          let acc = texts.get(part.id)
          if (acc === undefined) {
            acc = { type: 'text', text: '' }
            texts.set(part.id, acc)
            out.content.push(acc)
            emit({ type: 'text-start', id: part.id, providerMetadata: part.providerMetadata })
          }
          if (part.type === 'text-delta' && part.delta) {
            acc.text += part.delta
            out.text += part.delta
            emit({ type: 'text-delta', id: part.id, delta: part.delta })
          }
          break
        }
        case 'text-end':
          if (texts.has(part.id)) emit({ type: 'text-end', id: part.id })
          break
        case 'reasoning-start':
        case 'reasoning-delta': {
          let acc = reasonings.get(part.id)
          if (acc === undefined) {
            acc = { type: 'reasoning', text: '' }
            reasonings.set(part.id, acc)
            out.content.push(acc)
            emit({ type: 'reasoning-start', id: part.id, providerMetadata: part.providerMetadata })
          }
          if (part.type === 'reasoning-delta' && part.delta) {
            acc.text += part.delta
            out.reasoningText = (out.reasoningText ?? '') + part.delta
            emit({ type: 'reasoning-delta', id: part.id, delta: part.delta })
          }
          break
        }
        case 'reasoning-end':
          if (reasonings.has(part.id)) emit({ type: 'reasoning-end', id: part.id, providerMetadata: part.providerMetadata })
          break
        case 'tool-input-start':
          emit({ type: 'tool-input-start', toolCallId: part.id, toolName: part.toolName })
          break
        case 'tool-input-delta':
          emit({ type: 'tool-input-delta', toolCallId: part.id, delta: part.delta })
          break
        case 'tool-input-end':
          emit({ type: 'tool-input-end', toolCallId: part.id })
          break
        case 'tool-call':
          out.content.push(part)
          if (part.providerExecuted) {
            const parsed = parseToolInput(part.input)
            const input = parsed.ok ? parsed.value : part.input
            out.assistantParts.push({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input, providerExecuted: true })
            emit({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input, providerExecuted: true })
          } else {
            startToolCall(env, out, part as never, callOptions.prompt, span)
          }
          break
        case 'tool-result':
          out.content.push(part)
          out.assistantParts.push({ type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output: { type: part.isError ? 'error-json' : 'json', value: part.result } })
          emit({ type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, input: undefined, output: part.result, providerExecuted: true })
          break
        case 'source':
          out.content.push(part)
          emit({ type: 'source', source: part })
          break
        case 'file':
          out.content.push(part)
          out.assistantParts.push({ type: 'file', data: part.data, mediaType: part.mediaType })
          break
        case 'stream-start':
          out.warnings = part.warnings
          break
        case 'response-metadata':
          out.response = { id: part.id, modelId: part.modelId, timestamp: part.timestamp }
          break
        case 'finish':
          finished = true
          out.finishReason = part.finishReason.unified
          out.rawFinishReason = part.finishReason.raw
          out.usage = fromModelUsage(part.usage)
          break
        case 'error':
          throw toModelError(part.error, env.signal)
      }
    }
  } catch (error) {
    // Tools already started must not outlive the step unobserved.
    for (const o of out.outcomes) o.catch(() => {})
    void reader.cancel().catch(() => {})
    throw error
  } finally {
    env.signal.removeEventListener('abort', onAbort)
  }
  if (env.signal.aborted) throw abortedError(env.signal)
  // Text parts go into the prompt in arrival order, before the tool calls pushed during streaming.
  const textParts: AssistantPart[] = []
  for (const c of out.content) {
    if (c.type === 'text') textParts.push({ type: 'text', text: c.text })
    else if (c.type === 'reasoning') textParts.push({ type: 'reasoning', text: c.text })
  }
  if (textParts.length > 0) out.assistantParts = textParts.concat(out.assistantParts)
  if (!finished) {
    out.usage = fromModelUsage(undefined)
    if (out.toolCalls.length > 0) out.finishReason = 'tool-calls'
  }
  return out
}
