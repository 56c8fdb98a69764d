import { LumosError } from '../errors.js'
import type { Hits } from './hits.js'
import { getCore } from './init.js'

export interface FuseOptions {
  /** 'rrf' (reciprocal rank fusion, default) or 'weighted' (sum of normalised scores). */
  method?: 'rrf' | 'weighted'
  /** RRF constant (default 60). */
  k?: number
  /** One weight per list (default 1 each). */
  weights?: readonly number[]
  /** Weighted fusion: score normalisation per list (default 'minmax'). */
  normalization?: 'none' | 'minmax' | 'zscore'
  /** Maximum results (default: all fused ids). */
  limit?: number
}

const NORMS = { none: 0, minmax: 1, zscore: 2 } as const

/** Fuses ranked lists (e.g. vector + keyword hits) into one list, best first. */
export function fuse(lists: readonly Hits[], options: FuseOptions = {}): Hits {
  if (!Array.isArray(lists)) throw new LumosError('FUSION_INPUT_INVALID', 'fuse expects an array of { ids, scores } lists')
  const method = options.method ?? 'rrf'
  if (method !== 'rrf' && method !== 'weighted') throw new LumosError('INVALID_ARGUMENT', `method must be 'rrf' or 'weighted'`, { details: { option: 'method' } })
  if (options.weights !== undefined && (!Array.isArray(options.weights) || options.weights.length !== lists.length)) {
    throw new LumosError('FUSION_INPUT_INVALID', `weights must have one number per list (${lists.length})`)
  }
  const intern = new Map<string, number>()
  const names: string[] = []
  let total = 0
  lists.forEach((l, i) => {
    if (!l || !Array.isArray(l.ids) || l.scores === undefined || l.ids.length !== l.scores.length) {
      throw new LumosError('FUSION_INPUT_INVALID', `list ${i} must be { ids: string[], scores } of equal lengths`)
    }
    total += l.ids.length
  })
  const keys = new Uint32Array(total)
  const scores = new Float32Array(total)
  const lens = new Uint32Array(lists.length)
  let at = 0
  lists.forEach((l, i) => {
    lens[i] = l.ids.length
    for (let j = 0; j < l.ids.length; j++, at++) {
      const id = l.ids[j]
      let key = intern.get(id)
      if (key === undefined) {
        key = names.length
        intern.set(id, key)
        names.push(id)
      }
      keys[at] = key
      scores[at] = l.scores[j]
    }
  })
  const limit = options.limit ?? names.length
  if (!Number.isInteger(limit) || limit < 1) {
    if (names.length === 0 && options.limit === undefined) return { ids: [], scores: new Float32Array(0) }
    throw new LumosError('K_OUT_OF_RANGE', `limit must be a positive integer (got ${String(limit)})`)
  }
  const rrfK = options.k ?? 60
  if (!Number.isFinite(rrfK) || rrfK < 0) throw new LumosError('INVALID_ARGUMENT', 'k must be a finite number >= 0', { details: { option: 'k' } })
  const norm = NORMS[options.normalization ?? 'minmax']
  if (norm === undefined) throw new LumosError('INVALID_ARGUMENT', `normalization must be one of none, minmax, zscore`)

  const core = getCore()
  const rl = core.writeU32(lens)
  const rk = core.writeU32(keys)
  const rs = core.writeF32(scores)
  const rw = options.weights ? core.writeF32(Float32Array.from(options.weights)) : undefined
  try {
    core.call(() =>
      core.x.lumos_fuse(method === 'rrf' ? 0 : 1, lists.length, rl.ptr, rk.ptr, rs.ptr, rw?.ptr ?? 0, rw ? 1 : 0, method === 'rrf' ? rrfK : norm, limit),
    )
    const { words, floats } = core.out()
    const n = words[0]
    const ids = new Array<string>(n)
    for (let i = 0; i < n; i++) ids[i] = names[words[1 + i]]
    return { ids, scores: floats.slice(1 + n, 1 + 2 * n) }
  } catch (e) {
    if (LumosError.isInstance(e) && e.code === 'INVALID_ARGUMENT') {
      throw new LumosError('FUSION_INPUT_INVALID', e.message, { cause: e })
    }
    throw e
  } finally {
    core.free(rl)
    core.free(rk)
    core.free(rs)
    core.free(rw)
  }
}
