import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3ReasoningPart,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3ToolResultPart,
} from '@ai-sdk/provider'
import type { JsonValue, MessagePart, MessageRole } from '../storage/types.js'

/** A message body in the AI SDK UIMessage shape, before it gets an id. */
export interface UIMessageBody {
  role: MessageRole
  parts: MessagePart[]
}

/**
 * Provider messages (what the agent loop produces) -> UI messages (what `useChat` keeps).
 * A user message becomes one UI message; an assistant message and the tool messages and assistant
 * steps after it become ONE assistant UI message with a `step-start` per step, and each tool call
 * is merged with its result into a `tool-<name>` part (`output-available` / `output-error`).
 * System messages are skipped (instructions are not conversation).
 */
export function modelToUIMessages(messages: readonly LanguageModelV3Message[]): UIMessageBody[] {
  const out: UIMessageBody[] = []
  let assistant: UIMessageBody | undefined
  let byCallId = new Map<string, MessagePart>()
  for (const m of messages) {
    if (m.role === 'system') continue
    if (m.role === 'user') {
      assistant = undefined
      const parts: MessagePart[] = []
      for (const p of m.content) {
        if (p.type === 'text') parts.push({ type: 'text', text: p.text })
        else if (p.type === 'file') parts.push(filePart(p))
      }
      out.push({ role: 'user', parts })
      continue
    }
    if (m.role === 'tool') {
      if (assistant === undefined) {
        assistant = { role: 'assistant', parts: [] }
        out.push(assistant)
      }
      for (const r of m.content) if (r.type === 'tool-result') applyResult(assistant, byCallId, r)
      continue
    }
    // assistant: a new step of the current assistant message (or a new one after a user message)
    if (assistant === undefined) {
      assistant = { role: 'assistant', parts: [] }
      byCallId = new Map()
      out.push(assistant)
    }
    assistant.parts.push({ type: 'step-start' })
    for (const p of m.content) {
      if (p.type === 'text') assistant.parts.push({ type: 'text', text: p.text, state: 'done' })
      else if (p.type === 'reasoning') assistant.parts.push({ type: 'reasoning', text: p.text, state: 'done' })
      else if (p.type === 'file') assistant.parts.push(filePart(p))
      else if (p.type === 'tool-call') {
        const part: MessagePart = { type: `tool-${p.toolName}`, toolCallId: p.toolCallId, state: 'input-available', input: toJson(p.input) }
        if (p.providerExecuted) part.providerExecuted = true
        byCallId.set(p.toolCallId, part)
        assistant.parts.push(part)
      } else if (p.type === 'tool-result') applyResult(assistant, byCallId, p)
    }
  }
  return out
}

function applyResult(assistant: UIMessageBody, byCallId: Map<string, MessagePart>, r: LanguageModelV3ToolResultPart): void {
  let part = byCallId.get(r.toolCallId)
  if (part === undefined) {
    // A result without its call in this batch (e.g. the call came in the input): keep it readable.
    part = { type: `tool-${r.toolName}`, toolCallId: r.toolCallId, state: 'input-available', input: {} }
    byCallId.set(r.toolCallId, part)
    assistant.parts.push(part)
  }
  const o = r.output
  if (o.type === 'error-text' || o.type === 'error-json' || o.type === 'execution-denied') {
    part.state = 'output-error'
    part.errorText = o.type === 'error-text' ? o.value : o.type === 'error-json' ? JSON.stringify(o.value) : (o.reason ?? 'Tool execution denied.')
  } else {
    part.state = 'output-available'
    part.output = o.type === 'text' ? o.value : o.type === 'json' ? toJson(o.value) : toJson(o.value)
  }
}

function filePart(p: LanguageModelV3FilePart): MessagePart {
  const part: MessagePart = { type: 'file', mediaType: p.mediaType, url: dataUrl(p.data, p.mediaType) }
  if (p.filename !== undefined) part.filename = p.filename
  return part
}

function dataUrl(data: LanguageModelV3FilePart['data'], mediaType: string): string {
  if (data instanceof URL) return data.href
  if (typeof data === 'string') return /^[a-z][a-z0-9+.-]*:/i.test(data) ? data : `data:${mediaType};base64,${data}`
  let s = ''
  for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000))
  return `data:${mediaType};base64,${btoa(s)}`
}

/** Plain JSON copy (drops undefined, Dates become strings) so the store accepts it. */
function toJson(value: unknown): JsonValue {
  if (value === undefined) return null
  return JSON.parse(JSON.stringify(value)) as JsonValue
}

export interface ToPromptOptions {
  /** Tool outputs longer than this (serialized) become head + `[truncated N chars]`. */
  maxToolOutputChars: number
}

