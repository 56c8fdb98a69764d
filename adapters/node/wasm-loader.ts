import { readFile } from 'node:fs/promises'

/** The .wasm shipped next to the runtime (same relative path in the sources and in dist/). */
export const WASM_URL = new URL('../../runtime/core/wasm/lumos-core.wasm', import.meta.url)

export function loadWasmFromDisk(): Promise<Uint8Array> {
  return readFile(WASM_URL)
}
