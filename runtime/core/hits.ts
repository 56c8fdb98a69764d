import type { Core } from './core.js'

/** Columnar search results, best first. */
export interface Hits {
  ids: string[]
  scores: Float32Array
}

/** Reads `[n][slots*n][scores*n][off,len per hit]` at word `at` of the output; the UTF-8 tail starts at `tail`. */
export function readHits(core: Core, words: Uint32Array, floats: Float32Array, at: number, tailPtr: number): { hits: Hits; next: number } {
  const n = words[at]
  const scores = floats.slice(at + 1 + n, at + 1 + 2 * n)
  const ids = new Array<string>(n)
  let p = at + 1 + 2 * n
  for (let i = 0; i < n; i++, p += 2) ids[i] = core.text(tailPtr + words[p], words[p + 1])
  return { hits: { ids, scores }, next: p }
}

/** Reads `[count][off,len per item (len = u32::MAX for none)]` + tail into strings (undefined for none). */
export function readStringTable(core: Core): (string | undefined)[] {
  const { words, ptr } = core.out()
  const n = words[0]
  const tail = ptr + (1 + 2 * n) * 4
  const out = new Array<string | undefined>(n)
  for (let i = 0; i < n; i++) {
    const len = words[1 + 2 * i + 1]
    out[i] = len === 0xffffffff ? undefined : core.text(tail + words[1 + 2 * i], len)
  }
  return out
}

/** Copies the output buffer (a snapshot) out of wasm memory. */
export function readOutBytes(core: Core): Uint8Array {
  return core.out().bytes.slice()
}
