/**
 * Pluggable tracing port. Parents are passed explicitly (no AsyncLocalStorage, which edge runtimes
 * lack): `tracer.startSpan(name, attributes, parentSpan)`.
 */
export type AttributeValue = string | number | boolean | ReadonlyArray<string> | ReadonlyArray<number> | ReadonlyArray<boolean>
export type Attributes = Record<string, AttributeValue | undefined>

export interface Span {
  readonly traceId: string
  readonly spanId: string
  setAttribute(key: string, value: AttributeValue | undefined): void
  setAttributes(attributes: Attributes): void
  /** Marks the span failed and records an `exception` event. */
  recordError(error: unknown): void
  end(): void
}

export interface Tracer {
  startSpan(name: string, attributes?: Attributes, parent?: Span): Span
}

/** A finished span as exporters see it. Times are Unix nanoseconds as decimal strings (OTLP JSON). */
export interface ReadableSpan {
  name: string
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  startTimeUnixNano: string
  endTimeUnixNano: string
  durationMs: number
  attributes: Attributes
  status: { code: 'unset' | 'ok' | 'error'; message?: string }
  events: Array<{ name: string; timeUnixNano: string; attributes: Attributes }>
}

const NOOP_SPAN: Span = Object.freeze({
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  setAttribute() {},
  setAttributes() {},
  recordError() {},
  end() {},
})

/** The default tracer: one shared frozen span, so tracing costs nothing when unused. */
export const noopTracer: Tracer = Object.freeze({ startSpan: () => NOOP_SPAN })

function hex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes))
  let s = ''
  for (let i = 0; i < buf.length; i++) s += (buf[i] < 16 ? '0' : '') + buf[i].toString(16)
  return s
}

/** Wall-clock milliseconds with sub-millisecond precision where the runtime offers it. */
function nowMs(): number {
  return typeof performance !== 'undefined' && performance.timeOrigin ? performance.timeOrigin + performance.now() : Date.now()
}

/** ms -> ns as a decimal string without losing precision beyond 2^53. */
function msToNanoString(ms: number): string {
  const whole = Math.floor(ms)
  const frac = Math.round((ms - whole) * 1e6)
  return frac >= 1e6 ? `${whole + 1}000000` : `${whole}${String(frac).padStart(6, '0')}`
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error)
}

/** A tracer that records spans and hands each finished one to `onEnd`. The base of the shipped tracers. */
export function createRecordingTracer(onEnd: (span: ReadableSpan) => void): Tracer {
  return {
    startSpan(name, attributes, parent) {
      const start = nowMs()
      const record: ReadableSpan = {
        name,
        traceId: parent && parent !== NOOP_SPAN ? parent.traceId : hex(16),
        spanId: hex(8),
        parentSpanId: parent && parent !== NOOP_SPAN ? parent.spanId : undefined,
        startTimeUnixNano: msToNanoString(start),
        endTimeUnixNano: '',
        durationMs: 0,
        attributes: { ...attributes },
        status: { code: 'unset' },
        events: [],
      }
      let ended = false
      return {
        traceId: record.traceId,
        spanId: record.spanId,
        setAttribute(key, value) {
          if (!ended) record.attributes[key] = value
        },
        setAttributes(attrs) {
          if (!ended) Object.assign(record.attributes, attrs)
        },
        recordError(error) {
          if (ended) return
          const message = errorMessage(error)
          record.status = { code: 'error', message }
          const code = (error as { code?: unknown } | null)?.code
          record.events.push({
            name: 'exception',
            timeUnixNano: msToNanoString(nowMs()),
            attributes: {
              'exception.type': (error as Error | null)?.name ?? typeof error,
              'exception.message': message,
              ...(typeof code === 'string' ? { 'lumos.error.code': code } : {}),
            },
          })
        },
        end() {
          if (ended) return
          ended = true
          const end = nowMs()
          record.endTimeUnixNano = msToNanoString(end)
          record.durationMs = end - start
          onEnd(record)
        },
      }
    },
  }
}
