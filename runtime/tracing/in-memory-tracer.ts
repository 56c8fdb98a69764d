import { createRecordingTracer } from './tracer.js'
import type { ReadableSpan, Tracer } from './tracer.js'

export interface InMemoryTracer extends Tracer {
  /** Finished spans, in end order. */
  readonly spans: ReadableSpan[]
  /** Finished spans with this name. */
  find(name: string): ReadableSpan[]
  reset(): void
}

/** Keeps finished spans in memory: for tests, dev tools and custom exporters. */
export function createInMemoryTracer(): InMemoryTracer {
  const spans: ReadableSpan[] = []
  const tracer = createRecordingTracer((span) => spans.push(span))
  return {
    startSpan: tracer.startSpan,
    spans,
    find: (name) => spans.filter((s) => s.name === name),
    reset: () => {
      spans.length = 0
    },
  }
}
