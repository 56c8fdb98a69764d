import { LumosError } from '../errors.js'
import type { AgentStreamPart } from './parts.js'

/**
 * The AI SDK UI message stream protocol (v1): Server-Sent Events whose data lines are UIMessageChunk
 * JSON, ended by `data: [DONE]`. A `useChat` front end (DefaultChatTransport) reads it unchanged.
 */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
})

/** The UIMessageChunk subset Lumos emits (names and fields as in the `ai` package). */
export type UIMessageChunk =
  | { type: 'start'; messageId?: string }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'finish'; finishReason?: string; messageMetadata?: { usage: UsageMetadata } }
  | { type: 'abort'; reason?: string }
  | { type: 'error'; errorText: string }
  | { type: 'text-start' | 'text-end' | 'reasoning-start' | 'reasoning-end'; id: string }
  | { type: 'text-delta' | 'reasoning-delta'; id: string; delta: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string; providerExecuted?: boolean }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown; providerExecuted?: boolean }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown; providerExecuted?: boolean }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: 'source-url'; sourceId: string; url: string; title?: string }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean }

/** Token usage of the whole run, as the `finish` chunk's messageMetadata carries it (the playground shows it). */
export interface UsageMetadata {
  inputTokens?: number
  outputTokens?: number
  totalTokens?: number
}

export interface UIMessageStreamOptions {
  /** Id of the assistant message (default: the run id). */
  messageId?: string
  /** Forward reasoning parts (default true). */
  sendReasoning?: boolean
  /** Forward URL sources (default true). */
  sendSources?: boolean
  /** Forward sub-agent events as transient `data-agent` chunks (default true; useChat's onData sees them). */
  sendAgentParts?: boolean
  /** Text shown to the client for an error. Default: 'An error occurred (CODE).' — messages can carry provider internals. */
  onError?: (error: unknown) => string
}

export interface UIMessageStreamResponseInit extends UIMessageStreamOptions {
  status?: number
  statusText?: string
  headers?: Record<string, string>
}

function defaultErrorText(error: unknown): string {
  return LumosError.isInstance(error) ? `An error occurred (${error.code}).` : 'An error occurred.'
}

export function toUIMessageChunk(part: AgentStreamPart, options: UIMessageStreamOptions, runId: string): UIMessageChunk | undefined {
  switch (part.type) {
    case 'start':
      return { type: 'start', messageId: options.messageId ?? runId }
    case 'start-step':
      return { type: 'start-step' }
    case 'finish-step':
      return { type: 'finish-step' }
    case 'finish':
      return { type: 'finish', finishReason: part.finishReason, messageMetadata: { usage: usageMetadata(part.totalUsage) } }
    case 'abort':
      return { type: 'abort' }
    case 'error':
      return { type: 'error', errorText: (options.onError ?? defaultErrorText)(part.error) }
    case 'text-start':
    case 'text-end':
      return { type: part.type, id: part.id }
    case 'text-delta':
      return { type: 'text-delta', id: part.id, delta: part.delta }
    case 'reasoning-start':
    case 'reasoning-end':
      return options.sendReasoning === false ? undefined : { type: part.type, id: part.id }
    case 'reasoning-delta':
      return options.sendReasoning === false ? undefined : { type: 'reasoning-delta', id: part.id, delta: part.delta }
    case 'tool-input-start':
      return { type: 'tool-input-start', toolCallId: part.toolCallId, toolName: part.toolName }
    case 'tool-input-delta':
      return { type: 'tool-input-delta', toolCallId: part.toolCallId, inputTextDelta: part.delta }
    case 'tool-call':
      return { type: 'tool-input-available', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, ...(part.providerExecuted ? { providerExecuted: true } : {}) }
    case 'tool-result':
      return { type: 'tool-output-available', toolCallId: part.toolCallId, output: part.output, ...(part.providerExecuted ? { providerExecuted: true } : {}) }
    case 'tool-error':
      return { type: 'tool-output-error', toolCallId: part.toolCallId, errorText: part.error.message }
    case 'source':
      if (options.sendSources === false || part.source.sourceType !== 'url') return undefined
      return { type: 'source-url', sourceId: part.source.id, url: part.source.url, title: part.source.title }
    case 'agent-part':
      if (options.sendAgentParts === false) return undefined
      return { type: 'data-agent', data: { agentId: part.agentId, path: part.path, toolCallId: part.toolCallId, part: part.part }, transient: true }
    default:
      return undefined
  }
}

// Only the counts the provider reported: useChat merges messageMetadata into message.metadata as is.
function usageMetadata(usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | undefined): UsageMetadata {
  const out: UsageMetadata = {}
  if (usage?.inputTokens !== undefined) out.inputTokens = usage.inputTokens
  if (usage?.outputTokens !== undefined) out.outputTokens = usage.outputTokens
  if (usage?.totalTokens !== undefined) out.totalTokens = usage.totalTokens
  return out
}

/** Agent parts -> SSE bytes of the UI message stream protocol. */
export function toUIMessageSseStream(parts: ReadableStream<AgentStreamPart>, options: UIMessageStreamOptions, runId: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return parts.pipeThrough(
    new TransformStream<AgentStreamPart, Uint8Array>({
      transform(part, controller) {
        const chunk = toUIMessageChunk(part, options, runId)
        if (chunk !== undefined) controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`))
      },
      flush(controller) {
        controller.enqueue(encoder.encode('data: [DONE]\n\n'))
      },
    }),
  )
}

export function createUIMessageStreamResponse(parts: ReadableStream<AgentStreamPart>, init: UIMessageStreamResponseInit, runId: string): Response {
  return new Response(toUIMessageSseStream(parts, init, runId), {
    status: init.status ?? 200,
    statusText: init.statusText,
    headers: { ...UI_MESSAGE_STREAM_HEADERS, ...init.headers },
  })
}
