import { LumosError } from '../errors.js'
import type { JsonSchema } from './standard-schema.js'

/**
 * Structural JSON Schema conversion for valibot schemas (valibot has no built-in converter and
 * @valibot/to-json-schema is an extra dependency). Valibot schemas are plain objects
 * (`type`, `entries`, `item`, `wrapped`, `options`, `pipe`), so reading them needs no import.
 * Covers the types tool inputs use; anything else throws SCHEMA_CONVERSION_UNSUPPORTED, whose fix is
 * to pass an explicit JSON Schema (`inputJsonSchema`).
 */
interface ValibotNode {
  type: string
  entries?: Record<string, ValibotNode>
  item?: ValibotNode
  items?: ValibotNode[]
  wrapped?: ValibotNode
  options?: unknown[]
  literal?: unknown
  key?: ValibotNode | string
  value?: ValibotNode
  rest?: ValibotNode
  pipe?: Array<{ kind: string; type: string; requirement?: unknown; description?: string; title?: string }>
}

export function valibotToJsonSchema(schema: unknown): JsonSchema {
  return convert(schema as ValibotNode, '')
}

function convert(node: ValibotNode, path: string): JsonSchema {
  let out: JsonSchema
  switch (node.type) {
    case 'string': out = { type: 'string' }; break
    case 'number': out = { type: 'number' }; break
    case 'bigint': out = { type: 'integer' }; break
    case 'boolean': out = { type: 'boolean' }; break
    case 'null': out = { type: 'null' }; break
    case 'any': case 'unknown': out = {}; break
    case 'literal': out = { const: node.literal }; break
    case 'picklist': case 'enum': out = { enum: node.options }; break
    case 'object': case 'strict_object': case 'loose_object': case 'object_with_rest': {
      const properties: Record<string, JsonSchema> = {}
      const required: string[] = []
      for (const key of Object.keys(node.entries ?? {})) {
        const child = node.entries![key]
        properties[key] = convert(child, path ? `${path}.${key}` : key)
        if (child.type !== 'optional' && child.type !== 'nullish' && child.type !== 'exact_optional') required.push(key)
      }
      out = { type: 'object', properties, required }
      if (node.type === 'object_with_rest' && node.rest) out.additionalProperties = convert(node.rest, path)
      else if (node.type !== 'loose_object') out.additionalProperties = false
      break
    }
    case 'array': out = { type: 'array', items: convert(node.item!, path + '[]') }; break
    case 'tuple': case 'strict_tuple': case 'loose_tuple':
      out = { type: 'array', items: node.items!.map((n, i) => convert(n, `${path}[${i}]`)), minItems: node.items!.length }
      break
    case 'record': out = { type: 'object', additionalProperties: convert(node.value!, path) }; break
    case 'optional': case 'exact_optional': out = convert(node.wrapped!, path); break
    case 'nullable': case 'nullish': out = { anyOf: [convert(node.wrapped!, path), { type: 'null' }] }; break
    case 'union': case 'variant': out = { anyOf: (node.options as ValibotNode[]).map((n) => convert(n, path)) }; break
    default:
      throw new LumosError('SCHEMA_CONVERSION_UNSUPPORTED', `valibot schema type '${node.type}'${path ? ` at '${path}'` : ''} has no JSON Schema conversion: pass an explicit JSON Schema.`, { details: { vendor: 'valibot', type: node.type, path } })
  }
  if (node.pipe) applyPipe(out, node.pipe)
  return out
}

function applyPipe(out: JsonSchema, pipe: NonNullable<ValibotNode['pipe']>): void {
  for (const action of pipe) {
    const r = action.requirement
    switch (action.type) {
      case 'description': out.description = action.description; break
      case 'title': out.title = action.title; break
      case 'integer': out.type = 'integer'; break
      case 'min_value': out.minimum = r; break
      case 'max_value': out.maximum = r; break
      case 'min_length': out[out.type === 'array' ? 'minItems' : 'minLength'] = r; break
      case 'max_length': out[out.type === 'array' ? 'maxItems' : 'maxLength'] = r; break
      case 'length': out[out.type === 'array' ? 'minItems' : 'minLength'] = r; out[out.type === 'array' ? 'maxItems' : 'maxLength'] = r; break
      case 'email': out.format = 'email'; break
      case 'url': out.format = 'uri'; break
      case 'uuid': out.format = 'uuid'; break
      case 'iso_date_time': case 'iso_timestamp': out.format = 'date-time'; break
      case 'iso_date': out.format = 'date'; break
      case 'regex': if (r instanceof RegExp) out.pattern = r.source; break
    }
  }
}
