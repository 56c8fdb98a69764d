import type { LanguageModelV3 } from '@ai-sdk/provider'

const DEFAULT_INSTRUCTIONS =
  'Write a short title (at most 8 words) for a conversation that starts with the user message below. Reply with the title only: no quotes, no punctuation at the end.'

/** One short model call; returns a cleaned single-line title (<= 80 chars) or undefined when empty. */
export async function generateTitle(model: LanguageModelV3, userText: string, instructions: string | undefined, abortSignal?: AbortSignal): Promise<string | undefined> {
  const r = await model.doGenerate({
    prompt: [
      { role: 'system', content: instructions ?? DEFAULT_INSTRUCTIONS },
      { role: 'user', content: [{ type: 'text', text: userText.slice(0, 2000) }] },
    ],
    maxOutputTokens: 32,
    abortSignal,
  })
  let text = ''
  for (const c of r.content) if (c.type === 'text') text += c.text
  const line = text.trim().split('\n')[0]?.trim().replace(/^["'“”#*\s]+|["'“”*\s.]+$/g, '') ?? ''
  if (line === '') return undefined
  return line.length > 80 ? `${line.slice(0, 79)}…` : line
}
