import { LumosError } from '../../runtime/errors.js'
import {
  BackendStore,
  compareKeys,
  createMutex,
  type BackendStoreOptions,
  type BlobRow,
  type StoreBackend,
  type StoredMessage,
  type StoreReader,
  type StoreWriter,
  type ThreadRow,
  type WorkflowRun,
} from '../../runtime/storage/index.js'
import type { DenoKv, KvKey, KvKeyPart } from './deno-kv-types.js'

export interface DenoKvStoreOptions extends BackendStoreOptions {
  /** An open `Deno.Kv` (not closed by `store.close()`), or omit it and give `path`. */
  kv?: DenoKv
  /** For `Deno.openKv(path)`: a file path, `":memory:"`, or omitted for Deno's default (Deno Deploy). */
  path?: string
  /** Key prefix for every record (default `["lumos"]`), to share one database with other data. */
  prefix?: KvKey
}

// Deno KV limits (Deno 2.x): values <= 64 KiB, keys <= 2 KiB, one atomic <= 1000 mutations,
// <= 100 checks and <= 800 KiB of keys + values.
const VALUE_MAX = 60 * 1024
const ATOMIC_BYTES = 640 * 1024
const ATOMIC_MUTATIONS = 990
const GET_MANY = 10
const RETRIES = 20

const enc = new TextEncoder()
const dec = new TextDecoder()

/**
 * Store on Deno KV (`Deno.openKv`; locally a SQLite file, on Deno Deploy FoundationDB).
 *
 * Records are one KV entry each (thread, message, run, working memory; blob chunks of 60 KiB).
 * Atomicity: every batch commits in ONE `atomic()` guarded by a store-wide version key, so concurrent
 * writers (other isolates or processes) conflict and retry (`fn` is re-run) instead of interleaving.
 * Values too big for one entry (blob chunks, messages or snapshots over 60 KiB) are first written
 * under fresh keys that nothing references yet; the final atomic publishes them, and a failed
 * batch deletes them, so a batch is still all-or-nothing. Reads re-check the version key and retry
 * when a write landed in between, so `loadContext` and paging see whole batches only.
 *
 * Deleting a thread is O(1) records whatever its length: messages live under a per-thread
 * incarnation id, a delete switches it, and the old messages are removed after the commit.
 *
 * Limits: one batch may change at most ~990 records (appending more than ~490 messages in one call is
 * refused with STORE_UNAVAILABLE and writes nothing), and ids or keys must stay under Deno KV's 2 KiB
 * key limit in UTF-8 (512-character ids of 4-byte characters do not).
 */
export class DenoKvStore extends BackendStore {
  private constructor(backend: StoreBackend, options: BackendStoreOptions) {
    super(backend, options)
  }

