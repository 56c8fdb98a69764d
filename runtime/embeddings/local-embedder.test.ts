import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTinyBert, type TinyBert } from '../../test/helpers/tiny-bert/index.js'
import { embedMany } from './embed.js'
import { localEmbedder, type LocalEmbedder } from './local-embedder.js'

// A tiny BERT-architecture ONNX model generated in pure JS with seeded weights (no downloads),
// run by transformers.js on onnxruntime-node.
let root: string
let tb: TinyBert
const made: LocalEmbedder[] = []
const embedder = (o: Parameters<typeof localEmbedder>[0] = {}) => {
  const e = localEmbedder({ model: tb.modelId, localModelPath: root, ...o })
  made.push(e)
  return e
}
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))
const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / (norm(a) * norm(b))
const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', 'how do I resume a workflow?', '', 'cats sat on the mat']

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lumos-tiny-bert-'))
  tb = writeTinyBert(root)
})
afterAll(async () => {
  for (const e of made) await e.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('localEmbedder (transformers.js, offline, tiny generated BERT)', () => {
  it('loads from localModelPath with allowRemoteModels=false and returns unit vectors of the hidden size', async () => {
    const e = embedder()
    expect(e).toMatchObject({ specificationVersion: 'v3', provider: 'transformers.js', modelId: 'lumos/tiny-bert', maxEmbeddingsPerCall: 32 })
    const { embeddings, warnings } = await e.doEmbed({ values: TEXTS })
    expect(warnings).toEqual([])
    expect(embeddings).toHaveLength(TEXTS.length)
    for (const v of embeddings) {
      expect(v).toHaveLength(tb.hidden)
      expect(v.every(Number.isFinite)).toBe(true)
      expect(norm(v)).toBeCloseTo(1, 5)
    }
    // random weights: no semantic claim, but different texts give different vectors
    expect(cos(embeddings[0], embeddings[1])).toBeLessThan(0.999)
  })

  it('identical texts give identical vectors, and a padded batch equals one text at a time', async () => {
    const e = embedder()
    const batch = (await e.doEmbed({ values: [...TEXTS, TEXTS[1]] })).embeddings
    expect(batch[TEXTS.length]).toEqual(batch[1])
    for (let i = 0; i < TEXTS.length; i++) {
      const [single] = (await e.doEmbed({ values: [TEXTS[i]] })).embeddings
      single.forEach((x, j) => expect(x).toBeCloseTo(batch[i][j], 5))
    }
  })

  it('is deterministic across loads and across regenerated models (same seed → same bytes → same vectors)', async () => {
    const first = (await embedder().doEmbed({ values: TEXTS })).embeddings
    const other = mkdtempSync(join(tmpdir(), 'lumos-tiny-bert-'))
    try {
      const again = writeTinyBert(other)
      expect(readFileSync(join(again.dir, 'onnx/model.onnx')).equals(readFileSync(join(tb.dir, 'onnx/model.onnx')))).toBe(true)
      // a model given as a directory path
      const byPath = localEmbedder({ model: again.dir })
      expect(byPath.modelId).toBe('tiny-bert')
      expect((await byPath.doEmbed({ values: TEXTS })).embeddings).toEqual(first)
      await byPath.dispose()
      // another seed is another model
      const seeded = writeTinyBert(other, { modelId: 'lumos/tiny-bert-2', seed: 2 })
      const e2 = localEmbedder({ model: seeded.modelId, localModelPath: other })
      const [v] = (await e2.doEmbed({ values: [TEXTS[0]] })).embeddings
      expect(v).not.toEqual(first[0])
      await e2.dispose()
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  it('splits calls into batches of batchSize and works through embedMany and the AI SDK', async () => {
    let forwardPasses = 0
    const counting = async () => {
      const t = await import('@huggingface/transformers')
      return {
        env: t.env,
        pipeline: async (task: 'feature-extraction', model: string, o: object) => {
          const p = await t.pipeline(task, model, o)
          const wrapped = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => (forwardPasses++, p(texts, options))
          return Object.assign(wrapped, { dispose: () => p.dispose() })
        },
      }
    }
    const e = embedder({ batchSize: 2, loadTransformers: counting })
    const values = Array.from({ length: 5 }, (_, i) => `${TEXTS[i % TEXTS.length]} ${i}`)
    const direct = (await e.doEmbed({ values })).embeddings
    expect(forwardPasses).toBe(3)
    const viaLumos = await embedMany(e, values, { batchSize: 10 })
    expect(viaLumos.dimensions).toBe(tb.hidden)
    viaLumos.embeddings.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(direct[i][j], 5)))
    const { embedMany: aiEmbedMany } = await import('ai')
    const viaAi = await aiEmbedMany({ model: e, values, maxRetries: 0 })
    expect(viaAi.embeddings).toHaveLength(5)
    viaAi.embeddings.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(direct[i][j], 5)))
  })

  it('truncates texts longer than the model max length instead of failing', async () => {
    const long = Array.from({ length: 200 }, (_, i) => TEXTS[i % 3]).join(' ')
    const [v] = (await embedder().doEmbed({ values: [long] })).embeddings
    expect(norm(v)).toBeCloseTo(1, 5)
  })

  it('cls pooling and normalize:false are passed through', async () => {
    const [raw] = (await embedder({ pooling: 'cls', normalize: false }).doEmbed({ values: [TEXTS[1]] })).embeddings
    expect(raw).toHaveLength(tb.hidden)
    expect(Math.abs(norm(raw) - 1)).toBeGreaterThan(0.01) // LayerNorm output: norm ≈ sqrt(hidden), not 1
  })

  it('a missing model directory → EMBEDDER_UNAVAILABLE naming the files and the path; a retry after adding them works', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lumos-no-model-'))
    try {
      const e = localEmbedder({ model: 'acme/missing', localModelPath: empty })
      // offline means no network request at all, not one that happens to fail
      const remote: string[] = []
      const realFetch = globalThis.fetch
      globalThis.fetch = (input, init) => (remote.push(String(input instanceof Request ? input.url : input)), realFetch(input, init))
      const error = await Promise.resolve(e.doEmbed({ values: ['x'] }))
        .then(
          () => undefined,
          (err) => err,
        )
        .finally(() => (globalThis.fetch = realFetch))
      expect(remote.filter((u) => /^https?:/.test(u))).toEqual([])
      expect(error).toMatchObject({ code: 'EMBEDDER_UNAVAILABLE', details: { model: 'acme/missing', allowRemoteModels: false } })
      expect(error.message).toContain(`${empty}/acme/missing/`)
      expect(error.message).toContain('onnx/model.onnx')
      expect(error.message).toContain('allowRemoteModels: true')
      await expect(localEmbedder({ model: 'acme/missing', localModelPath: empty, dtype: 'q8' }).load()).rejects.toThrow(/model_quantized\.onnx/)
      writeTinyBert(empty, { modelId: 'acme/missing' })
      const [v] = (await e.doEmbed({ values: ['x'] })).embeddings
      expect(v).toHaveLength(32)
      await e.dispose()
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('a missing @huggingface/transformers package → EMBEDDER_UNAVAILABLE with the install command', async () => {
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package '@huggingface/transformers'"), { code: 'ERR_MODULE_NOT_FOUND' }))
    await expect(localEmbedder({ loadTransformers: missing }).doEmbed({ values: ['x'] })).rejects.toMatchObject({
      code: 'EMBEDDER_UNAVAILABLE',
      message: expect.stringContaining('npm i @huggingface/transformers'),
    })
  })

  it('importing lumosai/node and creating an embedder does not load @huggingface/transformers (it loads on first use)', async () => {
    const hook = `data:text/javascript,${encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        const r = await next(specifier, context)
        if (r.url.includes('/node_modules/')) console.log('MODULE ' + r.url)
        return r
      }`)}`
    const script = `
      import { register } from 'node:module'
      register(${JSON.stringify(hook)})
      const { localEmbedder } = await import('./runtime/embeddings/index.ts')
      await import('./adapters/node/index.ts')
      const e = localEmbedder()
      console.log('CREATED ' + e.modelId)
      await e.load().catch((err) => console.log('LOAD ' + err.code))`
    const cwd = fileURLToPath(new URL('../../', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd, timeout: 60_000 })
    const before = stdout.slice(0, stdout.indexOf('CREATED '))
    expect(stdout).toContain('CREATED Xenova/all-MiniLM-L6-v2')
    expect(before).not.toMatch(/@huggingface|onnxruntime/)
    expect(stdout.slice(stdout.indexOf('CREATED '))).toMatch(/@huggingface\/transformers/)
    expect(stdout).toContain('LOAD EMBEDDER_UNAVAILABLE')
  })

  it('no values → no model load; bad options → INVALID_ARGUMENT', async () => {
    let loads = 0
    const e = localEmbedder({ loadTransformers: async () => (loads++, {}) })
    expect((await e.doEmbed({ values: [] })).embeddings).toEqual([])
    expect(loads).toBe(0)
    expect(() => localEmbedder({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => localEmbedder({ model: '' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => localEmbedder({ pooling: 'max' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})
