import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, html, Json } from '../ui.js'

export function TracesView() {
  const [traces, setTraces] = useState<any[]>([])
  const [open, setOpen] = useState<string>()
  const [error, setError] = useState<unknown>()
  const load = () => api('/api/traces?limit=50').then((r) => (setTraces(r.traces ?? []), setError(undefined)), setError)
  useEffect(() => void load(), [])
  return html`<section>
    <div class="toolbar"><button onClick=${load}>Refresh</button></div>
    <${ErrorBox} error=${error} />
    ${traces.length === 0 && !error && html`<p class="muted">No traces yet (configure an InMemoryTracer as \`tracer\` and run an agent).</p>`}
    ${traces.map((t) => html`<div class="trace" data-testid="trace">
      <div class="trace-head" onClick=${() => setOpen(open === t.traceId ? undefined : t.traceId)}>
        <b>${root(t)?.name ?? t.traceId}</b> <span class="muted">${t.spans.length} spans · ${Math.round(root(t)?.durationMs ?? 0)} ms</span>
      </div>
      ${open === t.traceId && html`<${Timeline} spans=${t.spans} />`}
    </div>`)}
  </section>`
}

const ns = (s: string) => Number(BigInt(s) / 1000n) / 1000 // unix nano string -> ms

function root(t: any) {
  return t.spans.find((s: any) => !s.parentSpanId) ?? t.spans[0]
}

function depthOf(span: any, byId: Map<string, any>): number {
  let d = 0
  for (let p = byId.get(span.parentSpanId); p && d < 20; p = byId.get(p.parentSpanId)) d++
  return d
}

function Timeline({ spans }: { spans: any[] }) {
  const [sel, setSel] = useState<any>()
  const t0 = Math.min(...spans.map((s) => ns(s.startTimeUnixNano)))
  const t1 = Math.max(...spans.map((s) => ns(s.endTimeUnixNano)))
  const total = Math.max(t1 - t0, 0.001)
  const byId = new Map(spans.map((s) => [s.spanId, s]))
  const sorted = [...spans].sort((a, b) => ns(a.startTimeUnixNano) - ns(b.startTimeUnixNano))
  return html`<div class="timeline">
    ${sorted.map((s) => html`<div class="span-row" onClick=${() => setSel(s)}>
      <span class="span-name" style=${`padding-left:${depthOf(s, byId) * 12}px`}>${s.name}</span>
      <span class="span-track"><span class=${`span-bar ${s.status?.code}`} style=${`left:${((ns(s.startTimeUnixNano) - t0) / total) * 100}%;width:${Math.max(0.5, (s.durationMs / total) * 100)}%`}></span></span>
      <span class="muted">${s.durationMs.toFixed(1)} ms</span>
    </div>`)}
    ${sel && html`<div class="kv"><b>${sel.name}</b><${Json} value=${{ status: sel.status, attributes: sel.attributes, events: sel.events }} /></div>`}
  </div>`
}
