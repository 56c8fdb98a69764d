/**
 * # The Store port
 *
 * One interface for everything Lumos persists: threads, messages, working memory, workflow run
 * snapshots and binary blobs (index snapshots and their appended segments). Implementations:
 * `InMemoryStore` (default, any runtime), `LibsqlStore` and `PostgresStore` (`lumosai/node`).
 * Every implementation passes the same conformance suite (`test/conformance/store`).
 *
 * ## Guarantees
 * - **Atomicity.** `batch(ops)` applies its ops in order inside one transaction: either every op
 *   is stored or none is (an invalid op, a conflict, a thrown fault or a lost connection leaves
 *   nothing behind). Every single-write method is a one-op batch. Reads see whole batches only.
 * - **Ordering.** Each message gets `seq`, a per-thread integer that starts at 1 and strictly
 *   increases in commit order; it is never reused, even after deletes. Message cursors are
 *   positions in `seq`, so paging is stable while messages are appended concurrently: forward
 *   paging reaches the new messages at the end, backward paging never sees them, and no message
 *   is returned twice or skipped. Pages are always in ascending `seq` order.
 * - **Tenant scoping.** Threads belong to one `resourceId` (a user, an org). Every thread and
 *   message call takes the `resourceId`; naming another resource's thread throws
 *   `THREAD_ACCESS_DENIED`, an unknown thread throws `THREAD_NOT_FOUND`. Lists filter by resource,
 *   and `getMessages` silently omits messages of other resources.
 * - **Optimistic concurrency.** A workflow run has a `version` (1 after the first put, +1 per put).
 *   `putWorkflowRun({ expectedVersion })` stores only if the current version equals it (0 = must
 *   not exist); otherwise it throws `STORE_VERSION_CONFLICT` and keeps the winner's snapshot.
 * - **Blobs.** Bytes in, bytes out (`Uint8Array`, byte-identical). Backends with a value-size
 *   limit (Durable Objects, Deno KV) store a blob as chunks of at most `maxValueBytes`; this is
 *   invisible to callers. `appendBlob` adds a segment without rewriting earlier bytes, so an index
 *   can persist incrementally (a base snapshot plus appended deltas in one key); alternatively use
 *   one key per segment (`blobSegmentKey(prefix, seq)`) and `listBlobs({ prefix })`, which lists
 *   keys in Unicode code point order (= UTF-8 byte order) on every backend.
 * - **Data.** Ids and keys are non-empty, well-formed Unicode without NUL. Content, metadata and
 *   snapshots are plain JSON (no `undefined` in arrays, no Date/Map/typed arrays, finite numbers;
 *   strings without NUL because Postgres cannot store it); put binary data in blobs and refer to it
 *   (`{ type: 'file', mediaType, url: 'lumos-blob:<key>' }`). Values round-trip as JSON (object
 *   key order is not preserved by every backend). Times are `Date`s with millisecond precision.
 *
 * ## Cost model (what the Memory layer relies on)
 * One agent turn needs at most two reads and one write: `loadContext` returns the thread, its last
 * N messages and the working memory in one consistent read; `batch` stores "append messages +
 * bump thread.updatedAt + set working memory" in one atomic write.
 */

/** A JSON value as stored (content, metadata, snapshots). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** A page of a list; pass `nextCursor` back (with the same direction) for the next page, `null` = end. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

// ---------------------------------------------------------------- threads

export interface Thread {
  id: string
  /** The owner (user, org, tenant). Never changes. */
  resourceId: string
  title: string | null
  metadata: JsonObject
  createdAt: Date
  /** Bumped by thread updates and by appending or deleting its messages. */
  updatedAt: Date
}

export interface CreateThreadInput {
  /** Generated (UUID) when omitted. */
  id?: string
  resourceId: string
  title?: string | null
  metadata?: JsonObject
  createdAt?: Date
  /** What to do when the id exists for the same resource: throw `THREAD_ALREADY_EXISTS` (default) or return the stored thread unchanged. */
  ifExists?: 'error' | 'return'
}

export interface ThreadRef {
  threadId: string
  resourceId: string
}

export interface UpdateThreadInput extends ThreadRef {
  /** Omitted = unchanged; `null` clears it. */
  title?: string | null
  /** Replaces the whole metadata object (no deep merge). Omitted = unchanged. */
  metadata?: JsonObject
}

export interface ListThreadsInput {
  resourceId: string
  /** 1..1000, default 50. */
  limit?: number
  cursor?: string | null
}

// ---------------------------------------------------------------- messages

export type MessageRole = 'system' | 'user' | 'assistant'

