import { deleteDB, openDB, type IDBPDatabase, type IDBPTransaction } from 'idb'
import { LumosError } from '../../runtime/errors.js'
import {
  BackendStore,
  compareKeys,
  createMutex,
  type BackendStoreOptions,
  type BlobRow,
  type StoreBackend,
  type StoredMessage,
  type StoreWriter,
  type ThreadRow,
  type WorkflowRun,
} from '../../runtime/storage/index.js'

export interface IndexedDBStoreOptions extends BackendStoreOptions {
  /** Database name (default "lumos"); one origin can hold several stores under different names. */
  name?: string
  /** Blob chunk size (default 1 MiB): appends write new chunks instead of rewriting the value. */
  maxValueBytes?: number
}

const STORES = ['threads', 'messages', 'workingMemory', 'runs', 'blobs', 'chunks'] as const
const DB_VERSION = 1
const DEFAULT_CHUNK = 1024 * 1024
// Array keys sort after every number/string/date/binary key: an upper bound above all code point arrays.
const TOP: IDBValidKey = [[]]

/**
 * IndexedDB keys compare strings by UTF-16 code unit; the Store orders keys by code point. Index
 * keys therefore hold ids as arrays of code points, which IndexedDB compares element by element.
 */
const cp = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0) as number)

/**
 * Store on IndexedDB through `idb`, for pages and (dedicated/shared/service) workers. Every batch is one
 * `readwrite` transaction over all object stores: IndexedDB commits it whole or aborts it whole, and
 * reads run in `readonly` transactions, which see a consistent snapshot. Data survives reloads and
 * browser restarts (ask `navigator.storage.persist()` to protect it from eviction).
 */
export class IndexedDBStore extends BackendStore {
  private constructor(backend: StoreBackend, options: BackendStoreOptions) {
    super(backend, options)
  }

