import type {
  LanguageModelV3CallOptions,
  LanguageModelV3DataContent,
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
} from '@ai-sdk/provider'
import { LumosError } from '../errors.js'

export interface ChatRequestConfig {
  model: string
  /** Send `response_format: json_schema` when a schema is given (else json_object plus the schema as a system message). */
  structuredOutputs?: boolean
  /** OpenAI's reasoning models only take `max_completion_tokens`; most other servers only `max_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens'
  /** Keys of `providerOptions` whose entries are copied into the request body verbatim. */
  optionKeys: string[]
}

type Json = Record<string, unknown>

function toBase64(data: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000))
  return btoa(binary)
}

// Prompt file data is base64 text, bytes or a URL; strings holding URLs are accepted as URLs too.
const urlOf = (data: LanguageModelV3DataContent, mediaType: string): string =>
  data instanceof URL
    ? data.href
    : typeof data === 'string'
      ? /^(https?|data):/i.test(data)
        ? data
        : `data:${mediaType};base64,${data}`
      : `data:${mediaType};base64,${toBase64(data)}`

function userPart(part: LanguageModelV3FilePart): Json {
  const { mediaType, data } = part
  if (mediaType.startsWith('image/')) {
    return { type: 'image_url', image_url: { url: urlOf(data, mediaType === 'image/*' ? 'image/jpeg' : mediaType) } }
  }
  const audio = { 'audio/wav': 'wav', 'audio/mp3': 'mp3', 'audio/mpeg': 'mp3' }[mediaType]
  if (audio && !(data instanceof URL)) {
    return { type: 'input_audio', input_audio: { data: urlOf(data, mediaType).replace(/^data:[^,]*,/, ''), format: audio } }
  }
  if (mediaType === 'application/pdf' && !(data instanceof URL)) {
    return { type: 'file', file: { filename: part.filename ?? 'document.pdf', file_data: urlOf(data, mediaType) } }
  }
  if (mediaType.startsWith('text/') && !(data instanceof URL)) {
    const bytes = typeof data === 'string' ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0)) : data
    return { type: 'text', text: new TextDecoder().decode(bytes) }
  }
  throw new LumosError('MODEL_PROMPT_UNSUPPORTED', `Chat completions cannot take a file of type ${mediaType}${data instanceof URL ? ' by URL' : ''}.`, {
    details: { mediaType },
  })
}

function toolResultText(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value
    case 'execution-denied':
      return output.reason ?? 'Tool call execution denied.'
    case 'content':
      // Plain text parts read better as text than as a JSON array.
      if (output.value.every((p) => p.type === 'text')) return output.value.map((p) => (p as { text: string }).text).join('\n')
      return JSON.stringify(output.value)
    default:
      return JSON.stringify(output.value)
  }
}

/** Spec v3 prompt -> chat-completions `messages`. */
export function toChatMessages(prompt: LanguageModelV3Prompt): Json[] {
  const messages: Json[] = []
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content })
        break
      case 'user': {
        const [first] = message.content
        messages.push({
          role: 'user',
          content:
            message.content.length === 1 && first.type === 'text'
              ? first.text
              : message.content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : userPart(part))),
        })
        break
      }
      case 'assistant': {
        let text = ''
        let reasoning = ''
        const calls: Json[] = []
        for (const part of message.content) {
          if (part.type === 'text') text += part.text
          else if (part.type === 'reasoning') reasoning += part.text
          else if (part.type === 'tool-call' && !part.providerExecuted) {
            calls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: JSON.stringify(part.input ?? {}) } })
          }
        }
        messages.push({
          role: 'assistant',
          content: calls.length > 0 ? text || null : text,
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        })
        break
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type === 'tool-result') messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolResultText(part.output) })
        }
        break
    }
  }
  return messages
}

/** Spec v3 call options -> chat-completions request body (without `stream`) and warnings. */
export function toChatRequest(options: LanguageModelV3CallOptions, config: ChatRequestConfig): { body: Json; warnings: SharedV3Warning[] } {
  const warnings: SharedV3Warning[] = []
  const messages = toChatMessages(options.prompt)
  const format = options.responseFormat
  let responseFormat: Json | undefined
  if (format?.type === 'json') {
    if (format.schema && config.structuredOutputs) {
      responseFormat = {
        type: 'json_schema',
        json_schema: { name: format.name ?? 'response', ...(format.description ? { description: format.description } : {}), schema: format.schema },
      }
    } else {
      // json_object mode needs the word "JSON" in the prompt (OpenAI rejects it otherwise) and
      // cannot carry a schema, so both go in a trailing system message.
      responseFormat = { type: 'json_object' }
      const schema = format.schema ? ` matching this JSON Schema:\n${JSON.stringify(format.schema)}` : ''
      messages.push({ role: 'system', content: `Respond with a single JSON value${schema}` })
      if (format.schema) warnings.push({ type: 'compatibility', feature: 'responseFormat', details: 'JSON schema sent as a system message' })
    }
  }
  const tools: Json[] = []
  for (const tool of options.tools ?? []) {
    if (tool.type === 'function') {
      tools.push({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.inputSchema, ...(tool.strict == null ? {} : { strict: tool.strict }) },
      })
    } else warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}` })
  }
  const choice = options.toolChoice
  if (options.topK != null) warnings.push({ type: 'unsupported', feature: 'topK' })
  const extra = Object.assign({}, ...config.optionKeys.map((key) => options.providerOptions?.[key]))
  const body: Json = {
    model: config.model,
    messages,
    [config.maxTokensField ?? 'max_tokens']: options.maxOutputTokens,
    temperature: options.temperature,
    top_p: options.topP,
    frequency_penalty: options.frequencyPenalty,
    presence_penalty: options.presencePenalty,
    stop: options.stopSequences?.length ? options.stopSequences : undefined,
    seed: options.seed,
    response_format: responseFormat,
    ...(tools.length > 0
      ? { tools, tool_choice: choice && (choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type) }
      : {}),
    ...extra,
  }
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key]
  return { body, warnings }
}
