import type { LanguageModelV3Content, LanguageModelV3FinishReason, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider'
import { emptyUsage, failureParts } from './model-utils.js'

// Loose views of the chat-completions wire format: every field is checked before use.
interface WireToolCall {
  index?: number
  id?: string
  function?: { name?: string; arguments?: string }
}
interface WireMessage {
  content?: string | Array<{ type?: string; text?: string }> | null
  reasoning_content?: string | null
  reasoning?: string | null
  tool_calls?: WireToolCall[] | null
}
export interface WireBody {
  id?: string
  model?: string
  created?: number
  error?: unknown
  usage?: Record<string, any> | null
  x_groq?: { usage?: Record<string, any> }
  choices?: Array<{ message?: WireMessage; delta?: WireMessage; finish_reason?: string | null }>
}

const FINISH: Record<string, LanguageModelV3FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
}
export const finishReason = (raw: string | null | undefined): LanguageModelV3FinishReason => ({ unified: FINISH[raw ?? ''] ?? 'other', raw: raw ?? undefined })

export function toUsage(usage: WireBody['usage']): LanguageModelV3Usage {
  if (!usage) return emptyUsage()
  const input: number | undefined = usage.prompt_tokens ?? undefined
  const output: number | undefined = usage.completion_tokens ?? undefined
  // OpenAI reports cache hits in prompt_tokens_details, DeepSeek as prompt_cache_hit_tokens.
  const cached: number | undefined = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? undefined
  const reasoning: number | undefined = usage.completion_tokens_details?.reasoning_tokens ?? undefined
  return {
    inputTokens: { total: input, noCache: input === undefined ? undefined : input - (cached ?? 0), cacheRead: cached, cacheWrite: undefined },
    outputTokens: { total: output, text: output === undefined ? undefined : output - (reasoning ?? 0), reasoning },
    raw: usage,
  }
}

const textOf = (content: WireMessage['content']): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p?.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('') : ''

const reasoningOf = (message: WireMessage): string => {
  const text = message.reasoning_content ?? message.reasoning
  return typeof text === 'string' ? text : ''
}

export const metadata = (body: WireBody) => ({
  id: body.id ?? undefined,
  modelId: body.model ?? undefined,
  timestamp: typeof body.created === 'number' ? new Date(body.created * 1000) : undefined,
})

const newCallId = () => `call_${Math.random().toString(36).slice(2, 14)}`

/** The content of a non-streaming answer; tool-call arguments stay raw strings, even malformed. */
export function toContent(message: WireMessage): LanguageModelV3Content[] {
  const content: LanguageModelV3Content[] = []
  const reasoning = reasoningOf(message)
  if (reasoning) content.push({ type: 'reasoning', text: reasoning })
  const text = textOf(message.content)
  if (text) content.push({ type: 'text', text })
  for (const call of message.tool_calls ?? []) {
    content.push({ type: 'tool-call', toolCallId: call.id || newCallId(), toolName: call.function?.name ?? '', input: call.function?.arguments || '{}' })
  }
  return content
}

/**
 * Turns streamed chunks into v3 stream parts: reasoning/text blocks, tool-call argument deltas
 * assembled by index, and a final finish. `take()` drains the parts produced so far.
 */
export function createChunkReader(includeRaw: boolean) {
  let queued: LanguageModelV3StreamPart[] = []
  let usage: WireBody['usage']
  let rawFinish: string | undefined
  let started = false
  let open: { type: 'text' | 'reasoning'; id: string } | undefined
  let blocks = 0
  const tools: Array<{ id: string; name: string; args: string; started: boolean }> = []
  const emit = (part: LanguageModelV3StreamPart) => queued.push(part)

  const closeBlock = () => {
    if (open) emit({ type: `${open.type}-end`, id: open.id })
    open = undefined
  }
  const delta = (type: 'text' | 'reasoning', text: string) => {
    if (open?.type !== type) {
      closeBlock()
      open = { type, id: `${type}-${blocks++}` }
      emit({ type: `${type}-start`, id: open.id })
    }
    emit({ type: `${type}-delta`, id: open.id, delta: text })
  }
  const startTool = (tool: (typeof tools)[number]) => {
    tool.started = true
    emit({ type: 'tool-input-start', id: tool.id, toolName: tool.name })
    if (tool.args) emit({ type: 'tool-input-delta', id: tool.id, delta: tool.args })
  }

  return {
    /** Whether the provider sent a finish reason. */
    finished: () => rawFinish !== undefined,

    chunk(chunk: WireBody) {
      if (includeRaw) emit({ type: 'raw', rawValue: chunk })
      if (!started) {
        started = true
        emit({ type: 'response-metadata', ...metadata(chunk) })
      }
      // Groq reports stream usage under x_groq.
      usage = chunk.usage ?? chunk.x_groq?.usage ?? usage
      const choice = chunk.choices?.[0]
      const message = choice?.delta
      if (message) {
        const reasoning = reasoningOf(message)
        if (reasoning) delta('reasoning', reasoning)
        const text = textOf(message.content)
        if (text) delta('text', text)
        message.tool_calls?.forEach((part, position) => {
          const tool = (tools[part.index ?? position] ??= { id: part.id || newCallId(), name: '', args: '', started: false })
          if (part.id && !tool.started) tool.id = part.id
          if (part.function?.name && !tool.name) tool.name = part.function.name
          const args = part.function?.arguments ?? ''
          tool.args += args
          closeBlock()
          // Deltas before the name arrives are buffered and sent with tool-input-start.
          if (!tool.started) {
            if (tool.name) startTool(tool)
          } else if (args) emit({ type: 'tool-input-delta', id: tool.id, delta: args })
        })
      }
      if (choice?.finish_reason) rawFinish = choice.finish_reason
    },

    /** Ends the stream; tool calls complete only on a normal end, never from a cut stream. */
    end(error?: unknown) {
      closeBlock()
      if (error !== undefined) return failureParts(error, toUsage(usage)).forEach(emit)
      for (const tool of tools) {
        if (!tool) continue
        if (!tool.started) startTool(tool)
        emit({ type: 'tool-input-end', id: tool.id })
        emit({ type: 'tool-call', toolCallId: tool.id, toolName: tool.name, input: tool.args || '{}' })
      }
      emit({ type: 'finish', finishReason: finishReason(rawFinish), usage: toUsage(usage) })
    },

    take(): LanguageModelV3StreamPart[] {
      const parts = queued
      queued = []
      return parts
    },
  }
}
