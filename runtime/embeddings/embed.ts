import type { EmbeddingModelV2, EmbeddingModelV3 } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { EmbedderInput, EmbeddingModel, EmbedManyOptions, EmbedManyResult } from './types.js'

const DEFAULT_BATCH = 64

/**
 * Optional fast path on Lumos's own embedders: returns Float32Array rows directly, skipping the
 * spec's number[] round trip (which costs more than the lexical embedding itself on large ingests).
 */
export const EMBED_FLOAT32: unique symbol = Symbol.for('lumos.embedFloat32') as never
type Float32Embedder = { [EMBED_FLOAT32]?: (values: string[], abortSignal?: AbortSignal) => Promise<Float32Array[]> }

/** Accepts a spec v3 embedding model as is, adapts a v2 one, rejects anything else. */
export function resolveEmbedder(input: EmbedderInput): EmbeddingModel {
  const version = (input as { specificationVersion?: unknown } | null)?.specificationVersion
  if (typeof input !== 'object' || input === null || typeof (input as EmbeddingModelV3).doEmbed !== 'function' || (version !== 'v3' && version !== 'v2')) {
    throw new LumosError(
      'MODEL_VERSION_UNSUPPORTED',
      `Expected an AI SDK embedding model (specificationVersion v2 or v3), got ${version === undefined ? (input === null ? 'null' : typeof input) : `specificationVersion ${String(version)}`}.`,
      { details: { specificationVersion: version } },
    )
  }
  return version === 'v3' ? (input as EmbeddingModelV3) : fromV2(input as EmbeddingModelV2<string>)
}

function fromV2(m: EmbeddingModelV2<string>): EmbeddingModelV3 {
  return {
    specificationVersion: 'v3',
    provider: m.provider,
    modelId: m.modelId,
    maxEmbeddingsPerCall: m.maxEmbeddingsPerCall,
    supportsParallelCalls: m.supportsParallelCalls,
    async doEmbed(options) {
      const r = await m.doEmbed({ values: options.values, abortSignal: options.abortSignal, providerOptions: options.providerOptions as never, headers: options.headers })
      // v2 results have no warnings array; v3 requires one.
      return { embeddings: r.embeddings, usage: r.usage, providerMetadata: r.providerMetadata, response: r.response, warnings: [] }
    },
  }
}

/**
 * Embeds `values` in batches of min(batchSize, model.maxEmbeddingsPerCall), sequentially, and
 * checks what comes back: one vector per value, all the same length, finite numbers. Any failure
 * throws EMBEDDER_FAILED (the provider error as `cause`); an abort throws the signal's reason.
 */
export async function embedMany(model: EmbedderInput, values: readonly string[], options: EmbedManyOptions = {}): Promise<EmbedManyResult> {
  const m = resolveEmbedder(model)
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw new LumosError('INVALID_ARGUMENT', 'embedMany expects an array of strings')
  const { abortSignal, onProgress } = options
  const requested = options.batchSize ?? DEFAULT_BATCH
  if (!Number.isInteger(requested) || requested < 1) throw new LumosError('INVALID_ARGUMENT', `batchSize must be a positive integer (got ${String(requested)})`, { details: { option: 'batchSize' } })
  const max = await m.maxEmbeddingsPerCall
  const batch = typeof max === 'number' && max >= 1 ? Math.min(requested, Math.floor(max)) : requested
  const embeddings: Float32Array[] = []
  let dimensions = 0
  let tokens: number | undefined
  for (let at = 0; at < values.length; at += batch) {
    abortSignal?.throwIfAborted()
    const slice = values.slice(at, at + batch)
    let result
    try {
      const fast = (m as Float32Embedder)[EMBED_FLOAT32]
      result = fast ? { embeddings: await fast(slice, abortSignal) } : await m.doEmbed({ values: slice, abortSignal })
    } catch (e) {
      if (abortSignal?.aborted) throw abortSignal.reason
      if (LumosError.isInstance(e) && (e.code === 'EMBEDDER_FAILED' || e.code === 'EMBEDDER_UNAVAILABLE')) throw e
      throw new LumosError('EMBEDDER_FAILED', `embedding model ${m.provider}/${m.modelId} failed on values ${at}..${at + slice.length - 1}: ${(e as Error)?.message ?? String(e)}`, {
        cause: e,
        details: { from: at, count: slice.length },
      })
    }
    const got = result?.embeddings
    if (!Array.isArray(got) || got.length !== slice.length) {
      throw new LumosError('EMBEDDER_FAILED', `embedding model ${m.provider}/${m.modelId} returned ${Array.isArray(got) ? got.length : 'no'} vectors for ${slice.length} values`, {
        details: { from: at, expected: slice.length, got: Array.isArray(got) ? got.length : null },
      })
    }
    for (let i = 0; i < got.length; i++) {
      const v = got[i]
      if (dimensions === 0) dimensions = v?.length ?? 0
      if (!v || v.length !== dimensions || dimensions === 0) {
        throw new LumosError('EMBEDDER_FAILED', `embedding ${at + i} has ${v?.length ?? 0} dimensions, earlier ones have ${dimensions}`, { details: { position: at + i, expected: dimensions, got: v?.length ?? 0 } })
      }
      const f = v instanceof Float32Array ? v : Float32Array.from(v)
      for (let j = 0; j < f.length; j++) {
        if (!Number.isFinite(f[j])) throw new LumosError('EMBEDDER_FAILED', `embedding ${at + i} has a non-finite value at dimension ${j}`, { details: { position: at + i } })
      }
      embeddings.push(f)
    }
    if (result.usage && typeof result.usage.tokens === 'number') tokens = (tokens ?? 0) + result.usage.tokens
    onProgress?.(at + slice.length, values.length)
  }
  return { embeddings, dimensions, tokens }
}
