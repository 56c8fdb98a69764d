import type { EmbeddingModelV2 } from 'provider-v2'
import { describe, expect, it } from 'vitest'
import { embedMany, resolveEmbedder } from '../../../runtime/embeddings/index.js'
import { fakeEmbedder } from './fake-embedder.js'

describe('resolveEmbedder', () => {
  it('passes v3 through, adapts v2, rejects others', async () => {
    const v3 = fakeEmbedder()
    expect(resolveEmbedder(v3)).toBe(v3)
    const v2: EmbeddingModelV2<string> = {
      specificationVersion: 'v2',
      provider: 'old',
      modelId: 'm',
      maxEmbeddingsPerCall: 2,
      supportsParallelCalls: true,
      async doEmbed({ values }) {
        return { embeddings: values.map((v) => [v.length, 1]), usage: { tokens: 3 } }
      },
    }
    const adapted = resolveEmbedder(v2)
    expect(adapted.specificationVersion).toBe('v3')
    expect(adapted.maxEmbeddingsPerCall).toBe(2)
    expect(await adapted.doEmbed({ values: ['abc'] })).toEqual({ embeddings: [[3, 1]], usage: { tokens: 3 }, providerMetadata: undefined, response: undefined, warnings: [] })
    expect(() => resolveEmbedder({ specificationVersion: 'v1', doEmbed() {} } as never)).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_UNSUPPORTED' }))
    expect(() => resolveEmbedder('openai/text-embedding-3-small' as never)).toThrow(expect.objectContaining({ code: 'MODEL_VERSION_UNSUPPORTED' }))
  })
})

describe('embedMany', () => {
  const values = ['agent', 'tool', 'memory', 'store', 'vector', 'workflow', 'deploy']

  it('batches by min(batchSize, maxEmbeddingsPerCall), keeps order, sums tokens, reports progress', async () => {
    const m = fakeEmbedder({ maxEmbeddingsPerCall: 3 })
    const progress: [number, number][] = []
    const r = await embedMany(m, values, { batchSize: 5, onProgress: (d, t) => progress.push([d, t]) })
    expect(m.calls.map((c) => c.length)).toEqual([3, 3, 1])
    expect(progress).toEqual([[3, 7], [6, 7], [7, 7]])
    expect(r.dimensions).toBe(9)
    expect(r.tokens).toBe(14)
    expect(r.embeddings.length).toBe(7)
    expect(r.embeddings[0]).toBeInstanceOf(Float32Array)
    expect(Array.from(r.embeddings[0])).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 1])
    expect(Array.from(r.embeddings[6])).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1])
    const m2 = fakeEmbedder({ maxEmbeddingsPerCall: 10 })
    await embedMany(m2, values, { batchSize: 2 })
    expect(m2.calls.map((c) => c.length)).toEqual([2, 2, 2, 1])
    const m3 = fakeEmbedder()
    await embedMany(m3, values)
    expect(m3.calls.map((c) => c.length)).toEqual([7])
  })

  it('empty input makes no call', async () => {
    const m = fakeEmbedder()
    expect(await embedMany(m, [])).toEqual({ embeddings: [], dimensions: 0, tokens: undefined })
    expect(m.calls).toEqual([])
  })

  it('wraps provider failures as EMBEDDER_FAILED with the cause and the batch position', async () => {
    const m = fakeEmbedder({ maxEmbeddingsPerCall: 2, failOnCall: [2] })
    const e = await embedMany(m, values).catch((x) => x)
    expect(e).toMatchObject({ code: 'EMBEDDER_FAILED', details: { from: 2, count: 2 } })
    expect((e.cause as Error).message).toBe('provider down on call 2')
  })

  const bad = (embeddings: unknown) => ({
    specificationVersion: 'v3' as const,
    provider: 't',
    modelId: 'bad',
    maxEmbeddingsPerCall: undefined,
    supportsParallelCalls: false,
    async doEmbed() {
      return { embeddings: embeddings as number[][], warnings: [] }
    },
  })

  it('checks count, equal lengths and finite values', async () => {
    await expect(embedMany(bad([[1, 2]]), ['a', 'b'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED', details: { expected: 2, got: 1 } })
    await expect(embedMany(bad([[1, 2], [1]]), ['a', 'b'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED', details: { position: 1, expected: 2, got: 1 } })
    await expect(embedMany(bad([[1, Number.NaN]]), ['a'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED', details: { position: 0 } })
    await expect(embedMany(bad([[]]), ['a'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED' })
    await expect(embedMany(bad(undefined), ['a'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED' })
  })

  it('stops on abort with the signal reason', async () => {
    const ac = new AbortController()
    const m = fakeEmbedder({ maxEmbeddingsPerCall: 2 })
    const p = embedMany(m, values, { abortSignal: ac.signal, onProgress: (done) => done === 2 && ac.abort(new Error('stop')) })
    await expect(p).rejects.toThrow('stop')
    expect(m.calls.length).toBe(1)
  })

  it('rejects a bad batchSize', async () => {
    await expect(embedMany(fakeEmbedder(), ['a'], { batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