/**
 * One part of a message in the AI SDK `UIMessage` part format, stored as JSON:
 * `{ type: 'text', text }`, `{ type: 'reasoning', text }`, `{ type: 'step-start' }`,
 * `{ type: 'tool-<name>', toolCallId, state, input?, output?, errorText? }`, `{ type: 'dynamic-tool', toolName, ... }`,
 * `{ type: 'file', mediaType, url, filename? }` (files by reference: an https:, data: or `lumos-blob:<key>` url),
 * `{ type: 'source-url', ... }`, `{ type: 'data-<name>', data }`. The store checks only that it is JSON with a string `type`.
 */
export interface MessagePart {
  type: string
  [key: string]: unknown
}

/** A message body: the `parts` and `metadata` of an AI SDK UIMessage. */
export interface MessageContent {
  parts: MessagePart[]
  metadata?: JsonValue
}

export interface NewMessage {
  /** Generated (UUID) when omitted. Unique across the store. */
  id?: string
  role: MessageRole
  content: MessageContent
  /** Defaults to the write time. Ordering uses `seq`, not `createdAt`. */
  createdAt?: Date
}

export interface StoredMessage {
  id: string
  threadId: string
  resourceId: string
  role: MessageRole
  content: MessageContent
  createdAt: Date
  /** Per-thread position: starts at 1, strictly increasing in commit order, never reused. */
  seq: number
}

export interface AppendMessagesInput extends ThreadRef {
  messages: NewMessage[]
}

export interface ListMessagesInput extends ThreadRef {
  /** `forward` starts at the oldest message, `backward` at the newest. Items are ascending by `seq` either way. */
  direction?: 'forward' | 'backward'
  /** 1..1000, default 50. */
  limit?: number
  /** A `nextCursor` from a page in the same direction (or `olderCursor` from `loadContext` with `backward`). */
  cursor?: string | null
}

export interface GetMessagesInput {
  resourceId: string
  /** Restrict to one thread (messages of other threads are omitted). */
  threadId?: string
  ids: string[]
}

export interface DeleteMessagesInput extends ThreadRef {
  /** Ids not in this thread are ignored. */
  ids: string[]
}

// ---------------------------------------------------------------- working memory

/** Working memory lives per thread or per resource (shared by all threads of a user). */
export type WorkingMemoryScope =
  | { scope: 'thread'; threadId: string; resourceId: string }
  | { scope: 'resource'; resourceId: string }

export interface SetWorkingMemoryInput {
  target: WorkingMemoryScope
  /** Markdown or a JSON string; `null` deletes it. */
  value: string | null
}

// ---------------------------------------------------------------- load context

export interface LoadContextInput extends ThreadRef {
  /** How many of the newest messages to return (0..1000, default 40). */
  lastMessages?: number
  /** Which working memory to return: `thread`, `resource`, or `none` (default). */
  workingMemory?: 'thread' | 'resource' | 'none'
}

export interface LoadedContext {
  /** `null` when the thread does not exist yet (a thread of another resource throws `THREAD_ACCESS_DENIED`). */
  thread: Thread | null
  /** The last `lastMessages` messages, ascending by `seq`. */
  messages: StoredMessage[]
  /** Cursor for `listMessages({ direction: 'backward' })` to page further back; `null` if there is nothing older. */
  olderCursor: string | null
  workingMemory: string | null
}

// ---------------------------------------------------------------- workflow runs

/** Suggested statuses; any non-empty string is accepted. */
export type WorkflowRunStatus = 'pending' | 'running' | 'suspended' | 'success' | 'failed' | 'canceled' | (string & {})

export interface WorkflowRun {
  workflowId: string
  runId: string
  resourceId: string | null
  status: WorkflowRunStatus
  snapshot: JsonValue
  /** 1 after the first put, +1 per put. */
  version: number
  createdAt: Date
  updatedAt: Date
}

export interface WorkflowRunRef {
  workflowId: string
  runId: string
}

export interface PutWorkflowRunInput extends WorkflowRunRef {
  status: WorkflowRunStatus
  snapshot: JsonValue
  resourceId?: string | null
  /** Current version the caller read (0 = the run must not exist). Omitted = unconditional write. */
  expectedVersion?: number
}

export interface ListWorkflowRunsInput {
  workflowId: string
  status?: WorkflowRunStatus | WorkflowRunStatus[]
  resourceId?: string
  /** 1..1000, default 50. Newest first (by createdAt, then runId). */
  limit?: number
  cursor?: string | null
}

// ---------------------------------------------------------------- blobs

export interface BlobInfo {
  key: string
  size: number
  /** How many `putBlob`/`appendBlob` segments the current value consists of (1 after a put). */
  segments: number
  updatedAt: Date
}

export interface ListBlobsInput {
  /** Only keys starting with this string (default: all). */
  prefix?: string
  /** 1..1000, default 100. Keys in Unicode code point order. */
  limit?: number
  cursor?: string | null
}

// ---------------------------------------------------------------- batch

