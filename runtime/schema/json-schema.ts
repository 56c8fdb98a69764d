import type { JsonSchema, StandardSchemaV1 } from './standard-schema.js'

/** A Standard Schema built from a plain JSON Schema: the escape hatch for any schema library. */
export interface JsonSchemaStandard<T = unknown> extends StandardSchemaV1<T, T> {
  readonly jsonSchema: JsonSchema
}

export interface JsonSchemaOptions<T> {
  /** Custom validation; defaults to a structural check of type/required/properties/items/enum. */
  validate?: (value: unknown) => StandardSchemaV1.Result<T> | Promise<StandardSchemaV1.Result<T>>
}

/**
 * Wraps a JSON Schema as a Standard Schema (vendor 'lumos') that also implements Standard JSON
 * Schema, so tools and structured output can use it like a zod schema.
 */
export function jsonSchema<T = unknown>(schema: JsonSchema, options: JsonSchemaOptions<T> = {}): JsonSchemaStandard<T> {
  const convert = () => schema
  const validate = options.validate ?? ((value: unknown) => {
    const issues: StandardSchemaV1.Issue[] = []
    checkValue(schema, value, [], issues)
    return issues.length > 0 ? { issues } : { value: value as T }
  })
  return {
    jsonSchema: schema,
    '~standard': { version: 1, vendor: 'lumos', validate, jsonSchema: { input: convert, output: convert } },
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

function matchesType(type: string, value: unknown): boolean {
  const actual = typeOf(value)
  if (type === 'integer') return Number.isInteger(value)
  return type === actual
}

/** Structural subset of JSON Schema validation: enough for tool inputs, not a full validator. */
function checkValue(schema: JsonSchema, value: unknown, path: PropertyKey[], issues: StandardSchemaV1.Issue[]): void {
  const type = schema.type as string | string[] | undefined
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type]
    if (!types.some((t) => matchesType(t, value))) {
      issues.push({ message: `Expected ${types.join(' | ')}, received ${typeOf(value)}`, path })
      return
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    issues.push({ message: `Expected one of ${JSON.stringify(schema.enum)}`, path })
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>
    for (const key of (schema.required ?? []) as string[]) {
      if (obj[key] === undefined) issues.push({ message: 'Required', path: [...path, key] })
    }
    for (const key of Object.keys(obj)) {
      if (props[key]) checkValue(props[key], obj[key], [...path, key], issues)
      else if (schema.additionalProperties === false) issues.push({ message: `Unknown property '${key}'`, path: [...path, key] })
    }
  } else if (Array.isArray(value) && schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items)) {
    for (let i = 0; i < value.length; i++) checkValue(schema.items as JsonSchema, value[i], [...path, i], issues)
  }
}
