import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider'

/** One numbered passage found in the prompt: `[n] text` in system text or tool results. */
export interface OfflinePassage {
  n: number
  text: string
  /** From a `Sources:` list after the passages (what buildContext writes), e.g. `README.md — Lumos`. */
  source?: string
}

export interface OfflineAnswererOptions {
  /** Sentences quoted at most (default 3). */
  maxQuotes?: number
  /**
   * Call a tool whose input schema has a string `query` property once, with the user's question,
   * when the prompt holds no passages yet (default true): agents with a search tool still answer.
   */
  callSearchTool?: boolean
}

export const NO_MODEL_NOTICE = 'No language model is configured, so this is an offline answer quoting the retrieved passages.'
export const CONFIGURE_HINT =
  'To use a language model, set LUMOS_MODEL (e.g. openai/gpt-4o-mini) with OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server), ' +
  'or run Ollama and set LUMOS_MODEL=ollama/llama3.2 (OLLAMA_HOST if it is not on localhost:11434).'

/**
 * A LanguageModelV3 used when no model is configured: it answers from the retrieved passages in the
 * prompt, quoting the sentences that share the most words with the question, with [n] citations,
 * and says plainly that no language model is configured. Deterministic; no network.
 */
export function offlineAnswerer(options: OfflineAnswererOptions = {}): LanguageModelV3 {
  const maxQuotes = options.maxQuotes ?? 3
  const callSearch = options.callSearchTool ?? true
  const respond = (call: LanguageModelV3CallOptions): LanguageModelV3Content[] => {
    const question = lastUserText(call.prompt)
    const passages = findPassages(call.prompt)
    const searchTool = callSearch && passages.length === 0 && !hasToolResults(call.prompt) ? findSearchTool(call) : undefined
    if (searchTool && question) {
      return [{ type: 'tool-call', toolCallId: 'offline_search_0', toolName: searchTool, input: JSON.stringify({ query: question }) }]
    }
    return [{ type: 'text', text: answer(question, passages, maxQuotes) }]
  }
  return {
    specificationVersion: 'v3',
    provider: 'lumos',
    modelId: 'offline-answerer',
    supportedUrls: {},
    async doGenerate(call): Promise<LanguageModelV3GenerateResult> {
      const content = respond(call)
      return { content, finishReason: finishOf(content), usage: usageOf(call.prompt, content), warnings: [] }
    },
    async doStream(call): Promise<LanguageModelV3StreamResult> {
      const content = respond(call)
      const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }]
      for (const c of content) {
        if (c.type === 'text') {
          parts.push({ type: 'text-start', id: 't0' })
          for (const delta of c.text.match(/[^\n]*\n|[^\n]+/g) ?? []) parts.push({ type: 'text-delta', id: 't0', delta })
          parts.push({ type: 'text-end', id: 't0' })
        } else if (c.type === 'tool-call') {
          parts.push({ type: 'tool-input-start', id: c.toolCallId, toolName: c.toolName }, { type: 'tool-input-delta', id: c.toolCallId, delta: c.input }, { type: 'tool-input-end', id: c.toolCallId }, c)
        }
      }
      parts.push({ type: 'finish', finishReason: finishOf(content), usage: usageOf(call.prompt, content) })
      const signal = call.abortSignal
      let i = 0
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        pull(controller) {
          if (signal?.aborted) return controller.error(signal.reason)
          controller.enqueue(parts[i++])
          if (i >= parts.length) controller.close()
        },
      })
      return { stream }
    },
  }
}

/** The offline reply text for a question and passages (exported for tests and the playground). */
export function answer(question: string, passages: OfflinePassage[], maxQuotes = 3): string {
  if (passages.length === 0) {
    return `No language model is configured, and no retrieved passages were found to answer from.\n\n${CONFIGURE_HINT}`
  }
  const terms = new Set(words(question))
  const candidates: { n: number; sentence: string; score: number; order: number }[] = []
  for (const p of passages) {
    for (const sentence of sentences(p.text)) {
      const ws = words(sentence)
      const hits = new Set(ws.filter((w) => terms.has(w))).size
      candidates.push({ n: p.n, sentence, score: ws.length ? hits + hits / Math.sqrt(ws.length) : 0, order: candidates.length })
    }
  }
  const ranked = candidates.filter((c) => c.score > 0).sort((a, b) => b.score - a.score || a.order - b.order).slice(0, maxQuotes)
  if (ranked.length === 0) {
    const cited = passages.map((p) => `[${p.n}]`).join(' ')
    return `${NO_MODEL_NOTICE}\n\nNone of the retrieved passages ${cited} shares words with the question.\n\n${CONFIGURE_HINT}`
  }
  // Quote in document order so the answer reads naturally.
  ranked.sort((a, b) => a.order - b.order)
  const quotes = ranked.map((c) => `> ${c.sentence} [${c.n}]`).join('\n')
  const bySource = new Map(passages.map((p) => [p.n, p.source]))
  const cited = [...new Set(ranked.map((c) => c.n))].sort((a, b) => a - b).filter((n) => bySource.get(n) !== undefined)
  const sources = cited.length > 0 ? `\n\nSources:\n${cited.map((n) => `[${n}] ${bySource.get(n)}`).join('\n')}` : ''
  return `${NO_MODEL_NOTICE}\n\n${quotes}${sources}\n\n${CONFIGURE_HINT}`
}

