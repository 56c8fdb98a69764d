import { LumosError } from '../errors.js'
import { type Hits, readHits, readOutBytes, readStringTable } from './hits.js'
import { getCore } from './init.js'
import { NativeHandle } from './native-handle.js'
import { checkIds, checkK, checkText } from './validate.js'

export interface TokenizerOptions {
  lowercase?: boolean
  /** Fold accented Latin letters to ASCII (é -> e). */
  foldAscii?: boolean
  /** Drop English stop words. */
  stopWords?: boolean
  /** Porter-stem English words. */
  stem?: boolean
  /** Split Chinese/Japanese/Korean runs into character bigrams. */
  cjkBigrams?: boolean
}

export interface KeywordIndexOptions extends TokenizerOptions {
  /** BM25 term-frequency saturation (engine default tuned on BEIR ArguAna). */
  k1?: number
  /** BM25 length normalisation, 0..1. */
  b?: number
}

export interface KeywordSearchOptions {
  k?: number
  filter?: readonly string[]
}

const FLAG = { lowercase: 1, foldAscii: 2, stopWords: 4, stem: 8, cjkBigrams: 16 } as const
const FROM_HANDLE = Symbol('fromHandle')
type Internal = { [FROM_HANDLE]: number }

export function tokenizerFlags(o: TokenizerOptions, defaults: number): number {
  let flags = defaults
  for (const [name, bit] of Object.entries(FLAG) as [keyof TokenizerOptions, number][]) {
    const v = o[name]
    if (v === undefined) continue
    if (typeof v !== 'boolean') throw new LumosError('INVALID_ARGUMENT', `${name} must be a boolean`, { details: { option: name } })
    flags = v ? flags | bit : flags & ~bit
  }
  return flags
}

export function engineDefaults(): { k1: number; b: number; flags: number } {
  const core = getCore()
  core.call(() => core.x.keyword_defaults())
  const { words, floats } = core.out()
  return { k1: floats[0], b: floats[1], flags: words[2] }
}

/** BM25 keyword index with a Unicode-aware tokenizer, living in wasm memory. */
export class KeywordIndex extends NativeHandle {
  constructor(options?: KeywordIndexOptions)
  constructor(options: KeywordIndexOptions | Internal = {}) {
    super(FROM_HANDLE in options ? (options as Internal)[FROM_HANDLE] : createHandle(options as KeywordIndexOptions))
  }

  static load(snapshot: Uint8Array): KeywordIndex {
    if (!(snapshot instanceof Uint8Array)) throw new LumosError('SNAPSHOT_CORRUPT', 'KeywordIndex.load expects a Uint8Array snapshot')
    const core = getCore()
    const r = core.writeBytes(snapshot)
    try {
      const h = core.handle(() => core.x.keyword_load(r.ptr, snapshot.byteLength))
      return new KeywordIndex({ [FROM_HANDLE]: h } as unknown as KeywordIndexOptions)
    } finally {
      core.free(r)
    }
  }

  get size(): number {
    return this.info()[0]
  }

  get memoryBytes(): number {
    const w = this.info()
    return w[4] + w[5] * 2 ** 32
  }

  get options(): Required<KeywordIndexOptions> {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.keyword_info(h))
    const { words, floats } = core.out()
    const f = words[3]
    return {
      k1: floats[1],
      b: floats[2],
      lowercase: (f & FLAG.lowercase) !== 0,
      foldAscii: (f & FLAG.foldAscii) !== 0,
      stopWords: (f & FLAG.stopWords) !== 0,
      stem: (f & FLAG.stem) !== 0,
      cjkBigrams: (f & FLAG.cjkBigrams) !== 0,
    }
  }

  /** Inserts or replaces documents. All-or-nothing on invalid input. */
  upsert(ids: readonly string[], texts: readonly string[]): void {
    checkIds(ids)
    if (!Array.isArray(texts) || texts.length !== ids.length) {
      throw new LumosError('INVALID_ARGUMENT', `got ${Array.isArray(texts) ? texts.length : typeof texts} texts for ${ids.length} ids`)
    }
    texts.forEach((t, i) => checkText(t, `text at position ${i}`))
    const core = getCore()
    const h = this.handle
    const s = core.writeStrings(ids)
    let t
    try {
      t = core.writeStrings(texts)
      core.call(() => core.x.keyword_upsert(h, s.blob.ptr, s.blob.size, s.offs.ptr, s.n, t!.blob.ptr, t!.blob.size, t!.offs.ptr))
    } finally {
      core.freeStrings(s)
      core.freeStrings(t)
    }
  }

  remove(ids: readonly string[]): number {
    checkIds(ids, { allowDuplicates: true })
    const core = getCore()
    const h = this.handle
    const s = core.writeStrings(ids)
    try {
      core.call(() => core.x.keyword_remove(h, s.blob.ptr, s.blob.size, s.offs.ptr, s.n))
      return core.out().words[0]
    } finally {
      core.freeStrings(s)
    }
  }

  search(query: string, options: KeywordSearchOptions = {}): Hits {
    checkText(query, 'query')
    const k = checkK(options.k ?? 10)
    const core = getCore()
    const h = this.handle
    const q = core.writeString(query)
    const allow = options.filter ? core.writeStrings(options.filter) : undefined
    try {
      core.call(() => core.x.keyword_search(h, q.region.ptr, q.len, k, allow?.blob.ptr ?? 0, allow?.blob.size ?? 0, allow?.offs.ptr ?? 0, allow?.n ?? 0, allow ? 1 : 0))
      const { words, floats, ptr } = core.out()
      return readHits(core, words, floats, 0, ptr + (1 + 4 * words[0]) * 4).hits
    } finally {
      core.free(q.region)
      core.freeStrings(allow)
    }
  }

  compact(): void {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.keyword_compact(h))
  }

  ids(): string[] {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.keyword_ids(h))
    return readStringTable(core).filter((s): s is string => s !== undefined)
  }

  save(): Uint8Array {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.keyword_save(h))
    return readOutBytes(core)
  }

  private info(): Uint32Array {
    const core = getCore()
    const h = this.handle
    core.call(() => core.x.keyword_info(h))
    return core.out().words.slice(0, 7)
  }
}

function createHandle(o: KeywordIndexOptions): number {
  if (typeof o !== 'object' || o === null) throw new LumosError('INVALID_ARGUMENT', 'KeywordIndex options must be an object')
  const d = engineDefaults()
  const num = (name: 'k1' | 'b', v: number | undefined, max: number) => {
    if (v === undefined) return -1
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
      throw new LumosError('INVALID_ARGUMENT', `${name} must be a number from 0 to ${max} (got ${String(v)})`, { details: { option: name } })
    }
    return v
  }
  const core = getCore()
  return core.handle(() => core.x.keyword_new(num('k1', o.k1, 10), num('b', o.b, 1), tokenizerFlags(o, d.flags)))
}

/** Tokens exactly as the keyword index sees them (useful to debug matching). */
export function tokenize(text: string, options: TokenizerOptions = {}): string[] {
  checkText(text)
  const core = getCore()
  const flags = tokenizerFlags(options, engineDefaults().flags)
  const t = core.writeString(text)
  try {
    core.call(() => core.x.lumos_tokenize(t.region.ptr, t.len, flags))
    return readStringTable(core) as string[]
  } finally {
    core.free(t.region)
  }
}
