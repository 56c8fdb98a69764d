import type { LanguageModelV3FunctionTool } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { StandardSchemaV1 } from '../schema/standard-schema.js'
import { toJsonSchema } from '../schema/to-json-schema.js'
import { formatIssues, issuesToJson } from '../schema/validate.js'
import type { Tool } from '../tools/tool.js'
import { createTool } from '../tools/tool.js'

export const WORKING_MEMORY_TOOL = 'updateWorkingMemory'

export interface WorkingMemorySpec {
  template: string | undefined
  schema: StandardSchemaV1 | undefined
}

const FIELD = /^[-*+]\s+(.+?:)/

/**
 * The template rule: the template's structural lines are its headings (`# ...`) and its field
 * lines (`- Label:`; the part up to and including the first colon is the label). A markdown
 * update is valid when every structural line appears, in the template's order, at the start of a
 * line of the update (headings whole, fields up to the colon); values, extra lines and extra
 * sections are free.
 */
export function templateSkeleton(template: string): string[] {
  const out: string[] = []
  for (const raw of template.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('#')) out.push(line)
    else {
      const m = FIELD.exec(line)
      if (m) out.push(`${line[0]} ${m[1].trim()}`)
    }
  }
  return out
}

/** Missing structural lines of `value` (empty = valid). */
export function checkTemplate(template: string, value: string): string[] {
  const lines = value.split('\n').map((l) => l.trim().replace(/^([-*+])\s+/, '$1 '))
  const missing: string[] = []
  let at = 0
  for (const want of templateSkeleton(template)) {
    let found = -1
    for (let i = at; i < lines.length; i++) {
      if (lines[i] === want || lines[i].startsWith(want)) {
        found = i
        break
      }
    }
    if (found < 0) missing.push(want)
    else at = found + 1
  }
  return missing
}

/** Validates an update; returns the string to store, or throws WORKING_MEMORY_INVALID. */
export async function validateWorkingMemory(spec: WorkingMemorySpec, input: unknown): Promise<string> {
  const memory = typeof input === 'object' && input !== null ? (input as { memory?: unknown }).memory : undefined
  if (spec.schema !== undefined) {
    let value = memory
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value)
      } catch {
        // validated as the string it is below
      }
    }
    let r = spec.schema['~standard'].validate(value)
    if (r instanceof Promise) r = await r
    if ((r as StandardSchemaV1.FailureResult).issues) {
      const issues = (r as StandardSchemaV1.FailureResult).issues
      throw new LumosError('WORKING_MEMORY_INVALID', `Working memory update rejected: ${formatIssues(issues)}. Call ${WORKING_MEMORY_TOOL} again with { memory: <the complete object> } matching the schema.`, {
        details: { issues: issuesToJson(issues) },
      })
    }
    return JSON.stringify((r as StandardSchemaV1.SuccessResult<unknown>).value)
  }
  const template = spec.template as string
  if (typeof memory !== 'string' || memory.trim() === '') {
    throw new LumosError('WORKING_MEMORY_INVALID', `Working memory update rejected: \`memory\` must be the complete markdown text. Call ${WORKING_MEMORY_TOOL} again.`, {
      details: { issues: [{ path: 'memory', message: 'Expected a non-empty string' }] },
    })
  }
  const missing = checkTemplate(template, memory)
  if (missing.length > 0) {
    throw new LumosError(
      'WORKING_MEMORY_INVALID',
      `Working memory update rejected: keep every heading and field line of the template, in order; missing: ${missing.map((m) => JSON.stringify(m)).join(', ')}. Call ${WORKING_MEMORY_TOOL} again with the complete memory.`,
      { details: { issues: missing.map((m) => ({ path: 'memory', message: `missing line ${JSON.stringify(m)}` })) } },
    )
  }
  return memory
}

/** The system message that shows the model its working memory and how to update it. */
export function workingMemoryInstructions(spec: WorkingMemorySpec, value: string | null): string {
  const head =
    `You have a working memory: facts about the user and the task that persist across turns and conversations. ` +
    `When you learn something worth remembering (name, preferences, goals, decisions), call the \`${WORKING_MEMORY_TOOL}\` tool with the COMPLETE new memory; it replaces the old one. ` +
    `Do not mention the working memory to the user.`
  if (spec.schema !== undefined) {
    return `${head}\nThe memory is a JSON object matching this JSON Schema:\n${JSON.stringify(toJsonSchema(spec.schema))}\n<working_memory>\n${value ?? '(empty)'}\n</working_memory>`
  }
  return `${head}\nThe memory is markdown: keep every heading and "- Field:" line of the template and fill in the values after the colons.\n<working_memory>\n${value ?? spec.template}\n</working_memory>`
}

/** The built-in tool; `onUpdate` receives the validated value (written in the turn's batch). */
export function createWorkingMemoryTool(spec: WorkingMemorySpec, onUpdate: (value: string) => void): { tool: Tool; definition: LanguageModelV3FunctionTool } {
  const memorySchema = spec.schema !== undefined ? toJsonSchema(spec.schema) : { type: 'string', description: 'The complete working memory as markdown, following the template.' }
  const jsonSchema = { type: 'object', properties: { memory: memorySchema }, required: ['memory'], additionalProperties: false }
  const tool = createTool({
    id: WORKING_MEMORY_TOOL,
    description: 'Replace the working memory (persistent facts about the user and task) with a complete new version.',
    inputJsonSchema: jsonSchema,
    execute: async (input: unknown) => {
      const value = await validateWorkingMemory(spec, input)
      onUpdate(value)
      return 'Working memory updated.'
    },
  })
  return { tool, definition: { type: 'function', name: WORKING_MEMORY_TOOL, description: tool.description, inputSchema: jsonSchema as never } }
}
