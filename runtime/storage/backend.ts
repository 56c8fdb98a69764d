import type { BlobInfo, StoredMessage, Thread, WorkflowRun } from './types.js'

/**
 * The implementer's side of the Store port (SPI). A backend only moves rows; the semantics (scoping,
 * sequence numbers, version checks, chunking, validation) live once in `BackendStore` and
 * `applyOps`, so every backend behaves the same. Wrap a backend with `new BackendStore(backend)`.
 */
export interface StoreBackend {
  readonly kind: string
  /** Largest value the backend stores in one record; blobs are split into chunks of at most this size. */
  readonly maxValueBytes: number
  /** Runs `fn` on a consistent snapshot (no partially applied write is visible). */
  read<T>(fn: (tx: StoreReader) => Promise<T>): Promise<T>
  /**
   * Runs `fn` in one atomic transaction: commit if it resolves, roll back everything if it throws.
   * Writes must be serialised per row: a row read inside `write` stays locked (or the backend runs one
   * write at a time) until commit. A backend may re-run `fn` after a retryable conflict, so `fn`
   * must not have outside effects.
   */
  write<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** A thread with its sequence counter (the last `seq` ever given, never decreases). */
export interface ThreadRow extends Thread {
  lastSeq: number
}

/** A blob header; the bytes are `chunks` records numbered 0..chunks-1. */
export interface BlobRow extends BlobInfo {
  chunks: number
}

export type WorkingMemoryKind = 'thread' | 'resource'

/** Exclusive keyset positions for list queries. */
export interface ThreadPosition {
  updatedAt: Date
  id: string
}
export interface RunPosition {
  createdAt: Date
  runId: string
}

export interface MessageQuery {
  /** forward: ascending `seq` > `from`; backward: descending `seq` < `from`. `from: null` = from the start/end. */
  direction: 'forward' | 'backward'
  from: number | null
  limit: number
}

export interface RunQuery {
  workflowId: string
  statuses: string[] | null
  resourceId: string | null
  /** Newest first: createdAt descending, then runId ascending; strictly after `after`. */
  after: RunPosition | null
  limit: number
}

export interface StoreReader {
  /** Inside `write` this locks the row until commit. */
  getThread(id: string): Promise<ThreadRow | null>
  /** updatedAt descending, then id ascending (code point order), strictly after `after`. */
  listThreads(resourceId: string, after: ThreadPosition | null, limit: number): Promise<ThreadRow[]>
  /** Rows in the query's direction order. */
  listMessages(threadId: string, query: MessageQuery): Promise<StoredMessage[]>
  /** Any order; unknown ids are omitted. */
  getMessages(ids: readonly string[]): Promise<StoredMessage[]>
  getWorkingMemory(kind: WorkingMemoryKind, id: string): Promise<string | null>
  /** Inside `write` this locks the row until commit. */
  getWorkflowRun(workflowId: string, runId: string): Promise<WorkflowRun | null>
  listWorkflowRuns(query: RunQuery): Promise<WorkflowRun[]>
  /** Inside `write` this locks the key until commit (even when absent). */
  getBlob(key: string): Promise<BlobRow | null>
  /** Chunks 0..count-1 in order. */
  getBlobChunks(key: string, count: number): Promise<Uint8Array[]>
  /** Keys >= `prefix` and < `upper` (null = unbounded), strictly after `after`, ascending code point order. */
  listBlobs(prefix: string, upper: string | null, after: string | null, limit: number): Promise<BlobRow[]>
}

export interface StoreWriter extends StoreReader {
  /** Returns false (and writes nothing) when the id exists. */
  insertThread(row: ThreadRow): Promise<boolean>
  /** Rewrites title, metadata, updatedAt and lastSeq of an existing thread. */
  updateThread(row: ThreadRow): Promise<void>
  deleteThread(id: string): Promise<void>
  /** Which of `ids` exist (in any thread). */
  existingMessageIds(ids: readonly string[]): Promise<string[]>
  insertMessages(rows: readonly StoredMessage[]): Promise<void>
  /** Deletes those of `ids` that belong to the thread; returns how many. */
  deleteMessages(threadId: string, ids: readonly string[]): Promise<number>
  deleteThreadMessages(threadId: string): Promise<void>
  /** `null` deletes. */
  setWorkingMemory(kind: WorkingMemoryKind, id: string, value: string | null, updatedAt: Date): Promise<void>
  /** Returns false (and writes nothing) when the run exists. */
  insertWorkflowRun(row: WorkflowRun): Promise<boolean>
  /** Writes only if the stored version equals `expectedVersion`; returns whether it wrote. */
  updateWorkflowRun(row: WorkflowRun, expectedVersion: number): Promise<boolean>
  deleteWorkflowRun(workflowId: string, runId: string): Promise<boolean>
  /** Inserts or replaces the header. */
  putBlobRow(row: BlobRow): Promise<void>
  deleteBlobRow(key: string): Promise<void>
  /** Writes chunks numbered start, start+1, ... (each at most `maxValueBytes`). */
  putBlobChunks(key: string, start: number, chunks: readonly Uint8Array[]): Promise<void>
  deleteBlobChunks(key: string): Promise<void>
}
