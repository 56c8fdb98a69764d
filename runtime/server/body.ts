import { LumosError } from '../errors.js'

export const DEFAULT_BODY_LIMIT = 1024 * 1024

function tooLarge(limit: number, size?: number): LumosError {
  return new LumosError('REQUEST_TOO_LARGE', `The request body is larger than ${limit} bytes.`, { details: { limit, ...(size !== undefined ? { size } : {}) } })
}

/** Rejects early on a declared Content-Length above the limit (the streamed read checks again). */
export function checkContentLength(req: Request, limit: number): void {
  const declared = req.headers.get('content-length')
  if (declared === null) return
  const size = Number(declared)
  if (Number.isFinite(size) && size > limit) throw tooLarge(limit, size)
}

/** Reads the body as text, stopping as soon as it exceeds `limit` bytes (chunked bodies included). */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  checkContentLength(req, limit)
  if (req.body === null) return ''
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    bytes.set(c, offset)
    offset += c.byteLength
  }
  return new TextDecoder().decode(bytes)
}

/** Parses a JSON object body. An empty body is `{}`; invalid JSON is REQUEST_JSON_INVALID with the position. */
export async function readJsonObject(req: Request, limit: number): Promise<Record<string, unknown>> {
  const text = await readBodyText(req, limit)
  if (text.trim() === '') return {}
  // text/plain and form posts need no CORS preflight: refusing them stops cross-site posts to a local server.
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
    throw new LumosError('REQUEST_CONTENT_TYPE_INVALID', `The body must be sent as application/json (got ${type === '' ? 'no content-type' : `'${type}'`}).`, { details: { contentType: type } })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new LumosError('REQUEST_JSON_INVALID', `The request body is not valid JSON: ${(error as Error).message}`, { details: jsonErrorPosition(text, (error as Error).message) })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LumosError('REQUEST_INVALID', 'The request body must be a JSON object.', { details: { got: Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value } })
  }
  return value as Record<string, unknown>
}

/** Engines word parse errors differently; most name a position (V8, SpiderMonkey via line/column). */
export function jsonErrorPosition(text: string, message: string): { position?: number; line?: number; column?: number } {
  const pos = /position (\d+)/.exec(message)
  if (pos) {
    const position = Number(pos[1])
    const before = text.slice(0, position)
    const line = before.split('\n').length
    const column = position - before.lastIndexOf('\n')
    return { position, line, column }
  }
  const lc = /line (\d+) column (\d+)/.exec(message)
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) }
  // "Unexpected end of JSON input": the error is at the end.
  if (/end of (JSON|data)/i.test(message)) return { position: text.length }
  return {}
}
