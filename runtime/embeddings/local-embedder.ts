import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'

export interface LocalEmbedderOptions {
  /**
   * A Hugging Face model id laid out for transformers.js (ONNX weights under `onnx/`), looked up as
   * `<localModelPath>/<model>/`, or a path to such a directory ('/models/all-MiniLM-L6-v2', './m').
   * Default 'Xenova/all-MiniLM-L6-v2' (384 dimensions).
   */
  model?: string
  /**
   * The directory (Node) or URL path (browsers) that holds `<model>/config.json`, `tokenizer.json`,
   * `tokenizer_config.json` and `onnx/model.onnx`. This sets transformers.js's global
   * `env.localModelPath` (one value per process: use the same for every local embedder).
   */
  localModelPath?: string
  /**
   * Default false: only local files (and, in browsers, the Cache API copy of an earlier load).
   * true lets transformers.js download missing files from the Hugging Face Hub on first use.
   * Sets transformers.js's global `env.allowRemoteModels` when the model loads.
   */
  allowRemoteModels?: boolean
  /** 'mean' (default; sentence-transformers models) or 'cls'. */
  pooling?: 'mean' | 'cls'
  /** L2-normalise the vectors (default true), so cosine = dot. */
  normalize?: boolean
  /** Texts per forward pass (default 32); also `maxEmbeddingsPerCall`. */
  batchSize?: number
  /**
   * Which weights file: 'fp32' → onnx/model.onnx, 'q8' → onnx/model_quantized.onnx, 'fp16' →
   * model_fp16.onnx, ... Default: transformers.js's choice (fp32 on Node's CPU backend, q8 on wasm).
   */
  dtype?: 'auto' | 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4'
  /** Node: where downloaded models are cached (transformers.js `cache_dir`). */
  cacheDir?: string
  /** transformers.js device, e.g. 'cpu' (Node default), 'wasm', 'webgpu'. */
  device?: string
  /** @internal Loads the transformers.js module (tests inject failures). */
  loadTransformers?: () => Promise<unknown>
}

export interface LocalEmbedder extends EmbeddingModelV3 {
  /** Loads the model now (otherwise the first `doEmbed` does). Throws EMBEDDER_UNAVAILABLE. */
  load(): Promise<void>
  /** Releases the ONNX session; a later call loads the model again. */
  dispose(): Promise<void>
}

// The slice of @huggingface/transformers this file uses, typed locally so the runtime typecheck does
// not depend on the package (it is an optional peer dependency).
interface Tensor {
  dims: number[]
  data: ArrayLike<number>
}
type Extractor = ((texts: string[], options: { pooling: string; normalize: boolean }) => Promise<Tensor>) & { dispose?: () => Promise<void> }
interface TransformersModule {
  env: { localModelPath: string; allowRemoteModels: boolean }
  pipeline: (task: 'feature-extraction', model: string, options: Record<string, unknown>) => Promise<Extractor>
}

const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2'
const PACKAGE = '@huggingface/transformers'

/** Splits a directory path into transformers.js's (localModelPath, model id) pair. */
function splitModel(model: string, localModelPath: string | undefined): { id: string; root: string | undefined } {
  const looksLikePath = /^(\/|\.{1,2}[\\/]|[A-Za-z]:[\\/]|file:)/.test(model)
  if (!looksLikePath) return { id: model, root: localModelPath }
  const trimmed = model.replace(/[\\/]+$/, '')
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'))
  return { id: trimmed.slice(cut + 1), root: trimmed.slice(0, cut + 1) || '/' }
}

/**
 * A spec v3 embedding model that runs a sentence-transformers model locally with transformers.js
 * (ONNX Runtime: onnxruntime-node on Node, onnxruntime-web in browsers/Workers/Deno), with mean
 * pooling and L2 normalisation. `@huggingface/transformers` is imported on first use, so it stays
 * an optional peer dependency and bundles that do not call this do not include it.
 *
 * Offline by default (`allowRemoteModels: false`): put the model files under
 * `<localModelPath>/<model>/`. In browsers, transformers.js caches every file it fetched (from your
 * own `/models/` URL or, with `allowRemoteModels`, the Hub) in the Cache API (`env.useBrowserCache`,
 * on by default), so only the first page load downloads the model.
 * Errors: EMBEDDER_UNAVAILABLE (package or model files missing, with the fix), EMBEDDER_FAILED (inference).
 */
