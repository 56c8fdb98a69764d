import type { LanguageModelV3 } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { isStandardSchema, type StandardSchemaV1 } from '../schema/standard-schema.js'
import type { MemoryOptions } from './types.js'

/** Options with defaults applied (internal). */
export interface ResolvedMemoryOptions {
  lastMessages: number
  maxTokens: number | undefined
  recall: { topK: number; before: number; after: number; scope: 'thread' | 'resource'; compactEvery: number; quantization: 'int8' | 'none' } | undefined
  workingMemory: { template: string | undefined; schema: StandardSchemaV1 | undefined; scope: 'thread' | 'resource' } | undefined
  title: { model: LanguageModelV3 | undefined; instructions: string | undefined } | undefined
  maxToolOutputChars: number
}

function invalid(message: string, path: string): LumosError {
  return new LumosError('MEMORY_CONFIG_INVALID', `Memory: ${message}`, { details: { path } })
}

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(`\`${path}\` must be an integer from ${min} to ${max}, got ${String(value)}.`, path)
  return value
}

export function resolveMemoryOptions(o: MemoryOptions | undefined, hasEmbedder: boolean): ResolvedMemoryOptions {
  if (o !== undefined && (typeof o !== 'object' || o === null)) throw invalid('`options` must be an object.', 'options')
  o ??= {}
  const lastMessages = o.lastMessages === undefined ? 20 : int(o.lastMessages, 'lastMessages', 0, 1000)
  let maxTokens: number | undefined
  if (o.messageHistory !== undefined) {
    if (typeof o.messageHistory !== 'object' || o.messageHistory === null) throw invalid('`messageHistory` must be an object.', 'messageHistory')
    if (o.messageHistory.maxTokens !== undefined) maxTokens = int(o.messageHistory.maxTokens, 'messageHistory.maxTokens', 1, 100_000_000)
  }
  let recall: ResolvedMemoryOptions['recall']
  if (o.semanticRecall !== undefined && o.semanticRecall !== false) {
    const r = o.semanticRecall === true ? {} : o.semanticRecall
    if (typeof r !== 'object' || r === null) throw invalid('`semanticRecall` must be true or an object.', 'semanticRecall')
    if (!hasEmbedder) throw invalid('`semanticRecall` needs an `embedder` (an AI SDK embedding model).', 'embedder')
    const range = r.messageRange ?? { before: 1, after: 1 }
    const before = typeof range === 'number' ? range : (range.before ?? 1)
    const after = typeof range === 'number' ? range : (range.after ?? 1)
    const scope = r.scope ?? 'thread'
    if (scope !== 'thread' && scope !== 'resource') throw invalid(`\`semanticRecall.scope\` must be 'thread' or 'resource', got ${String(scope)}.`, 'semanticRecall.scope')
    recall = {
      topK: int(r.topK ?? 4, 'semanticRecall.topK', 1, 100),
      before: int(before, 'semanticRecall.messageRange.before', 0, 20),
      after: int(after, 'semanticRecall.messageRange.after', 0, 20),
      scope,
      compactEvery: int(r.compactEvery ?? 64, 'semanticRecall.compactEvery', 1, 100_000),
      quantization: quantization(r.quantization),
    }
  }
  let workingMemory: ResolvedMemoryOptions['workingMemory']
  const w = o.workingMemory
  if (w !== undefined) {
    if (typeof w !== 'object' || w === null || typeof w.enabled !== 'boolean') throw invalid('`workingMemory` must be { enabled: boolean, template? | schema?, scope? }.', 'workingMemory')
    if (w.enabled) {
      if (w.template !== undefined && w.schema !== undefined) throw invalid('`workingMemory` takes a `template` or a `schema`, not both.', 'workingMemory')
      if (w.template !== undefined && (typeof w.template !== 'string' || w.template.trim() === '')) throw invalid('`workingMemory.template` must be a non-empty markdown string.', 'workingMemory.template')
      if (w.schema !== undefined && !isStandardSchema(w.schema)) throw invalid('`workingMemory.schema` must be a Standard Schema (zod, valibot, jsonSchema()).', 'workingMemory.schema')
      const scope = w.scope ?? 'resource'
      if (scope !== 'thread' && scope !== 'resource') throw invalid(`\`workingMemory.scope\` must be 'thread' or 'resource', got ${String(scope)}.`, 'workingMemory.scope')
      workingMemory = { template: w.schema === undefined ? (w.template ?? DEFAULT_TEMPLATE) : undefined, schema: w.schema, scope }
    }
  }
  let title: ResolvedMemoryOptions['title']
  if (o.generateTitle !== undefined && o.generateTitle !== false) {
    const t = o.generateTitle === true ? {} : o.generateTitle
    if (typeof t !== 'object' || t === null) throw invalid('`generateTitle` must be a boolean or { model? }.', 'generateTitle')
    if (t.model !== undefined && (typeof t.model !== 'object' || t.model === null || typeof (t.model as LanguageModelV3).doGenerate !== 'function')) {
      throw invalid('`generateTitle.model` must be a LanguageModelV3 object.', 'generateTitle.model')
    }
    title = { model: t.model, instructions: t.instructions }
  }
  const maxToolOutputChars = o.maxToolOutputChars === undefined ? 8000 : int(o.maxToolOutputChars, 'maxToolOutputChars', 100, 100_000_000)
  return { lastMessages, maxTokens, recall, workingMemory, title, maxToolOutputChars }
}

function quantization(q: unknown): 'int8' | 'none' {
  if (q === undefined) return 'int8'
  if (q !== 'int8' && q !== 'none') throw invalid(`\`semanticRecall.quantization\` must be 'int8' or 'none', got ${String(q)}.`, 'semanticRecall.quantization')
  return q
}

export const DEFAULT_TEMPLATE = `# User
- Name:
- Preferences:
- Goals:
`
