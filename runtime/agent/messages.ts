import type {
  LanguageModelV3DataContent,
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ReasoningPart,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3ToolResultPart,
  SharedV3ProviderOptions,
} from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { assistantPartsToModel } from '../memory/ui-message.js'

/** AI SDK ModelMessage-compatible message shapes (what generate()/stream() accept and return). */
export interface ImagePart {
  type: 'image'
  image: LanguageModelV3DataContent
  mediaType?: string
  providerOptions?: SharedV3ProviderOptions
}
export type SystemModelMessage = { role: 'system'; content: string; providerOptions?: SharedV3ProviderOptions }
export type UserModelMessage = { role: 'user'; content: string | Array<LanguageModelV3TextPart | ImagePart | LanguageModelV3FilePart>; providerOptions?: SharedV3ProviderOptions }
export type AssistantModelMessage = {
  role: 'assistant'
  content: string | Array<LanguageModelV3TextPart | LanguageModelV3FilePart | LanguageModelV3ReasoningPart | LanguageModelV3ToolCallPart | LanguageModelV3ToolResultPart>
  providerOptions?: SharedV3ProviderOptions
}
export type ToolModelMessage = { role: 'tool'; content: LanguageModelV3ToolResultPart[]; providerOptions?: SharedV3ProviderOptions }
export type ModelMessage = SystemModelMessage | UserModelMessage | AssistantModelMessage | ToolModelMessage

/** The subset of AI SDK UIMessage (useChat) that is converted: text, file, reasoning and tool parts. */
export interface UIMessageLike {
  id?: string
  role: 'system' | 'user' | 'assistant'
  parts: ReadonlyArray<{ type: string; [key: string]: unknown }>
}

export type AgentInput = string | ReadonlyArray<ModelMessage | UIMessageLike>

const NON_SPACE = /\S/

function invalid(message: string, details?: Record<string, unknown>): LumosError {
  return new LumosError('AGENT_INPUT_INVALID', message, { details })
}

/** Normalises user input to a provider prompt (no system message) and enforces the size limit. */
export function toPrompt(input: AgentInput, maxInputChars: number): LanguageModelV3Prompt {
  if (typeof input === 'string') {
    if (!NON_SPACE.test(input)) throw invalid('The input is empty: pass a non-empty prompt or message list.')
    if (input.length > maxInputChars) throw tooLarge(input.length, maxInputChars)
    return [{ role: 'user', content: [{ type: 'text', text: input }] }]
  }
  if (!Array.isArray(input)) throw invalid(`The input must be a string or an array of messages, got ${input === null ? 'null' : typeof input}.`)
  if (input.length === 0) throw invalid('The message list is empty: pass at least one message.')
  const prompt: LanguageModelV3Prompt = []
  for (let i = 0; i < input.length; i++) {
    const m = input[i] as ModelMessage | UIMessageLike
    if (typeof m !== 'object' || m === null) throw invalid(`Message ${i} is not an object.`)
    if ('parts' in m && Array.isArray(m.parts) && !('content' in m)) fromUIMessage(m, i, prompt)
    else fromModelMessage(m as ModelMessage, i, prompt)
  }
  let chars = 0
  for (const m of prompt) chars += messageChars(m)
  if (chars === 0) throw invalid('The messages contain no content.')
  if (chars > maxInputChars) throw tooLarge(chars, maxInputChars)
  return prompt
}

function tooLarge(size: number, limit: number): LumosError {
  return invalid(`The input is too large: ${size} characters exceeds the limit of ${limit} characters (Agent option \`maxInputChars\`).`, { size, limit })
}

function messageChars(m: LanguageModelV3Message): number {
  if (typeof m.content === 'string') return m.content.length
  let n = 0
  for (const part of m.content) {
    if (part.type === 'text' || part.type === 'reasoning') n += part.text.length
    else if (part.type === 'file') n += typeof part.data === 'string' ? part.data.length : part.data instanceof Uint8Array ? part.data.byteLength : 1
    else if (part.type === 'tool-call') n += 1
    else if (part.type === 'tool-result') n += 'value' in part.output && typeof part.output.value === 'string' ? part.output.value.length : 1
  }
  return n
}

