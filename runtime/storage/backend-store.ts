import { LumosError } from '../errors.js'
import { applyOps, checkThreadAccess, toBlobInfo, toThread } from './apply-ops.js'
import type { StoreBackend, StoreReader, StoreWriter } from './backend.js'
import { joinChunks } from './blob-chunks.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { getWriteFault } from './fault-injection.js'
import { prefixUpperBound } from './key-order.js'
import { checkKey, checkScope, normalizeOp } from './normalize.js'
import { checkId, checkIds, checkLimit, checkText, invalid } from './validate.js'
import type {
  AppendMessagesInput,
  BatchResults,
  BlobInfo,
  CreateThreadInput,
  DeleteMessagesInput,
  GetMessagesInput,
  ListBlobsInput,
  ListMessagesInput,
  ListThreadsInput,
  ListWorkflowRunsInput,
  LoadContextInput,
  LoadedContext,
  Page,
  PutWorkflowRunInput,
  SetWorkingMemoryInput,
  Store,
  StoredMessage,
  StoreOp,
  Thread,
  ThreadRef,
  UpdateThreadInput,
  WorkflowRun,
  WorkflowRunRef,
  WorkingMemoryScope,
} from './types.js'

export interface BackendStoreOptions {
  /** Id generator for threads and messages without an id (default: crypto.randomUUID). */
  generateId?: () => string
}

/**
 * The Store port on top of a `StoreBackend`: validation, scoping, paging and write semantics are
 * implemented here once, so every backend behaves identically. Subclass it (`InMemoryStore`,
 * `LibsqlStore`, `PostgresStore`) or wrap a new backend directly.
 */
export class BackendStore implements Store {
  readonly kind: string
  readonly #backend: StoreBackend
  readonly #newId: () => string
  #closed = false

  constructor(backend: StoreBackend, options: BackendStoreOptions = {}) {
    this.kind = backend.kind
    this.#backend = backend
    this.#newId = options.generateId ?? (() => crypto.randomUUID())
  }

  // ------------------------------------------------------------ writes

  batch<const T extends readonly StoreOp[]>(ops: T): Promise<BatchResults<T>> {
    if (!Array.isArray(ops)) return Promise.reject(invalid('ops', 'must be an array of store ops.'))
    return this.#apply(ops, (i) => `ops[${i}]`) as Promise<BatchResults<T>>
  }

