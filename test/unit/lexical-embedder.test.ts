import { embed as aiEmbed, embedMany as aiEmbedMany } from 'ai'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LEXICAL_DIMENSIONS, embedMany, lexicalEmbedder } from '../../runtime/embeddings/index.js'
import { getCore } from '../../runtime/core/init.js'
import { lexicalDefaults, lexicalEmbed, lexicalEmbedFlat } from '../../runtime/core/lexical.js'
import { ready, VectorIndex } from '../helpers/lumos.js'

beforeAll(async () => {
  await ready()
})

const expectCode = (fn: () => unknown, code: string) => expect(fn).toThrow(expect.objectContaining({ code }))
const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}
const norm = (a: ArrayLike<number>) => Math.sqrt(cos(a, a))

/** Same fingerprint as core-wasm/src/embed/tests.rs `golden_values`: proves wasm == native bits. */
function fingerprint(v: Float32Array): [number, number, [number, number][]] {
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length)
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  let h = 0x811c9dc5
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0
  const nz: [number, number][] = []
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) nz.push([i, bits[i]])
  return [nz.length, h, nz.slice(0, 3)]
}

describe('lexicalEmbed (wasm core)', () => {
  it('matches the native golden values bit for bit', () => {
    expect(fingerprint(lexicalEmbed(['hello world'], { dimensions: 512 })[0])).toEqual([21, 3738864740, [[4, 3190296472], [7, 3190296472], [41, 3190296472]]])
    expect(fingerprint(lexicalEmbed(['Retrieval-augmented generation: Ünïcödé 我们今天 (2024)'], { dimensions: 256 })[0])).toEqual([
      64, 2216054702, [[12, 1034863110], [16, 1034863110], [17, 1034863110]],
    ])
    expect(fingerprint(lexicalEmbed([''])[0])).toEqual([1, 2798744360, [[195, 3212836864]]])
  })

  it('defaults agree between engine and TS', () => {
    expect(lexicalDefaults()).toMatchObject({ dimensions: 512, minDimensions: 8, maxDimensions: 8192 })
    expect(DEFAULT_LEXICAL_DIMENSIONS).toBe(lexicalDefaults().dimensions)
  })

  it('returns unit vectors; similar texts are closer than unrelated ones', () => {
    const [a, b, c] = lexicalEmbed([
      'How do I resume a paused workflow after a crash?',
      'Resuming workflows that were paused or crashed',
      'The recipe needs two eggs, flour and sugar.',
    ])
    for (const v of [a, b, c]) expect(norm(v)).toBeCloseTo(1, 5)
    expect(cos(a, b)).toBeGreaterThan(0.3)
    expect(cos(a, b)).toBeGreaterThan(cos(a, c) + 0.2)
    const [t1, t2, t3] = lexicalEmbed(['retrieval augmented generation', 'retreival augmnted generation', 'volcanic eruptions in iceland'])
    expect(cos(t1, t2)).toBeGreaterThan(cos(t1, t3) + 0.3)
  })

  it('empty and word-less texts share one fixed unit vector (never zero)', () => {
    const [e1, e2, e3, w] = lexicalEmbed(['', '  \n ', 'the of and', 'word'])
    expect(Array.from(e1).filter((x) => x !== 0)).toHaveLength(1)
    expect(norm(e1)).toBeCloseTo(1, 6)
    expect(e2).toEqual(e1)
    expect(e3).toEqual(e1)
    expect(cos(e1, w)).toBeLessThan(0.5)
    // A vector index accepts it (it rejects zero vectors).
    using idx = new VectorIndex({ dimensions: 512 })
    idx.upsert(['empty'], [e1])
    expect(idx.search(e1, { k: 1 }).ids).toEqual(['empty'])
  })

  it('handles dimensions, options, batches and Unicode', () => {
    for (const d of [8, 256, 384, 1024]) expect(lexicalEmbed(['abc def'], { dimensions: d })[0]).toHaveLength(d)
    const flat = lexicalEmbedFlat(['one', 'two', '東京は日本の首都です'], { dimensions: 64 })
    expect(flat).toHaveLength(192)
    expect(Array.from(flat.subarray(128))).toEqual(Array.from(lexicalEmbed(['東京は日本の首都です'], { dimensions: 64 })[0]))
    expect(lexicalEmbed(['Café NOËL'])[0]).toEqual(lexicalEmbed(['cafe noel'])[0])
    expect(lexicalEmbed(['Running'], { stem: false })[0]).not.toEqual(lexicalEmbed(['Running'])[0])
    expect(lexicalEmbed(['a b c'], { wordBigrams: false })[0]).not.toEqual(lexicalEmbed(['a b c'])[0])
    expect(lexicalEmbed(['abc'], { charNgrams: false })[0].filter((x) => x !== 0)).toHaveLength(1)
    expect(lexicalEmbed([])).toEqual([])
    // Large batches are split across calls transparently (4M floats per call).
    const many = Array.from({ length: 9000 }, (_, i) => `document number ${i}`)
    const rows = lexicalEmbed(many, { dimensions: 512 })
    expect(rows[8999]).toEqual(lexicalEmbed(['document number 8999'], { dimensions: 512 })[0])
  })

  it('rejects bad input with typed errors', () => {
    expectCode(() => lexicalEmbed(['x'], { dimensions: 7 }), 'INVALID_ARGUMENT')
    expectCode(() => lexicalEmbed(['x'], { dimensions: 8193 }), 'INVALID_ARGUMENT')
    expectCode(() => lexicalEmbed(['x'], { dimensions: 1.5 }), 'INVALID_ARGUMENT')
    expectCode(() => lexicalEmbed(['x'], { charNgrams: 'no' as never }), 'INVALID_ARGUMENT')
    expectCode(() => lexicalEmbed([42 as never]), 'TEXT_INVALID')
    expectCode(() => lexicalEmbed('x' as never), 'INVALID_ARGUMENT')
  })
})

