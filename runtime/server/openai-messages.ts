import type { ModelMessage } from '../agent/messages.js'
import type { GenerateOptions } from '../agent/types.js'
import type { FinishReason } from '../agent/usage.js'
import { LumosError } from '../errors.js'
import { optionalNumber } from './validate.js'

function bad(message: string, param: string): LumosError {
  return new LumosError('REQUEST_INVALID', message, { details: { param } })
}

type OpenAIPart = { type: string; text?: string; image_url?: { url?: string } | string }

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content
  if (content === null || content === undefined) return ''
  if (Array.isArray(content)) {
    return content
      .map((p: OpenAIPart, i) => {
        if (p && (p.type === 'text' || p.type === 'input_text') && typeof p.text === 'string') return p.text
        throw bad(`${param}[${i}]: only text parts are supported here.`, `${param}[${i}]`)
      })
      .join('')
  }
  throw bad(`${param} must be a string or an array of content parts.`, param)
}

/** OpenAI chat `messages` -> agent ModelMessages. Tool results get their tool name from the preceding assistant tool_calls. */
export function fromOpenAIMessages(messages: unknown): ModelMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) throw bad('`messages` must be a non-empty array.', 'messages')
  const toolNames = new Map<string, string>()
  const out: ModelMessage[] = []
  messages.forEach((m: Record<string, unknown>, i) => {
    const param = `messages[${i}]`
    if (typeof m !== 'object' || m === null) throw bad(`${param} must be an object.`, param)
    switch (m.role) {
      case 'system':
      case 'developer':
        out.push({ role: 'system', content: textOf(m.content, `${param}.content`) })
        return
      case 'user': {
        if (typeof m.content === 'string') {
          out.push({ role: 'user', content: m.content })
          return
        }
        if (!Array.isArray(m.content)) throw bad(`${param}.content must be a string or an array of parts.`, `${param}.content`)
        const parts = (m.content as OpenAIPart[]).map((p, j) => {
          if (p && (p.type === 'text' || p.type === 'input_text') && typeof p.text === 'string') return { type: 'text' as const, text: p.text }
          if (p && p.type === 'image_url') {
            const url = typeof p.image_url === 'string' ? p.image_url : p.image_url?.url
            if (typeof url !== 'string') throw bad(`${param}.content[${j}].image_url.url must be a string.`, `${param}.content[${j}]`)
            let parsed: URL
            try {
              parsed = new URL(url)
            } catch {
              throw bad(`${param}.content[${j}].image_url.url is not a valid URL.`, `${param}.content[${j}]`)
            }
            return { type: 'image' as const, image: parsed }
          }
          throw bad(`${param}.content[${j}]: unsupported part type '${p?.type}'.`, `${param}.content[${j}]`)
        })
        out.push({ role: 'user', content: parts })
        return
      }
      case 'assistant': {
        const text = textOf(m.content, `${param}.content`)
        const calls = m.tool_calls
        if (calls === undefined || calls === null || (Array.isArray(calls) && calls.length === 0)) {
          out.push({ role: 'assistant', content: text })
          return
        }
        if (!Array.isArray(calls)) throw bad(`${param}.tool_calls must be an array.`, `${param}.tool_calls`)
        const content: Exclude<ModelMessage & { role: 'assistant' }, { content: string }>['content'] = []
        if (text !== '') content.push({ type: 'text', text })
        calls.forEach((c: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }, j) => {
          if (typeof c?.id !== 'string' || typeof c.function?.name !== 'string') throw bad(`${param}.tool_calls[${j}] needs an id and function.name.`, `${param}.tool_calls[${j}]`)
          const args = c.function.arguments
          let input: unknown = {}
          if (typeof args === 'string' && args.trim() !== '') {
            try {
              input = JSON.parse(args)
            } catch {
              input = args
            }
          }
          toolNames.set(c.id, c.function.name)
          content.push({ type: 'tool-call', toolCallId: c.id, toolName: c.function.name, input })
        })
        out.push({ role: 'assistant', content })
        return
      }
      case 'tool': {
        const id = m.tool_call_id
        if (typeof id !== 'string') throw bad(`${param}.tool_call_id must be a string.`, `${param}.tool_call_id`)
        const toolName = toolNames.get(id)
        if (toolName === undefined) throw bad(`${param}: no earlier assistant tool_call has id '${id}'.`, `${param}.tool_call_id`)
        out.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: id, toolName, output: { type: 'text', value: textOf(m.content, `${param}.content`) } }] })
        return
      }
      default:
        throw bad(`${param}.role '${String(m.role)}' is not supported (system, developer, user, assistant, tool).`, `${param}.role`)
    }
  })
  return out
}

/** OpenAI sampling parameters -> agent call settings. Client-side tools are refused: the agent runs its own. */
export function fromOpenAIParams(body: Record<string, unknown>): GenerateOptions<any> {
  if (body.tools !== undefined && !(Array.isArray(body.tools) && body.tools.length === 0)) {
    throw bad('`tools` are not supported: the model is a Lumos agent that runs its own tools (they are reported in the response as `lumos` / `lumos_event`).', 'tools')
  }
  if (body.n !== undefined && body.n !== 1) throw bad('Only `n: 1` is supported.', 'n')
  const out: GenerateOptions<any> = {}
  const maxTokens = optionalNumber(body.max_completion_tokens, 'max_completion_tokens', 1, 1_000_000, true) ?? optionalNumber(body.max_tokens, 'max_tokens', 1, 1_000_000, true)
  if (maxTokens !== undefined) out.maxOutputTokens = maxTokens
  const t = optionalNumber(body.temperature, 'temperature', 0, 2)
  if (t !== undefined) out.temperature = t
  const p = optionalNumber(body.top_p, 'top_p', 0, 1)
  if (p !== undefined) out.topP = p
  const seed = optionalNumber(body.seed, 'seed', -(2 ** 53), 2 ** 53, true)
  if (seed !== undefined) out.seed = seed
  const pp = optionalNumber(body.presence_penalty, 'presence_penalty', -2, 2)
  if (pp !== undefined) out.presencePenalty = pp
  const fp = optionalNumber(body.frequency_penalty, 'frequency_penalty', -2, 2)
  if (fp !== undefined) out.frequencyPenalty = fp
  if (typeof body.stop === 'string') out.stop = [body.stop]
  else if (Array.isArray(body.stop) && body.stop.every((s) => typeof s === 'string')) out.stop = body.stop as string[]
  else if (body.stop !== undefined && body.stop !== null) throw bad('`stop` must be a string or an array of strings.', 'stop')
  return out
}

/**
 * Agent finish reason -> OpenAI. The agent executes its tools itself, so 'tool-calls' (the step
 * limit was reached while the model still wanted tools) is reported as 'length', never 'tool_calls'
 * (which would ask the client to run tools).
 */
export function toOpenAIFinishReason(reason: FinishReason): 'stop' | 'length' | 'content_filter' {
  if (reason === 'length' || reason === 'tool-calls') return 'length'
  if (reason === 'content-filter') return 'content_filter'
  return 'stop'
}

export function toOpenAIUsage(usage: { inputTokens: number | undefined; outputTokens: number | undefined; totalTokens: number | undefined }) {
  const prompt = usage.inputTokens ?? 0
  const completion = usage.outputTokens ?? 0
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage.totalTokens ?? prompt + completion }
}
