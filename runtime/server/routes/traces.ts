import { LumosError } from '../../errors.js'
import type { ReadableSpan } from '../../tracing/tracer.js'
import { jsonResponse } from '../http-error.js'
import { ref } from '../schemas.js'
import type { RouteDef } from '../types.js'
import { queryInt } from '../validate.js'

interface TraceView {
  traceId: string
  name: string
  startTimeUnixNano: string
  durationMs: number
  spans: ReadableSpan[]
}

/** Groups finished spans by trace, newest trace first; spans in start order. */
export function groupTraces(spans: readonly ReadableSpan[], limit: number): TraceView[] {
  const byTrace = new Map<string, ReadableSpan[]>()
  for (const s of spans) {
    const list = byTrace.get(s.traceId)
    if (list) list.push(s)
    else byTrace.set(s.traceId, [s])
  }
  const traces: TraceView[] = []
  for (const [traceId, list] of byTrace) {
    list.sort((a, b) => compareNano(a.startTimeUnixNano, b.startTimeUnixNano))
    const root = list.find((s) => s.parentSpanId === undefined) ?? list[0]
    traces.push({ traceId, name: root.name, startTimeUnixNano: root.startTimeUnixNano, durationMs: root.durationMs, spans: list })
  }
  traces.sort((a, b) => compareNano(b.startTimeUnixNano, a.startTimeUnixNano))
  return traces.slice(0, limit)
}

/** Nanosecond strings are decimal without leading zeros: compare by length, then lexically. */
function compareNano(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

export const traceRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/traces',
    operationId: 'listTraces',
    summary: 'Recent traces from the configured in-memory tracer, newest first.',
    tag: 'traces',
    query: [{ name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1000 }, description: 'Number of traces (default 50).' }],
    responses: { 200: { description: 'The traces.', schema: { type: 'object', properties: { traces: { type: 'array', items: ref('Trace') } }, required: ['traces'] } } },
    handler: ({ deps, query }) => {
      if (deps.tracer === undefined) throw new LumosError('FEATURE_NOT_CONFIGURED', 'This server has no span-keeping tracer: pass `tracer: createInMemoryTracer()` to createApp and to the agents.', { details: { option: 'tracer' } })
      return jsonResponse(200, { traces: groupTraces(deps.tracer.spans, queryInt(query, 'limit', 1, 1000) ?? 50) })
    },
  },
]
