import { fuse, type FuseOptions } from '../core/fusion.js'
import type { Hits } from '../core/hits.js'
import { ready } from '../core/init.js'
import { KeywordIndex, type KeywordIndexOptions } from '../core/keyword-index.js'
import { embedMany, resolveEmbedder } from '../embeddings/embed.js'
import type { EmbedderInput, EmbeddingModel } from '../embeddings/types.js'
import { LumosError } from '../errors.js'
import type { JsonObject } from '../storage/types.js'
import { packContainer, unpackContainer } from './blob-format.js'
import { cloneJson } from './clone-json.js'
import { buildContext, type BuildContextOptions, type RetrievalContext } from './context.js'
import type { DocumentChunk } from './document.js'
import { compileFilter, validateFilter } from './filter.js'
import type { MetadataFilter } from './filter-types.js'
import type { Reranker } from './reranker.js'
import type { VectorStore } from './vector-store.js'
import { WasmVectorStore } from './wasm-vector-store.js'

export type RetrievalMode = 'vector' | 'keyword' | 'hybrid'

export interface RetrieverOptions {
  vectorStore?: VectorStore
  /** Alias of `vectorStore`. */
  store?: VectorStore
  embedder: EmbedderInput
  /** BM25 keyword index next to the vectors (default true); an object sets its tokenizer/BM25 options. */
  keyword?: boolean | KeywordIndexOptions
  /** How hybrid mode fuses the two lists (default 'rrf'); an object for weights, RRF k or normalisation. */
  fusion?: 'rrf' | 'weighted' | Omit<FuseOptions, 'limit'>
  reranker?: Reranker
  /** Values per embedder call (default 64, capped by the model's maxEmbeddingsPerCall). */
  batchSize?: number
}

export interface RetrieverQueryOptions {
  /** 1..1000, default 8. */
  topK?: number
  /** Default 'hybrid' with a keyword index, else 'vector'. */
  mode?: RetrievalMode
  filter?: MetadataFilter
  /** Use the reranker (default: true when one is configured). */
  rerank?: boolean
  /** Hits taken from each list before fusion/reranking (default max(4 x topK, 20)). */
  candidates?: number
  abortSignal?: AbortSignal
}

export interface RetrievalHit {
  id: string
  /** Higher is better: the vector score, BM25 score, fused score or reranker score, by mode. */
  score: number
  text: string
  metadata: JsonObject
  vectorScore?: number
  keywordScore?: number
}

export interface AddOptions {
  abortSignal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

interface Entry {
  text: string
  metadata: JsonObject
}

const MAGIC = 'LUMOSRAG'
const VERSION = 1

/**
 * Documents in, ranked passages out: embeds chunks in batches into a VectorStore, keeps a BM25
 * index (wasm) next to it, and answers vector, keyword or hybrid (fused) queries with the same
 * metadata filter semantics in every mode. `add` is all-or-nothing per call.
 */
export class Retriever {
  readonly vectorStore: VectorStore
  readonly embedder: EmbeddingModel
  readonly reranker: Reranker | undefined
  readonly #keyword: KeywordIndex | null
  readonly #keywordOptions: KeywordIndexOptions | null
  readonly #fusion: Omit<FuseOptions, 'limit'>
  readonly #batchSize: number | undefined
  /** Text and metadata of every chunk (for keyword hits and keyword-mode filters); only with a keyword index. */
  readonly #entries = new Map<string, Entry>()

