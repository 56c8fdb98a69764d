import { LumosError } from '../errors.js'
import type { JsonSchema, StandardSchemaV1 } from './standard-schema.js'
import { isStandardSchema } from './standard-schema.js'
import { valibotToJsonSchema } from './valibot-json-schema.js'

/**
 * Standard Schema -> JSON Schema (draft-07, what model APIs accept), cached per schema object.
 * Order: the schema's own Standard JSON Schema hook (`~standard.jsonSchema`: zod >= 4.2, arktype,
 * `jsonSchema()`), then a built-in structural converter for valibot, else SCHEMA_CONVERSION_UNSUPPORTED
 * (fix: pass an explicit JSON Schema). No schema library is imported.
 */
const inputCache = new WeakMap<object, JsonSchema>()
const outputCache = new WeakMap<object, JsonSchema>()

export function toJsonSchema(schema: StandardSchemaV1, io: 'input' | 'output' = 'input'): JsonSchema {
  if (!isStandardSchema(schema)) {
    throw new LumosError('SCHEMA_INVALID', 'Expected a Standard Schema (an object with a `~standard` property, e.g. a zod or valibot schema).')
  }
  const cache = io === 'input' ? inputCache : outputCache
  const cached = cache.get(schema)
  if (cached) return cached
  const props = schema['~standard']
  let result: JsonSchema
  if (props.jsonSchema && typeof props.jsonSchema[io] === 'function') {
    try {
      result = props.jsonSchema[io]({ target: 'draft-07' })
    } catch (cause) {
      throw new LumosError('SCHEMA_CONVERSION_UNSUPPORTED', `The ${props.vendor} schema could not convert itself to JSON Schema: ${(cause as Error)?.message ?? cause}`, { cause, details: { vendor: props.vendor } })
    }
  } else if (props.vendor === 'valibot') {
    result = valibotToJsonSchema(schema)
  } else {
    throw new LumosError('SCHEMA_CONVERSION_UNSUPPORTED', `Schemas from '${props.vendor}' do not expose Standard JSON Schema (\`~standard.jsonSchema\`): pass an explicit JSON Schema.`, { details: { vendor: props.vendor } })
  }
  if ('$schema' in result) {
    // The draft marker costs prompt tokens and some providers reject it.
    const { $schema: _ignored, ...rest } = result
    result = rest
  }
  cache.set(schema, result)
  return result
}