  static async open(options: IndexedDBStoreOptions = {}): Promise<IndexedDBStore> {
    const name = options.name ?? 'lumos'
    const maxValueBytes = options.maxValueBytes ?? DEFAULT_CHUNK
    if (!Number.isSafeInteger(maxValueBytes) || maxValueBytes < 1) throw new LumosError('STORE_INPUT_INVALID', 'maxValueBytes must be a positive integer.', { details: { path: 'maxValueBytes' } })
    if (typeof indexedDB === 'undefined') throw new LumosError('STORE_UNAVAILABLE', 'IndexedDBStore needs IndexedDB (a browser page or worker).')
    let db: IDBPDatabase
    try {
      db = await openDB(name, DB_VERSION, {
        upgrade(database, oldVersion) {
          if (oldVersion < 1) {
            database.createObjectStore('threads', { keyPath: 'id' }).createIndex('byResource', 'order')
            const messages = database.createObjectStore('messages', { keyPath: 'id' })
            messages.createIndex('byThread', ['threadId', 'seq'], { unique: true })
            database.createObjectStore('workingMemory')
            database.createObjectStore('runs').createIndex('byWorkflow', 'order')
            database.createObjectStore('blobs')
            database.createObjectStore('chunks')
          }
        },
        blocked() {
          // another tab holds an older version open; the upgrade waits until it closes
        },
      })
    } catch (cause) {
      throw new LumosError('STORE_UNAVAILABLE', `Could not open IndexedDB database "${name}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    }
    if (db.version > DB_VERSION) {
      db.close()
      throw new LumosError('STORE_SCHEMA_UNSUPPORTED', `IndexedDB "${name}" has version ${db.version}; this version supports up to ${DB_VERSION}.`, { details: { found: db.version, supported: DB_VERSION } })
    }
    return new IndexedDBStore(createIndexedDBBackend(db, maxValueBytes), options)
  }

  /** Deletes a whole database (all of its threads, runs and blobs). Close stores using it first. */
  static async deleteDatabase(name = 'lumos'): Promise<void> {
    await deleteDB(name)
  }
}

// ------------------------------------------------------------------ records

type Tx = IDBPTransaction<unknown, string[], 'readonly' | 'readwrite'>
type Rec = Record<string, unknown>

function strip<T>(rec: unknown): T {
  const { order: _order, ...rest } = rec as Rec
  return rest as T
}

const threadRecord = (t: ThreadRow): Rec => ({ ...t, order: [t.resourceId, -t.updatedAt.getTime(), cp(t.id)] })
const runRecord = (r: WorkflowRun): Rec => ({ ...r, order: [r.workflowId, -r.createdAt.getTime(), cp(r.runId)] })

function accessor(tx: Tx): StoreWriter {
  const store = (name: (typeof STORES)[number]) => tx.objectStore(name)
  const rw = (name: (typeof STORES)[number]) => {
    const s = store(name)
    if (tx.mode !== 'readwrite') throw new LumosError('INTERNAL', 'A read transaction tried to write.')
    return s as unknown as {
      put(value: unknown, key?: IDBValidKey): Promise<IDBValidKey>
      add(value: unknown, key?: IDBValidKey): Promise<IDBValidKey>
      delete(key: IDBValidKey | IDBKeyRange): Promise<void>
    }
  }
  return {
    async getThread(id) {
      const rec = await store('threads').get(id)
      return rec === undefined ? null : strip<ThreadRow>(rec)
    },
    async listThreads(resourceId, after, limit) {
      const lower = after === null ? [resourceId] : [resourceId, -after.updatedAt.getTime(), cp(after.id)]
      const range = IDBKeyRange.bound(lower, [resourceId, TOP], after !== null, false)
      return (await store('threads').index('byResource').getAll(range, limit)).map((r) => strip<ThreadRow>(r))
    },
    async listMessages(threadId, q) {
      const index = store('messages').index('byThread')
      if (q.direction === 'forward') {
        return (await index.getAll(IDBKeyRange.bound([threadId, q.from ?? 0], [threadId, Infinity], true, false), q.limit)) as StoredMessage[]
      }
      const out: StoredMessage[] = []
      let cursor = await index.openCursor(IDBKeyRange.bound([threadId, -Infinity], [threadId, q.from ?? Infinity], false, true), 'prev')
      while (cursor && out.length < q.limit) {
        out.push(cursor.value as StoredMessage)
        cursor = await cursor.continue()
      }
      return out
    },
    async getMessages(ids) {
      const found = await Promise.all(ids.map((id) => store('messages').get(id)))
      return found.filter((m): m is StoredMessage => m !== undefined)
    },
    async getWorkingMemory(kind, id) {
      const rec = (await store('workingMemory').get([kind, id])) as { value: string } | undefined
      return rec === undefined ? null : rec.value
    },
    async getWorkflowRun(workflowId, runId) {
      const rec = await store('runs').get([workflowId, runId])
      return rec === undefined ? null : strip<WorkflowRun>(rec)
    },
    async listWorkflowRuns(q) {
      const lower = q.after === null ? [q.workflowId] : [q.workflowId, -q.after.createdAt.getTime(), cp(q.after.runId)]
      const range = IDBKeyRange.bound(lower, [q.workflowId, TOP], q.after !== null, false)
      const out: WorkflowRun[] = []
      let cursor = await store('runs').index('byWorkflow').openCursor(range)
      while (cursor && out.length < q.limit) {
        const run = strip<WorkflowRun>(cursor.value)
        if ((q.statuses === null || q.statuses.includes(run.status)) && (q.resourceId === null || run.resourceId === q.resourceId)) out.push(run)
        cursor = await cursor.continue()
      }
      return out
    },
    async getBlob(key) {
      const rec = await store('blobs').get(cp(key))
      return rec === undefined ? null : (rec as BlobRow)
    },
    async getBlobChunks(key, count) {
      if (count === 0) return []
      const chunks = (await store('chunks').getAll(IDBKeyRange.bound([key, 0], [key, count], false, true))) as Uint8Array[]
      return chunks
    },
    async listBlobs(prefix, upper, after, limit) {
      const fromAfter = after !== null && compareKeys(after, prefix) >= 0
      const from = fromAfter ? (after as string) : prefix
      if (upper !== null && compareKeys(from, upper) >= 0) return [] // IDBKeyRange.bound refuses an empty range
      const range = IDBKeyRange.bound(cp(from), upper === null ? TOP : cp(upper), fromAfter, upper !== null)
      return (await store('blobs').getAll(range, limit)) as BlobRow[]
    },

    async insertThread(t) {
      if ((await store('threads').getKey(t.id)) !== undefined) return false
      await rw('threads').add(threadRecord(t))
      return true
    },
    async updateThread(t) {
      await rw('threads').put(threadRecord(t))
    },
    async deleteThread(id) {
      await rw('threads').delete(id)
    },
    async existingMessageIds(ids) {
      const keys = await Promise.all(ids.map((id) => store('messages').getKey(id)))
      return ids.filter((_, i) => keys[i] !== undefined)
    },
    async insertMessages(rows) {
      const s = rw('messages')
      await Promise.all(rows.map((m) => s.add(m)))
    },
    async deleteMessages(threadId, ids) {
      let n = 0
      for (const id of new Set(ids)) {
        const m = (await store('messages').get(id)) as StoredMessage | undefined
        if (m === undefined || m.threadId !== threadId) continue
        await rw('messages').delete(id)
        n++
      }
      return n
    },
    async deleteThreadMessages(threadId) {
      const keys = await store('messages').index('byThread').getAllKeys(IDBKeyRange.bound([threadId, -Infinity], [threadId, Infinity]))
      const s = rw('messages')
      await Promise.all(keys.map((k) => s.delete(k)))
    },
    async setWorkingMemory(kind, id, value, updatedAt) {
      if (value === null) await rw('workingMemory').delete([kind, id])
      else await rw('workingMemory').put({ value, updatedAt }, [kind, id])
    },
    async insertWorkflowRun(r) {
      if ((await store('runs').getKey([r.workflowId, r.runId])) !== undefined) return false
      await rw('runs').put(runRecord(r), [r.workflowId, r.runId])
      return true
    },
    async updateWorkflowRun(r, expectedVersion) {
      const current = (await store('runs').get([r.workflowId, r.runId])) as WorkflowRun | undefined
      if (current?.version !== expectedVersion) return false
      await rw('runs').put(runRecord(r), [r.workflowId, r.runId])
      return true
    },
    async deleteWorkflowRun(workflowId, runId) {
      if ((await store('runs').getKey([workflowId, runId])) === undefined) return false
      await rw('runs').delete([workflowId, runId])
      return true
    },
    async putBlobRow(b) {
      await rw('blobs').put(b, cp(b.key))
    },
    async deleteBlobRow(key) {
      await rw('blobs').delete(cp(key))
    },
    async putBlobChunks(key, start, chunks) {
      const s = rw('chunks')
      await Promise.all(chunks.map((c, i) => s.put(c, [key, start + i])))
    },
    async deleteBlobChunks(key) {
      await rw('chunks').delete(IDBKeyRange.bound([key, 0], [key, Infinity]))
    },
  }
}

function createIndexedDBBackend(db: IDBPDatabase, maxValueBytes: number): StoreBackend {
  // IndexedDB serialises overlapping readwrite transactions itself; the mutex keeps this store's calls
  // in order so a read issued after a write sees it.
  const mutex = createMutex()
  const stores = [...STORES]
  return {
    kind: 'indexeddb',
    maxValueBytes,
    read: (fn) =>
      mutex.run(async () => {
        const tx = db.transaction(stores, 'readonly') as unknown as Tx
        const result = await fn(accessor(tx))
        await tx.done
        return result
      }),
    write: (fn) =>
      mutex.run(async () => {
        const tx = db.transaction(stores, 'readwrite', { durability: 'strict' }) as unknown as Tx
        tx.done.catch(() => undefined) // an abort below rejects it; the caller gets the original error
        try {
          const result = await fn(accessor(tx))
          await tx.done
          return result
        } catch (error) {
          try {
            tx.abort()
          } catch {
            // already finished: IndexedDB aborted it because a request failed
          }
          throw error
        }
      }),
    close: () =>
      mutex.run(async () => {
        db.close()
      }),
  }
}
