import { LumosError } from '../errors.js'
import type { BlobRow, MessageQuery, RunQuery, StoreBackend, StoreWriter, ThreadPosition, ThreadRow, WorkingMemoryKind } from './backend.js'
import { BackendStore, type BackendStoreOptions } from './backend-store.js'
import { compareKeys } from './key-order.js'
import { createMutex } from './mutex.js'
import type { StoredMessage, WorkflowRun } from './types.js'
import { checkInt } from './validate.js'

export interface InMemoryStoreOptions extends BackendStoreOptions {
  /**
   * Largest stored value: blobs are split into chunks of at most this many bytes, and a larger
   * chunk is refused, as a Durable Object or Deno KV would. Default: unlimited (one chunk per segment).
   */
  maxValueBytes?: number
}

/**
 * The default Store: everything in memory, lost on restart. Web-standard only, so it runs in
 * every runtime. All calls run one at a time, so writes are atomic and reads see whole batches.
 */
export class InMemoryStore extends BackendStore {
  constructor(options: InMemoryStoreOptions = {}) {
    const max = options.maxValueBytes === undefined ? Number.POSITIVE_INFINITY : checkInt(options.maxValueBytes, 'maxValueBytes', 1, 2 ** 31)
    super(createMemoryBackend(max), options)
  }
}

const SEP = '\u0000' // never part of an id (validation rejects NUL)

interface State {
  threads: Map<string, ThreadRow>
  /** id -> message */
  messages: Map<string, StoredMessage>
  /** threadId -> messages ascending by seq (replaced, never mutated, so undo can restore it) */
  threadMessages: Map<string, StoredMessage[]>
  workingMemory: Map<string, string>
  runs: Map<string, WorkflowRun>
  blobs: Map<string, BlobRow>
  chunks: Map<string, Uint8Array>
}

const ABSENT = Symbol('absent')

/** Records the previous value of every map entry a transaction touches, to restore on failure. */
class UndoLog {
  readonly #entries: Array<() => void> = []
  set<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.#remember(map, key)
    map.set(key, value)
  }
  delete<K, V>(map: Map<K, V>, key: K): boolean {
    if (!map.has(key)) return false
    this.#remember(map, key)
    map.delete(key)
    return true
  }
  #remember<K, V>(map: Map<K, V>, key: K): void {
    const previous: V | typeof ABSENT = map.has(key) ? (map.get(key) as V) : ABSENT
    this.#entries.push(() => (previous === ABSENT ? map.delete(key) : map.set(key, previous)))
  }
  rollback(): void {
    for (let i = this.#entries.length - 1; i >= 0; i--) this.#entries[i]()
  }
}

// Records are cloned in and out so callers never share objects with the store.
const clone = <T>(value: T): T => structuredClone(value)

function lowerBound(list: readonly StoredMessage[], seq: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid].seq < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}

function threadAfter(row: ThreadRow, after: ThreadPosition): boolean {
  const t = row.updatedAt.getTime()
  const a = after.updatedAt.getTime()
  return t < a || (t === a && compareKeys(row.id, after.id) > 0)
}

