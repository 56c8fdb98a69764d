import { LumosError } from '../errors.js'
import type { ModelInput } from '../models/types.js'
import type { JsonObject, JsonValue } from '../storage/types.js'
import type { DocumentChunk } from './document.js'
import { completeText, parseJsonAnswer } from './llm-text.js'

export type MetadataField = 'title' | 'summary' | 'keywords' | 'questions'

export interface ExtractMetadataOptions {
  model: ModelInput
  /** Default: all four. title/summary are strings, keywords/questions arrays of strings. */
  fields?: MetadataField[]
  /** Write the fields under this metadata key instead of the top level (e.g. 'extracted'). */
  key?: string
  /** Model calls in flight at once (default 4). */
  concurrency?: number
  abortSignal?: AbortSignal
}

const FIELDS: Record<MetadataField, string> = {
  title: '"title": a short title (at most 10 words)',
  summary: '"summary": one or two sentences',
  keywords: '"keywords": 3 to 8 keywords, as an array of strings',
  questions: '"questions": up to 3 questions the text answers, as an array of strings',
}

/**
 * Asks a language model for title/summary/keywords/questions of each chunk (one call per chunk)
 * and returns new chunks with the fields added to their metadata (overriding keys of the same name,
 * or under `key`). An answer without valid JSON of the right types throws STRUCTURED_OUTPUT_INVALID.
 */
export async function extractMetadata(chunks: readonly DocumentChunk[], options: ExtractMetadataOptions): Promise<DocumentChunk[]> {
  const fields = options.fields ?? (['title', 'summary', 'keywords', 'questions'] as MetadataField[])
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => f in FIELDS)) {
    throw new LumosError('INVALID_ARGUMENT', `fields must be a non-empty list of ${Object.keys(FIELDS).join(', ')}`, { details: { option: 'fields' } })
  }
  const system =
    'You extract metadata from a text passage. Answer with one JSON object and nothing else, with exactly these keys:\n' +
    fields.map((f) => `- ${FIELDS[f]}`).join('\n') +
    '\nUse the language of the passage.'
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4))
  const out: DocumentChunk[] = new Array(chunks.length)
  let next = 0
  const worker = async () => {
    while (next < chunks.length) {
      const i = next++
      const c = chunks[i]
      const answer = await completeText(options.model, system, c.text, { abortSignal: options.abortSignal, json: true })
      const extracted = checkAnswer(parseJsonAnswer(answer), fields, c.id, answer)
      const metadata = options.key ? { ...c.metadata, [options.key]: extracted } : { ...c.metadata, ...extracted }
      out[i] = { ...c, metadata: metadata as DocumentChunk['metadata'] }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker))
  return out
}

function checkAnswer(value: unknown, fields: MetadataField[], chunkId: string, text: string): JsonObject {
  const fail = (why: string) => new LumosError('STRUCTURED_OUTPUT_INVALID', `metadata extraction for chunk "${chunkId}": ${why}`, { details: { chunkId, text } })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('the answer is not a JSON object')
  const v = value as Record<string, unknown>
  const out: JsonObject = {}
  for (const f of fields) {
    const x = v[f]
    if (f === 'title' || f === 'summary') {
      if (typeof x !== 'string') throw fail(`"${f}" must be a string`)
      out[f] = x.trim()
    } else {
      if (!Array.isArray(x) || !x.every((e) => typeof e === 'string')) throw fail(`"${f}" must be an array of strings`)
      out[f] = x.map((e: string) => e.trim()).filter((e) => e.length > 0) as JsonValue
    }
  }
  return out
}