  /** Needs the wasm core ready when `keyword` is on (`await ready()`). */
  constructor(options: RetrieverOptions & { keywordIndex?: KeywordIndex }) {
    if (typeof options !== 'object' || options === null) throw config('options must be an object with vectorStore and embedder')
    const store = options.vectorStore ?? options.store
    if (!store || typeof store.query !== 'function' || typeof store.upsert !== 'function') throw config('`vectorStore` must be a VectorStore (e.g. new WasmVectorStore())')
    this.vectorStore = store
    this.embedder = resolveEmbedder(options.embedder)
    const kw = options.keyword ?? true
    this.#keywordOptions = kw === false ? null : kw === true ? {} : kw
    this.#keyword = options.keywordIndex ?? (this.#keywordOptions ? new KeywordIndex(this.#keywordOptions) : null)
    const f = options.fusion ?? 'rrf'
    this.#fusion = typeof f === 'string' ? { method: f } : f
    if (this.#fusion.method !== undefined && this.#fusion.method !== 'rrf' && this.#fusion.method !== 'weighted') throw config(`fusion must be 'rrf' or 'weighted'`)
    if (options.reranker !== undefined && typeof options.reranker?.rerank !== 'function') throw config('`reranker` must have a rerank(query, hits) method')
    this.reranker = options.reranker
    this.#batchSize = options.batchSize
  }

  /** Initialises the wasm core, then constructs. */
  static async create(options: RetrieverOptions): Promise<Retriever> {
    await ready()
    return new Retriever(options)
  }

  get hasKeywordIndex(): boolean {
    return this.#keyword !== null
  }

  /**
   * Embeds the chunks (batched), then upserts them into the vector store and the keyword index.
   * All-or-nothing per call: if the embedder fails mid-way or a record is invalid, nothing of this
   * call is stored. Chunks need a unique `id`, a non-empty `text`; `metadata.docId` enables `delete(docId)`.
   */
  async add(chunks: readonly DocumentChunk[], options: AddOptions = {}): Promise<void> {
    if (!Array.isArray(chunks)) throw new LumosError('INVALID_ARGUMENT', 'add expects an array of chunks ({ id, text, metadata })')
    const seen = new Set<string>()
    chunks.forEach((c, i) => {
      if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || c.id.length === 0) throw new LumosError('ID_EMPTY', `chunk ${i} needs a non-empty string id`, { details: { position: i } })
      if (seen.has(c.id)) throw new LumosError('ID_DUPLICATE', `chunk id "${c.id}" appears twice in one add`, { details: { id: c.id, position: i } })
      seen.add(c.id)
      if (typeof c.text !== 'string' || c.text.trim().length === 0) throw new LumosError('DOCUMENT_INVALID', `chunk "${c.id}" has no text`, { details: { id: c.id } })
      if (c.metadata !== undefined && (typeof c.metadata !== 'object' || c.metadata === null || Array.isArray(c.metadata))) {
        throw new LumosError('INVALID_ARGUMENT', `chunk "${c.id}": metadata must be an object`, { details: { id: c.id } })
      }
    })
    if (chunks.length === 0) return
    const { embeddings } = await embedMany(
      this.embedder,
      chunks.map((c) => c.text),
      { batchSize: this.#batchSize, abortSignal: options.abortSignal, onProgress: options.onProgress },
    )
    options.abortSignal?.throwIfAborted()
    await this.vectorStore.upsert(chunks.map((c, i) => ({ id: c.id, vector: embeddings[i], metadata: c.metadata ?? {}, text: c.text })))
    if (this.#keyword) {
      try {
        this.#keyword.upsert(
          chunks.map((c) => c.id),
          chunks.map((c) => c.text),
        )
      } catch (e) {
        // Keep the two indexes consistent: the vector records of this call go again.
        await this.vectorStore.delete(chunks.map((c) => c.id)).catch(() => undefined)
        throw e
      }
      for (const c of chunks) this.#entries.set(c.id, { text: c.text, metadata: cloneJson(c.metadata ?? {}) as JsonObject })
    }
  }

