// Reads a text/event-stream body and yields the JSON of every `data:` event ([DONE] ends it).
// Written by hand (no EventSource: it cannot POST).

export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<any> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader()
  let buffer = ''
  try {
    for (;;) {
      if (signal?.aborted) return
      const { value, done } = await reader.read()
      if (done) break
      buffer += value
      let cut: number
      while ((cut = boundary(buffer)) !== -1) {
        const event = buffer.slice(0, cut)
        buffer = buffer.slice(cut).replace(/^(\r?\n){2}|^\r?\n/, '')
        const data = parseEvent(event)
        if (data === undefined) continue
        if (data === '[DONE]') return
        yield JSON.parse(data)
      }
    }
    const last = parseEvent(buffer)
    if (last !== undefined && last !== '[DONE]') yield JSON.parse(last)
  } finally {
    reader.releaseLock()
  }
}

function boundary(s: string): number {
  const m = /\r?\n\r?\n/.exec(s)
  return m ? m.index : -1
}

/** The joined `data:` lines of one event, or undefined when it has none. */
export function parseEvent(event: string): string | undefined {
  const lines = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5))
  return lines.length ? lines.join('\n') : undefined
}
