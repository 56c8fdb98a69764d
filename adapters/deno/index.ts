// `lumosai/deno`: the runtime API plus a Deno.readFile wasm loader, the Deno KV store and serve().
import { setDefaultWasmLoader } from '../../runtime/core/init.js'
import { loadWasmFromFile } from './wasm-loader.js'

setDefaultWasmLoader(() => loadWasmFromFile())

export * from '../../runtime/index.js'
export { loadWasmFromFile, WASM_URL } from './wasm-loader.js'
export { DenoKvStore, type DenoKvStoreOptions } from './deno-kv-store.js'
export type { DenoKv } from './deno-kv-types.js'
export { serve, type DenoHttpServer, type FetchApp, type ServeOptions } from './serve.js'
