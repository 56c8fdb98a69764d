import { resolveModel } from '../models/resolve.js'
import type { ModelInput } from '../models/types.js'

/** One non-streaming model call with a system and a user message; returns the concatenated text. */
export async function completeText(model: ModelInput, system: string, user: string, options: { abortSignal?: AbortSignal; json?: boolean } = {}): Promise<string> {
  const m = resolveModel(model)
  const r = await m.doGenerate({
    prompt: [
      { role: 'system', content: system },
      { role: 'user', content: [{ type: 'text', text: user }] },
    ],
    temperature: 0,
    abortSignal: options.abortSignal,
    ...(options.json ? { responseFormat: { type: 'json' as const } } : {}),
  })
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('')
}

/** The first JSON value in a model answer (tolerates ``` fences and prose around it); undefined if none parses. */
export function parseJsonAnswer(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)
  const candidates = [fenced?.[1], text]
  for (const c of candidates) {
    if (c === undefined) continue
    const t = c.trim()
    try {
      return JSON.parse(t)
    } catch {
      const start = t.search(/[[{]/)
      const end = Math.max(t.lastIndexOf('}'), t.lastIndexOf(']'))
      if (start >= 0 && end > start) {
        try {
          return JSON.parse(t.slice(start, end + 1))
        } catch {
          /* try the next candidate */
        }
      }
    }
  }
  return undefined
}
