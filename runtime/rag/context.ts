import { estimateTokens } from '../core/chunk.js'
import { LumosError } from '../errors.js'
import type { JsonObject } from '../storage/types.js'

/** The fields of a retrieval hit that context building reads. */
export interface ContextHit {
  id: string
  text: string
  metadata: JsonObject
  score?: number
}

export interface BuildContextOptions {
  /** Token budget for the whole context text (estimateTokens); default: no limit. */
  maxTokens?: number
  /** 'relevance' (default): best passage first. 'document': documents by their best hit, passages in text order. */
  order?: 'relevance' | 'document'
}

export interface Citation {
  /** The number used as `[n]` in the text. */
  n: number
  /** `metadata.source`, else `metadata.docId`, else the chunk id. */
  source: string
  title?: string
  /** The chunks of this source that made it into the context. */
  chunkIds: string[]
}

export interface RetrievalContext {
  text: string
  citations: Citation[]
  /** estimateTokens(text). */
  tokens: number
  /** Hit ids left out (duplicates merged away do not count; these did not fit the budget). */
  omitted: string[]
}

/** Chunks at most this many characters apart count as adjacent (the dropped separator). */
const MAX_GAP = 2

interface Passage {
  doc: string
  source: string
  title: string | undefined
  text: string
  start: number | undefined
  end: number | undefined
  rank: number
  ids: string[]
}

/**
 * Turns ranked hits into a prompt-ready context: drops duplicate ids and duplicate texts, merges
 * overlapping or adjacent chunks of the same document (by `metadata.start`/`end`, when the chunk
 * text is the exact slice; a gap of up to 2 characters — the separator a chunker dropped — counts as
 * adjacent and is re-joined with newlines), packs the best passages into `maxTokens`, and numbers sources `[n]`
 * in order of appearance.
 */
export function buildContext(hits: readonly ContextHit[], options: BuildContextOptions = {}): RetrievalContext {
  const { maxTokens, order = 'relevance' } = options
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) throw new LumosError('INVALID_ARGUMENT', 'maxTokens must be a positive integer', { details: { option: 'maxTokens' } })
  if (order !== 'relevance' && order !== 'document') throw new LumosError('INVALID_ARGUMENT', `order must be 'relevance' or 'document'`, { details: { option: 'order' } })

  // 1. one passage per distinct hit
  const seenIds = new Set<string>()
  const seenTexts = new Set<string>()
  const passages: Passage[] = []
  hits.forEach((h, rank) => {
    if (seenIds.has(h.id)) return
    seenIds.add(h.id)
    const key = h.text.trim().replace(/\s+/g, ' ')
    if (key.length === 0 || seenTexts.has(key)) return
    seenTexts.add(key)
    const m = h.metadata ?? {}
    const doc = typeof m.docId === 'string' ? m.docId : typeof m.source === 'string' ? m.source : h.id
    const start = typeof m.start === 'number' ? m.start : undefined
    const end = typeof m.end === 'number' ? m.end : undefined
    const sliceLike = start !== undefined && end !== undefined && end - start === h.text.length
    passages.push({
      doc,
      source: typeof m.source === 'string' ? m.source : doc,
      title: typeof m.title === 'string' ? m.title : undefined,
      text: h.text,
      start: sliceLike ? start : undefined,
      end: sliceLike ? end : undefined,
      rank,
      ids: [h.id],
    })
  })

  // 2. merge overlapping/adjacent passages of the same document
  const byDoc = new Map<string, Passage[]>()
  for (const p of passages) byDoc.set(p.doc, [...(byDoc.get(p.doc) ?? []), p])
  const merged: Passage[] = []
  for (const list of byDoc.values()) {
    const located = list.filter((p) => p.start !== undefined).sort((a, b) => a.start! - b.start!)
    merged.push(...list.filter((p) => p.start === undefined))
    let cur: Passage | undefined
    for (const p of located) {
      if (cur && p.start! <= cur.end! + MAX_GAP) {
        if (p.start! > cur.end!) {
          // Chunkers drop the separator between pieces ("\n\n" between markdown blocks): re-join with newlines.
          cur.text += '\n'.repeat(p.start! - cur.end!) + p.text
          cur.end = p.end
        } else if (p.end! > cur.end!) {
          cur.text += p.text.slice(cur.end! - p.start!)
          cur.end = p.end
        }
        cur.ids.push(...p.ids)
        cur.rank = Math.min(cur.rank, p.rank)
      } else {
        if (cur) merged.push(cur)
        cur = { ...p, ids: [...p.ids] }
      }
    }
    if (cur) merged.push(cur)
  }
  merged.sort((a, b) => a.rank - b.rank)

  // 3. pack the best passages into the budget
  const chosen: Passage[] = []
  const omitted: string[] = []
  for (const p of merged) {
    const trial = render(arrange([...chosen, p], order))
    if (maxTokens === undefined || estimateTokens(trial.text) <= maxTokens) chosen.push(p)
    else omitted.push(...p.ids)
  }
  if (chosen.length === 0 && merged.length > 0 && maxTokens !== undefined) {
    // Nothing fits whole: keep the best passage, cut to the budget.
    const best = { ...merged[0] }
    let text = best.text
    while (text.length > 0 && estimateTokens(render([{ ...best, text }]).text) > maxTokens) text = text.slice(0, Math.floor(text.length * 0.9))
    if (text.length > 0) {
      chosen.push({ ...best, text })
      omitted.splice(omitted.indexOf(best.ids[0]), best.ids.length)
    }
  }
  const out = render(arrange(chosen, order))
  return { ...out, tokens: estimateTokens(out.text), omitted }
}

function arrange(ps: Passage[], order: 'relevance' | 'document'): Passage[] {
  const sorted = [...ps].sort((a, b) => a.rank - b.rank)
  if (order === 'relevance') return sorted
  const docRank = new Map<string, number>()
  sorted.forEach((p, i) => docRank.has(p.doc) || docRank.set(p.doc, i))
  return sorted.sort((a, b) => docRank.get(a.doc)! - docRank.get(b.doc)! || (a.start ?? 0) - (b.start ?? 0) || a.rank - b.rank)
}

function render(ps: Passage[]): { text: string; citations: Citation[] } {
  const citations: Citation[] = []
  const bySource = new Map<string, Citation>()
  const blocks = ps.map((p) => {
    let c = bySource.get(p.source)
    if (!c) {
      c = { n: citations.length + 1, source: p.source, ...(p.title ? { title: p.title } : {}), chunkIds: [] }
      bySource.set(p.source, c)
      citations.push(c)
    }
    c.chunkIds.push(...p.ids)
    return `[${c.n}] ${p.text.trim()}`
  })
  const sources = citations.map((c) => `[${c.n}] ${c.source}${c.title && c.title !== c.source ? ` — ${c.title}` : ''}`).join('\n')
  return { text: blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n\nSources:\n${sources}`, citations }
}
