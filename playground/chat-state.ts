// Folds AI SDK UI message stream parts into a displayable assistant message.

export interface ToolView {
  toolCallId: string
  toolName: string
  inputText: string
  input?: unknown
  output?: unknown
  error?: string
  state: 'input-streaming' | 'input-available' | 'output-available' | 'output-error'
}

export type PartView = { type: 'text'; id: string; text: string } | { type: 'reasoning'; id: string; text: string } | { type: 'tool'; tool: ToolView } | { type: 'step'; n: number }

export interface Usage {
  inputTokens?: number
  outputTokens?: number
  totalTokens?: number
}

export interface AssistantView {
  id: string
  role: 'assistant'
  parts: PartView[]
  steps: number
  finishReason?: string
  usage?: Usage
  error?: string
  done: boolean
}

export function emptyAssistant(id: string): AssistantView {
  return { id, role: 'assistant', parts: [], steps: 0, done: false }
}

/** Returns a new view with `part` applied (immutable, so preact re-renders). */
export function applyPart(view: AssistantView, part: any): AssistantView {
  const v: AssistantView = { ...view, parts: [...view.parts] }
  const tool = (id: string) => v.parts.findIndex((p) => p.type === 'tool' && p.tool.toolCallId === id)
  const setTool = (id: string, patch: Partial<ToolView>, toolName = '') => {
    const i = tool(id)
    if (i === -1) v.parts.push({ type: 'tool', tool: { toolCallId: id, toolName, inputText: '', state: 'input-streaming', ...patch } })
    else v.parts[i] = { type: 'tool', tool: { ...(v.parts[i] as { tool: ToolView }).tool, ...patch } }
  }
  const usage = part?.messageMetadata?.usage ?? part?.usage ?? (part?.type === 'data-usage' ? part.data : undefined)
  if (usage) v.usage = normalizeUsage(usage)
  switch (part?.type) {
    case 'start':
      if (part.messageId) v.id = part.messageId
      break
    case 'start-step':
      v.steps += 1
      if (v.steps > 1) v.parts.push({ type: 'step', n: v.steps })
      break
    case 'text-start':
    case 'reasoning-start':
      v.parts.push({ type: part.type === 'text-start' ? 'text' : 'reasoning', id: part.id, text: '' })
      break
    case 'text-delta':
    case 'reasoning-delta': {
      const kind = part.type === 'text-delta' ? 'text' : 'reasoning'
      let i = -1
      for (let k = v.parts.length - 1; k >= 0; k--) if (v.parts[k].type === kind && (v.parts[k] as { id: string }).id === part.id) (i = k), (k = -1)
      if (i === -1) v.parts.push({ type: kind, id: part.id, text: part.delta })
      else v.parts[i] = { ...(v.parts[i] as { type: 'text'; id: string; text: string }), text: (v.parts[i] as { text: string }).text + part.delta }
      break
    }
    case 'tool-input-start':
      setTool(part.toolCallId, { toolName: part.toolName }, part.toolName)
      break
    case 'tool-input-delta': {
      const i = tool(part.toolCallId)
      const prev = i === -1 ? '' : (v.parts[i] as { tool: ToolView }).tool.inputText
      setTool(part.toolCallId, { inputText: prev + part.inputTextDelta })
      break
    }
    case 'tool-input-available':
      setTool(part.toolCallId, { toolName: part.toolName, input: part.input, inputText: JSON.stringify(part.input), state: 'input-available' }, part.toolName)
      break
    case 'tool-output-available':
      setTool(part.toolCallId, { output: part.output, state: 'output-available' })
      break
    case 'tool-output-error':
    case 'tool-input-error':
      setTool(part.toolCallId, { error: part.errorText, state: 'output-error' })
      break
    case 'error':
      v.error = part.errorText ?? 'error'
      break
    case 'finish':
      v.finishReason = part.finishReason
      v.done = true
      break
    case 'abort':
      v.error = 'aborted'
      v.done = true
      break
  }
  return v
}

function normalizeUsage(u: any): Usage {
  const num = (x: any) => (typeof x === 'number' ? x : typeof x?.total === 'number' ? x.total : undefined)
  const inputTokens = num(u.inputTokens ?? u.prompt_tokens)
  const outputTokens = num(u.outputTokens ?? u.completion_tokens)
  const totalTokens = num(u.totalTokens ?? u.total_tokens) ?? (inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined)
  return { inputTokens, outputTokens, totalTokens }
}

/** The assistant view as a UIMessage for the next request (text and finished tool calls). */
export function toUiMessage(v: AssistantView): { id: string; role: 'assistant'; parts: unknown[] } {
  const parts: unknown[] = []
  for (const p of v.parts) {
    if (p.type === 'text') parts.push({ type: 'text', text: p.text })
    else if (p.type === 'step') parts.push({ type: 'step-start' })
    else if (p.type === 'tool' && p.tool.state === 'output-available')
      parts.push({ type: `tool-${p.tool.toolName}`, toolCallId: p.tool.toolCallId, state: 'output-available', input: p.tool.input, output: p.tool.output })
  }
  return { id: v.id, role: 'assistant', parts }
}
