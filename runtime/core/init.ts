import { LumosError } from '../errors.js'
import { Core } from './core.js'
import { ABI_VERSION, type CoreExports } from './exports.js'

/** What `ready()` accepts: the .wasm bytes, a compiled module (Workers), a fetch Response, or a promise of one. */
export type WasmSource = BufferSource | WebAssembly.Module | Response | PromiseLike<BufferSource | WebAssembly.Module | Response>

/** Supplies the bundled .wasm when `ready()` is called without a source; each adapter installs one. */
export type WasmLoader = () => WasmSource

// Module state is limited to the one lazily created core (identical for every request/isolate user)
// and the loader an adapter registers at import time.
let defaultLoader: WasmLoader | undefined
let pending: Promise<Core> | undefined
let core: Core | undefined

export function setDefaultWasmLoader(loader: WasmLoader): void {
  defaultLoader = loader
}

/**
 * Initialises the wasm core once; later calls return the same promise. Pass a source to override
 * the adapter's default (e.g. a `WebAssembly.Module` imported by a Worker).
 */
export function ready(source?: WasmSource): Promise<void> {
  if (core) return Promise.resolve()
  if (!pending) {
    pending = instantiate(source).then(
      (c) => (core = c),
      (e) => {
        pending = undefined
        throw e
      },
    )
  }
  return pending.then(() => undefined)
}

/** Synchronous init from bytes or a compiled module (e.g. Workers' wasm import). */
export function readySync(source: BufferSource | WebAssembly.Module): void {
  if (core) return
  const module = source instanceof WebAssembly.Module ? source : compileSync(source)
  core = wrap(new WebAssembly.Instance(module, {}))
}

export function isReady(): boolean {
  return core !== undefined
}

/** The initialised core, or a WASM_NOT_INITIALISED error that says what to call. */
export function getCore(): Core {
  if (!core) {
    throw new LumosError('WASM_NOT_INITIALISED', 'The Lumos wasm core is not initialised: call `await ready()` first.')
  }
  return core
}

async function instantiate(source: WasmSource | undefined): Promise<Core> {
  let src = source ?? defaultLoader?.()
  if (src === undefined) {
    throw new LumosError(
      'WASM_NOT_INITIALISED',
      'No .wasm source: import Lumos through its runtime entry (lumosai on Node/Deno/Workers/browsers) or call `ready(bytesOrModule)`.',
    )
  }
  src = await src
  try {
    if (src instanceof WebAssembly.Module) return wrap(await WebAssembly.instantiate(src, {}))
    if (isResponse(src)) {
      const bytes = await (src as Response).arrayBuffer()
      return wrap((await WebAssembly.instantiate(bytes, {})).instance)
    }
    return wrap((await WebAssembly.instantiate(src as BufferSource, {})).instance)
  } catch (e) {
    if (LumosError.isInstance(e)) throw e
    throw new LumosError('WASM_LOAD_FAILED', `could not instantiate lumos-core.wasm: ${(e as Error).message}`, { cause: e })
  }
}

function isResponse(v: unknown): boolean {
  return typeof Response !== 'undefined' && v instanceof Response
}

function compileSync(bytes: BufferSource): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes)
  } catch (e) {
    throw new LumosError('WASM_LOAD_FAILED', `could not compile lumos-core.wasm: ${(e as Error).message}`, { cause: e })
  }
}

function wrap(instance: WebAssembly.Instance): Core {
  const x = instance.exports as unknown as CoreExports
  if (typeof x.lumos_abi_version !== 'function' || x.lumos_abi_version() !== ABI_VERSION) {
    throw new LumosError('WASM_LOAD_FAILED', `lumos-core.wasm has ABI version ${x.lumos_abi_version?.()} but this binding needs ${ABI_VERSION}`)
  }
  return new Core(x)
}