/** Numbered passages (`[1] ...`) in system messages and tool results, in prompt order, deduplicated by number. */
export function findPassages(prompt: LanguageModelV3Prompt): OfflinePassage[] {
  const seen = new Map<number, string>()
  const sources = new Map<number, string>()
  const add = (text: string) => {
    // buildContext ends its text with "Sources:\n[1] file — title": labels, not passages.
    const list = /\n\s*Sources:\s*\n((?:[ \t]*\[\d+\][^\n]*(?:\n|$))+)\s*$/.exec(text)
    if (list) {
      for (const m of list[1].matchAll(/\[(\d+)\][ \t]*([^\n]+)/g)) if (!sources.has(Number(m[1]))) sources.set(Number(m[1]), m[2].trim())
      text = text.slice(0, list.index)
    }
    for (const m of text.matchAll(/(?:^|\n)\s*\[(\d+)\]\s*([\s\S]*?)(?=\n\s*\[\d+\]|$)/g)) {
      const n = Number(m[1])
      const body = m[2].trim()
      if (body && !seen.has(n)) seen.set(n, body)
    }
  }
  for (const message of prompt) {
    if (message.role === 'system') add(message.content)
    if (message.role !== 'tool') continue
    for (const part of message.content) {
      if (part.type !== 'tool-result') continue
      const out = part.output
      if (out.type === 'text' || out.type === 'error-text') add(out.value)
      else if (out.type === 'json' || out.type === 'error-json') addJson(out.value, add, seen)
    }
  }
  return [...seen].map(([n, text]) => (sources.has(n) ? { n, text, source: sources.get(n)! } : { n, text }))
}

function addJson(value: unknown, add: (text: string) => void, seen: Map<number, string>): void {
  if (typeof value === 'string') return add(value)
  // createVectorQueryTool's output: { context: '[1] ...\n\nSources: ...', citations }.
  const context = value && typeof value === 'object' ? (value as { context?: unknown }).context : undefined
  if (typeof context === 'string') return add(context)
  // Search tools often return { hits: [{ text }] } or [{ text }]: number them in order.
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value).find(Array.isArray) : undefined
  if (!list) return
  for (const item of list) {
    const text = typeof item === 'string' ? item : item && typeof item === 'object' && typeof (item as { text?: unknown }).text === 'string' ? (item as { text: string }).text : undefined
    if (!text) continue
    if (/^\s*\[\d+\]/.test(text)) add(text)
    else seen.set(seen.size + 1, text.trim())
  }
}

function lastUserText(prompt: LanguageModelV3Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i]
    if (m.role === 'user') return m.content.map((p) => (p.type === 'text' ? p.text : '')).join(' ').trim()
  }
  return ''
}

function hasToolResults(prompt: LanguageModelV3Prompt): boolean {
  return prompt.some((m) => m.role === 'tool')
}

function findSearchTool(call: LanguageModelV3CallOptions): string | undefined {
  for (const tool of call.tools ?? []) {
    if (tool.type !== 'function') continue
    const props = (tool.inputSchema as { properties?: Record<string, { type?: unknown }> }).properties
    if (props?.query && (props.query.type === 'string' || props.query.type === undefined)) return tool.name
  }
  return undefined
}

const STOP = new Set('the a an and or of to in on for is are was were be by with as at it this that what which how do does can from your you i we my our not no'.split(' '))

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOP.has(w))
}

function sentences(text: string): string[] {
  return markdownBlocks(text)
    .flatMap((block) => block.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z0-9`"'(\[])/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/**
 * Passages are often markdown: split at blank lines, list items, table rows and code lines first,
 * so a quote never runs across a list, and drop headings and fences (titles are not answers).
 */
function markdownBlocks(text: string): string[] {
  const blocks: string[] = []
  let current: string[] = []
  let fenced = false
  const flush = () => {
    if (current.length > 0) blocks.push(current.join(' '))
    current = []
  }
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (/^(```|~~~)/.test(t)) {
      flush()
      fenced = !fenced
    } else if (fenced) {
      if (t !== '') blocks.push(t)
    } else if (t === '' || /^#{1,6}\s/.test(t) || /^\|?[\s:|-]+\|?$/.test(t)) {
      flush()
    } else if (/^([-*+]|\d+[.)])\s/.test(t) || t.startsWith('|') || t.startsWith('>')) {
      flush()
      current.push(t.replace(/^([-*+]|\d+[.)]|>)\s*/, ''))
    } else current.push(t)
  }
  flush()
  return blocks
}

function finishOf(content: LanguageModelV3Content[]) {
  const unified = content.some((c) => c.type === 'tool-call') ? ('tool-calls' as const) : ('stop' as const)
  return { unified, raw: unified }
}

// Rough token counts (4 characters per token) so usage displays are not empty.
function usageOf(prompt: LanguageModelV3Prompt, content: LanguageModelV3Content[]): LanguageModelV3Usage {
  const input = Math.ceil(JSON.stringify(prompt).length / 4)
  const output = Math.ceil(content.map((c) => (c.type === 'text' ? c.text : c.type === 'tool-call' ? c.input : '')).join('').length / 4)
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  }
}
