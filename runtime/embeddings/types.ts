import type { EmbeddingModelV2, EmbeddingModelV3 } from '@ai-sdk/provider'

/**
 * The embedding port is the AI SDK embedding-model spec itself (v3; v2 is adapted), so every AI SDK
 * embedding provider plugs in unchanged, and Lumos's own embedders (lexical, local, OpenAI-compatible)
 * are usable from the AI SDK's `embedMany` too.
 */
export type EmbeddingModel = EmbeddingModelV3

/** What Lumos APIs accept where an embedder is needed. */
export type EmbedderInput = EmbeddingModelV3 | EmbeddingModelV2<string>

export interface EmbedManyOptions {
  abortSignal?: AbortSignal
  /** Upper bound per `doEmbed` call; the smaller of this and the model's `maxEmbeddingsPerCall` wins (default 64). */
  batchSize?: number
  /** Called after each batch with how many values are done (for progress bars). */
  onProgress?: (done: number, total: number) => void
}

export interface EmbedManyResult {
  /** One vector per input value, in input order. All have the same length. */
  embeddings: Float32Array[]
  /** The vector length. */
  dimensions: number
  /** Summed token usage when the model reports it. */
  tokens: number | undefined
}
