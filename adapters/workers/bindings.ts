// The small parts of the Workers runtime API the adapter touches, typed structurally so the adapter
// needs neither @cloudflare/workers-types nor a `cloudflare:workers` import (no nodejs_compat either).

export interface DurableObjectIdLike {
  toString(): string
}

export interface DurableObjectStubLike {
  fetch(request: Request): Promise<Response>
}

/** A Durable Object namespace binding (`[[durable_objects.bindings]]`). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): DurableObjectIdLike
  get(id: DurableObjectIdLike): DurableObjectStubLike
}

/** `ctx.storage` of a SQLite-backed Durable Object: the SQL API plus alarms. */
export interface DurableObjectStorageLike {
  sql: { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] } }
  transaction<T>(closure: (txn: unknown) => Promise<T>): Promise<T>
  transactionSync<T>(closure: () => T): T
  getAlarm(): Promise<number | null>
  setAlarm(scheduledTime: number | Date): Promise<void>
  deleteAlarm(): Promise<void>
}

/** The `ctx` (`DurableObjectState`) a Durable Object class is constructed with. */
export interface DurableObjectStateLike {
  storage: DurableObjectStorageLike
  waitUntil?(promise: Promise<unknown>): void
  blockConcurrencyWhile?<T>(fn: () => Promise<T>): Promise<T>
}

/** The third argument of a Worker's `fetch`. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
}

/** A static-assets binding (`[assets] binding = "ASSETS"`) or any service binding with `fetch`. */
export interface FetcherLike {
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>
}

/** A Workers KV namespace binding (the part used to read a snapshot). */
export interface KVNamespaceLike {
  get(key: string, type: 'arrayBuffer'): Promise<ArrayBuffer | null>
}

/** An R2 bucket binding (the part used to read a snapshot). */
export interface R2BucketLike {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>
}
