import { LumosError } from '../errors.js'
import type { ModelInput } from '../models/types.js'
import { completeText, parseJsonAnswer } from './llm-text.js'
import type { RetrievalHit } from './retriever.js'

/** Re-orders retrieved hits for a query (cross-encoder, LLM, heuristics). Returns the hits best first. */
export interface Reranker {
  rerank(query: string, hits: RetrievalHit[], options: { topK: number; abortSignal?: AbortSignal }): Promise<RetrievalHit[]>
}

export interface LlmRerankerOptions {
  model: ModelInput
  /** Only the first N hits go to the model (default 20); the rest keep their order after them. */
  maxCandidates?: number
  /** Characters of each passage shown to the model (default 800). */
  maxPassageChars?: number
}

/**
 * A reranker that asks a language model for a 0–10 relevance grade per passage in one call. Hits are
 * sorted by grade (ties keep the retrieval order); `score` becomes grade / 10 and the earlier score is
 * kept in `vectorScore`/`keywordScore`. An answer without one grade per passage throws STRUCTURED_OUTPUT_INVALID.
 */
export function llmReranker(options: LlmRerankerOptions): Reranker {
  if (!options || options.model === undefined) throw new LumosError('RETRIEVER_CONFIG_INVALID', 'llmReranker needs a `model`')
  const max = options.maxCandidates ?? 20
  const chars = options.maxPassageChars ?? 800
  return {
    async rerank(query, hits, { abortSignal }) {
      const head = hits.slice(0, max)
      const rest = hits.slice(max)
      if (head.length === 0) return hits
      const system =
        'You grade how well each passage answers the query, from 0 (irrelevant) to 10 (answers it fully). ' +
        `Answer with JSON only: {"scores": [one number per passage, in passage order]} — exactly ${head.length} numbers.`
      const user = `Query: ${query}\n\n` + head.map((h, i) => `Passage ${i + 1}:\n${h.text.slice(0, chars)}`).join('\n\n')
      const answer = await completeText(options.model, system, user, { abortSignal, json: true })
      const parsed = parseJsonAnswer(answer) as { scores?: unknown } | unknown[] | undefined
      const scores = Array.isArray(parsed) ? parsed : (parsed as { scores?: unknown } | undefined)?.scores
      if (!Array.isArray(scores) || scores.length !== head.length || !scores.every((s) => typeof s === 'number' && Number.isFinite(s))) {
        throw new LumosError('STRUCTURED_OUTPUT_INVALID', `llmReranker: expected ${head.length} numeric scores, got: ${answer.slice(0, 200)}`, { details: { text: answer } })
      }
      const graded = head.map((h, i) => ({ h, g: scores[i] as number, i }))
      graded.sort((a, b) => b.g - a.g || a.i - b.i)
      return [...graded.map(({ h, g }) => ({ ...h, score: g / 10 })), ...rest]
    },
  }
}
