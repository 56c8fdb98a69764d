import { LumosError } from '../errors.js'
import { createRecordingTracer } from './tracer.js'
import type { AttributeValue, Attributes, ReadableSpan, Tracer } from './tracer.js'

export interface OtlpHttpExporterOptions {
  /** Full endpoint, e.g. `http://localhost:4318/v1/traces`. */
  url: string
  headers?: Record<string, string>
  /** Injected fetch (tests, Workers service bindings). Defaults to the global fetch. */
  fetch?: typeof fetch
  serviceName?: string
  resourceAttributes?: Attributes
  /** Finished spans buffered before a background export starts. Default 64. */
  batchSize?: number
  /** Called when a background export fails (explicit `flush()` rejects instead). */
  onError?: (error: LumosError) => void
}

export interface OtlpHttpTracer extends Tracer {
  /** Sends buffered spans now. On Workers: `ctx.waitUntil(tracer.flush())`. */
  flush(): Promise<void>
  /** Spans waiting to be sent. */
  readonly pending: number
}

const SCOPE = { name: 'lumosai', version: '0.1.0' }

/**
 * A tracer that exports finished spans as OTLP/HTTP JSON using only fetch, so it runs on every
 * edge runtime (no protobuf, no gRPC, no Node SDK).
 */
export function createOtlpHttpExporter(options: OtlpHttpExporterOptions): OtlpHttpTracer {
  const batchSize = options.batchSize ?? 64
  let buffer: ReadableSpan[] = []
  let inFlight: Promise<void> = Promise.resolve()

  const send = async (spans: ReadableSpan[]): Promise<void> => {
    const doFetch = options.fetch ?? fetch
    let response: Response
    try {
      response = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(toOtlpJson(spans, options)),
      })
    } catch (cause) {
      throw new LumosError('TRACING_EXPORT_FAILED', `OTLP export to ${options.url} failed: ${(cause as Error)?.message ?? cause}`, { cause, details: { spans: spans.length } })
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '')
      throw new LumosError('TRACING_EXPORT_FAILED', `OTLP export to ${options.url} returned HTTP ${response.status}`, { details: { status: response.status, body: body.slice(0, 500), spans: spans.length } })
    }
    await response.body?.cancel().catch(() => {})
  }

  const take = (): ReadableSpan[] => {
    const spans = buffer
    buffer = []
    return spans
  }

  const tracer = createRecordingTracer((span) => {
    buffer.push(span)
    if (buffer.length >= batchSize) {
      const spans = take()
      inFlight = inFlight.then(() => send(spans)).catch((error: LumosError) => options.onError?.(error))
    }
  })

  return {
    startSpan: tracer.startSpan,
    get pending() {
      return buffer.length
    },
    async flush() {
      await inFlight
      const spans = take()
      if (spans.length > 0) await send(spans)
    },
  }
}

/** ReadableSpans -> OTLP/HTTP JSON `ExportTraceServiceRequest`. */
export function toOtlpJson(spans: ReadableSpan[], options: Pick<OtlpHttpExporterOptions, 'serviceName' | 'resourceAttributes'> = {}): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: toKeyValues({ 'service.name': options.serviceName ?? 'lumos', 'telemetry.sdk.name': 'lumosai', 'telemetry.sdk.language': 'js', ...options.resourceAttributes }) },
        scopeSpans: [
          {
            scope: SCOPE,
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: 1, // SPAN_KIND_INTERNAL
              startTimeUnixNano: s.startTimeUnixNano,
              endTimeUnixNano: s.endTimeUnixNano,
              attributes: toKeyValues(s.attributes),
              events: s.events.map((e) => ({ name: e.name, timeUnixNano: e.timeUnixNano, attributes: toKeyValues(e.attributes) })),
              status: s.status.code === 'error' ? { code: 2, message: s.status.message ?? '' } : { code: s.status.code === 'ok' ? 1 : 0 },
            })),
          },
        ],
      },
    ],
  }
}

function toKeyValues(attributes: Attributes): Array<{ key: string; value: unknown }> {
  const out: Array<{ key: string; value: unknown }> = []
  for (const key of Object.keys(attributes)) {
    const value = attributes[key]
    if (value !== undefined) out.push({ key, value: anyValue(value) })
  }
  return out
}

function anyValue(value: AttributeValue): unknown {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value }
  return { arrayValue: { values: (value as AttributeValue[]).map(anyValue) } }
}
