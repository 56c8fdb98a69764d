import type { StepLike } from './definition.js'
import { isWorkflow } from './definition.js'
import type { Workflow } from './workflow.js'

export interface WorkflowGraphNode {
  id: string
  type: 'start' | 'end' | 'step' | 'agent' | 'tool' | 'workflow' | 'map' | 'sleep'
  label: string
  /** How the node runs: in sequence, in parallel, as a branch, in a loop, or per item. */
  mode?: 'parallel' | 'branch' | 'dountil' | 'dowhile' | 'foreach'
  /** A nested workflow's own graph. */
  graph?: WorkflowGraph
}

export interface WorkflowGraphEdge {
  from: string
  to: string
  label?: string
}

export interface WorkflowGraph {
  nodes: WorkflowGraphNode[]
  edges: WorkflowGraphEdge[]
  mermaid: string
}

/** Nodes and edges of a workflow (for UIs); `mermaid` is the same graph as a Mermaid flowchart. */
export function buildGraph(wf: Workflow<any, any, any>): WorkflowGraph {
  const nodes: WorkflowGraphNode[] = [{ id: '__start', type: 'start', label: 'start' }]
  const edges: WorkflowGraphEdge[] = []
  let tails = ['__start']
  const connect = (heads: string[], label?: string) => {
    for (const t of tails) for (const h of heads) edges.push(label ? { from: t, to: h, label } : { from: t, to: h })
  }
  wf.entries.forEach((entry, i) => {
    switch (entry.type) {
      case 'step':
        nodes.push(stepNode(entry.step))
        connect([entry.step.id])
        tails = [entry.step.id]
        break
      case 'parallel':
        for (const s of entry.steps) nodes.push({ ...stepNode(s), mode: 'parallel' })
        connect(entry.steps.map((s) => s.id))
        tails = entry.steps.map((s) => s.id)
        break
      case 'branch': {
        for (const [, s] of entry.branches) nodes.push({ ...stepNode(s), mode: 'branch' })
        const prev = tails
        entry.branches.forEach(([, s], b) => {
          for (const t of prev) edges.push({ from: t, to: s.id, label: `condition ${b + 1}` })
        })
        tails = entry.branches.map(([, s]) => s.id)
        break
      }
      case 'loop':
        nodes.push({ ...stepNode(entry.step), mode: entry.mode })
        connect([entry.step.id])
        edges.push({ from: entry.step.id, to: entry.step.id, label: entry.mode })
        tails = [entry.step.id]
        break
      case 'foreach':
        nodes.push({ ...stepNode(entry.step), mode: 'foreach' })
        connect([entry.step.id], `foreach (x${entry.concurrency})`)
        tails = [entry.step.id]
        break
      case 'map':
        nodes.push({ id: entry.id, type: 'map', label: entry.id })
        connect([entry.id])
        tails = [entry.id]
        break
      case 'sleep':
        nodes.push({ id: entry.id, type: 'sleep', label: entry.until !== undefined ? 'sleep until' : typeof entry.ms === 'number' ? `sleep ${entry.ms} ms` : 'sleep' })
        connect([entry.id])
        tails = [entry.id]
        break
    }
    void i
  })
  nodes.push({ id: '__end', type: 'end', label: 'end' })
  connect(['__end'])
  const graph = { nodes, edges, mermaid: '' }
  graph.mermaid = toMermaid(graph)
  return graph
}

function stepNode(step: StepLike): WorkflowGraphNode {
  if (isWorkflow(step)) return { id: step.id, type: 'workflow', label: step.id, graph: buildGraph(step) }
  return { id: step.id, type: step.source === 'step' ? 'step' : step.source, label: step.description ? `${step.id}` : step.id }
}

/** Renders a graph as a Mermaid flowchart (`flowchart TD`). */
export function toMermaid(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>): string {
  const ids = new Map<string, string>()
  graph.nodes.forEach((n, i) => ids.set(n.id, `n${i}`))
  const lines = ['flowchart TD']
  for (const n of graph.nodes) {
    const id = ids.get(n.id)!
    const label = escapeLabel(n.mode ? `${n.label} (${n.mode})` : n.label)
    if (n.type === 'start' || n.type === 'end') lines.push(`  ${id}(("${label}"))`)
    else if (n.type === 'workflow') lines.push(`  ${id}[["${label}"]]`)
    else if (n.type === 'sleep') lines.push(`  ${id}{{"${label}"}}`)
    else lines.push(`  ${id}["${label}"]`)
  }
  for (const e of graph.edges) {
    const arrow = e.label ? ` -->|"${escapeLabel(e.label)}"| ` : ' --> '
    lines.push(`  ${ids.get(e.from)}${arrow}${ids.get(e.to)}`)
  }
  return lines.join('\n')
}

function escapeLabel(s: string): string {
  return s.replace(/"/g, '#quot;')
}
