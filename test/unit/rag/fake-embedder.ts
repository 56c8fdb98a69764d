import type { EmbeddingModelV3 } from '@ai-sdk/provider'

export const VOCAB = ['workflow', 'resume', 'agent', 'memory', 'vector', 'store', 'tool', 'deploy']

export interface FakeEmbedderOptions {
  maxEmbeddingsPerCall?: number
  /** doEmbed call numbers (1-based) that reject. */
  failOnCall?: number[]
  /** Vector length override (to simulate another model). */
  dimensions?: number
}

/**
 * Deterministic test embedder: dimension i counts occurrences of VOCAB[i] (lower-cased words),
 * the last dimension is a constant 1 so no text embeds to a zero vector.
 */
export function fakeEmbedder(options: FakeEmbedderOptions = {}): EmbeddingModelV3 & { calls: string[][] } {
  const calls: string[][] = []
  const dims = options.dimensions ?? VOCAB.length + 1
  return {
    specificationVersion: 'v3',
    provider: 'test',
    modelId: 'fake-bow',
    maxEmbeddingsPerCall: options.maxEmbeddingsPerCall,
    supportsParallelCalls: false,
    calls,
    async doEmbed({ values }) {
      calls.push(values)
      if (options.failOnCall?.includes(calls.length)) throw new Error(`provider down on call ${calls.length}`)
      return { embeddings: values.map((v) => embedText(v, dims)), usage: { tokens: values.length * 2 }, warnings: [] }
    },
  }
}

export function embedText(text: string, dims = VOCAB.length + 1): number[] {
  const v = new Array<number>(dims).fill(0)
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const i = VOCAB.indexOf(w)
    if (i >= 0 && i < dims - 1) v[i]++
  }
  v[dims - 1] = 1
  return v
}
