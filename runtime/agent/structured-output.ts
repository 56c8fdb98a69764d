import type { LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { isStandardSchema } from '../schema/standard-schema.js'
import type { StandardSchemaV1 } from '../schema/standard-schema.js'
import { toJsonSchema } from '../schema/to-json-schema.js'
import { formatIssues, issuesToJson } from '../schema/validate.js'
import type { StructuredOutputOptions } from './types.js'

export type ResponseFormat = NonNullable<LanguageModelV3CallOptions['responseFormat']>

export function structuredResponseFormat(options: StructuredOutputOptions): ResponseFormat {
  if (!isStandardSchema(options.schema)) {
    throw new LumosError('SCHEMA_INVALID', '`structuredOutput.schema` is not a Standard Schema (use zod, valibot, or jsonSchema({...})).')
  }
  return { type: 'json', schema: options.jsonSchema ?? toJsonSchema(options.schema, 'output'), name: options.name, description: options.description }
}

export type ParsedOutput = { ok: true; value: unknown } | { ok: false; problem: string; issues?: Array<{ path: string; message: string }> }

const FENCE = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/

/** Parses the model's final text as JSON (tolerating a ``` fence) and validates it. */
export async function parseStructuredOutput(schema: StandardSchemaV1, text: string): Promise<ParsedOutput> {
  const fenced = FENCE.exec(text)
  let json: unknown
  try {
    json = JSON.parse(fenced ? fenced[1] : text)
  } catch (e) {
    return { ok: false, problem: `The response is not valid JSON (${(e as Error).message}).` }
  }
  const result = await schema['~standard'].validate(json)
  if (result.issues) return { ok: false, problem: `The JSON does not match the schema: ${formatIssues(result.issues)}.`, issues: issuesToJson(result.issues) }
  return { ok: true, value: result.value }
}

export function repairPrompt(problem: string): string {
  return `${problem}\nReply again with only the corrected JSON value that matches the required schema, without prose or code fences.`
}
