import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import * as v from 'valibot'
import { Agent } from './index.js'
import { createTool } from '../tools/index.js'
import { jsonSchema } from '../schema/index.js'
import { MockModel } from '../test/index.js'

const person = z.object({ name: z.string(), age: z.number().int() })

describe('structured output', () => {
  test('valid JSON -> typed object; responseFormat json carries the JSON Schema', async () => {
    const model = new MockModel({ responses: [{ text: '{"name":"Ada","age":36}' }] })
    const o = await new Agent({ id: 's', model }).generate('Who?', { structuredOutput: { schema: person, name: 'person' } })
    expect(o.object).toEqual({ name: 'Ada', age: 36 })
    const typed: { name: string; age: number } = o.object
    expect(typed.name).toBe('Ada')
    expect(model.calls[0].responseFormat).toEqual({
      type: 'json', name: 'person', description: undefined,
      schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } }, required: ['name', 'age'], additionalProperties: false },
    })
  })

  test('a ```json fence is tolerated', async () => {
    const model = new MockModel({ responses: [{ text: '```json\n{"name":"Ada","age":36}\n```' }] })
    const o = await new Agent({ id: 's', model }).generate('Who?', { structuredOutput: { schema: person } })
    expect(o.object).toEqual({ name: 'Ada', age: 36 })
  })

  test('one repair round sends the issues back', async () => {
    const model = new MockModel({ responses: [{ text: '{"name":"Ada","age":"36"}' }, { text: '{"name":"Ada","age":36}' }] })
    const o = await new Agent({ id: 's', model }).generate('Who?', { structuredOutput: { schema: person } })
    expect(o.object).toEqual({ name: 'Ada', age: 36 })
    expect(o.steps.map((s) => s.isRepair)).toEqual([false, true])
    const repair = model.calls[1].prompt
    expect(repair[repair.length - 2]).toEqual({ role: 'assistant', content: [{ type: 'text', text: '{"name":"Ada","age":"36"}' }] })
    const ask = repair[repair.length - 1] as { role: string; content: Array<{ text: string }> }
    expect(ask.role).toBe('user')
    expect(ask.content[0].text).toMatch(/^The JSON does not match the schema: age: .*number/)
  })

  test('still invalid after the repair -> STRUCTURED_OUTPUT_INVALID with the raw text', async () => {
    const model = new MockModel({ responses: [{ text: 'not json' }, { text: '{"name":1}' }] })
    await expect(new Agent({ id: 's', model }).generate('Who?', { structuredOutput: { schema: person } })).rejects.toMatchObject({
      code: 'STRUCTURED_OUTPUT_INVALID',
      details: { text: '{"name":1}', issues: expect.arrayContaining([expect.objectContaining({ path: 'name' })]) },
    })
    expect(model.calls).toHaveLength(2)
  })

  test('with tools: tools first, then the object; the repair call disables tools', async () => {
    const lookup = createTool({ id: 'lookup', description: 'l', execute: () => ({ age: 36 }) })
    const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'lookup', input: {} }] }, { text: '{"name":"Ada"}' }, { text: '{"name":"Ada","age":36}' }] })
    const o = await new Agent({ id: 's', model, tools: { lookup } }).generate('Who?', { structuredOutput: { schema: person } })
    expect(o.object).toEqual({ name: 'Ada', age: 36 })
    expect(model.calls[2].toolChoice).toEqual({ type: 'none' })
  })

  test('valibot and jsonSchema() schemas work too', async () => {
    const model = new MockModel({ responses: [{ text: '{"tags":["a"]}' }, { text: '{"q":"x"}' }] })
    const agent = new Agent({ id: 's', model })
    const a = await agent.generate('x', { structuredOutput: { schema: v.object({ tags: v.array(v.string()) }) } })
    expect(a.object).toEqual({ tags: ['a'] })
    expect(model.calls[0].responseFormat).toMatchObject({ schema: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } } })
    const b = await agent.generate('x', { structuredOutput: { schema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }) } })
    expect(b.object.q).toBe('x')
  })

  test('stopping at maxSteps before the answer is STRUCTURED_OUTPUT_INVALID', async () => {
    const lookup = createTool({ id: 'lookup', description: 'l', execute: () => 1 })
    const model = new MockModel({ repeatLast: true, responses: [{ toolCalls: [{ toolName: 'lookup', input: {} }] }] })
    await expect(new Agent({ id: 's', model, tools: { lookup } }).generate('x', { maxSteps: 2, structuredOutput: { schema: person } })).rejects.toMatchObject({ code: 'STRUCTURED_OUTPUT_INVALID', message: expect.stringContaining('maxSteps') })
  })

  test('a non-schema is rejected before any model call', async () => {
    const model = new MockModel()
    await expect(new Agent({ id: 's', model }).generate('x', { structuredOutput: { schema: {} as never } })).rejects.toMatchObject({ code: 'SCHEMA_INVALID' })
    expect(model.calls).toHaveLength(0)
  })
})