  async #apply(ops: readonly StoreOp[], path: (index: number) => string): Promise<unknown[]> {
    const now = new Date()
    const normal = ops.map((op, i) => normalizeOp(op, path(i), now, this.#newId))
    if (normal.length === 0) return []
    const ctx = { now, maxValueBytes: this.#backend.maxValueBytes, fault: getWriteFault(this), original: ops }
    return this.#write((tx) => applyOps(tx, normal, ctx))
  }

  /** A single-op write; error paths name the method's argument ("appendMessages.messages[0]..."). */
  async #one(op: StoreOp): Promise<unknown> {
    const [result] = await this.#apply([op], () => op.type)
    return result
  }

  createThread(input: CreateThreadInput): Promise<Thread> {
    return this.#one({ ...input, type: 'createThread' }) as Promise<Thread>
  }
  updateThread(input: UpdateThreadInput): Promise<Thread> {
    return this.#one({ ...input, type: 'updateThread' }) as Promise<Thread>
  }
  async deleteThread(ref: ThreadRef): Promise<void> {
    await this.#one({ threadId: ref?.threadId, resourceId: ref?.resourceId, type: 'deleteThread' })
  }
  appendMessages(input: AppendMessagesInput): Promise<StoredMessage[]> {
    return this.#one({ ...input, type: 'appendMessages' }) as Promise<StoredMessage[]>
  }
  deleteMessages(input: DeleteMessagesInput): Promise<number> {
    return this.#one({ ...input, type: 'deleteMessages' }) as Promise<number>
  }
  async setWorkingMemory(input: SetWorkingMemoryInput): Promise<void> {
    await this.#one({ ...input, type: 'setWorkingMemory' })
  }
  putWorkflowRun(input: PutWorkflowRunInput): Promise<WorkflowRun> {
    return this.#one({ ...input, type: 'putWorkflowRun' }) as Promise<WorkflowRun>
  }
  deleteWorkflowRun(ref: WorkflowRunRef): Promise<boolean> {
    return this.#one({ workflowId: ref?.workflowId, runId: ref?.runId, type: 'deleteWorkflowRun' }) as Promise<boolean>
  }
  putBlob(key: string, bytes: Uint8Array): Promise<BlobInfo> {
    return this.#one({ type: 'putBlob', key, bytes }) as Promise<BlobInfo>
  }
  appendBlob(key: string, bytes: Uint8Array): Promise<BlobInfo> {
    return this.#one({ type: 'appendBlob', key, bytes }) as Promise<BlobInfo>
  }
  deleteBlob(key: string): Promise<boolean> {
    return this.#one({ type: 'deleteBlob', key }) as Promise<boolean>
  }

  // ------------------------------------------------------------ reads

  async loadContext(input: LoadContextInput): Promise<LoadedContext> {
    const threadId = checkId(input?.threadId, 'threadId')
    const resourceId = checkId(input.resourceId, 'resourceId')
    const last = checkLimit(input.lastMessages, 'lastMessages', 40, 0)
    const wm = input.workingMemory ?? 'none'
    if (wm !== 'thread' && wm !== 'resource' && wm !== 'none') throw invalid('workingMemory', 'must be "thread", "resource" or "none".')
    return this.#read(async (tx) => {
      const row = await tx.getThread(threadId)
      if (row !== null) checkThreadAccess(row, threadId, resourceId)
      let messages: StoredMessage[] = []
      let olderCursor: string | null = null
      if (row !== null && row.lastSeq > 0) {
        const found = await tx.listMessages(threadId, { direction: 'backward', from: null, limit: last + 1 })
        messages = found.slice(0, last).reverse()
        if (found.length > last) olderCursor = encodeCursor('backward', [messages.length > 0 ? messages[0].seq : row.lastSeq + 1])
      }
      let workingMemory: string | null = null
      if (wm === 'resource') workingMemory = await tx.getWorkingMemory('resource', resourceId)
      else if (wm === 'thread' && row !== null) workingMemory = await tx.getWorkingMemory('thread', threadId)
      return { thread: row === null ? null : toThread(row), messages, olderCursor, workingMemory }
    })
  }

  async getThread(ref: ThreadRef): Promise<Thread> {
    const threadId = checkId(ref?.threadId, 'threadId')
    const resourceId = checkId(ref.resourceId, 'resourceId')
    return this.#read(async (tx) => toThread(checkThreadAccess(await tx.getThread(threadId), threadId, resourceId)))
  }

  async listThreads(input: ListThreadsInput): Promise<Page<Thread>> {
    const resourceId = checkId(input?.resourceId, 'resourceId')
    const limit = checkLimit(input.limit, 'limit', 50)
    const after = input.cursor == null ? null : decodeCursor(input.cursor, 'thread', ['number', 'string'])
    const rows = await this.#read((tx) => tx.listThreads(resourceId, after && { updatedAt: new Date(after[0] as number), id: after[1] as string }, limit + 1))
    const items = rows.slice(0, limit).map(toThread)
    const lastItem = items[items.length - 1]
    return { items, nextCursor: rows.length > limit ? encodeCursor('thread', [lastItem.updatedAt.getTime(), lastItem.id]) : null }
  }

  async listMessages(input: ListMessagesInput): Promise<Page<StoredMessage>> {
    const threadId = checkId(input?.threadId, 'threadId')
    const resourceId = checkId(input.resourceId, 'resourceId')
    const direction = input.direction ?? 'forward'
    if (direction !== 'forward' && direction !== 'backward') throw invalid('direction', 'must be "forward" or "backward".')
    const limit = checkLimit(input.limit, 'limit', 50)
    const from = input.cursor == null ? null : (decodeCursor(input.cursor, direction, ['number'])[0] as number)
    const rows = await this.#read(async (tx) => {
      checkThreadAccess(await tx.getThread(threadId), threadId, resourceId)
      return tx.listMessages(threadId, { direction, from, limit: limit + 1 })
    })
    const page = rows.slice(0, limit)
    const nextCursor = rows.length > limit ? encodeCursor(direction, [page[page.length - 1].seq]) : null
    return { items: direction === 'forward' ? page : page.reverse(), nextCursor }
  }

  async getMessages(input: GetMessagesInput): Promise<StoredMessage[]> {
    const resourceId = checkId(input?.resourceId, 'resourceId')
    const threadId = input.threadId === undefined ? undefined : checkId(input.threadId, 'threadId')
    const ids = checkIds(input.ids, 'ids')
    if (ids.length === 0) return []
    const rows = await this.#read((tx) => tx.getMessages([...new Set(ids)]))
    const byId = new Map<string, StoredMessage>()
    for (const m of rows) if (m.resourceId === resourceId && (threadId === undefined || m.threadId === threadId)) byId.set(m.id, m)
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as StoredMessage] : []))
  }

  async getWorkingMemory(target: WorkingMemoryScope): Promise<string | null> {
    const t = checkScope(target, 'target')
    return this.#read(async (tx) => {
      if (t.scope === 'resource') return tx.getWorkingMemory('resource', t.resourceId)
      checkThreadAccess(await tx.getThread(t.threadId), t.threadId, t.resourceId)
      return tx.getWorkingMemory('thread', t.threadId)
    })
  }

  async getWorkflowRun(ref: WorkflowRunRef): Promise<WorkflowRun | null> {
    const workflowId = checkId(ref?.workflowId, 'workflowId')
    const runId = checkId(ref.runId, 'runId')
    return this.#read((tx) => tx.getWorkflowRun(workflowId, runId))
  }

  async listWorkflowRuns(input: ListWorkflowRunsInput): Promise<Page<WorkflowRun>> {
    const workflowId = checkId(input?.workflowId, 'workflowId')
    const limit = checkLimit(input.limit, 'limit', 50)
    const statuses = input.status === undefined ? null : (Array.isArray(input.status) ? input.status : [input.status]).map((s, i) => checkId(s, `status[${i}]`, 64))
    const resourceId = input.resourceId === undefined ? null : checkId(input.resourceId, 'resourceId')
    const after = input.cursor == null ? null : decodeCursor(input.cursor, 'run', ['number', 'string'])
    if (statuses !== null && statuses.length === 0) return { items: [], nextCursor: null }
    const rows = await this.#read((tx) =>
      tx.listWorkflowRuns({ workflowId, statuses, resourceId, after: after && { createdAt: new Date(after[0] as number), runId: after[1] as string }, limit: limit + 1 }),
    )
    const items = rows.slice(0, limit)
    const lastItem = items[items.length - 1]
    return { items, nextCursor: rows.length > limit ? encodeCursor('run', [lastItem.createdAt.getTime(), lastItem.runId]) : null }
  }

  async getBlob(key: string): Promise<Uint8Array | null> {
    const k = checkKey(key, 'key')
    return this.#read(async (tx) => {
      const row = await tx.getBlob(k)
      if (row === null) return null
      return joinChunks(k, await tx.getBlobChunks(k, row.chunks), row.size, row.chunks)
    })
  }

  async getBlobInfo(key: string): Promise<BlobInfo | null> {
    const k = checkKey(key, 'key')
    const row = await this.#read((tx) => tx.getBlob(k))
    return row === null ? null : toBlobInfo(row)
  }

  async listBlobs(input: ListBlobsInput = {}): Promise<Page<BlobInfo>> {
    const prefix = input.prefix === undefined ? '' : checkText(typeof input.prefix === 'string' ? input.prefix : String(input.prefix), 'prefix')
    const limit = checkLimit(input.limit, 'limit', 100)
    const after = input.cursor == null ? null : (decodeCursor(input.cursor, 'blob', ['string'])[0] as string)
    const rows = await this.#read((tx) => tx.listBlobs(prefix, prefixUpperBound(prefix), after, limit + 1))
    const items = rows.slice(0, limit).map(toBlobInfo)
    return { items, nextCursor: rows.length > limit ? encodeCursor('blob', [items[items.length - 1].key]) : null }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#backend.close()
  }

  // ------------------------------------------------------------ plumbing

  #read<T>(fn: (tx: StoreReader) => Promise<T>): Promise<T> {
    return this.#guard(() => this.#backend.read(fn))
  }

  #write<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    return this.#guard(() => this.#backend.write(fn))
  }

  async #guard<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new LumosError('STORE_CLOSED', `This ${this.kind} store was closed.`)
    try {
      return await run()
    } catch (error) {
      if (LumosError.isInstance(error)) throw error
      if (this.#closed) throw new LumosError('STORE_CLOSED', `This ${this.kind} store was closed during the call.`, { cause: error })
      throw new LumosError('STORE_UNAVAILABLE', `The ${this.kind} store failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
  }
}
