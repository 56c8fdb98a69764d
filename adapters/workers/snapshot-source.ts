import { LumosError } from '../../runtime/errors.js'
import type { FetcherLike, KVNamespaceLike, R2BucketLike } from './bindings.js'

/**
 * Where an index snapshot (what `lumos ingest` writes) comes from at cold start:
 * - `bytes`: bundled with the Worker (`import snapshot from './docs.lumos'` with a wrangler `Data` rule);
 * - `assets`: a file of the `[assets]` directory, read through the assets binding;
 * - `kv`: a Workers KV value; `r2`: an R2 object.
 */
export type SnapshotSource =
  | { bytes: ArrayBuffer | Uint8Array }
  | { assets: FetcherLike; path: string }
  | { kv: KVNamespaceLike; key: string }
  | { r2: R2BucketLike; key: string }

/** Reads a snapshot from a bundled module, static asset, KV or R2 binding (one read per call). */
export async function loadSnapshotBytes(source: SnapshotSource): Promise<Uint8Array> {
  if ('bytes' in source) return source.bytes instanceof Uint8Array ? source.bytes : new Uint8Array(source.bytes)
  if ('assets' in source) {
    if (!source.assets || typeof source.assets.fetch !== 'function') throw missing('assets', 'an [assets] binding (e.g. binding = "ASSETS" in wrangler.toml)')
    // the host part is ignored by the assets binding; only the path selects the file
    const res = await source.assets.fetch(new Request(new URL(source.path, 'https://assets.local/')))
    if (!res.ok) throw new LumosError('SNAPSHOT_SOURCE_UNAVAILABLE', `The snapshot asset '${source.path}' answered ${res.status}: put the file in the [assets] directory.`, { details: { path: source.path, status: res.status } })
    return new Uint8Array(await res.arrayBuffer())
  }
  if ('kv' in source) {
    if (!source.kv || typeof source.kv.get !== 'function') throw missing('kv', 'a KV namespace binding ([[kv_namespaces]])')
    const value = await source.kv.get(source.key, 'arrayBuffer')
    if (value === null) throw new LumosError('SNAPSHOT_SOURCE_UNAVAILABLE', `No KV value '${source.key}': upload the snapshot with \`wrangler kv key put ${source.key} --path <file>\`.`, { details: { key: source.key } })
    return new Uint8Array(value)
  }
  if ('r2' in source) {
    if (!source.r2 || typeof source.r2.get !== 'function') throw missing('r2', 'an R2 bucket binding ([[r2_buckets]])')
    const object = await source.r2.get(source.key)
    if (object === null) throw new LumosError('SNAPSHOT_SOURCE_UNAVAILABLE', `No R2 object '${source.key}': upload the snapshot with \`wrangler r2 object put <bucket>/${source.key} --file <file>\`.`, { details: { key: source.key } })
    return new Uint8Array(await object.arrayBuffer())
  }
  throw new LumosError('SNAPSHOT_SOURCE_UNAVAILABLE', 'A snapshot source is { bytes } | { assets, path } | { kv, key } | { r2, key }.')
}

function missing(kind: string, what: string): LumosError {
  return new LumosError('SNAPSHOT_SOURCE_UNAVAILABLE', `The snapshot source '${kind}' needs ${what}; the binding is missing from env.`, { details: { source: kind } })
}
