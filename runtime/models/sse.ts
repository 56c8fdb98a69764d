/** One server-sent event; `data` joins multi-line data fields with '\n'. */
export interface SseEvent {
  data: string
  event?: string
  id?: string
}

/**
 * Decodes a text/event-stream byte stream into events (WHATWG rules: CR, LF or CRLF line ends,
 * `:` comments, multi-line `data`). Chunk boundaries may fall anywhere, even inside a UTF-8
 * character or between the CR and LF of one line end. An unterminated last line is dropped (the
 * connection was cut mid-line); a complete event missing only its blank line is still delivered.
 */
export function createSseParser(): TransformStream<Uint8Array, SseEvent> {
  const decoder = new TextDecoder()
  const lineEnd = /\r\n?|\n/g
  let buffer = ''
  let data: string | undefined
  let event: string | undefined
  let id: string | undefined

  const dispatch = (out: TransformStreamDefaultController<SseEvent>) => {
    if (data !== undefined) out.enqueue({ data, ...(event === undefined ? {} : { event }), ...(id === undefined ? {} : { id }) })
    data = event = undefined
  }

  const feed = (text: string, out: TransformStreamDefaultController<SseEvent>, final: boolean) => {
    buffer += text
    let start = 0
    lineEnd.lastIndex = 0
    for (let m = lineEnd.exec(buffer); m; m = lineEnd.exec(buffer)) {
      // A lone CR at the end may be the first half of a CRLF split across chunks: wait for more.
      if (!final && m[0] === '\r' && lineEnd.lastIndex === buffer.length) break
      const line = buffer.slice(start, m.index)
      start = lineEnd.lastIndex
      if (line === '') {
        dispatch(out)
        continue
      }
      if (line[0] === ':') continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value[0] === ' ') value = value.slice(1)
      if (field === 'data') data = data === undefined ? value : `${data}\n${value}`
      else if (field === 'event') event = value
      else if (field === 'id') id = value
    }
    buffer = buffer.slice(start)
  }

  return new TransformStream({
    transform(chunk, out) {
      feed(decoder.decode(chunk, { stream: true }), out, false)
    },
    flush(out) {
      feed(decoder.decode(), out, true)
      dispatch(out)
    },
  })
}