describe('lumos_lexical_embed ABI', () => {
  it('validates flags, dimensions and buffers itself (no trap)', () => {
    const core = getCore()
    const s = core.writeStrings(['abc', 'def'])
    try {
      const call = (blob: number, len: number, offs: number, n: number, dims: number, flags: number) => core.x.lumos_lexical_embed(blob, len, offs, n, dims, flags)
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr, 2, 64, 0xffffffff)).toBe(0)
      expect(core.out().byteLength).toBe(2 * 64 * 4)
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr, 2, 64, 1 << 12)).toBe(1) // unknown flag bit
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr, 2, 7, 0xffffffff)).toBe(1) // dims below the minimum
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr, 2, 100_000, 0xffffffff)).toBe(1)
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr + 1, 2, 64, 0xffffffff)).toBe(1) // misaligned offsets
      expect(call(0x7fff_fff0, 64, s.offs.ptr, 2, 64, 0xffffffff)).toBe(1) // blob out of memory
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr, 0x3fff_ffff, 64, 0xffffffff)).toBe(1) // count overflow
      expect(call(s.blob.ptr, s.blob.size, s.offs.ptr, 0, 64, 0xffffffff)).toBe(0)
      expect(core.out().byteLength).toBe(0)
    } finally {
      core.freeStrings(s)
    }
  })
})

describe('lexicalEmbedder (EmbeddingModelV3)', () => {
  it('has the documented identity and returns one vector per value', async () => {
    const m = lexicalEmbedder({ dimensions: 256 })
    expect(m).toMatchObject({ specificationVersion: 'v3', provider: 'lumos', modelId: 'lexical-256', dimensions: 256, supportsParallelCalls: false })
    expect(m.maxEmbeddingsPerCall).toBeGreaterThanOrEqual(10_000)
    expect(lexicalEmbedder().modelId).toBe('lexical-512')
    const r = await m.doEmbed({ values: ['alpha beta', 'gamma'] })
    expect(r.embeddings).toHaveLength(2)
    expect(r.embeddings[0]).toHaveLength(256)
    expect(r.warnings).toEqual([])
    expect(r.embeddings[0]).toEqual(Array.from(m.embedSync(['alpha beta'])[0]))
  })

  it('plugs into Lumos embedMany and the AI SDK embed/embedMany', async () => {
    const m = lexicalEmbedder({ dimensions: 128 })
    const ours = await embedMany(m, ['a cat', 'a dog', 'a cat'], { batchSize: 2 })
    expect(ours.dimensions).toBe(128)
    expect(ours.embeddings[0]).toEqual(ours.embeddings[2])
    const sdk = await aiEmbedMany({ model: m, values: ['a cat', 'a dog'] })
    expect(sdk.embeddings[0]).toEqual(Array.from(ours.embeddings[0]))
    const one = await aiEmbed({ model: m, value: 'a dog' })
    expect(one.embedding).toEqual(Array.from(ours.embeddings[1]))
  })

  it('validates options eagerly and honours abort', async () => {
    expectCode(() => lexicalEmbedder({ dimensions: 0 }), 'INVALID_ARGUMENT')
    expectCode(() => lexicalEmbedder(null as never), 'INVALID_ARGUMENT')
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await expect(lexicalEmbedder().doEmbed({ values: ['x'], abortSignal: ac.signal })).rejects.toThrow('stop')
  })
})