  static async open(options: DenoKvStoreOptions = {}): Promise<DenoKvStore> {
    let kv = options.kv
    const owned = kv === undefined
    if (kv === undefined) {
      const deno = (globalThis as { Deno?: { openKv?: (path?: string) => Promise<DenoKv> } }).Deno
      if (typeof deno?.openKv !== 'function') {
        throw new LumosError('STORE_UNAVAILABLE', 'DenoKvStore needs Deno KV: run under Deno with `--unstable-kv` (or `"unstable": ["kv"]` in deno.json), or pass an open `kv`.')
      }
      try {
        kv = await deno.openKv(options.path)
      } catch (cause) {
        throw new LumosError('STORE_UNAVAILABLE', `Could not open Deno KV${options.path ? ` at ${options.path}` : ''}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
      }
    }
    return new DenoKvStore(createDenoKvBackend(kv, options.prefix ?? ['lumos'], owned), options)
  }
}

const isBusy = (error: unknown): boolean => error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// ------------------------------------------------------------------ encoding

/** A stored record: inline JSON, or a pointer to spilled parts under `x/<id>/<i>`. */
type Stored = { j: string } | { spill: string; parts: number; size: number }

/** Where a message lives: thread, thread incarnation, seq. */
interface MessageRef {
  t: string
  i: string
  s: number
}
/** A retired thread incarnation whose messages are deleted after commit. */
type Incarnation = Pick<MessageRef, 't' | 'i'>

const DELETE = Symbol('delete')
type Pending = { key: KvKey; value: Uint8Array | Stored | typeof DELETE }

const keyId = (key: KvKey): string => JSON.stringify(key, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v))

function randomId(): string {
  return crypto.randomUUID()
}

const dateOut = (ms: number): Date => new Date(ms)

function threadToJson(t: ThreadRow): unknown {
  return { ...t, createdAt: t.createdAt.getTime(), updatedAt: t.updatedAt.getTime() }
}
function threadFromJson(v: Record<string, unknown>): ThreadRow {
  return { ...(v as unknown as ThreadRow), createdAt: dateOut(v.createdAt as number), updatedAt: dateOut(v.updatedAt as number) }
}
function messageToJson(m: StoredMessage): unknown {
  return { ...m, createdAt: m.createdAt.getTime() }
}
function messageFromJson(v: Record<string, unknown>): StoredMessage {
  return { ...(v as unknown as StoredMessage), createdAt: dateOut(v.createdAt as number) }
}
function runToJson(r: WorkflowRun): unknown {
  return { ...r, createdAt: r.createdAt.getTime(), updatedAt: r.updatedAt.getTime() }
}
function runFromJson(v: Record<string, unknown>): WorkflowRun {
  return { ...(v as unknown as WorkflowRun), createdAt: dateOut(v.createdAt as number), updatedAt: dateOut(v.updatedAt as number) }
}

/** A blob header plus the chunk groups that hold its bytes, in order. */
interface BlobHeader {
  row: BlobRow
  groups: Array<[group: string, count: number]>
}

function headerToJson(h: BlobHeader): unknown {
  return { ...h.row, updatedAt: h.row.updatedAt.getTime(), groups: h.groups }
}
function headerFromJson(v: Record<string, unknown>): BlobHeader {
  const { groups, ...row } = v as Record<string, unknown> & { groups: Array<[string, number]> }
  return { row: { ...(row as unknown as BlobRow), updatedAt: dateOut(row.updatedAt as number) }, groups }
}

// ------------------------------------------------------------------ backend

function createDenoKvBackend(kv: DenoKv, root: KvKey, owned: boolean): StoreBackend {
  const k = (...parts: KvKeyPart[]): KvKey => [...root, ...parts]
  const VERSION = k('v')
  const mutex = createMutex()
  let closed = false

  async function getMany(keys: KvKey[]): Promise<(unknown | null)[]> {
    const out: (unknown | null)[] = []
    for (let i = 0; i < keys.length; i += GET_MANY) out.push(...(await kv.getMany(keys.slice(i, i + GET_MANY))).map((e) => e.value))
    return out
  }

  /** Decodes a stored record (fetching spilled parts). */
  async function decode(stored: unknown): Promise<unknown> {
    if (stored === null || stored === undefined) return null
    const s = stored as Stored
    if ('j' in s) return JSON.parse(s.j)
    const parts = (await getMany(Array.from({ length: s.parts }, (_, i) => k('x', s.spill, i)))) as (Uint8Array | null)[]
    const bytes = new Uint8Array(s.size)
    let offset = 0
    for (const p of parts) {
      if (!(p instanceof Uint8Array)) throw new LumosError('STORE_DATA_CORRUPT', `A Deno KV record part is missing (spill ${s.spill}).`)
      bytes.set(p, offset)
      offset += p.byteLength
    }
    return JSON.parse(dec.decode(bytes))
  }

  /** Reads see either the committed state (read) or it plus the pending writes of this batch (write). */
  function accessor(pending: Map<string, Pending> | null, spills: string[], garbage: Pending[], cleanups: Incarnation[] = []): StoreWriter {
    async function raw(key: KvKey): Promise<unknown> {
      const p = pending?.get(keyId(key))
      if (p !== undefined) return p.value === DELETE ? null : p.value
      return (await kv.get(key)).value
    }
    async function read<T>(key: KvKey, from: (v: Record<string, unknown>) => T): Promise<T | null> {
      const v = await decode(await raw(key))
      return v === null ? null : from(v as Record<string, unknown>)
    }
    function put(key: KvKey, value: unknown): void {
      if (pending === null) throw new LumosError('INTERNAL', 'A read transaction tried to write.')
      pending.set(keyId(key), { key, value: { j: JSON.stringify(value) } })
    }
    function del(key: KvKey): void {
      if (pending === null) throw new LumosError('INTERNAL', 'A read transaction tried to write.')
      pending.set(keyId(key), { key, value: DELETE })
    }
    /** Old spilled parts of a record being replaced/deleted become garbage after commit. */
    async function retire(key: KvKey): Promise<void> {
      const committed = (await kv.get(key)).value as Stored | null
      if (committed !== null && 'spill' in committed) for (let i = 0; i < committed.parts; i++) garbage.push({ key: k('x', committed.spill, i), value: DELETE })
    }
    async function rows<T>(keys: KvKey[], from: (v: Record<string, unknown>) => T): Promise<T[]> {
      const values = await Promise.all((await getMany(keys)).map(decode))
      return values.filter((v) => v !== null).map((v) => from(v as Record<string, unknown>))
    }
    async function header(key: string): Promise<BlobHeader | null> {
      return read(k('b', key), headerFromJson)
    }

    /** The thread's incarnation: message keys live under it, so a deleted thread's messages vanish at once. */
    async function incOf(threadId: string): Promise<string | null> {
      const v = (await decode(await raw(k('t', threadId)))) as { inc?: string } | null
      return v === null ? null : (v.inc ?? '')
    }
    /** A message-id entry, or null when it is missing or belongs to a deleted incarnation (left for cleanup). */
    async function liveRef(id: string): Promise<MessageRef | null> {
      const ref = (await decode(await raw(k('mi', id)))) as MessageRef | null
      return ref !== null && (await incOf(ref.t)) === ref.i ? ref : null
    }

    const reader: StoreReader = {
      getThread: (id) => read(k('t', id), threadFromJson),
      async listThreads(resourceId, after, limit) {
        const prefix = k('tr', resourceId)
        const start = after === null ? undefined : k('tr', resourceId, 0 - after.updatedAt.getTime(), after.id)
        const ids: string[] = []
        for await (const e of kv.list(start === undefined ? { prefix } : { prefix, start }, { limit: limit + 1 })) {
          const id = e.key[e.key.length - 1] as string
          if (after !== null && id === after.id && e.key[e.key.length - 2] === 0 - after.updatedAt.getTime()) continue
          ids.push(id)
          if (ids.length === limit) break
        }
        return rows(ids.map((id) => k('t', id)), threadFromJson)
      },
      async listMessages(threadId, q) {
        const inc = await incOf(threadId)
        if (inc === null) return []
        const selector =
          q.direction === 'forward'
            ? { start: k('m', threadId, inc, (q.from ?? 0) + 1), end: k('m', threadId, inc, Number.MAX_SAFE_INTEGER) }
            : { start: k('m', threadId, inc, 0), end: k('m', threadId, inc, q.from ?? Number.MAX_SAFE_INTEGER) }
        const out: StoredMessage[] = []
        for await (const e of kv.list(selector, { limit: q.limit, reverse: q.direction === 'backward' })) out.push(messageFromJson((await decode(e.value)) as Record<string, unknown>))
        return out
      },
      async getMessages(ids) {
        const refs = (await Promise.all(ids.map(liveRef))).filter((r) => r !== null)
        return rows(refs.map((r) => k('m', r.t, r.i, r.s)), messageFromJson)
      },
      getWorkingMemory: (kind, id) => read(k('wm', kind, id), (v) => (v as unknown as { v: string }).v),
      getWorkflowRun: (workflowId, runId) => read(k('r', workflowId, runId), runFromJson),
      async listWorkflowRuns(q) {
        const prefix = k('rc', q.workflowId)
        const start = q.after === null ? undefined : k('rc', q.workflowId, 0 - q.after.createdAt.getTime(), q.after.runId)
        const out: WorkflowRun[] = []
        for await (const e of kv.list(start === undefined ? { prefix } : { prefix, start }, { batchSize: 100 })) {
          const runId = e.key[e.key.length - 1] as string
          if (q.after !== null && runId === q.after.runId && e.key[e.key.length - 2] === 0 - q.after.createdAt.getTime()) continue
          const run = await read(k('r', q.workflowId, runId), runFromJson)
          if (run === null) continue
          if (q.statuses !== null && !q.statuses.includes(run.status)) continue
          if (q.resourceId !== null && run.resourceId !== q.resourceId) continue
          out.push(run)
          if (out.length === q.limit) break
        }
        return out
      },
      async getBlob(key) {
        return (await header(key))?.row ?? null
      },
      async getBlobChunks(key, count) {
        const h = await header(key)
        if (h === null) return []
        const keys: KvKey[] = []
        for (const [group, n] of h.groups) for (let i = 0; i < n && keys.length < count; i++) keys.push(k('bc', group, i))
        const values = await getMany(keys)
        return values.filter((v): v is Uint8Array => v instanceof Uint8Array)
      },
      async listBlobs(prefix, upper, after, limit) {
        const from = after !== null && compareKeys(after, prefix) >= 0 ? after : prefix
        if (upper !== null && compareKeys(from, upper) >= 0) return []
        const selector = upper === null ? { prefix: k('b'), start: k('b', from) } : { start: k('b', from), end: k('b', upper) }
        const out: BlobRow[] = []
        for await (const e of kv.list(selector, { limit: limit + 1 })) {
          const h = headerFromJson((await decode(e.value)) as Record<string, unknown>)
          if (after !== null && h.row.key === after) continue
          out.push(h.row)
          if (out.length === limit) break
        }
        return out
      },
    }
    if (pending === null) return reader as StoreWriter

    // Chunk groups written by this batch (published by the final atomic, deleted if it fails).
    const groupsOf = new Map<string, Array<[string, number]>>()
    const groups = async (key: string): Promise<Array<[string, number]>> => {
      if (!groupsOf.has(key)) groupsOf.set(key, [...((await header(key))?.groups ?? [])])
      return groupsOf.get(key) as Array<[string, number]>
    }

    return {
      ...reader,
      async insertThread(t) {
        if ((await raw(k('t', t.id))) !== null) return false
        put(k('t', t.id), { ...(threadToJson(t) as object), inc: randomId() })
        put(k('tr', t.resourceId, 0 - t.updatedAt.getTime(), t.id), 0)
        return true
      },
      async updateThread(t) {
        const old = await reader.getThread(t.id)
        if (old !== null) del(k('tr', old.resourceId, 0 - old.updatedAt.getTime(), old.id))
        await retire(k('t', t.id))
        put(k('t', t.id), { ...(threadToJson(t) as object), inc: (await incOf(t.id)) ?? randomId() })
        put(k('tr', t.resourceId, 0 - t.updatedAt.getTime(), t.id), 0)
      },
      async deleteThread(id) {
        const old = await reader.getThread(id)
        if (old === null) return
        del(k('tr', old.resourceId, 0 - old.updatedAt.getTime(), old.id))
        await retire(k('t', id))
        del(k('t', id))
      },
      async existingMessageIds(ids) {
        const found = await Promise.all(ids.map(liveRef))
        return ids.filter((_, i) => found[i] !== null)
      },
      async insertMessages(list) {
        for (const m of list) {
          const inc = (await incOf(m.threadId)) ?? ''
          put(k('m', m.threadId, inc, m.seq), messageToJson(m))
          put(k('mi', m.id), { t: m.threadId, i: inc, s: m.seq } satisfies MessageRef)
        }
      },
      async deleteMessages(threadId, ids) {
        let n = 0
        for (const id of new Set(ids)) {
          const ref = await liveRef(id)
          if (ref === null || ref.t !== threadId) continue
          await retire(k('m', ref.t, ref.i, ref.s))
          del(k('m', ref.t, ref.i, ref.s))
          del(k('mi', id))
          n++
        }
        return n
      },
      async deleteThreadMessages(threadId) {
        // O(1) records however long the thread: a new incarnation hides the old messages at commit,
        // and they are deleted after it (see cleanupIncarnation)
        const row = (await decode(await raw(k('t', threadId)))) as Record<string, unknown> | null
        if (row === null) return
        cleanups.push({ t: threadId, i: (row.inc as string | undefined) ?? '' })
        await retire(k('t', threadId))
        put(k('t', threadId), { ...row, inc: randomId() })
      },
      async setWorkingMemory(kind, id, value) {
        await retire(k('wm', kind, id))
        if (value === null) del(k('wm', kind, id))
        else put(k('wm', kind, id), { v: value })
      },
      async insertWorkflowRun(r) {
        if ((await raw(k('r', r.workflowId, r.runId))) !== null) return false
        put(k('r', r.workflowId, r.runId), runToJson(r))
        put(k('rc', r.workflowId, 0 - r.createdAt.getTime(), r.runId), 0)
        return true
      },
      async updateWorkflowRun(r, expectedVersion) {
        const current = await reader.getWorkflowRun(r.workflowId, r.runId)
        if (current === null || current.version !== expectedVersion) return false
        await retire(k('r', r.workflowId, r.runId))
        put(k('r', r.workflowId, r.runId), runToJson(r))
        return true
      },
      async deleteWorkflowRun(workflowId, runId) {
        const current = await reader.getWorkflowRun(workflowId, runId)
        if (current === null) return false
        await retire(k('r', workflowId, runId))
        del(k('r', workflowId, runId))
        del(k('rc', workflowId, 0 - current.createdAt.getTime(), runId))
        return true
      },
      async putBlobRow(row) {
        await retire(k('b', row.key))
        put(k('b', row.key), headerToJson({ row, groups: await groups(row.key) }))
      },
      async deleteBlobRow(key) {
        await retire(k('b', key))
        del(k('b', key))
      },
      async putBlobChunks(key, start, chunks) {
        const list = await groups(key)
        const group = randomId()
        spills.push(group)
        await writeParts((i) => k('bc', group, i), chunks)
        void start // chunk numbers are implied by the order of groups
        list.push([group, chunks.length])
      },
      async deleteBlobChunks(key) {
        const list = await groups(key)
        // committed groups become garbage after commit; this batch's own groups are dropped with it
        const committed = (await kv.get(k('b', key))).value
        const h = committed === null ? null : headerFromJson((await decode(committed)) as Record<string, unknown>)
        for (const [group, n] of h?.groups ?? []) for (let i = 0; i < n; i++) garbage.push({ key: k('bc', group, i), value: DELETE })
        list.length = 0
      },
    }
  }

  /**
   * Deletes the messages of a retired thread incarnation (best effort, after commit: if it is
   * interrupted they stay invisible and only take space). A message-id entry is deleted only if it
   * still points at this incarnation (a versionstamp check guards against a concurrent re-insert).
   */
  async function cleanupIncarnation(ref: Incarnation): Promise<void> {
    const entries: { key: KvKey; id: string; parts: KvKey[] }[] = []
    for await (const e of kv.list({ prefix: k('m', ref.t, ref.i) })) {
      const stored = e.value as Stored
      const parts = 'spill' in stored ? Array.from({ length: stored.parts }, (_, i) => k('x', stored.spill, i)) : []
      const m = (await decode(stored)) as { id: string }
      entries.push({ key: e.key, id: m.id, parts })
    }
    for (let i = 0; i < entries.length; i += 50) {
      const slice = entries.slice(i, i + 50)
      const op = kv.atomic()
      const idEntries: Awaited<ReturnType<DenoKv['getMany']>> = []
      for (let g = 0; g < slice.length; g += GET_MANY) idEntries.push(...(await kv.getMany(slice.slice(g, g + GET_MANY).map((s) => k('mi', s.id)))))
      for (let j = 0; j < slice.length; j++) {
        op.delete(slice[j].key)
        const idEntry = idEntries[j]
        const v = (await decode(idEntry.value)) as MessageRef | null
        if (v !== null && v.t === ref.t && v.i === ref.i) op.check({ key: idEntry.key, versionstamp: idEntry.versionstamp }).delete(idEntry.key)
      }
      if (!(await op.commit()).ok) continue // a message id was reused meanwhile: leave this slice for later
      await deleteKeys(slice.flatMap((s) => s.parts))
    }
  }

  /** Writes unreferenced parts (several atomics, each within the limits). */
  async function writeParts(keyOf: (i: number) => KvKey, parts: readonly Uint8Array[]): Promise<void> {
    let op = kv.atomic()
    let bytes = 0
    let count = 0
    for (let i = 0; i < parts.length; i++) {
      if (count > 0 && (bytes + parts[i].byteLength > ATOMIC_BYTES || count >= ATOMIC_MUTATIONS)) {
        await commitOrThrow(op)
        op = kv.atomic()
        bytes = 0
        count = 0
      }
      op.set(keyOf(i), parts[i])
      bytes += parts[i].byteLength + 64
      count++
    }
    if (count > 0) await commitOrThrow(op)
  }

  async function commitOrThrow(op: ReturnType<DenoKv['atomic']>): Promise<void> {
    const r = await op.commit()
    if (!r.ok) throw new Error('Deno KV refused an unconditional write')
  }

  async function deleteKeys(keys: KvKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += ATOMIC_MUTATIONS) {
      const op = kv.atomic()
      for (const key of keys.slice(i, i + ATOMIC_MUTATIONS)) op.delete(key)
      await op.commit()
    }
  }

  /** Moves record values that are too big for the final atomic out into parts. */
  async function spillLarge(pending: Map<string, Pending>, spills: string[]): Promise<void> {
    const sized = [...pending.values()].flatMap((p) => (p.value !== DELETE && !(p.value instanceof Uint8Array) && 'j' in p.value ? [{ p, bytes: enc.encode(p.value.j) }] : []))
    sized.sort((a, b) => b.bytes.byteLength - a.bytes.byteLength)
    let total = sized.reduce((n, s) => n + s.bytes.byteLength, 0)
    for (const s of sized) {
      if (s.bytes.byteLength <= VALUE_MAX && total <= ATOMIC_BYTES) break
      const id = randomId()
      spills.push(id)
      const parts: Uint8Array[] = []
      for (let o = 0; o < s.bytes.byteLength; o += VALUE_MAX) parts.push(s.bytes.subarray(o, o + VALUE_MAX))
      await writeParts((i) => k('x', id, i), parts)
      s.p.value = { spill: id, parts: parts.length, size: s.bytes.byteLength }
      total -= s.bytes.byteLength
    }
  }

  async function dropSpills(spills: string[]): Promise<void> {
    for (const id of spills) {
      const keys: KvKey[] = []
      for await (const e of kv.list({ prefix: k('x', id) })) keys.push(e.key)
      for await (const e of kv.list({ prefix: k('bc', id) })) keys.push(e.key)
      await deleteKeys(keys).catch(() => undefined)
    }
  }

  function guard(): void {
    if (closed) throw new LumosError('STORE_CLOSED', 'This deno-kv store was closed.')
  }

  return {
    kind: 'deno-kv',
    maxValueBytes: VALUE_MAX,
    read: (fn) =>
      mutex.run(async () => {
        guard()
        for (let attempt = 0; ; attempt++) {
          const before = (await kv.get(VERSION)).versionstamp
          let result: Awaited<ReturnType<typeof fn>>
          try {
            result = await fn(accessor(null, [], []))
          } catch (error) {
            // e.g. parts deleted by a writer that committed meanwhile: retry on the new state
            if (attempt < RETRIES && (isBusy(error) || (await kv.get(VERSION)).versionstamp !== before)) continue
            throw error
          }
          // another writer committed meanwhile: what we read may mix two states, so read again
          if ((await kv.get(VERSION)).versionstamp === before || attempt >= RETRIES) return result
        }
      }),
    write: (fn) =>
      mutex.run(async () => {
        guard()
        for (let attempt = 0; ; attempt++) {
          const pending = new Map<string, Pending>()
          const spills: string[] = []
          const garbage: Pending[] = []
          const cleanups: Incarnation[] = []
          let ok = false
          try {
            const version = (await kv.get(VERSION)).versionstamp
            const result = await fn(accessor(pending, spills, garbage, cleanups))
            await spillLarge(pending, spills)
            if (pending.size + 1 > ATOMIC_MUTATIONS) {
              throw new LumosError('STORE_UNAVAILABLE', `This batch changes ${pending.size} Deno KV records; one atomic write allows ${ATOMIC_MUTATIONS}. Split it into smaller batches.`, {
                details: { records: pending.size, max: ATOMIC_MUTATIONS },
              })
            }
            const op = kv.atomic().check({ key: VERSION, versionstamp: version }).set(VERSION, randomId())
            for (const p of pending.values()) {
              if (p.value === DELETE) op.delete(p.key)
              else op.set(p.key, p.value)
            }
            ok = (await op.commit()).ok
            if (ok) {
              await deleteKeys(garbage.map((g) => g.key)).catch(() => undefined) // unreferenced now
              for (const c of cleanups) await cleanupIncarnation(c).catch(() => undefined)
              return result
            }
          } catch (error) {
            // a local KV file shared with another handle/process: SQLite's write lock is a conflict too
            if (!isBusy(error) || attempt >= RETRIES) throw error
          } finally {
            if (!ok) await dropSpills(spills)
          }
          if (attempt >= RETRIES) throw new LumosError('STORE_UNAVAILABLE', `Deno KV write kept conflicting with other writers (${RETRIES + 1} attempts).`)
          if (attempt > 0) await sleep(Math.random() * 4 * attempt)
        }
      }),
    close: () =>
      mutex.run(async () => {
        if (closed) return
        closed = true
        if (owned) kv.close()
      }),
  }
}
