// Deno loader: reads the .wasm shipped next to the runtime from a file URL (local files, no network).
interface DenoFs {
  readFile(path: string | URL): Promise<Uint8Array>
}

/** The bundled core, resolved relative to this module (same layout in the sources and in dist/). */
export const WASM_URL: URL = new URL('../../runtime/core/wasm/lumos-core.wasm', import.meta.url)

/** `Deno.readFile` for file: URLs (needs --allow-read for that file); `fetch` for http(s): URLs (e.g. when imported from a URL). */
export async function loadWasmFromFile(url: URL = WASM_URL): Promise<Uint8Array | Response> {
  if (url.protocol !== 'file:') return fetch(url)
  const deno = (globalThis as { Deno?: DenoFs }).Deno
  if (!deno) throw new Error('lumosai/deno needs the Deno runtime (Deno.readFile); use lumosai/node or lumosai/browser elsewhere.')
  return deno.readFile(url)
}
