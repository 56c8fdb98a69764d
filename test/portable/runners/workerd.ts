// Node-side helper for the workerd runners (conformance, runtime suite, Workers adapter): bundle a
// portable entry and start it in Miniflare with the wasm core as a CompiledWasm module.
import { readFile } from 'node:fs/promises'
import { Miniflare, type MiniflareOptions } from 'miniflare'
import { afterAll } from 'vitest'
import { startOrSkip } from '../../conformance/runtimes/gate.js'
import { bundlePortable, WASM_PATH } from '../bundle.js'

export interface WorkerdOptions {
  /** The Worker entry (bundled with `vitest` aliased to the portable harness). */
  entry: string
  /** Extra external specifiers for the bundle (e.g. '*.lumos' for a Data module). */
  external?: string[]
  /** Modules after entry.js and lumos-core.wasm. */
  modules?: Array<{ type: 'Data'; path: string; contents: Uint8Array }>
  durableObjects: Record<string, { className: string; useSQLite: true }>
  /** Other Miniflare options (e.g. assets). */
  extra?: Partial<Pick<MiniflareOptions, 'assets'>>
}

/**
 * Starts the entry in Miniflare (disposed after the file's tests), or returns null to skip (throws
 * under CI, see gate.ts). Logs the bundle + start time.
 */
export async function startWorkerd(o: WorkerdOptions): Promise<Miniflare | null> {
  const t0 = Date.now()
  const started = await startOrSkip('workerd (Miniflare)', async () => {
    const [code, wasm] = await Promise.all([bundlePortable(o.entry, { target: 'workerd', external: o.external }), readFile(WASM_PATH)])
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: 'entry.js', contents: code }, { type: 'CompiledWasm', path: 'lumos-core.wasm', contents: wasm }, ...(o.modules ?? [])],
      compatibilityDate: '2025-04-01',
      durableObjects: o.durableObjects,
      ...o.extra,
    } as MiniflareOptions)
    await mf.ready
    return mf
  })
  const mf = started.value
  console.log(`[workerd] bundle + start: ${Date.now() - t0} ms`)
  afterAll(async () => {
    await mf?.dispose()
  })
  return mf
}
