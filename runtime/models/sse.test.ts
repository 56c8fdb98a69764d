import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSseParser, type SseEvent } from './sse.js'

async function parse(chunks: Uint8Array[]): Promise<SseEvent[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk)
      controller.close()
    },
  })
  const events: SseEvent[] = []
  const reader = source.pipeThrough(createSseParser()).getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) events.push(next.value)
  return events
}

const bytes = (text: string) => new TextEncoder().encode(text)

function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let start = 0
  for (const point of points) {
    out.push(data.slice(start, point))
    start = point
  }
  out.push(data.slice(start))
  return out
}

describe('createSseParser', () => {
  it('parses data, multi-line data, event and id fields (id is sticky, as in EventSource), and skips comments', async () => {
    const text = ': keep-alive\n\ndata: one\n\nevent: delta\nid: 7\ndata: a\ndata:b\ndata:  c\n\ndata\n\n'
    expect(await parse([bytes(text)])).toEqual([
      { data: 'one' },
      { data: 'a\nb\n c', event: 'delta', id: '7' },
      { data: '', id: '7' },
    ])
  })

  it('accepts CRLF, CR and LF line ends, mixed', async () => {
    const text = 'data: crlf\r\n\r\ndata: cr\r\rdata: lf\n\ndata: x\r\ndata: y\n\r\n'
    expect(await parse([bytes(text)])).toEqual([{ data: 'crlf' }, { data: 'cr' }, { data: 'lf' }, { data: 'x\ny' }])
  })

  it('keeps a CRLF split across two chunks as one line end', async () => {
    expect(await parse([bytes('data: a\r'), bytes('\ndata: b\r'), bytes('\n\r'), bytes('\n')])).toEqual([{ data: 'a\nb' }])
  })

  it('delivers a complete last event without its blank line, drops an unterminated last line', async () => {
    expect(await parse([bytes('data: [DONE]\n')])).toEqual([{ data: '[DONE]' }])
    expect(await parse([bytes('data: {"ok":1}\n\ndata: {"cut')])).toEqual([{ data: '{"ok":1}' }])
  })

  it('decodes UTF-8 characters split across chunks', async () => {
    const data = bytes('data: héllo 🌍 世界\n\n')
    const chunks = Array.from(data, (b) => new Uint8Array([b]))
    expect(await parse(chunks)).toEqual([{ data: 'héllo 🌍 世界' }])
  })

  it('gives identical events for any chunk boundaries (property)', async () => {
    const chars = [...'ab z{}":,é\\[]', '🌍', '世']
    const field = fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((c) => c.join(''))
    const event = fc.record({
      lines: fc.array(field, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), async (events, cuts) => {
        const text = events
          .map(({ lines, comment, eol }) => (comment ? `: ping${eol}` : '') + lines.map((l) => `data: ${l}${eol}`).join('') + eol)
          .join('')
        const data = bytes(text)
        const whole = await parse([data])
        expect(whole).toEqual(events.map(({ lines }) => ({ data: lines.join('\n') })))
        expect(await parse(split(data, cuts))).toEqual(whole)
      }),
      { numRuns: 300 },
    )
  })
})
