import type { MessagePart, StoredMessage } from '../storage/types.js'

/**
 * Token estimate of a stored message: ceil(chars / 4) over its text, reasoning, tool inputs and
 * (prompt-truncated) tool outputs, plus 4 per message. Crude but runtime-free and monotonic, which
 * is what a budget needs; set `maxTokens` with headroom for your tokenizer.
 */
export function estimateMessageTokens(parts: readonly MessagePart[], maxToolOutputChars: number): number {
  let chars = 0
  for (const p of parts) {
    if (p.type === 'text' || p.type === 'reasoning') chars += typeof p.text === 'string' ? p.text.length : 0
    else if (p.type.startsWith('tool-') || p.type === 'dynamic-tool') {
      chars += p.input === undefined ? 0 : JSON.stringify(p.input).length
      const out = p.state === 'output-error' ? String(p.errorText ?? '') : p.output === undefined ? '' : typeof p.output === 'string' ? p.output : JSON.stringify(p.output)
      chars += Math.min(out.length, maxToolOutputChars + 32)
    } else if (p.type === 'file') chars += 100 // a reference, not the bytes
  }
  return 4 + Math.ceil(chars / 4)
}

/**
 * Keeps the newest messages that fit `maxTokens`, dropping the oldest first. A stored message is
 * the unit: an assistant message holds its tool calls merged with their results (UI format), so a
 * call is never separated from its result. A history that starts with an assistant message after
 * trimming is fine for providers; one that would start with nothing but an orphan is impossible.
 */
export function trimHistory(messages: readonly StoredMessage[], maxTokens: number | undefined, maxToolOutputChars: number): StoredMessage[] {
  if (maxTokens === undefined) return messages.slice()
  let used = 0
  let start = messages.length
  for (let i = messages.length - 1; i >= 0; i--) {
    const t = estimateMessageTokens(messages[i].content.parts, maxToolOutputChars)
    if (used + t > maxTokens) break
    used += t
    start = i
  }
  return messages.slice(start)
}
