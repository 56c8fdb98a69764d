// The slice of Deno's KV API the store uses, declared structurally so this file typechecks without
// Deno's type definitions (Deno.Kv satisfies it).
export type KvKeyPart = string | number | bigint | boolean | Uint8Array
export type KvKey = readonly KvKeyPart[]

export interface KvEntryMaybe<T = unknown> {
  key: KvKey
  value: T | null
  versionstamp: string | null
}

export interface KvListSelector {
  prefix?: KvKey
  start?: KvKey
  end?: KvKey
}

export interface KvAtomic {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomic
  set(key: KvKey, value: unknown): KvAtomic
  delete(key: KvKey): KvAtomic
  commit(): Promise<{ ok: boolean; versionstamp?: string }>
}

export interface DenoKv {
  get<T = unknown>(key: KvKey): Promise<KvEntryMaybe<T>>
  getMany(keys: KvKey[]): Promise<KvEntryMaybe[]>
  list<T = unknown>(selector: KvListSelector, options?: { limit?: number; reverse?: boolean; batchSize?: number }): AsyncIterable<{ key: KvKey; value: T; versionstamp: string }>
  set(key: KvKey, value: unknown): Promise<unknown>
  delete(key: KvKey): Promise<void>
  atomic(): KvAtomic
  close(): void
}