function fromModelMessage(m: ModelMessage, i: number, out: LanguageModelV3Prompt): void {
  const providerOptions = m.providerOptions
  switch (m.role) {
    case 'system':
      if (typeof m.content !== 'string') throw invalid(`Message ${i}: system content must be a string.`)
      out.push(m)
      return
    case 'user': {
      if (typeof m.content === 'string') {
        out.push({ role: 'user', content: [{ type: 'text', text: m.content }], providerOptions })
        return
      }
      if (!Array.isArray(m.content)) throw invalid(`Message ${i}: user content must be a string or an array of parts.`)
      const content: Array<LanguageModelV3TextPart | LanguageModelV3FilePart> = []
      for (const part of m.content) {
        if (part.type === 'image') content.push({ type: 'file', data: part.image, mediaType: part.mediaType ?? 'image/*', providerOptions: part.providerOptions })
        else if (part.type === 'text' || part.type === 'file') content.push(part)
        else throw invalid(`Message ${i}: unsupported user part type '${(part as { type: string }).type}'.`)
      }
      out.push({ role: 'user', content, providerOptions })
      return
    }
    case 'assistant':
      if (typeof m.content === 'string') out.push({ role: 'assistant', content: [{ type: 'text', text: m.content }], providerOptions })
      else if (Array.isArray(m.content)) out.push(m as LanguageModelV3Message)
      else throw invalid(`Message ${i}: assistant content must be a string or an array of parts.`)
      return
    case 'tool':
      if (!Array.isArray(m.content)) throw invalid(`Message ${i}: tool content must be an array of tool-result parts.`)
      out.push({ role: 'tool', content: m.content.map(legacyToolResult), providerOptions })
      return
    default:
      throw invalid(`Message ${i}: unknown role '${(m as { role: unknown }).role}'.`)
  }
}

/** AI SDK v4 tool results carried `result` instead of `output`. */
function legacyToolResult(part: LanguageModelV3ToolResultPart): LanguageModelV3ToolResultPart {
  if (part.output !== undefined || !('result' in part)) return part
  return { type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, output: toOutput((part as { result: unknown }).result, false) }
}

function toOutput(value: unknown, isError: boolean): LanguageModelV3ToolResultOutput {
  if (typeof value === 'string') return { type: isError ? 'error-text' : 'text', value }
  return { type: isError ? 'error-json' : 'json', value: (value ?? null) as never }
}

/** useChat UIMessage -> provider messages. Assistant messages split at step boundaries after tool calls. */
function fromUIMessage(m: UIMessageLike, i: number, out: LanguageModelV3Prompt): void {
  if (m.role === 'system') {
    const text = m.parts.filter((p) => p.type === 'text').map((p) => p.text as string).join('')
    out.push({ role: 'system', content: text })
    return
  }
  if (m.role === 'user') {
    const content: Array<LanguageModelV3TextPart | LanguageModelV3FilePart> = []
    for (const p of m.parts) {
      if (p.type === 'text') content.push({ type: 'text', text: p.text as string })
      else if (p.type === 'file') content.push({ type: 'file', data: p.url as string, mediaType: p.mediaType as string, filename: p.filename as string | undefined })
    }
    out.push({ role: 'user', content })
    return
  }
  if (m.role !== 'assistant') throw invalid(`Message ${i}: unknown role '${(m as { role: unknown }).role}'.`)
  // fields are passed on as given here (no String())
  assistantPartsToModel(m.parts, { str: (v) => v as string, output: (p, state) => (state === 'output-error' ? toOutput(p.errorText ?? 'error', true) : toOutput(p.output, false)) }, out)
}
