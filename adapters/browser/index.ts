// `lumosai/browser`: the runtime API plus a streaming wasm loader and the IndexedDB store. Works in
// pages and in Web Workers (no DOM APIs are used).
import { setDefaultWasmLoader } from '../../runtime/core/init.js'
import { loadWasmStreaming } from './wasm-loader.js'

setDefaultWasmLoader(() => loadWasmStreaming())

export * from '../../runtime/index.js'
export { DEFAULT_WASM_URL, getWasmUrl, loadWasmStreaming, setWasmUrl } from './wasm-loader.js'
export { IndexedDBStore, type IndexedDBStoreOptions } from './indexeddb-store.js'
