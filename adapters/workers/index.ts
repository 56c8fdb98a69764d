// `lumosai/workers`: the runtime API plus the precompiled wasm loader and the Durable Object store.
// Needs no `nodejs_compat`. `await ready()` instantiates the imported module once per isolate;
// `readySync()` (no argument needed after this import) also works at module top level.
import { readySync as coreReadySync, setDefaultWasmLoader } from '../../runtime/core/init.js'
import { loadCompiledWasm, WASM_MODULE } from './wasm-loader.js'

setDefaultWasmLoader(loadCompiledWasm)

export * from '../../runtime/index.js'
export { loadCompiledWasm, WASM_MODULE } from './wasm-loader.js'
export { DurableObjectStore, type DurableObjectSqlStorage, type DurableObjectStoreOptions } from './durable-object-store.js'

/** Synchronous init from the bundled module (Workers may instantiate a compiled module synchronously). */
export function readySync(source: BufferSource | WebAssembly.Module = WASM_MODULE): void {
  coreReadySync(source)
}
export { createWorkerHandler, routeToObject, type WorkerHandler, type ObjectRoute } from './worker-handler.js'
export { createAgentObject, earliestWakeAt, type AgentObject, type AgentObjectClass } from './agent-object.js'
export { DEFAULT_OBJECT_BINDING, type WorkerAppOptions, type WorkerSetup } from './worker-app.js'
export { loadSnapshotBytes, type SnapshotSource } from './snapshot-source.js'
export type * from './bindings.js'
