import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider'

export interface MockToolCall {
  toolName: string
  /** An object (JSON-encoded for the agent) or a raw string (to simulate malformed JSON). */
  input: unknown
  toolCallId?: string
}

/** One scripted model response. */
export interface MockResponse {
  text?: string
  reasoning?: string
  toolCalls?: MockToolCall[]
  finishReason?: LanguageModelV3FinishReason['unified']
  usage?: { inputTokens?: number; outputTokens?: number }
  /** How doStream splits `text` (default: word-sized chunks). */
  chunks?: string[]
  /** doGenerate/doStream reject with this (a provider/network failure). */
  error?: unknown
  /** doStream emits the text chunks, then an 'error' part with this value. */
  streamError?: unknown
  /** Response metadata id. */
  id?: string
}

export interface MockModelOptions {
  provider?: string
  modelId?: string
  /** Responses in call order; or a function of the call. */
  responses?: MockResponse[] | ((options: LanguageModelV3CallOptions, callIndex: number) => MockResponse | PromiseLike<MockResponse>)
  /** Delay between stream parts and before doGenerate resolves (default 0: no timers at all). */
  chunkDelayMs?: number
  /** Reuse the last response once the list is exhausted (default false: throw). */
  repeatLast?: boolean
}

/**
 * A scripted LanguageModelV3 for tests: text, reasoning, tool calls, streaming with delays and
 * errors. Records every call in `calls`. Honors abortSignal like a fetch-based provider would.
 */
export class MockModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const
  readonly provider: string
  readonly modelId: string
  readonly supportedUrls: Record<string, RegExp[]> = {}
  readonly calls: LanguageModelV3CallOptions[] = []
  readonly #options: MockModelOptions

  constructor(options: MockModelOptions = {}) {
    this.provider = options.provider ?? 'mock'
    this.modelId = options.modelId ?? 'mock-model'
    this.#options = options
  }

  async #next(options: LanguageModelV3CallOptions): Promise<MockResponse> {
    const index = this.calls.length
    this.calls.push(options)
    const responses = this.#options.responses ?? [{ text: 'ok' }]
    if (typeof responses === 'function') return responses(options, index)
    if (index < responses.length) return responses[index]
    if (this.#options.repeatLast && responses.length > 0) return responses[responses.length - 1]
    throw new Error(`MockModel: no scripted response for call ${index + 1} (${responses.length} scripted).`)
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const r = await this.#next(options)
    if (this.#options.chunkDelayMs) await delay(this.#options.chunkDelayMs, options.abortSignal)
    if (r.error !== undefined) throw r.error
    const index = this.calls.length - 1
    const content: LanguageModelV3Content[] = []
    if (r.reasoning) content.push({ type: 'reasoning', text: r.reasoning })
    if (r.text !== undefined) content.push({ type: 'text', text: r.text })
    r.toolCalls?.forEach((c, i) => content.push({ type: 'tool-call', toolCallId: c.toolCallId ?? `call_${index}_${i}`, toolName: c.toolName, input: encodeInput(c.input) }))
    return {
      content,
      finishReason: finishReason(r),
      usage: usage(r),
      warnings: [],
      response: { id: r.id ?? `resp_${index}`, modelId: this.modelId, timestamp: new Date(0) },
    }
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const r = await this.#next(options)
    if (r.error !== undefined) throw r.error
    const index = this.calls.length - 1
    const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }, { type: 'response-metadata', id: r.id ?? `resp_${index}`, modelId: this.modelId, timestamp: new Date(0) }]
    if (r.reasoning) parts.push({ type: 'reasoning-start', id: 'r0' }, { type: 'reasoning-delta', id: 'r0', delta: r.reasoning }, { type: 'reasoning-end', id: 'r0' })
    if (r.text !== undefined) {
      parts.push({ type: 'text-start', id: 't0' })
      for (const chunk of r.chunks ?? splitWords(r.text)) parts.push({ type: 'text-delta', id: 't0', delta: chunk })
      parts.push({ type: 'text-end', id: 't0' })
    }
    if (r.streamError !== undefined) {
      parts.push({ type: 'error', error: r.streamError })
    } else {
      r.toolCalls?.forEach((c, i) => {
        const id = c.toolCallId ?? `call_${index}_${i}`
        const input = encodeInput(c.input)
        parts.push({ type: 'tool-input-start', id, toolName: c.toolName }, { type: 'tool-input-delta', id, delta: input }, { type: 'tool-input-end', id })
        parts.push({ type: 'tool-call', toolCallId: id, toolName: c.toolName, input })
      })
      parts.push({ type: 'finish', finishReason: finishReason(r), usage: usage(r) })
    }
    const delayMs = this.#options.chunkDelayMs ?? 0
    const signal = options.abortSignal
    let i = 0
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async pull(controller) {
        if (delayMs > 0 && i > 0) {
          try {
            await delay(delayMs, signal)
          } catch (error) {
            controller.error(error)
            return
          }
        }
        if (signal?.aborted) {
          controller.error(signal.reason)
          return
        }
        if (i < parts.length) controller.enqueue(parts[i++])
        if (i >= parts.length) controller.close()
      },
    })
    return { stream }
  }
}

function encodeInput(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input)
}

function finishReason(r: MockResponse): LanguageModelV3FinishReason {
  const unified = r.finishReason ?? (r.toolCalls?.length ? 'tool-calls' : 'stop')
  return { unified, raw: unified }
}

function usage(r: MockResponse): LanguageModelV3Usage {
  const input = r.usage?.inputTokens ?? 10
  const output = r.usage?.outputTokens ?? 5
  return {
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  }
}

function splitWords(text: string): string[] {
  const out = text.match(/\S+\s*|\s+/g)
  return out ?? [text]
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
