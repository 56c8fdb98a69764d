import { useEffect, useState } from 'preact/hooks'
import { api, qs } from '../api.js'
import { layout, NODE_H, NODE_W, normalizeGraph } from '../graph-layout.js'
import { SchemaForm } from '../schema-form.js'
import { readSse } from '../sse.js'
import { ErrorBox, html, Json } from '../ui.js'

const EVENT_STATUS: Record<string, string> = { 'step-start': 'running', 'step-result': 'success', 'step-suspended': 'suspended', 'step-failed': 'failed', 'step-retry': 'running' }

export function WorkflowsView({ workflows }: { workflows: any[] }) {
  const [id, setId] = useState<string>('')
  // The list may arrive after this view mounts: default to the first workflow.
  const wf = workflows.find((w) => w.id === id) ?? workflows[0]
  return html`<section class="split">
    <div class="side"><ul class="list" data-testid="workflow-list">
      ${workflows.map((w) => html`<li class=${w.id === wf?.id ? 'active' : ''} onClick=${() => setId(w.id)}><b>${w.id}</b><br /><span class="muted">${w.description ?? ''}</span></li>`)}
      ${workflows.length === 0 && html`<li class="muted">No workflows in the config.</li>`}
    </ul></div>
    <div class="main">${wf && html`<${WorkflowDetail} wf=${wf} key=${wf.id} />`}</div>
  </section>`
}

