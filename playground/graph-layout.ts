// A layered (longest-path) layout for small workflow graphs: enough for a playground, no dependency.

export interface GraphNode {
  id: string
  label: string
}
export interface GraphEdge {
  from: string
  to: string
}
export interface Placed extends GraphNode {
  x: number
  y: number
  layer: number
}

export const NODE_W = 150
export const NODE_H = 36
const GAP_X = 40
const GAP_Y = 28

export function normalizeGraph(g: any): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = (g?.nodes ?? []).map((n: any) => (typeof n === 'string' ? { id: n, label: n } : { id: String(n.id), label: String(n.label ?? n.id) }))
  const edges: GraphEdge[] = (g?.edges ?? []).map((e: any) => (Array.isArray(e) ? { from: String(e[0]), to: String(e[1]) } : { from: String(e.from ?? e.source), to: String(e.to ?? e.target) }))
  return { nodes, edges }
}

export function layout(nodes: GraphNode[], edges: GraphEdge[]): { placed: Placed[]; width: number; height: number } {
  const layer = new Map(nodes.map((n) => [n.id, 0]))
  // Longest path from the sources; bounded by the node count so a cycle (loops) cannot spin forever.
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false
    for (const e of edges) {
      const next = (layer.get(e.from) ?? 0) + 1
      if (layer.has(e.to) && next > layer.get(e.to)! && next < nodes.length) {
        layer.set(e.to, next)
        changed = true
      }
    }
    if (!changed) break
  }
  const rows = new Map<number, GraphNode[]>()
  for (const n of nodes) rows.set(layer.get(n.id)!, [...(rows.get(layer.get(n.id)!) ?? []), n])
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length))
  const width = widest * (NODE_W + GAP_X) + GAP_X
  const placed: Placed[] = []
  for (const [l, row] of rows) {
    const rowWidth = row.length * (NODE_W + GAP_X) - GAP_X
    row.forEach((n, i) => placed.push({ ...n, layer: l, x: (width - rowWidth) / 2 + i * (NODE_W + GAP_X), y: GAP_Y + l * (NODE_H + GAP_Y) }))
  }
  const height = (Math.max(0, ...placed.map((p) => p.layer)) + 1) * (NODE_H + GAP_Y) + GAP_Y
  return { placed, width, height }
}