function createMemoryBackend(maxValueBytes: number): StoreBackend {
  const s: State = { threads: new Map(), messages: new Map(), threadMessages: new Map(), workingMemory: new Map(), runs: new Map(), blobs: new Map(), chunks: new Map() }
  const mutex = createMutex()
  let closed = false

  function tx(undo: UndoLog | null): StoreWriter {
    const log = (): UndoLog => {
      if (undo === null) throw new LumosError('INTERNAL', 'A read transaction tried to write.')
      return undo
    }
    return {
      async getThread(id) {
        const row = s.threads.get(id)
        return row === undefined ? null : clone(row)
      },
      async listThreads(resourceId, after, limit) {
        const rows = [...s.threads.values()].filter((r) => r.resourceId === resourceId && (after === null || threadAfter(r, after)))
        rows.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || compareKeys(a.id, b.id))
        return rows.slice(0, limit).map(clone)
      },
      async listMessages(threadId, q: MessageQuery) {
        const list = s.threadMessages.get(threadId) ?? []
        if (q.direction === 'forward') {
          const start = q.from === null ? 0 : lowerBound(list, q.from + 1)
          return list.slice(start, start + q.limit).map(clone)
        }
        const end = q.from === null ? list.length : lowerBound(list, q.from)
        return list.slice(Math.max(0, end - q.limit), end).reverse().map(clone)
      },
      async getMessages(ids) {
        return ids.flatMap((id) => (s.messages.has(id) ? [clone(s.messages.get(id) as StoredMessage)] : []))
      },
      async getWorkingMemory(kind: WorkingMemoryKind, id) {
        return s.workingMemory.get(kind + SEP + id) ?? null
      },
      async getWorkflowRun(workflowId, runId) {
        const run = s.runs.get(workflowId + SEP + runId)
        // Inside a write, apply-ops only reads the current row (version, createdAt) and writes a new
        // one, so skip the deep copy of a snapshot that is about to be replaced (a workflow step's cost).
        return run === undefined ? null : undo === null ? clone(run) : run
      },
      async listWorkflowRuns(q: RunQuery) {
        const rows = [...s.runs.values()].filter((r) => {
          if (r.workflowId !== q.workflowId) return false
          if (q.statuses !== null && !q.statuses.includes(r.status)) return false
          if (q.resourceId !== null && r.resourceId !== q.resourceId) return false
          if (q.after === null) return true
          const t = r.createdAt.getTime()
          const a = q.after.createdAt.getTime()
          return t < a || (t === a && compareKeys(r.runId, q.after.runId) > 0)
        })
        rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareKeys(a.runId, b.runId))
        return rows.slice(0, q.limit).map(clone)
      },
      async getBlob(key) {
        const row = s.blobs.get(key)
        return row === undefined ? null : clone(row)
      },
      async getBlobChunks(key, count) {
        const out: Uint8Array[] = []
        for (let i = 0; i < count; i++) {
          const chunk = s.chunks.get(key + SEP + i)
          if (chunk !== undefined) out.push(chunk)
        }
        return out
      },
      async listBlobs(prefix, upper, after, limit) {
        const keys = [...s.blobs.keys()].filter((k) => compareKeys(k, prefix) >= 0 && (upper === null || compareKeys(k, upper) < 0) && (after === null || compareKeys(k, after) > 0))
        keys.sort(compareKeys)
        return keys.slice(0, limit).map((k) => clone(s.blobs.get(k) as BlobRow))
      },

      async insertThread(row) {
        if (s.threads.has(row.id)) return false
        log().set(s.threads, row.id, clone(row))
        return true
      },
      async updateThread(row) {
        log().set(s.threads, row.id, clone(row))
      },
      async deleteThread(id) {
        log().delete(s.threads, id)
      },
      async existingMessageIds(ids) {
        return ids.filter((id) => s.messages.has(id))
      },
      async insertMessages(rows) {
        const u = log()
        const byThread = new Map<string, StoredMessage[]>()
        for (const row of rows) {
          const copy = clone(row)
          u.set(s.messages, row.id, copy)
          const list = byThread.get(row.threadId) ?? [...(s.threadMessages.get(row.threadId) ?? [])]
          list.push(copy)
          byThread.set(row.threadId, list)
        }
        for (const [threadId, list] of byThread) {
          list.sort((a, b) => a.seq - b.seq)
          u.set(s.threadMessages, threadId, list)
        }
      },
      async deleteMessages(threadId, ids) {
        const u = log()
        const doomed = new Set(ids.filter((id) => s.messages.get(id)?.threadId === threadId))
        if (doomed.size === 0) return 0
        for (const id of doomed) u.delete(s.messages, id)
        u.set(s.threadMessages, threadId, (s.threadMessages.get(threadId) ?? []).filter((m) => !doomed.has(m.id)))
        return doomed.size
      },
      async deleteThreadMessages(threadId) {
        const u = log()
        for (const m of s.threadMessages.get(threadId) ?? []) u.delete(s.messages, m.id)
        u.delete(s.threadMessages, threadId)
      },
      async setWorkingMemory(kind, id, value) {
        if (value === null) log().delete(s.workingMemory, kind + SEP + id)
        else log().set(s.workingMemory, kind + SEP + id, value)
      },
      async insertWorkflowRun(row) {
        const key = row.workflowId + SEP + row.runId
        if (s.runs.has(key)) return false
        log().set(s.runs, key, clone(row))
        return true
      },
      async updateWorkflowRun(row, expectedVersion) {
        const key = row.workflowId + SEP + row.runId
        if (s.runs.get(key)?.version !== expectedVersion) return false
        log().set(s.runs, key, clone(row))
        return true
      },
      async deleteWorkflowRun(workflowId, runId) {
        return log().delete(s.runs, workflowId + SEP + runId)
      },
      async putBlobRow(row) {
        log().set(s.blobs, row.key, clone(row))
      },
      async deleteBlobRow(key) {
        log().delete(s.blobs, key)
      },
      async putBlobChunks(key, start, chunks) {
        const u = log()
        chunks.forEach((chunk, i) => {
          // the limit a real backend would enforce: proves that chunking happened upstream
          if (chunk.byteLength > maxValueBytes) throw new LumosError('INTERNAL', `Blob chunk of ${chunk.byteLength} bytes exceeds maxValueBytes ${maxValueBytes}.`)
          u.set(s.chunks, key + SEP + (start + i), chunk.slice())
        })
      },
      async deleteBlobChunks(key) {
        const u = log()
        const row = s.blobs.get(key)
        for (let i = 0; row !== undefined && i < row.chunks; i++) u.delete(s.chunks, key + SEP + i)
      },
    }
  }

  return {
    kind: 'memory',
    maxValueBytes,
    read(fn) {
      return mutex.run(() => fn(tx(null)))
    },
    write(fn) {
      return mutex.run(async () => {
        const undo = new UndoLog()
        try {
          return await fn(tx(undo))
        } catch (error) {
          undo.rollback()
          throw error
        }
      })
    },
    async close() {
      if (closed) return
      closed = true
      for (const map of Object.values(s)) (map as Map<unknown, unknown>).clear()
    },
  }
}
