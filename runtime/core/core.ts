import { LumosError } from '../errors.js'
import { codeFromCore } from './codes.js'
import type { CoreExports } from './exports.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: false })

/** A pointer/length pair the host allocated in wasm memory for one call. */
export interface Region {
  ptr: number
  size: number
}

export interface StringsRegion {
  blob: Region
  offs: Region
  n: number
}

/**
 * One instantiated lumos-core module: memory helpers, error translation and the output buffer.
 * Views on wasm memory are re-created whenever memory has grown (the old buffer is detached).
 */
export class Core {
  readonly x: CoreExports
  private view: Uint8Array
  private poisoned = false

  constructor(exports: CoreExports) {
    this.x = exports
    this.view = new Uint8Array(exports.memory.buffer)
  }

  bytes(): Uint8Array {
    if (this.view.buffer !== this.x.memory.buffer) this.view = new Uint8Array(this.x.memory.buffer)
    return this.view
  }

  alloc(size: number): Region {
    const ptr = this.x.lumos_alloc(size)
    if (ptr === 0) throw new LumosError('OUT_OF_MEMORY', `could not allocate ${size} bytes in wasm memory`)
    return { ptr, size }
  }

  free(r: Region | undefined): void {
    if (r && r.ptr !== 0) this.x.lumos_free(r.ptr, r.size)
  }

  writeBytes(data: Uint8Array): Region {
    const r = this.alloc(data.byteLength)
    this.bytes().set(data, r.ptr)
    return r
  }

  writeF32(data: Float32Array): Region {
    const r = this.alloc(data.byteLength)
    new Float32Array(this.x.memory.buffer, r.ptr, data.length).set(data)
    return r
  }

  writeU32(data: Uint32Array | number[]): Region {
    const r = this.alloc(data.length * 4)
    new Uint32Array(this.x.memory.buffer, r.ptr, data.length).set(data)
    return r
  }

  /** Writes a JS string as UTF-8; returns the region and the bytes actually written. */
  writeString(s: string): { region: Region; len: number } {
    const region = this.alloc(s.length * 3 + 1)
    const { written } = encoder.encodeInto(s, this.bytes().subarray(region.ptr, region.ptr + region.size))
    return { region, len: written }
  }

  /** Writes strings as one UTF-8 blob plus n+1 u32 offsets. */
  writeStrings(list: readonly string[]): StringsRegion {
    let cap = 1
    for (const s of list) cap += s.length * 3
    const blob = this.alloc(cap)
    let offs: Region | undefined
    try {
      offs = this.alloc((list.length + 1) * 4)
      const mem = this.bytes()
      const o = new Uint32Array(this.x.memory.buffer, offs.ptr, list.length + 1)
      let at = 0
      for (let i = 0; i < list.length; i++) {
        o[i] = at
        at += encoder.encodeInto(list[i], mem.subarray(blob.ptr + at, blob.ptr + cap)).written
      }
      o[list.length] = at
      return { blob: { ptr: blob.ptr, size: cap }, offs, n: list.length }
    } catch (e) {
      this.free(blob)
      this.free(offs)
      throw e
    }
  }

  freeStrings(s: StringsRegion | undefined): void {
    if (!s) return
    this.free(s.blob)
    this.free(s.offs)
  }

  /** Runs one export; turns a status code into a typed error and a trap into INTERNAL. */
  call(fn: () => number): void {
    const status = this.guard(fn)
    if (status !== 0) throw this.error(status)
  }

  /** Runs a constructor-like export that returns a handle (0 = error). */
  handle(fn: () => number): number {
    const h = this.guard(fn)
    if (h === 0) throw this.error(this.x.lumos_err_code())
    return h
  }

  private guard(fn: () => number): number {
    if (this.poisoned) {
      throw new LumosError('INTERNAL', 'the wasm core trapped earlier and is unusable; reload the page/process (and please report the trap)')
    }
    try {
      return fn()
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        this.poisoned = true
        throw new LumosError('INTERNAL', `the wasm core trapped: ${e.message}`, { cause: e })
      }
      throw e
    }
  }

  error(status: number): LumosError {
    const ptr = this.x.lumos_err_ptr()
    const len = this.x.lumos_err_len()
    const message = decoder.decode(this.bytes().subarray(ptr, ptr + len))
    return new LumosError(codeFromCore(status), message || `core error ${status}`, { details: { coreCode: status } })
  }

  /** The output buffer of the last call as 4-byte words (aligned) and raw bytes. */
  out(): { words: Uint32Array; floats: Float32Array; bytes: Uint8Array; byteLength: number; ptr: number } {
    const ptr = this.x.lumos_out_ptr()
    const byteLength = this.x.lumos_out_len()
    const buf = this.x.memory.buffer
    const nwords = byteLength >>> 2
    return {
      words: new Uint32Array(buf, ptr, nwords),
      floats: new Float32Array(buf, ptr, nwords),
      bytes: new Uint8Array(buf, ptr, byteLength),
      byteLength,
      ptr,
    }
  }

  /** Decodes `len` UTF-8 bytes at `ptr`; short ASCII takes a fast path (ids are usually ASCII). */
  text(ptr: number, len: number): string {
    const mem = this.bytes()
    if (len <= 32) {
      let s = ''
      for (let i = 0; i < len; i++) {
        const b = mem[ptr + i]
        if (b >= 0x80) return decoder.decode(mem.subarray(ptr, ptr + len))
        s += String.fromCharCode(b)
      }
      return s
    }
    return decoder.decode(mem.subarray(ptr, ptr + len))
  }
}
