import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
// The runtime entry without the Node adapter: no default loader is installed here.
import { ready, readySync, isReady, VectorIndex, LumosError } from '../../runtime/index.js'
import { WASM_URL } from '../../adapters/node/wasm-loader.js'

describe('wasm initialisation', () => {
  it('throws WASM_NOT_INITIALISED before ready() and when no source exists', async () => {
    expect(isReady()).toBe(false)
    expect(() => new VectorIndex({ dimensions: 3 })).toThrow(expect.objectContaining({ code: 'WASM_NOT_INITIALISED' }))
    await expect(ready()).rejects.toMatchObject({ code: 'WASM_NOT_INITIALISED' })
  })

  it('rejects bytes that are not the Lumos core', async () => {
    await expect(ready(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).rejects.toMatchObject({ code: 'WASM_LOAD_FAILED' })
    await expect(ready(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'WASM_LOAD_FAILED' })
    expect(() => readySync(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'WASM_LOAD_FAILED' }))
  })

  it('initialises once from bytes, a Module or a Response; later calls are no-ops', async () => {
    const bytes = await readFile(WASM_URL)
    await Promise.all([ready(bytes), ready(bytes)])
    expect(isReady()).toBe(true)
    await ready(new WebAssembly.Module(bytes))
    await ready(new Response(bytes))
    const vi = new VectorIndex({ dimensions: 2 })
    vi.upsert(['a'], [[1, 0]])
    expect(vi.search([1, 0], { k: 1 }).ids).toEqual(['a'])
    vi.free()
    expect(LumosError.isInstance(new LumosError('INTERNAL', 'x'))).toBe(true)
    expect(LumosError.isInstance(Object.assign(new Error('x'), { code: 'INTERNAL' }))).toBe(false)
  })
})
