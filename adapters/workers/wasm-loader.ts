import wasm from '../../runtime/core/wasm/lumos-core.wasm'

/** The bundled core as a compiled `WebAssembly.Module` (wrangler's CompiledWasm module rule). */
export const WASM_MODULE: WebAssembly.Module = wasm

/** Default loader on Workers: hands the precompiled module to `ready()`; nothing is fetched or compiled. */
export function loadCompiledWasm(): WebAssembly.Module {
  return wasm
}
