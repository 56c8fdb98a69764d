// `lumosai` on Node: the runtime API plus a loader that reads the bundled .wasm from disk and
// helpers that read configuration from the environment.
import { setDefaultWasmLoader } from '../../runtime/core/init.js'
import { loadWasmFromDisk } from './wasm-loader.js'

setDefaultWasmLoader(loadWasmFromDisk)

export * from '../../runtime/index.js'
export { loadWasmFromDisk, WASM_URL } from './wasm-loader.js'
export * from './stores/index.js'
export * from './vector/index.js'
export { modelSettingsFromEnv } from './env.js'
export { serve, isLoopback } from './serve.js'
export type { ServeOptions, ServedApp } from './serve.js'
export { modelFromEnv } from './model-from-env.js'
