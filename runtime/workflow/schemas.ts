import type { StandardSchemaV1 } from '../schema/standard-schema.js'

/**
 * Minimal Standard Schemas for agent steps, so runtime/ needs no schema library:
 * `{ prompt: string }` in, `{ text: string }` out. They also convert to JSON Schema.
 */
export function stringObjectSchema<K extends string>(key: K): StandardSchemaV1<{ [P in K]: string }> & { toJSONSchema(): Record<string, unknown> } {
  return {
    '~standard': {
      version: 1,
      vendor: 'lumos',
      validate(value: unknown) {
        if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)[key] !== 'string') {
          return { issues: [{ message: `Expected an object with a string \`${key}\``, path: [key] }] }
        }
        return { value: value as { [P in K]: string } }
      },
      jsonSchema: {
        input: () => jsonSchemaFor(key),
        output: () => jsonSchemaFor(key),
      },
    },
    toJSONSchema: () => jsonSchemaFor(key),
  }
}

function jsonSchemaFor(key: string): Record<string, unknown> {
  return { type: 'object', properties: { [key]: { type: 'string' } }, required: [key], additionalProperties: false }
}