/**
 * UI messages -> provider messages for the prompt. Assistant messages split at step boundaries
 * into assistant (calls) + tool (results) pairs; calls without a result (`input-streaming`,
 * `input-available`, approvals) are dropped because providers reject an unanswered call.
 * Oversized tool outputs are truncated here, in the prompt only (the store keeps them whole).
 */
export function uiToModelMessages(messages: readonly UIMessageBody[], options: ToPromptOptions): LanguageModelV3Message[] {
  const out: LanguageModelV3Message[] = []
  for (const m of messages) {
    if (m.role === 'system') {
      const text = m.parts.filter((p) => p.type === 'text').map((p) => String(p.text)).join('')
      if (text !== '') out.push({ role: 'system', content: text })
    } else if (m.role === 'user') {
      const content: Array<LanguageModelV3TextPart | LanguageModelV3FilePart> = []
      for (const p of m.parts) {
        if (p.type === 'text') content.push({ type: 'text', text: String(p.text) })
        else if (p.type === 'file') content.push({ type: 'file', data: String(p.url), mediaType: String(p.mediaType), ...(typeof p.filename === 'string' ? { filename: p.filename } : {}) })
      }
      if (content.length > 0) out.push({ role: 'user', content })
    } else {
      assistantToModel(m.parts, options, out)
    }
  }
  return out
}

function assistantToModel(parts: readonly MessagePart[], options: ToPromptOptions, out: LanguageModelV3Message[]): void {
  assistantPartsToModel(
    parts,
    {
      str: String,
      output: (p, state) =>
        state === 'output-error' ? { type: 'error-text', value: truncate(String(p.errorText ?? 'error'), options.maxToolOutputChars) } : toolOutput(p.output, options.maxToolOutputChars),
    },
    out,
  )
}

type LoosePart = { readonly type: string; readonly [key: string]: unknown }

export interface AssistantPartsOptions {
  /** Reads a string field of a part (callers differ on a non-string value: String() it or pass it on). */
  str: (value: unknown) => string
  /** The tool-result output of a finished call. */
  output: (part: LoosePart, state: 'output-available' | 'output-error') => LanguageModelV3ToolResultOutput
}

/**
 * The parts of one assistant UI message -> provider messages, split at step boundaries after tool
 * results into assistant (calls) + tool (results) pairs. Unfinished calls are dropped: providers
 * reject a call without its result. Shared by the memory prompt and the agent's UIMessage input.
 */
export function assistantPartsToModel(parts: readonly LoosePart[], o: AssistantPartsOptions, out: LanguageModelV3Message[]): void {
  let content: Array<LanguageModelV3TextPart | LanguageModelV3FilePart | LanguageModelV3ReasoningPart | LanguageModelV3ToolCallPart> = []
  let results: LanguageModelV3ToolResultPart[] = []
  const flush = () => {
    if (content.length > 0) out.push({ role: 'assistant', content })
    if (results.length > 0) out.push({ role: 'tool', content: results })
    content = []
    results = []
  }
  for (const p of parts) {
    if (p.type === 'step-start') {
      if (results.length > 0) flush()
    } else if (p.type === 'text') content.push({ type: 'text', text: o.str(p.text) })
    else if (p.type === 'reasoning') content.push({ type: 'reasoning', text: o.str(p.text) })
    else if (p.type === 'file') content.push({ type: 'file', data: o.str(p.url), mediaType: o.str(p.mediaType) })
    else if (p.type.startsWith('tool-') || p.type === 'dynamic-tool') {
      const state = p.state
      if (state !== 'output-available' && state !== 'output-error') continue
      const toolName = p.type === 'dynamic-tool' ? o.str(p.toolName) : p.type.slice(5)
      const toolCallId = o.str(p.toolCallId)
      content.push({ type: 'tool-call', toolCallId, toolName, input: p.input ?? {} })
      results.push({ type: 'tool-result', toolCallId, toolName, output: o.output(p, state) })
    }
  }
  flush()
}

function toolOutput(value: unknown, max: number): LanguageModelV3ToolResultOutput {
  if (typeof value === 'string') return { type: 'text', value: truncate(value, max) }
  const json = JSON.stringify(value ?? null)
  if (json.length > max) return { type: 'text', value: truncate(json, max) }
  return { type: 'json', value: (value ?? null) as never }
}

/** The documented rule: keep the first `max` characters and say how many were cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}\n[truncated ${text.length - max} chars]`
}

/** The plain text of a message (for embeddings, titles and recalled-message rendering). */
export function messageText(parts: readonly MessagePart[]): string {
  let s = ''
  for (const p of parts) if (p.type === 'text' && typeof p.text === 'string') s += (s ? '\n' : '') + p.text
  return s
}
