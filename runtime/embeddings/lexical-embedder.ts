import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider'
import { ready } from '../core/init.js'
import { lexicalEmbedFlat, type LexicalEmbedOptions } from '../core/lexical.js'
import { LumosError } from '../errors.js'
import { EMBED_FLOAT32 } from './embed.js'

export type LexicalEmbedderOptions = LexicalEmbedOptions

/** The engine's default (core-wasm/src/embed/lexical.rs DEFAULT_DIMENSIONS; a test keeps them equal). */
export const DEFAULT_LEXICAL_DIMENSIONS = 512

export interface LexicalEmbedder extends EmbeddingModelV3 {
  readonly provider: 'lumos'
  /** `lexical-<dimensions>`. */
  readonly modelId: string
  /** Vector length (known before any call: the embedder needs no model download). */
  readonly dimensions: number
  /** Synchronous embedding as Float32Arrays, for callers that do not need the AI SDK shape. */
  embedSync(values: readonly string[]): Float32Array[]
  /** embedMany's fast path (Float32Array rows, no number[] round trip). */
  [EMBED_FLOAT32](values: string[], abortSignal?: AbortSignal): Promise<Float32Array[]>
}

/**
 * A zero-download embedder running in the Lumos wasm core: feature hashing of words, word
 * bigrams and character n-grams into `dimensions` buckets (default 512), sublinear TF,
 * L2-normalised, deterministic on every platform. It captures LEXICAL similarity (shared words,
 * phrases, spelling fragments, so typos and inflections still match), NOT semantic similarity:
 * synonyms and paraphrases with different words are not close. Use it for offline/edge
 * deployments, tests, and as the vector half of hybrid search; use `localEmbedder()` or an API
 * embedder when meaning matters. Texts without words (empty, punctuation, only stop words) all
 * map to one fixed unit vector, never a zero vector.
 *
 * The wasm core must be initialised (`await ready()`; the Node/Deno/browser entries do it on
 * first use of `doEmbed`). Synchronous and CPU-bound, so `supportsParallelCalls` is false.
 */
export function lexicalEmbedder(options: LexicalEmbedderOptions = {}): LexicalEmbedder {
  if (typeof options !== 'object' || options === null) throw new LumosError('INVALID_ARGUMENT', 'lexicalEmbedder() options must be an object')
  const dimensions = options.dimensions ?? DEFAULT_LEXICAL_DIMENSIONS
  if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 8192) {
    throw new LumosError('INVALID_ARGUMENT', `dimensions must be an integer from 8 to 8192 (got ${String(dimensions)})`, { details: { option: 'dimensions' } })
  }
  const opts: LexicalEmbedOptions = { ...options, dimensions }
  const embedSync = (values: readonly string[]): Float32Array[] => {
    const flat = lexicalEmbedFlat(values, opts)
    const rows = new Array<Float32Array>(values.length)
    for (let i = 0; i < values.length; i++) rows[i] = flat.slice(i * dimensions, (i + 1) * dimensions)
    return rows
  }
  return {
    specificationVersion: 'v3',
    provider: 'lumos',
    // Snapshots record this id and Retriever.load checks it: change it whenever the vectors change.
    modelId: `lexical-${dimensions}`,
    dimensions,
    maxEmbeddingsPerCall: 100_000,
    supportsParallelCalls: false,
    embedSync,
    async [EMBED_FLOAT32](values: string[], abortSignal?: AbortSignal): Promise<Float32Array[]> {
      abortSignal?.throwIfAborted()
      await ready()
      return embedSync(values)
    },
    async doEmbed(call: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
      call.abortSignal?.throwIfAborted()
      if (!Array.isArray(call.values)) throw new LumosError('INVALID_ARGUMENT', 'doEmbed expects values: string[]')
      await ready()
      const flat = lexicalEmbedFlat(call.values, opts)
      // The spec wants number[] per value; a plain indexed copy is ~10x faster than Array.from.
      const embeddings = new Array<number[]>(call.values.length)
      for (let i = 0, at = 0; i < embeddings.length; i++) {
        const row = new Array<number>(dimensions)
        for (let j = 0; j < dimensions; j++, at++) row[j] = flat[at]
        embeddings[i] = row
      }
      return { embeddings, warnings: [] }
    },
  }
}
