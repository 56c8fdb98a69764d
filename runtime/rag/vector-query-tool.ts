import { LumosError } from '../errors.js'
import type { JsonObject } from '../storage/types.js'
import { jsonSchema } from '../schema/json-schema.js'
import { createTool, type Tool } from '../tools/tool.js'
import type { BuildContextOptions, Citation } from './context.js'
import type { MetadataFilter } from './filter-types.js'
import type { Retriever, RetrievalMode } from './retriever.js'

export interface VectorQueryToolOptions {
  retriever: Retriever
  /** Default 'search_knowledge_base'. */
  id?: string
  description?: string
  /** Passages per call (default 5). */
  topK?: number
  mode?: RetrievalMode
  /** Applied to every call (the model cannot widen it). */
  filter?: MetadataFilter
  /** Let the model pass its own metadata filter (ANDed with `filter`); default false. */
  allowModelFilter?: boolean
  /** Token budget of the returned context (default 1500). */
  maxTokens?: number
  order?: BuildContextOptions['order']
}

export interface VectorQueryToolInput {
  query: string
  filter?: MetadataFilter
}

export interface VectorQueryToolOutput {
  /** Numbered passages and a source list, ready to quote as [n]. */
  context: string
  citations: Citation[]
}

/** A tool an agent calls to search the knowledge base; returns cited passages. */
export function createVectorQueryTool(options: VectorQueryToolOptions): Tool<VectorQueryToolInput, VectorQueryToolOutput> {
  const { retriever } = options
  if (!retriever || typeof retriever.query !== 'function') throw new LumosError('RETRIEVER_CONFIG_INVALID', 'createVectorQueryTool needs `retriever` (a Retriever)')
  const properties: JsonObject = { query: { type: 'string', description: 'What to look up, as a natural-language question or keywords.' } }
  if (options.allowModelFilter) properties.filter = { type: 'object', description: 'Optional metadata filter (MongoDB-style: { field: value }, $eq $ne $gt $gte $lt $lte $in $nin $exists $contains $and $or $not).' }
  return createTool({
    id: options.id ?? 'search_knowledge_base',
    description: options.description ?? 'Searches the knowledge base and returns relevant passages with numbered sources. Cite them as [n].',
    inputSchema: jsonSchema<VectorQueryToolInput>({ type: 'object', properties, required: ['query'], additionalProperties: false }),
    async execute(input, ctx) {
      const filter = combine(options.filter, options.allowModelFilter ? input.filter : undefined)
      const hits = await retriever.query(input.query, { topK: options.topK ?? 5, mode: options.mode, filter, abortSignal: ctx.abortSignal })
      const c = retriever.buildContext(hits, { maxTokens: options.maxTokens ?? 1500, order: options.order })
      return { context: c.text || 'No relevant passages found.', citations: c.citations }
    },
  })
}

function combine(a: MetadataFilter | undefined, b: MetadataFilter | undefined): MetadataFilter | undefined {
  if (a && b) return { $and: [a, b] }
  return a ?? b
}

export interface RetrievalContextOptions {
  topK?: number
  mode?: RetrievalMode
  filter?: MetadataFilter
  maxTokens?: number
  order?: BuildContextOptions['order']
  /** Only hits with at least this score are used (default: all); mind that scores differ by mode. */
  minScore?: number
  /** Text before the passages (default explains how to cite). */
  preamble?: string
}

/**
 * For automatic context injection: returns `(userText) => Promise<string>` producing a system-message
 * text with the retrieved, cited passages (empty string when nothing relevant was found).
 */
export function createRetrievalContext(retriever: Retriever, options: RetrievalContextOptions = {}): (userText: string, opts?: { abortSignal?: AbortSignal }) => Promise<string> {
  if (!retriever || typeof retriever.query !== 'function') throw new LumosError('RETRIEVER_CONFIG_INVALID', 'createRetrievalContext needs a Retriever')
  const preamble = options.preamble ?? 'Use the following retrieved passages when they are relevant to the user. Cite them as [n]; say so if they do not contain the answer.'
  return async (userText, opts = {}) => {
    if (typeof userText !== 'string' || userText.trim().length === 0) return ''
    let hits = await retriever.query(userText, { topK: options.topK ?? 5, mode: options.mode, filter: options.filter, abortSignal: opts.abortSignal })
    if (options.minScore !== undefined) hits = hits.filter((h) => h.score >= options.minScore!)
    if (hits.length === 0) return ''
    const c = retriever.buildContext(hits, { maxTokens: options.maxTokens ?? 1500, order: options.order })
    return c.text ? `${preamble}\n\n${c.text}` : ''
  }
}
