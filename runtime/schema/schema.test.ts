import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import * as v from 'valibot'
import { formatIssues, jsonSchema, toJsonSchema, validateSchema } from './index.js'

describe('toJsonSchema', () => {
  test('zod 4 converts itself through ~standard.jsonSchema (draft-07, $schema stripped)', () => {
    const s = z.object({ a: z.number().describe('first'), b: z.string().optional() })
    expect(toJsonSchema(s)).toEqual({
      type: 'object',
      properties: { a: { type: 'number', description: 'first' }, b: { type: 'string' } },
      required: ['a'],
    })
  })

  test('is cached per schema object', () => {
    const s = z.object({ a: z.number() })
    expect(toJsonSchema(s)).toBe(toJsonSchema(s))
  })

  test('valibot converts structurally (objects, optionals, pipes, unions, arrays)', () => {
    const s = v.object({
      a: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('an a')),
      b: v.optional(v.string()),
      c: v.picklist(['x', 'y']),
      d: v.array(v.nullable(v.boolean())),
      e: v.union([v.literal(1), v.pipe(v.string(), v.minLength(2), v.email())]),
    })
    expect(toJsonSchema(s)).toEqual({
      type: 'object',
      properties: {
        a: { type: 'integer', minimum: 1, description: 'an a' },
        b: { type: 'string' },
        c: { enum: ['x', 'y'] },
        d: { type: 'array', items: { anyOf: [{ type: 'boolean' }, { type: 'null' }] } },
        e: { anyOf: [{ const: 1 }, { type: 'string', minLength: 2, format: 'email' }] },
      },
      required: ['a', 'c', 'd', 'e'],
      additionalProperties: false,
    })
  })

  test('unsupported valibot types name the path', () => {
    expect(() => toJsonSchema(v.object({ when: v.date() }))).toThrowError(expect.objectContaining({ code: 'SCHEMA_CONVERSION_UNSUPPORTED', details: expect.objectContaining({ path: 'when', type: 'date' }) }))
  })

  test('a vendor without a converter is SCHEMA_CONVERSION_UNSUPPORTED, a non-schema SCHEMA_INVALID', () => {
    const custom = { '~standard': { version: 1, vendor: 'acme', validate: (x: unknown) => ({ value: x }) } }
    expect(() => toJsonSchema(custom as never)).toThrowError(expect.objectContaining({ code: 'SCHEMA_CONVERSION_UNSUPPORTED' }))
    expect(() => toJsonSchema({} as never)).toThrowError(expect.objectContaining({ code: 'SCHEMA_INVALID' }))
  })
})

describe('jsonSchema()', () => {
  const s = jsonSchema<{ q: string; n?: number }>({ type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } }, required: ['q'], additionalProperties: false })

  test('converts to itself', () => {
    expect(toJsonSchema(s)).toEqual(s.jsonSchema)
  })

  test('validates structurally', async () => {
    expect(await validateSchema(s, { q: 'x', n: 2 })).toEqual({ value: { q: 'x', n: 2 } })
    const bad = (await validateSchema(s, { n: 1.5, z: 1 })) as { issues: never[] }
    expect(formatIssues(bad.issues)).toBe("q: Required; n: Expected integer, received number; z: Unknown property 'z'")
    expect(await validateSchema(s, 'nope')).toEqual({ issues: [{ message: 'Expected object, received string', path: [] }] })
  })

  test('a custom validate wins', async () => {
    const c = jsonSchema({ type: 'string' }, { validate: () => ({ issues: [{ message: 'never' }] }) })
    expect(await validateSchema(c, 'x')).toEqual({ issues: [{ message: 'never' }] })
  })
})

test('formatIssues joins paths and caps the count', () => {
  const issues = Array.from({ length: 12 }, (_, i) => ({ message: `m${i}`, path: [{ key: 'a' }, i] }))
  expect(formatIssues(issues, 2)).toBe('a.0: m0; a.1: m1; (10 more)')
})
