import type { EmbedderInput } from '../embeddings/types.js'
import { LumosError } from '../errors.js'
import type { CreateThreadInput, ListThreadsInput, Page, Store, StoredMessage, StoreOp, Thread, ThreadRef, UpdateThreadInput } from '../storage/types.js'
import { embedValues, usableVector } from './embed.js'
import { type ResolvedMemoryOptions, resolveMemoryOptions } from './options.js'
import { RecallIndex, recallKey } from './recall-index.js'
import { encodeSegment } from './recall-segment.js'
import { MemoryTurn, type TurnInput } from './turn.js'
import type { MemoryConfig, MemoryOptions, UIMessage } from './types.js'
import { messageText } from './ui-message.js'

/** How many recall indexes one Memory keeps in wasm memory (least recently used are freed). */
const MAX_CACHED_INDEXES = 256

/**
 * Conversation memory for agents: threads of messages (stored in the AI SDK UIMessage format),
 * working memory kept by the model through a tool, and semantic recall over past messages.
 * Every turn costs at most two Store reads and one batched write (see README "Memory").
 */
export class Memory {
  readonly store: Store
  readonly embedder: EmbedderInput | undefined
  readonly options: Readonly<MemoryOptions>
  /** @internal options with defaults applied */
  readonly resolved: ResolvedMemoryOptions
  readonly #indexes = new Map<string, Promise<RecallIndex>>()
  /** Message ids seen in history that the recall index does not know (no reload loop for them). */
  readonly #unindexed = new Set<string>()

  constructor(config: MemoryConfig) {
    if (typeof config !== 'object' || config === null) throw new LumosError('MEMORY_CONFIG_INVALID', 'new Memory(config) needs { store, embedder?, options? }.')
    const s = config.store as Store | undefined
    if (typeof s !== 'object' || s === null || typeof s.batch !== 'function' || typeof s.loadContext !== 'function') {
      throw new LumosError('MEMORY_CONFIG_INVALID', 'Memory needs a `store` (e.g. new InMemoryStore(), LibsqlStore.open(...)).', { details: { path: 'store' } })
    }
    const e = config.embedder as { doEmbed?: unknown } | undefined
    if (e !== undefined && (typeof e !== 'object' || e === null || typeof e.doEmbed !== 'function')) {
      throw new LumosError('MEMORY_CONFIG_INVALID', 'Memory `embedder` must be an AI SDK embedding model (with doEmbed).', { details: { path: 'embedder' } })
    }
    this.store = s
    this.embedder = config.embedder
    this.options = Object.freeze({ ...(config.options ?? {}) })
    this.resolved = resolveMemoryOptions(config.options, e !== undefined)
  }

  // ------------------------------------------------------------ threads

  createThread(input: CreateThreadInput): Promise<Thread> {
    return this.store.createThread(input)
  }

  getThread(ref: ThreadRef): Promise<Thread> {
    return this.store.getThread(ref)
  }

  listThreads(input: ListThreadsInput): Promise<Page<Thread>> {
    return this.store.listThreads(input)
  }

  updateThread(input: UpdateThreadInput): Promise<Thread> {
    return this.store.updateThread(input)
  }

  /** Deletes the thread, its messages, its thread-scoped working memory and its recall vectors, in one write. */
  async deleteThread(ref: ThreadRef): Promise<void> {
    const ops: StoreOp[] = [{ type: 'deleteThread', ...ref }, { type: 'deleteBlob', key: recallKey('thread', ref.resourceId, ref.threadId) }]
    const r = this.resolved.recall
    const resourceKey = recallKey('resource', ref.resourceId, ref.threadId)
    let tombstone: Uint8Array | undefined
    if (r?.scope === 'resource') {
      tombstone = encodeSegment({ kind: 'tombstone', threadIds: [ref.threadId] })
      ops.push({ type: 'appendBlob', key: resourceKey, bytes: tombstone })
    }
    await this.store.batch(ops)
    const threadKey = recallKey('thread', ref.resourceId, ref.threadId)
    const cached = this.#indexes.get(threadKey)
    if (cached) {
      this.#indexes.delete(threadKey)
      cached.then((i) => i.free(), () => {})
    }
    const res = this.#indexes.get(resourceKey)
    if (res && tombstone) {
      const index = await res.catch(() => undefined)
      if (index) {
        index.apply({ kind: 'tombstone', threadIds: [ref.threadId] })
        index.segments++
      }
    }
  }