/** One write in a `batch`; each op mirrors the method of the same name. */
export type StoreOp =
  | ({ type: 'createThread' } & CreateThreadInput)
  | ({ type: 'updateThread' } & UpdateThreadInput)
  | ({ type: 'deleteThread' } & ThreadRef)
  | ({ type: 'appendMessages' } & AppendMessagesInput)
  | ({ type: 'deleteMessages' } & DeleteMessagesInput)
  | ({ type: 'setWorkingMemory' } & SetWorkingMemoryInput)
  | ({ type: 'putWorkflowRun' } & PutWorkflowRunInput)
  | ({ type: 'deleteWorkflowRun' } & WorkflowRunRef)
  | { type: 'putBlob'; key: string; bytes: Uint8Array }
  | { type: 'appendBlob'; key: string; bytes: Uint8Array }
  | { type: 'deleteBlob'; key: string }

/** What each op returns inside `batch` results (same as its method). */
export interface StoreOpResults {
  createThread: Thread
  updateThread: Thread
  deleteThread: undefined
  appendMessages: StoredMessage[]
  /** Number of messages deleted. */
  deleteMessages: number
  setWorkingMemory: undefined
  putWorkflowRun: WorkflowRun
  /** Whether a run was deleted. */
  deleteWorkflowRun: boolean
  putBlob: BlobInfo
  appendBlob: BlobInfo
  /** Whether a blob was deleted. */
  deleteBlob: boolean
}

export type StoreOpResult<T extends StoreOp> = StoreOpResults[T['type']]

/** Results of `batch(ops)`, position by position. */
export type BatchResults<T extends readonly StoreOp[]> = { -readonly [K in keyof T]: T[K] extends StoreOp ? StoreOpResult<T[K]> : never }

// ---------------------------------------------------------------- the port

/**
 * The Store port. Reads never change data; every write is atomic. All methods reject with a
 * `LumosError` (codes THREAD_*, MESSAGE_ALREADY_EXISTS, STORE_*); backend failures are
 * `STORE_UNAVAILABLE` with the driver error as `cause`.
 */
export interface Store {
  /** Short backend name for logs ("memory", "libsql", "postgres"). */
  readonly kind: string

  /** Applies `ops` in order in one transaction: all stored, or none (the first failure is thrown). */
  batch<const T extends readonly StoreOp[]>(ops: T): Promise<BatchResults<T>>

  /** The thread, its newest messages and working memory in one consistent read. */
  loadContext(input: LoadContextInput): Promise<LoadedContext>

  createThread(input: CreateThreadInput): Promise<Thread>
  /** Throws `THREAD_NOT_FOUND` / `THREAD_ACCESS_DENIED`. */
  getThread(ref: ThreadRef): Promise<Thread>
  /** Threads of one resource, most recently updated first (ties by id). */
  listThreads(input: ListThreadsInput): Promise<Page<Thread>>
  updateThread(input: UpdateThreadInput): Promise<Thread>
  /** Deletes the thread, its messages and its thread-scoped working memory. */
  deleteThread(ref: ThreadRef): Promise<void>

  /** Appends in the given order; assigns consecutive `seq` numbers; bumps the thread's `updatedAt`. */
  appendMessages(input: AppendMessagesInput): Promise<StoredMessage[]>
  listMessages(input: ListMessagesInput): Promise<Page<StoredMessage>>
  /** Found messages in the order of `ids`; unknown ids and other resources' messages are omitted. */
  getMessages(input: GetMessagesInput): Promise<StoredMessage[]>
  /** Returns how many were deleted. */
  deleteMessages(input: DeleteMessagesInput): Promise<number>

  /** `null` when unset. A thread scope checks the thread like `getThread`. */
  getWorkingMemory(target: WorkingMemoryScope): Promise<string | null>
  setWorkingMemory(input: SetWorkingMemoryInput): Promise<void>

  getWorkflowRun(ref: WorkflowRunRef): Promise<WorkflowRun | null>
  /** Throws `STORE_VERSION_CONFLICT` when `expectedVersion` is given and differs from the stored version. */
  putWorkflowRun(input: PutWorkflowRunInput): Promise<WorkflowRun>
  listWorkflowRuns(input: ListWorkflowRunsInput): Promise<Page<WorkflowRun>>
  deleteWorkflowRun(ref: WorkflowRunRef): Promise<boolean>

  /** Replaces the value of `key`. */
  putBlob(key: string, bytes: Uint8Array): Promise<BlobInfo>
  /** Appends `bytes` to the value of `key` (creating it), without rewriting earlier segments. */
  appendBlob(key: string, bytes: Uint8Array): Promise<BlobInfo>
  /** A fresh copy of the bytes, or `null`. */
  getBlob(key: string): Promise<Uint8Array | null>
  getBlobInfo(key: string): Promise<BlobInfo | null>
  deleteBlob(key: string): Promise<boolean>
  listBlobs(input?: ListBlobsInput): Promise<Page<BlobInfo>>

  /** Releases connections; later calls reject with `STORE_CLOSED`. Idempotent. */
  close(): Promise<void>
}
