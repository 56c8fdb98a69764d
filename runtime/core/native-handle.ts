import { LumosError } from '../errors.js'
import { getCore } from './init.js'

// Safety net only: a forgotten free() releases wasm memory when the JS object is collected.
const registry =
  typeof FinalizationRegistry === 'undefined'
    ? undefined
    : new FinalizationRegistry<number>((handle) => {
        try {
          getCore().x.lumos_object_free(handle)
        } catch {
          // the core may be gone (process teardown); nothing to release then
        }
      })

/** Owns one object living in wasm memory; `free()` or `using` releases it deterministically. */
export abstract class NativeHandle implements Disposable {
  #handle: number

  protected constructor(handle: number) {
    this.#handle = handle
    registry?.register(this, handle, this)
  }

  protected get handle(): number {
    if (this.#handle === 0) throw new LumosError('INDEX_DISPOSED', `this ${this.constructor.name} was freed`)
    return this.#handle
  }

  get disposed(): boolean {
    return this.#handle === 0
  }

  free(): void {
    if (this.#handle === 0) return
    registry?.unregister(this)
    getCore().x.lumos_object_free(this.#handle)
    this.#handle = 0
  }

  [Symbol.dispose](): void {
    this.free()
  }
}
