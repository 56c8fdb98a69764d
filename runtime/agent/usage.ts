import type { LanguageModelV3Usage } from '@ai-sdk/provider'

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other'

/** Flat token usage (the AI SDK's LanguageModelUsage shape). Undefined when the provider did not report it. */
export interface Usage {
  inputTokens: number | undefined
  outputTokens: number | undefined
  totalTokens: number | undefined
  reasoningTokens: number | undefined
  cachedInputTokens: number | undefined
}

export function emptyUsage(): Usage {
  return { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined, reasoningTokens: undefined, cachedInputTokens: undefined }
}

export function fromModelUsage(usage: LanguageModelV3Usage | undefined): Usage {
  if (!usage) return emptyUsage()
  const input = usage.inputTokens?.total
  const output = usage.outputTokens?.total
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input === undefined && output === undefined ? undefined : (input ?? 0) + (output ?? 0),
    reasoningTokens: usage.outputTokens?.reasoning,
    cachedInputTokens: usage.inputTokens?.cacheRead,
  }
}

const add = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0))

/** Adds `b` into `a` in place (the run total). */
export function addUsage(a: Usage, b: Usage): Usage {
  a.inputTokens = add(a.inputTokens, b.inputTokens)
  a.outputTokens = add(a.outputTokens, b.outputTokens)
  a.totalTokens = add(a.totalTokens, b.totalTokens)
  a.reasoningTokens = add(a.reasoningTokens, b.reasoningTokens)
  a.cachedInputTokens = add(a.cachedInputTokens, b.cachedInputTokens)
  return a
}
