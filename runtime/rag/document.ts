import { chunk as chunkText, type ChunkOptions } from '../core/chunk.js'
import { LumosError } from '../errors.js'
import type { JsonObject, JsonValue } from '../storage/types.js'
import { cloneJson } from './clone-json.js'
import { htmlToText } from './html-to-text.js'

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'json'

export interface DocumentOptions {
  /** Stable document id (default: `metadata.source` when it is a string, else a hash of the text). */
  id?: string
}

/** A piece of a document, ready for `Retriever.add`. */
export interface DocumentChunk {
  /** `${docId}#${index}`: stable as long as the document and chunk options are. */
  id: string
  text: string
  /**
   * The document metadata plus `docId`, `chunkIndex`, `start`/`end` (UTF-16 offsets into
   * `document.text`) and, for markdown, `headers` (the heading path). These keys override
   * document metadata of the same name.
   */
  metadata: JsonObject & { docId: string; chunkIndex: number; start: number; end: number; headers?: string[] }
}

/**
 * A source document (text, markdown, HTML converted to markdown-like text, or JSON) with metadata
 * that flows into its chunks.
 * Input checks: empty or whitespace-only content throws DOCUMENT_INVALID; so does content that looks
 * binary (any NUL, or more than 5% — and more than 2 — control/replacement characters). Otherwise the text is sanitised:
 * CRLF → LF, other control characters (except tab/form feed) are removed, lone surrogates become U+FFFD.
 */
export class Document {
  readonly id: string
  readonly format: DocumentFormat
  /** The normalised text that chunk offsets refer to. */
  readonly text: string
  readonly metadata: JsonObject

  private constructor(format: DocumentFormat, text: string, metadata: JsonObject, options: DocumentOptions) {
    this.format = format
    this.text = text
    this.metadata = metadata
    const id = options.id ?? (typeof metadata.source === 'string' && metadata.source ? metadata.source : `doc-${hash(text)}`)
    if (typeof id !== 'string' || id.length === 0) throw new LumosError('DOCUMENT_INVALID', 'document id must be a non-empty string')
    this.id = id
  }

  static fromText(content: string, metadata: JsonObject = {}, options: DocumentOptions = {}): Document {
    return new Document('text', sanitize(content, 'text'), checkMetadata(metadata), options)
  }

  static fromMarkdown(content: string, metadata: JsonObject = {}, options: DocumentOptions = {}): Document {
    return new Document('markdown', sanitize(content, 'markdown'), checkMetadata(metadata), options)
  }

  /** Converts HTML to text (see `htmlToText`); the page <title> becomes `metadata.title` unless given. */
  static fromHTML(content: string, metadata: JsonObject = {}, options: DocumentOptions = {}): Document {
    const { text, title } = htmlToText(sanitize(content, 'HTML'))
    const meta = checkMetadata(metadata)
    if (text.trim().length === 0) throw new LumosError('DOCUMENT_INVALID', 'the HTML has no text content (after dropping scripts, styles and markup)')
    return new Document('html', text, title !== undefined && meta.title === undefined ? { ...meta, title } : meta, options)
  }

  /** A JSON value, or a string holding JSON; stored pretty-printed (2 spaces) and chunked with the 'json' strategy. */
  static fromJSON(content: JsonValue | string, metadata: JsonObject = {}, options: DocumentOptions = {}): Document {
    let value: unknown = content
    if (typeof content === 'string') {
      try {
        value = JSON.parse(content)
      } catch (e) {
        throw new LumosError('DOCUMENT_INVALID', `the JSON document does not parse: ${(e as Error).message}`, { cause: e })
      }
    }
    if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0)) {
      throw new LumosError('DOCUMENT_INVALID', 'the JSON document is empty (null, {} or [])')
    }
    let text: string
    try {
      text = JSON.stringify(value, null, 2)
    } catch (e) {
      throw new LumosError('DOCUMENT_INVALID', `the JSON document cannot be serialised: ${(e as Error).message}`, { cause: e })
    }
    if (typeof text !== 'string') throw new LumosError('DOCUMENT_INVALID', 'the JSON document is not a JSON value')
    return new Document('json', sanitize(text, 'JSON'), checkMetadata(metadata), options)
  }

  /**
   * Splits the text with the engine chunker (default strategy: 'markdown' for markdown and HTML,
   * 'json' for JSON, else 'recursive'; maxSize 1000 chars). Whitespace-only pieces are dropped.
   */
  chunk(options: ChunkOptions = {}): DocumentChunk[] {
    const strategy = options.strategy ?? (this.format === 'markdown' || this.format === 'html' ? 'markdown' : this.format === 'json' ? 'json' : 'recursive')
    const pieces = chunkText(this.text, { ...options, strategy })
    const out: DocumentChunk[] = []
    for (const p of pieces) {
      if (p.text.trim().length === 0) continue
      const chunkIndex = out.length
      const metadata: DocumentChunk['metadata'] = { ...cloneJson(this.metadata), docId: this.id, chunkIndex, start: p.start, end: p.end }
      if (p.metadata.headers && p.metadata.headers.length > 0) metadata.headers = p.metadata.headers
      out.push({ id: `${this.id}#${chunkIndex}`, text: p.text, metadata })
    }
    return out
  }
}

function checkMetadata(m: unknown): JsonObject {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new LumosError('DOCUMENT_INVALID', 'document metadata must be a JSON object')
  try {
    return JSON.parse(JSON.stringify(m)) as JsonObject
  } catch (e) {
    throw new LumosError('DOCUMENT_INVALID', 'document metadata must be JSON-serialisable', { cause: e })
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F\uFFFD]/g

/** Rejects empty or binary-looking input; normalises line ends, control characters and lone surrogates. */
export function sanitize(content: unknown, what: string): string {
  if (typeof content !== 'string') throw new LumosError('DOCUMENT_INVALID', `${what} content must be a string (got ${content === null ? 'null' : typeof content})`)
  if (content.trim().length === 0) throw new LumosError('DOCUMENT_INVALID', `${what} content is empty`)
  if (content.includes('\u0000')) throw new LumosError('DOCUMENT_INVALID', `${what} content contains NUL bytes: it looks like binary data, not text (decode it first)`)
  const bad = content.match(CONTROL)?.length ?? 0
  if (bad > 2 && bad > 0.05 * content.length) {
    throw new LumosError('DOCUMENT_INVALID', `${what} content has ${bad} control/replacement characters in ${content.length}: it looks like binary data or a wrong text encoding`, {
      details: { badCharacters: bad, length: content.length },
    })
  }
  const text = toWellFormed(content.replace(/\r\n?/g, '\n')).replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g, '')
  if (text.trim().length === 0) throw new LumosError('DOCUMENT_INVALID', `${what} content is empty after removing control characters`)
  return text
}

function toWellFormed(s: string): string {
  let out = ''
  let last = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdfff) continue
    if (c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++
        continue
      }
    }
    out += s.slice(last, i) + '\uFFFD'
    last = i + 1
  }
  return last === 0 ? s : out + s.slice(last)
}

/** 64-bit FNV-1a of the UTF-16 units as 16 hex chars (a stable default document id). */
function hash(s: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15)
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')
}