  // ------------------------------------------------------------ useChat persistence

  /** The thread's messages as AI SDK UIMessages (oldest first), for `useChat({ messages })`. */
  async getUIMessages(ref: ThreadRef & { limit?: number }): Promise<UIMessage[]> {
    const out: UIMessage[] = []
    const limit = ref.limit ?? Infinity
    let cursor: string | null = null
    if (limit !== Infinity) {
      const page = await this.store.listMessages({ threadId: ref.threadId, resourceId: ref.resourceId, direction: 'backward', limit: Math.min(1000, Math.max(1, limit)) })
      return page.items.map(toUIMessage)
    }
    do {
      const page: Page<StoredMessage> = await this.store.listMessages({ threadId: ref.threadId, resourceId: ref.resourceId, direction: 'forward', limit: 1000, cursor })
      for (const m of page.items) out.push(toUIMessage(m))
      cursor = page.nextCursor
    } while (cursor !== null)
    return out
  }

  /**
   * Stores UI messages (e.g. from a useChat `onFinish`), skipping ids already stored; creates the
   * thread if needed. One read (ids) and one batched write; recall embeddings are added when an
   * embedder is configured (best effort).
   */
  async saveUIMessages(input: ThreadRef & { messages: UIMessage[]; title?: string }): Promise<{ saved: number }> {
    const { threadId, resourceId } = input
    const ids = input.messages.map((m) => m.id)
    const existing = ids.length === 0 ? [] : await this.store.getMessages({ resourceId, threadId, ids })
    const known = new Set(existing.map((m) => m.id))
    const fresh = input.messages.filter((m) => !known.has(m.id))
    const ops: StoreOp[] = [{ type: 'createThread', id: threadId, resourceId, title: input.title ?? null, ifExists: 'return' }]
    if (fresh.length > 0) ops.push({ type: 'appendMessages', threadId, resourceId, messages: fresh.map((m) => ({ id: m.id, role: m.role, content: m.metadata === undefined ? { parts: m.parts } : { parts: m.parts, metadata: m.metadata } })) })
    const r = this.resolved.recall
    let apply: (() => void) | undefined
    if (r !== undefined && fresh.length > 0) {
      try {
        const index = await this.recallIndex(r.scope, resourceId, threadId, [])
        const entries = fresh.map((m) => ({ id: m.id, threadId, vector: undefined as Float32Array | undefined }))
        const todo = fresh.map((m, i) => [i, messageText(m.parts)] as const).filter(([, t]) => t !== '')
        const vectors = await this.embed(todo.map(([, t]) => t))
        todo.forEach(([i], j) => (entries[i].vector = vectors[j]))
        const dims = index.dims || vectors[0]?.length || 0
        for (const e of entries) if (e.vector && e.vector.length !== dims) e.vector = undefined
        ops.push({ type: 'appendBlob', key: index.key, bytes: encodeSegment({ kind: 'entries', dims, entries }) })
        apply = () => {
          index.apply({ kind: 'entries', dims, entries })
          index.segments++
        }
      } catch {
        // Recall is best effort here: the messages are what matters.
      }
    }
    await this.store.batch(ops)
    apply?.()
    return { saved: fresh.length }
  }

  // ------------------------------------------------------------ inspection

