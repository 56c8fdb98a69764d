import { LumosError } from '../errors.js'
import { getCore } from './init.js'
import { tokenizerFlags, type TokenizerOptions } from './keyword-index.js'
import { checkText } from './validate.js'

export interface LexicalEmbedOptions extends TokenizerOptions {
  /** Vector length (engine default 512; allowed 8..8192). More buckets = fewer hash collisions = better recall, more memory. */
  dimensions?: number
  /** Hash adjacent word pairs too (default true). */
  wordBigrams?: boolean
  /** Hash character 3- and 4-grams of each word (default true): typo- and morphology-tolerant. */
  charNgrams?: boolean
}

export interface LexicalDefaults {
  dimensions: number
  minDimensions: number
  maxDimensions: number
  /** Engine flag bits (tokenizer bits as KeywordIndex, 256 = no bigrams, 512 = no char n-grams). */
  flags: number
}

const NO_BIGRAMS = 256
const NO_CHAR_NGRAMS = 512
/** Floats per wasm call: batches are split so one call returns at most 16 MB. */
const MAX_FLOATS_PER_CALL = 4 << 20

let cachedDefaults: LexicalDefaults | undefined

export function lexicalDefaults(): LexicalDefaults {
  if (cachedDefaults) return cachedDefaults
  const core = getCore()
  core.call(() => core.x.lumos_lexical_defaults())
  const w = core.out().words
  cachedDefaults = { dimensions: w[0], flags: w[1], minDimensions: w[2], maxDimensions: w[3] }
  return cachedDefaults
}

/** Resolves options to (dimensions, engine flags), validating them. */
export function lexicalConfig(options: LexicalEmbedOptions = {}): { dimensions: number; flags: number } {
  if (typeof options !== 'object' || options === null) throw new LumosError('INVALID_ARGUMENT', 'lexical embedding options must be an object')
  const d = lexicalDefaults()
  const dimensions = options.dimensions ?? d.dimensions
  if (!Number.isInteger(dimensions) || dimensions < d.minDimensions || dimensions > d.maxDimensions) {
    throw new LumosError('INVALID_ARGUMENT', `dimensions must be an integer from ${d.minDimensions} to ${d.maxDimensions} (got ${String(options.dimensions)})`, {
      details: { option: 'dimensions' },
    })
  }
  let flags = tokenizerFlags(options, d.flags & 0x1f)
  for (const [name, bit] of [['wordBigrams', NO_BIGRAMS], ['charNgrams', NO_CHAR_NGRAMS]] as const) {
    const v = options[name]
    if (v !== undefined && typeof v !== 'boolean') throw new LumosError('INVALID_ARGUMENT', `${name} must be a boolean`, { details: { option: name } })
    if (v === false || (v === undefined && (d.flags & bit) !== 0)) flags |= bit
  }
  return { dimensions, flags }
}

/**
 * Lexical embeddings computed in the wasm core (feature hashing of words, word bigrams and
 * character n-grams, sublinear TF, L2-normalised; see core-wasm/src/embed/lexical.rs). Returns
 * one flat row-major array of `texts.length * dimensions` floats. Deterministic on every
 * platform. Texts with no words (empty, punctuation, only stop words) all get one fixed unit vector.
 */
export function lexicalEmbedFlat(texts: readonly string[], options: LexicalEmbedOptions = {}): Float32Array {
  if (!Array.isArray(texts)) throw new LumosError('INVALID_ARGUMENT', 'lexicalEmbed expects an array of strings')
  texts.forEach((t, i) => checkText(t, `text at position ${i}`))
  const { dimensions, flags } = lexicalConfig(options)
  const out = new Float32Array(texts.length * dimensions)
  const perCall = Math.max(1, Math.floor(MAX_FLOATS_PER_CALL / dimensions))
  const core = getCore()
  for (let at = 0; at < texts.length; at += perCall) {
    const slice = texts.slice(at, at + perCall)
    const s = core.writeStrings(slice)
    try {
      core.call(() => core.x.lumos_lexical_embed(s.blob.ptr, s.blob.size, s.offs.ptr, s.n, dimensions, flags))
      const { floats } = core.out()
      out.set(floats.subarray(0, slice.length * dimensions), at * dimensions)
    } finally {
      core.freeStrings(s)
    }
  }
  return out
}

/** Same as `lexicalEmbedFlat`, one `Float32Array` per text (views on one shared buffer). */
export function lexicalEmbed(texts: readonly string[], options: LexicalEmbedOptions = {}): Float32Array[] {
  const flat = lexicalEmbedFlat(texts, options)
  const dims = texts.length === 0 ? 0 : flat.length / texts.length
  const rows = new Array<Float32Array>(texts.length)
  for (let i = 0; i < texts.length; i++) rows[i] = flat.subarray(i * dims, (i + 1) * dims)
  return rows
}
