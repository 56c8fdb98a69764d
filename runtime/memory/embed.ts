import { LumosError } from '../errors.js'
import type { EmbedderInput } from '../embeddings/types.js'

/** Embeds `values` with an AI SDK embedding model (v3 or v2), honouring maxEmbeddingsPerCall. */
export async function embedValues(model: EmbedderInput, values: string[], abortSignal?: AbortSignal): Promise<Float32Array[]> {
  if (values.length === 0) return []
  const max = (await model.maxEmbeddingsPerCall) ?? values.length
  const out: Float32Array[] = []
  for (let at = 0; at < values.length; at += Math.max(1, max)) {
    const slice = values.slice(at, at + Math.max(1, max))
    let r: { embeddings: ReadonlyArray<ArrayLike<number>> }
    try {
      r = await (model as { doEmbed(o: { values: string[]; abortSignal?: AbortSignal }): PromiseLike<{ embeddings: ReadonlyArray<ArrayLike<number>> }> }).doEmbed({ values: slice, abortSignal })
    } catch (cause) {
      throw new LumosError('EMBEDDER_FAILED', `The embedder failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    if (!r || !Array.isArray(r.embeddings) || r.embeddings.length !== slice.length) {
      throw new LumosError('EMBEDDER_FAILED', `The embedder returned ${r?.embeddings?.length ?? 'no'} vectors for ${slice.length} values.`)
    }
    for (const e of r.embeddings) out.push(Float32Array.from(e))
  }
  return out
}

/** Usable for cosine similarity: finite and not all zeros. */
export function usableVector(v: Float32Array): boolean {
  let nonZero = false
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (x - x !== 0) return false
    if (x !== 0) nonZero = true
  }
  return nonZero
}
