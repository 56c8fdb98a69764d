import { LumosError } from '../errors.js'
import { getCore } from './init.js'
import { checkText } from './validate.js'

export type ChunkStrategy = 'recursive' | 'markdown' | 'sentence' | 'token' | 'json'

export interface ChunkOptions {
  /** Default 'recursive'. */
  strategy?: ChunkStrategy
  /** Hard upper bound per chunk, in `unit`s. Default 1000. */
  maxSize?: number
  /** Units repeated from the end of the previous chunk. Default 0; must be < maxSize. */
  overlap?: number
  /** Chunks smaller than this are merged into a neighbour when that stays within maxSize. */
  minSize?: number
  /** 'chars' = UTF-16 code units (what `string.length` counts); 'tokens' = estimated tokens. */
  unit?: 'chars' | 'tokens'
  /** recursive: custom separator hierarchy, highest first. */
  separators?: readonly string[]
  /** markdown: drop header lines from chunk text (the header path stays in metadata). */
  stripHeaders?: boolean
}

export interface Chunk {
  text: string
  /** Offsets in UTF-16 code units of the input: `input.slice(start, end) === text` for slice-based chunks. */
  start: number
  end: number
  metadata: { strategy: ChunkStrategy; headers?: string[] }
}

const STRATEGIES: ChunkStrategy[] = ['recursive', 'markdown', 'sentence', 'token', 'json']

/** Splits text into chunks that never exceed `maxSize`, with offsets back into the input. */
export function chunk(text: string, options: ChunkOptions = {}): Chunk[] {
  checkText(text)
  const strategy = options.strategy ?? 'recursive'
  const s = STRATEGIES.indexOf(strategy)
  if (s < 0) throw new LumosError('CHUNK_OPTIONS_INVALID', `strategy must be one of ${STRATEGIES.join(', ')} (got ${String(strategy)})`, { details: { option: 'strategy' } })
  const maxSize = options.maxSize ?? 1000
  const overlap = options.overlap ?? 0
  const minSize = options.minSize ?? 0
  for (const [name, v] of [['maxSize', maxSize], ['overlap', overlap], ['minSize', minSize]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 100_000_000) {
      throw new LumosError('CHUNK_OPTIONS_INVALID', `${name} must be an integer from 0 to 100,000,000 (got ${String(v)})`, { details: { option: name } })
    }
  }
  if (maxSize < 1) throw new LumosError('CHUNK_OPTIONS_INVALID', 'maxSize must be at least 1', { details: { option: 'maxSize' } })
  if (overlap >= maxSize) {
    throw new LumosError('CHUNK_OPTIONS_INVALID', `overlap (${overlap}) must be smaller than maxSize (${maxSize})`, { details: { option: 'overlap' } })
  }
  const unit = options.unit ?? 'chars'
  if (unit !== 'chars' && unit !== 'tokens') throw new LumosError('CHUNK_OPTIONS_INVALID', `unit must be 'chars' or 'tokens'`, { details: { option: 'unit' } })
  if (text.length === 0) return []

  const core = getCore()
  const t = core.writeString(text)
  const seps = options.separators ? core.writeStrings(options.separators.map((x) => checkText(x, 'separator'))) : undefined
  try {
    core.call(() =>
      core.x.lumos_chunk(
        t.region.ptr, t.len, s, maxSize, overlap, minSize, unit === 'chars' ? 0 : 1, options.stripHeaders ? 1 : 0,
        seps?.blob.ptr ?? 0, seps?.blob.size ?? 0, seps?.offs.ptr ?? 0, seps ? seps.n : 0xffffffff,
      ),
    )
    return readChunks(text, strategy)
  } finally {
    core.free(t.region)
    core.freeStrings(seps)
  }
}

function readChunks(text: string, strategy: ChunkStrategy): Chunk[] {
  const core = getCore()
  const { words, ptr } = core.out()
  const n = words[0]
  const START = 1, END = 1 + n, TOFF = 1 + 2 * n, TLEN = 1 + 3 * n, HFIRST = 1 + 4 * n, HCOUNT = 1 + 5 * n, H = 1 + 6 * n
  const h = words[H]
  const HOFF = H + 1, HLEN = H + 1 + h
  const tail = ptr + (H + 1 + 2 * h) * 4
  const out = new Array<Chunk>(n)
  for (let i = 0; i < n; i++) {
    const start = words[START + i]
    const end = words[END + i]
    const tlen = words[TLEN + i]
    const chunkText = tlen === 0xffffffff ? text.slice(start, end) : core.text(tail + words[TOFF + i], tlen)
    const metadata: Chunk['metadata'] = { strategy }
    const hc = words[HCOUNT + i]
    if (hc > 0) {
      const first = words[HFIRST + i]
      const headers = new Array<string>(hc)
      for (let j = 0; j < hc; j++) headers[j] = core.text(tail + words[HOFF + first + j], words[HLEN + first + j])
      metadata.headers = headers
    }
    out[i] = { text: chunkText, start, end, metadata }
  }
  return out
}

/** Estimated token count used by `unit: 'tokens'` (no tokenizer tables; close to GPT tokenizers on English). */
export function estimateTokens(text: string): number {
  checkText(text)
  const core = getCore()
  const t = core.writeString(text)
  try {
    core.call(() => core.x.lumos_estimate_tokens(t.region.ptr, t.len))
    return core.out().words[0]
  } finally {
    core.free(t.region)
  }
}