  /**
   * The stored messages semantic recall finds for `query` in the thread's recall scope (the hits
   * and their neighbours, in the order a turn would show them; unlike a turn, recent history is not
   * excluded). For inspectors such as the playground. Needs `semanticRecall` (MEMORY_CONFIG_INVALID).
   */
  async recall(input: ThreadRef & { query: string; topK?: number; abortSignal?: AbortSignal }): Promise<StoredMessage[]> {
    const r = this.resolved.recall
    if (r === undefined) throw new LumosError('MEMORY_CONFIG_INVALID', 'This memory has no semantic recall: create it with `semanticRecall: true` and an `embedder`.', { details: { path: 'semanticRecall' } })
    const { threadId, resourceId } = input
    const topK = input.topK ?? r.topK
    if (!Number.isInteger(topK) || topK < 1 || topK > 100) throw new LumosError('MEMORY_CONFIG_INVALID', `recall topK must be an integer from 1 to 100 (got ${String(topK)}).`, { details: { path: 'topK' } })
    if (typeof input.query !== 'string' || input.query.trim() === '') return []
    const index = await this.recallIndex(r.scope, resourceId, threadId, [])
    const [vector] = await this.embed([input.query], input.abortSignal)
    if (!usableVector(vector)) return []
    const ids = index.search(vector, topK, r.before, r.after, new Set())
    if (ids.length === 0) return []
    const found = await this.store.getMessages({ resourceId, threadId: r.scope === 'thread' ? threadId : undefined, ids })
    const byId = new Map(found.map((m) => [m.id, m]))
    return ids.flatMap((id) => byId.get(id) ?? [])
  }

  // ------------------------------------------------------------ internals used by the agent

  /** @internal Starts a turn: does the reads and returns what the agent adds to its prompt and tools. */
  async beginTurn(args: TurnInput): Promise<MemoryTurn> {
    const turn = new MemoryTurn(this, args)
    await turn.begin()
    return turn
  }

  /** @internal */
  embed(values: string[], abortSignal?: AbortSignal): Promise<Float32Array[]> {
    if (this.embedder === undefined) return Promise.reject(new LumosError('EMBEDDER_UNAVAILABLE', 'Memory has no embedder.'))
    return embedValues(this.embedder, values, abortSignal)
  }

  /**
   * @internal The cached recall index of a scope; loads its blob on first use (the cold cost).
   * For thread scope, a history message the cache has never seen means another process wrote to
   * the thread: the blob is re-read once.
   */
  async recallIndex(scope: 'thread' | 'resource', resourceId: string, threadId: string, history: readonly StoredMessage[]): Promise<RecallIndex> {
    const key = recallKey(scope, resourceId, threadId)
    let p = this.#indexes.get(key)
    if (p !== undefined) {
      const index = await p.catch(() => undefined)
      if (index !== undefined && scope === 'thread' && history.some((m) => !index.has(m.id) && !this.#unindexed.has(m.id))) {
        index.free()
        p = undefined
      } else if (index === undefined) p = undefined
    }
    if (p === undefined) {
      p = this.store.getBlob(key).then((blob) => RecallIndex.fromBlob(key, blob, this.resolved.recall?.quantization))
      this.#indexes.set(key, p)
      p.catch(() => this.#indexes.delete(key))
      if (this.#indexes.size > MAX_CACHED_INDEXES) {
        const [oldKey, old] = this.#indexes.entries().next().value as [string, Promise<RecallIndex>]
        this.#indexes.delete(oldKey)
        old.then((i) => i.free(), () => {})
      }
    } else {
      // refresh LRU position
      this.#indexes.delete(key)
      this.#indexes.set(key, p)
    }
    const index = await p
    for (const m of history) if (!index.has(m.id)) this.#unindexed.add(m.id)
    return index
  }

  /** Frees the cached recall indexes (wasm memory). The store is not closed. */
  dispose(): void {
    for (const p of this.#indexes.values()) p.then((i) => i.free(), () => {})
    this.#indexes.clear()
  }
}

function toUIMessage(m: StoredMessage): UIMessage {
  const out: UIMessage = { id: m.id, role: m.role, parts: m.content.parts }
  if (m.content.metadata !== undefined) out.metadata = m.content.metadata
  return out
}