export function localEmbedder(options: LocalEmbedderOptions = {}): LocalEmbedder {
  const { model = DEFAULT_MODEL, allowRemoteModels = false, pooling = 'mean', normalize = true, batchSize = 32, dtype, cacheDir, device } = options
  if (typeof model !== 'string' || model === '') throw new LumosError('INVALID_ARGUMENT', 'localEmbedder: `model` must be a non-empty model id or path', { details: { option: 'model' } })
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new LumosError('INVALID_ARGUMENT', `localEmbedder: batchSize must be a positive integer (got ${String(batchSize)})`, { details: { option: 'batchSize' } })
  if (pooling !== 'mean' && pooling !== 'cls') throw new LumosError('INVALID_ARGUMENT', `localEmbedder: pooling must be "mean" or "cls" (got ${String(pooling)})`, { details: { option: 'pooling' } })
  const { id, root } = splitModel(model, options.localModelPath)
  const load = options.loadTransformers ?? (() => import('@huggingface/transformers'))
  let extractor: Promise<Extractor> | undefined

  async function open(): Promise<Extractor> {
    let transformers: TransformersModule
    try {
      transformers = (await load()) as TransformersModule
    } catch (cause) {
      throw new LumosError('EMBEDDER_UNAVAILABLE', `localEmbedder needs the optional package ${PACKAGE}: npm i ${PACKAGE}`, { cause, details: { package: PACKAGE } })
    }
    const { env } = transformers
    if (root !== undefined) env.localModelPath = root
    // `local_files_only` alone is not enough: transformers.js 4.3 lists the pipeline's files through a
    // path that ignores it and asks the Hub when a local file is missing. The global flag is honoured.
    env.allowRemoteModels = allowRemoteModels
    const where = `${env.localModelPath.replace(/[\\/]+$/, '')}/${id}/`
    const weights = dtype === undefined || dtype === 'auto' || dtype === 'fp32' ? 'onnx/model.onnx' : `onnx/model_${dtype === 'q8' ? 'quantized' : dtype}.onnx`
    try {
      return await transformers.pipeline('feature-extraction', id, {
        local_files_only: !allowRemoteModels,
        ...(dtype === undefined ? {} : { dtype }),
        ...(cacheDir === undefined ? {} : { cache_dir: cacheDir }),
        ...(device === undefined ? {} : { device }),
      })
    } catch (cause) {
      const fix = allowRemoteModels
        ? `check the model id and network access to the Hugging Face Hub, or put the files in ${where}`
        : `put config.json, tokenizer.json, tokenizer_config.json and ${weights} in ${where} (e.g. \`huggingface-cli download ${id} --local-dir ${where}\`), or pass allowRemoteModels: true to download them once`
      throw new LumosError('EMBEDDER_UNAVAILABLE', `localEmbedder could not load "${id}" from ${where}: ${cause instanceof Error ? cause.message : String(cause)}. Fix: ${fix}.`, {
        cause,
        details: { model: id, localModelPath: env.localModelPath, allowRemoteModels },
      })
    }
  }

  function ready(): Promise<Extractor> {
    // a failed load is not cached: a retry after the files were put in place succeeds
    extractor ??= open().catch((error) => {
      extractor = undefined
      throw error
    })
    return extractor
  }

  async function doEmbed(call: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const { values, abortSignal } = call
    abortSignal?.throwIfAborted()
    if (values.length === 0) return { embeddings: [], warnings: [] }
    const run = await ready()
    const embeddings: number[][] = []
    for (let at = 0; at < values.length; at += batchSize) {
      abortSignal?.throwIfAborted()
      const batch = values.slice(at, at + batchSize)
      let output: Tensor
      try {
        output = await run(batch, { pooling, normalize })
      } catch (cause) {
        throw new LumosError('EMBEDDER_FAILED', `localEmbedder "${id}" failed on texts ${at}..${at + batch.length - 1}: ${cause instanceof Error ? cause.message : String(cause)}`, {
          cause,
          details: { model: id, from: at, count: batch.length },
        })
      }
      const [rows, dims] = output.dims
      if (output.dims.length !== 2 || rows !== batch.length) {
        throw new LumosError('EMBEDDER_FAILED', `localEmbedder "${id}" returned a tensor of shape [${output.dims.join(', ')}] for ${batch.length} texts`, { details: { model: id, dims: output.dims } })
      }
      for (let i = 0; i < rows; i++) embeddings.push(Array.from({ length: dims }, (_, j) => output.data[i * dims + j]))
    }
    return { embeddings, warnings: [] }
  }

  return {
    specificationVersion: 'v3',
    provider: 'transformers.js',
    modelId: id,
    maxEmbeddingsPerCall: batchSize,
    // one ONNX session per embedder; parallel calls would only queue behind each other
    supportsParallelCalls: false,
    doEmbed,
    async load() {
      await ready()
    },
    async dispose() {
      const current = extractor
      extractor = undefined
      if (current) await (await current.catch(() => undefined))?.dispose?.()
    },
  }
}
