/**
 * Browser loader: streams and compiles the .wasm while it downloads (`WebAssembly.compileStreaming`,
 * the module half of `instantiateStreaming`; `ready()` then instantiates it).
 *
 * The default URL is resolved next to this module, `../../runtime/core/wasm/lumos-core.wasm`, which
 * works when the package is served as ESM files or by bundlers that understand
 * `new URL(path, import.meta.url)` (Vite, webpack 5, Parcel). Otherwise serve the file yourself (it is
 * exported as `lumosai/wasm`) and call `setWasmUrl('/assets/lumos-core.wasm')` before `ready()`,
 * or pass `ready(fetch(url))`.
 */
export const DEFAULT_WASM_URL: URL = new URL('../../runtime/core/wasm/lumos-core.wasm', import.meta.url)

let wasmUrl: string | URL = DEFAULT_WASM_URL

/** Changes where the default loader fetches lumos-core.wasm from (relative URLs resolve against the page). */
export function setWasmUrl(url: string | URL): void {
  wasmUrl = url
}

export function getWasmUrl(): string | URL {
  return wasmUrl
}

/** Fetches and compiles lumos-core.wasm; falls back to bytes when the server's MIME type is not `application/wasm`. */
export async function loadWasmStreaming(url: string | URL = wasmUrl): Promise<WebAssembly.Module | ArrayBuffer> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${String(url)} -> HTTP ${response.status}`)
  if (typeof WebAssembly.compileStreaming === 'function' && (response.headers.get('content-type') ?? '').startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response)
  }
  return response.arrayBuffer()
}
