import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import * as v from 'valibot'
import { createTool } from './index.js'
import { Agent } from '../agent/index.js'
import { MockModel } from '../test/index.js'

const execute = async () => 1

describe('createTool definition checks', () => {
  test('missing id', () => {
    expect(() => createTool({ description: 'x', execute } as never)).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID', message: expect.stringContaining('`id`') }))
  })
  test('missing description names the tool', () => {
    expect(() => createTool({ id: 'lookup', description: ' ', execute } as never)).toThrowError(
      expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID', message: expect.stringContaining("'lookup'"), details: { tool: 'lookup' } }),
    )
  })
  test('schema that is not a Standard Schema', () => {
    expect(() => createTool({ id: 'lookup', description: 'd', inputSchema: { type: 'object' } as never, execute })).toThrowError(
      expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID', message: expect.stringMatching(/'lookup'.*inputSchema/) }),
    )
    expect(() => createTool({ id: 'lookup', description: 'd', outputSchema: 42 as never, execute })).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID' }))
  })
  test('execute must be a function, timeoutMs positive', () => {
    expect(() => createTool({ id: 't', description: 'd' } as never)).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID' }))
    expect(() => createTool({ id: 't', description: 'd', execute, timeoutMs: 0 })).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID' }))
  })
  test('an unconvertible schema suggests inputJsonSchema; the override works', () => {
    const s = v.object({ when: v.date() })
    expect(() => createTool({ id: 'cal', description: 'd', inputSchema: s, execute })).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID', message: expect.stringContaining('inputJsonSchema') }))
    const t = createTool({ id: 'cal', description: 'd', inputSchema: s, inputJsonSchema: { type: 'object', properties: { when: { type: 'string', format: 'date-time' } } }, execute })
    expect(t.jsonSchema).toEqual({ type: 'object', properties: { when: { type: 'string', format: 'date-time' } } })
  })
  test('converts the input schema once and keeps it', () => {
    const t = createTool({ id: 'add', description: 'Add', inputSchema: z.object({ a: z.number() }), execute })
    expect(t.jsonSchema).toEqual({ type: 'object', properties: { a: { type: 'number' } }, required: ['a'] })
    expect(createTool(t)).toBe(t)
    const none = createTool({ id: 'now', description: 'Time', execute })
    expect(none.jsonSchema).toEqual({ type: 'object', properties: {}, additionalProperties: false })
  })
})

describe('Agent construction validates tools', () => {
  const model = new MockModel()
  test('a plain tool config without id is rejected, naming the key', () => {
    expect(() => new Agent({ id: 'a', model, tools: { search: { description: 'd', execute } as never } })).toThrowError(
      expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID', message: expect.stringContaining("'search'") }),
    )
  })
  test('a plain config with a bad schema is rejected', () => {
    expect(() => new Agent({ id: 'a', model, tools: { search: { id: 'search', description: 'd', inputSchema: {} as never, execute } } })).toThrowError(
      expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID', message: expect.stringContaining("'search'") }),
    )
  })
  test('non-object tool values', () => {
    expect(() => new Agent({ id: 'a', model, tools: { x: 1 as never } })).toThrowError(expect.objectContaining({ code: 'TOOL_DEFINITION_INVALID' }))
  })
  test('agent config errors', () => {
    expect(() => new Agent({ id: '', model })).toThrowError(expect.objectContaining({ code: 'AGENT_CONFIG_INVALID' }))
    expect(() => new Agent({ id: 'a' } as never)).toThrowError(expect.objectContaining({ code: 'AGENT_CONFIG_INVALID' }))
    const sub = new Agent({ id: 'sub', model })
    expect(() => new Agent({ id: 'a', model, tools: { sub: createTool({ id: 'sub', description: 'd', execute }) }, agents: { sub } })).toThrowError(expect.objectContaining({ code: 'AGENT_CONFIG_INVALID' }))
  })
})

test('tool JSON Schemas are converted once, not per call', async () => {
  const schema = z.object({ q: z.string() })
  let conversions = 0
  const std = schema['~standard'] as unknown as { jsonSchema: { input: (o: unknown) => unknown } }
  const original = std.jsonSchema.input
  const counted = { '~standard': { ...schema['~standard'], jsonSchema: { ...std.jsonSchema, input: (o: unknown) => (conversions++, original(o)) } } }
  const t = createTool({ id: 'q', description: 'q', inputSchema: counted as unknown as typeof schema, execute: () => 1 })
  const model = new MockModel({ repeatLast: true, responses: [{ text: 'x' }] })
  const agent = new Agent({ id: 'a', model, tools: { t } })
  for (let i = 0; i < 3; i++) await agent.generate('hi')
  expect(conversions).toBe(1)
  expect(model.calls[2].tools).toBe(model.calls[0].tools) // the same cached array every call
})