function WorkflowDetail({ wf }: { wf: any }) {
  const [graph, setGraph] = useState<any>(wf.graph)
  const [run, setRun] = useState<any>()
  const [runs, setRuns] = useState<any[]>([])
  const [input, setInput] = useState('{}')
  const [error, setError] = useState<unknown>()
  const base = `/api/workflows/${encodeURIComponent(wf.id)}`
  const refreshRuns = () => api(`${base}/runs?${qs({ limit: 20 })}`).then((r) => setRuns(r.items ?? []), () => {})
  useEffect(() => {
    if (!graph) api(`${base}/graph`).then(setGraph, setError)
    refreshRuns()
  }, [])
  const guard = async (f: () => Promise<void>) => {
    setError(undefined)
    try {
      await f()
    } catch (e) {
      setError(e)
    }
    refreshRuns()
  }
  // Start through the event stream so step statuses light up live, then read the settled run.
  const start = (e: Event) =>
    (e.preventDefault(),
    guard(async () => {
      const res = await fetch(`${base}/runs/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputData: JSON.parse(input) }) })
      if (!res.ok || !res.body) throw new Error((await res.json().catch(() => undefined))?.error?.message ?? `HTTP ${res.status}`)
      let live: any = { status: 'running', steps: {} }
      let runId = ''
      for await (const ev of readSse(res.body)) {
        runId ||= ev.runId
        if (EVENT_STATUS[ev.type] && ev.path?.length <= 1) live = { ...live, runId, steps: { ...live.steps, [ev.stepId]: { status: EVENT_STATUS[ev.type] } } }
        if (ev.type === 'workflow-finish') live = { ...live, runId, status: ev.status, result: ev.result, error: ev.error }
        setRun(live)
      }
      if (runId) setRun(await api(`${base}/runs/${encodeURIComponent(runId)}`))
    }))
  const open = (runId: string) => guard(async () => setRun(await api(`${base}/runs/${encodeURIComponent(runId)}`)))
  const resume = (step: string, resumeData: unknown) => guard(async () => setRun(await api(`${base}/runs/${encodeURIComponent(run.runId)}/resume`, { body: { step, resumeData } })))
  const statuses = stepStatuses(run)
  const suspended = suspendedSteps(run)
  return html`<div>
    <h3>${wf.id}</h3>
    ${graph && html`<${GraphView} graph=${graph} statuses=${statuses} />`}
    <${ErrorBox} error=${error} />
    <form class="toolbar" onSubmit=${start}>
      <label>inputData <textarea data-testid="workflow-input" rows="2" cols="40" value=${input} onInput=${(e: any) => setInput(e.target.value)}></textarea></label>
      <button data-testid="workflow-start">Start run</button>
    </form>
    ${run && html`<div class="run" data-testid="run">
      <p>Run <code>${run.runId}</code>: <span class=${`status ${run.status ?? run.snapshot?.status}`} data-testid="run-status">${run.status ?? run.snapshot?.status}</span></p>
      ${suspended.map((s) => html`<div class="suspended">
        <p>Step <b>${s.stepId}</b> is suspended${s.suspendPayload !== undefined ? ':' : '.'}</p>
        ${s.suspendPayload !== undefined && html`<${Json} value=${s.suspendPayload} />`}
        <${SchemaForm} testId="resume-form" schema=${resumeSchemaOf(wf, s.stepId)} submitLabel=${`Resume ${s.stepId}`} onSubmit=${(v: unknown) => resume(s.stepId, v)} key=${run.runId + s.stepId} />
      </div>`)}
      ${(run.result ?? run.snapshot?.result) !== undefined && html`<div class="kv"><b>result</b><${Json} value=${run.result ?? run.snapshot?.result} /></div>`}
      ${(run.error ?? run.snapshot?.error) && html`<div class="error">${(run.error ?? run.snapshot.error).message ?? JSON.stringify(run.error)}</div>`}
    </div>`}
    <h4>Runs</h4>
    <table class="table"><tbody>
      ${runs.map((r) => html`<tr onClick=${() => open(r.runId)}><td><code>${r.runId}</code></td><td class=${`status ${r.status}`}>${r.status}</td><td class="muted">${r.updatedAt ? new Date(r.updatedAt).toLocaleTimeString() : ''}</td></tr>`)}
    </tbody></table>
  </div>`
}

function GraphView({ graph, statuses }: { graph: any; statuses: Record<string, string> }) {
  const { nodes, edges } = normalizeGraph(graph)
  if (nodes.length === 0) return html`<pre class="json">${graph.mermaid ?? 'empty graph'}</pre>`
  const { placed, width, height } = layout(nodes, edges)
  const at = new Map(placed.map((p) => [p.id, p]))
  return html`<svg class="graph" data-testid="workflow-graph" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`}>
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888" /></marker></defs>
    ${edges.map((e) => {
      const a = at.get(e.from)
      const b = at.get(e.to)
      if (!a || !b) return null
      return html`<line x1=${a.x + NODE_W / 2} y1=${a.y + NODE_H} x2=${b.x + NODE_W / 2} y2=${b.y} stroke="#888" marker-end="url(#arrow)" />`
    })}
    ${placed.map((p) => html`<g class=${`node ${statuses[p.id] ?? 'idle'}`} data-step=${p.id}>
      <rect x=${p.x} y=${p.y} width=${NODE_W} height=${NODE_H} rx="6" />
      <text x=${p.x + NODE_W / 2} y=${p.y + NODE_H / 2 + 4} text-anchor="middle">${p.label.length > 20 ? p.label.slice(0, 19) + '…' : p.label}</text>
    </g>`)}
  </svg>`
}

function stepStatuses(run: any): Record<string, string> {
  const records = run?.steps ?? run?.snapshot?.root?.results ?? run?.snapshot?.steps ?? {}
  return Object.fromEntries(Object.entries(records).map(([k, r]: [string, any]) => [k, r?.status ?? 'idle']))
}

function suspendedSteps(run: any): { stepId: string; suspendPayload?: unknown }[] {
  if ((run?.status ?? run?.snapshot?.status) !== 'suspended') return []
  if (Array.isArray(run.suspended) && run.suspended.length) return run.suspended.map((s: any) => (typeof s === 'string' ? { stepId: s } : { stepId: s.stepId ?? s.id, suspendPayload: s.suspendPayload }))
  return Object.entries(stepStatuses(run))
    .filter(([, s]) => s === 'suspended')
    .map(([stepId]) => ({ stepId, suspendPayload: (run.steps ?? run.snapshot?.root?.results)?.[stepId]?.suspendPayload }))
}

function resumeSchemaOf(wf: any, stepId: string): any {
  const steps = Array.isArray(wf.steps) ? wf.steps : Object.values(wf.steps ?? {})
  return steps.find((s: any) => s?.id === stepId)?.resumeSchema
}