  async query(query: string, options: RetrieverQueryOptions = {}): Promise<RetrievalHit[]> {
    if (typeof query !== 'string' || query.trim().length === 0) throw new LumosError('INVALID_ARGUMENT', 'query must be a non-empty string')
    const topK = options.topK ?? 8
    if (!Number.isInteger(topK) || topK < 1 || topK > 1000) throw config(`topK must be an integer from 1 to 1000 (got ${String(topK)})`)
    const mode = options.mode ?? (this.#keyword ? 'hybrid' : 'vector')
    if (mode !== 'vector' && mode !== 'keyword' && mode !== 'hybrid') throw config(`mode must be vector, keyword or hybrid (got ${String(mode)})`)
    if (mode !== 'vector' && !this.#keyword) throw config(`mode '${mode}' needs the keyword index: create the Retriever with keyword: true`)
    if (options.filter !== undefined) validateFilter(options.filter)
    const rerank = (options.rerank ?? true) && this.reranker !== undefined
    const candidates = options.candidates ?? (mode === 'hybrid' || rerank ? Math.max(4 * topK, 20) : topK)
    if (!Number.isInteger(candidates) || candidates < 1 || candidates > 10_000) throw config('candidates must be an integer from 1 to 10,000')
    const k = Math.max(candidates, topK)

    let hits: RetrievalHit[]
    if (mode === 'keyword') hits = this.#keywordHits(query, k, options.filter)
    else {
      const vectorHits = await this.#vectorHits(query, k, options.filter, options.abortSignal)
      if (mode === 'vector') hits = vectorHits
      else {
        const keywordHits = this.#keywordHits(query, k, options.filter)
        hits = this.#fuse(vectorHits, keywordHits, k)
      }
    }
    if (rerank && hits.length > 0) {
      options.abortSignal?.throwIfAborted()
      hits = await this.reranker!.rerank(query, hits, { topK, abortSignal: options.abortSignal })
    }
    return hits.slice(0, topK)
  }

  /** Deletes every chunk of a document (chunks carry `metadata.docId`); returns how many. */
  async delete(docId: string): Promise<number> {
    if (typeof docId !== 'string' || docId.length === 0) throw new LumosError('INVALID_ARGUMENT', 'docId must be a non-empty string')
    const n = await this.vectorStore.deleteWhere({ docId })
    if (this.#keyword) {
      const ids = [...this.#entries].filter(([, e]) => e.metadata.docId === docId).map(([id]) => id)
      if (ids.length > 0) this.#keyword.remove(ids)
      for (const id of ids) this.#entries.delete(id)
    }
    return n
  }

  /** Deletes chunks by id; returns how many the vector store deleted. */
  async deleteChunks(ids: string[]): Promise<number> {
    const n = await this.vectorStore.delete(ids)
    if (this.#keyword) {
      const present = ids.filter((id) => this.#entries.has(id))
      if (present.length > 0) this.#keyword.remove(present)
      for (const id of present) this.#entries.delete(id)
    }
    return n
  }

  /** Merges, deduplicates and packs hits into a token budget with numbered citations. */
  buildContext(hits: readonly RetrievalHit[], options: BuildContextOptions = {}): RetrievalContext {
    return buildContext(hits, options)
  }

  /**
   * One versioned blob with the vector store, the keyword index and the configuration (what
   * `lumos ingest` writes); needs a WasmVectorStore. Load it with `Retriever.load(bytes, { embedder })`.
   */
  save(): Uint8Array {
    if (!(this.vectorStore instanceof WasmVectorStore)) throw config('save() needs a WasmVectorStore (other stores persist themselves)')
    const sections: Record<string, Uint8Array> = { vectors: this.vectorStore.save() }
    if (this.#keyword) sections.keyword = this.#keyword.save()
    return packContainer(MAGIC, VERSION, {
      header: {
        kind: 'retriever',
        keyword: this.#keywordOptions as JsonObject | null,
        fusion: this.#fusion as JsonObject,
        embedder: { provider: this.embedder.provider, modelId: this.embedder.modelId },
      },
      sections,
    })
  }

  /** Restores a `save()` blob (initialises the wasm core first). `embedder` must be the model the snapshot was built with. */
  static async load(bytes: Uint8Array, options: { embedder: EmbedderInput; reranker?: Reranker; fusion?: RetrieverOptions['fusion']; batchSize?: number }): Promise<Retriever> {
    await ready()
    const { header: h, sections } = unpackContainer(bytes, MAGIC, VERSION, 'Retriever')
    if (h.kind !== 'retriever' || !sections.vectors) throw new LumosError('SNAPSHOT_CORRUPT', 'Retriever snapshot has no vector store section')
    // Vectors from another embedder are comparable in length but not in meaning: refuse them instead
    // of returning silently wrong neighbours.
    const built = h.embedder as { provider?: string; modelId?: string } | null
    const given = resolveEmbedder(options.embedder)
    if (built && (built.provider !== given.provider || built.modelId !== given.modelId)) {
      throw new LumosError('EMBEDDER_MISMATCH', `This snapshot was built with ${built.provider}/${built.modelId}; Retriever.load got ${given.provider}/${given.modelId}.`, {
        details: { snapshot: built, given: { provider: given.provider, modelId: given.modelId } },
      })
    }
    const vectorStore = WasmVectorStore.load(sections.vectors)
    const kwOptions = h.keyword as KeywordIndexOptions | null
    if (kwOptions && !sections.keyword) throw new LumosError('SNAPSHOT_CORRUPT', 'Retriever snapshot has no keyword index section')
    const keywordIndex = kwOptions ? KeywordIndex.load(sections.keyword) : undefined
    const r = new Retriever({
      vectorStore,
      embedder: options.embedder,
      keyword: kwOptions ?? false,
      keywordIndex,
      fusion: options.fusion ?? (h.fusion as RetrieverOptions['fusion']),
      reranker: options.reranker,
      batchSize: options.batchSize,
    })
    if (keywordIndex) {
      for (const rec of await vectorStore.get(vectorStore.ids())) r.#entries.set(rec.id, { text: rec.text ?? '', metadata: rec.metadata })
    }
    return r
  }

  /** Which embedder a snapshot was built with (to check before loading). */
  static snapshotInfo(bytes: Uint8Array): { embedder: { provider: string; modelId: string }; keyword: boolean } {
    const { header: h } = unpackContainer(bytes, MAGIC, VERSION, 'Retriever')
    return { embedder: h.embedder as { provider: string; modelId: string }, keyword: h.keyword !== null }
  }

  async #vectorHits(query: string, k: number, filter: MetadataFilter | undefined, abortSignal: AbortSignal | undefined): Promise<RetrievalHit[]> {
    const { embeddings } = await embedMany(this.embedder, [query], { abortSignal })
    const hits = await this.vectorStore.query({ vector: embeddings[0], topK: k, filter })
    return hits.map((h) => ({ id: h.id, score: h.score, text: h.text ?? '', metadata: h.metadata, vectorScore: h.score }))
  }

  #keywordHits(query: string, k: number, filter: MetadataFilter | undefined): RetrievalHit[] {
    const kw = this.#keyword!
    let allow: string[] | undefined
    if (filter !== undefined && Object.keys(filter).length > 0) {
      const test = compileFilter(filter)
      allow = []
      for (const [id, e] of this.#entries) if (test(e.metadata)) allow.push(id)
      if (allow.length === 0) return []
    }
    const hits = kw.search(query, { k, filter: allow })
    return hits.ids.map((id, i) => {
      const e = this.#entries.get(id)
      return { id, score: hits.scores[i], text: e?.text ?? '', metadata: e ? cloneJson(e.metadata) : {}, keywordScore: hits.scores[i] }
    })
  }

  #fuse(vector: RetrievalHit[], keyword: RetrievalHit[], k: number): RetrievalHit[] {
    const toHits = (l: RetrievalHit[]): Hits => ({ ids: l.map((h) => h.id), scores: Float32Array.from(l.map((h) => h.score)) })
    const fused = fuse([toHits(vector), toHits(keyword)], { ...this.#fusion, limit: k })
    const byId = new Map<string, RetrievalHit>()
    for (const h of keyword) byId.set(h.id, h)
    for (const h of vector) {
      const kh = byId.get(h.id)
      byId.set(h.id, kh ? { ...h, keywordScore: kh.keywordScore } : h)
    }
    return fused.ids.map((id, i) => ({ ...byId.get(id)!, score: fused.scores[i] }))
  }
}

function config(message: string): LumosError {
  return new LumosError('RETRIEVER_CONFIG_INVALID', message)
}
