import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { Agent } from '../agent/index.js'
import { createTool } from '../tools/index.js'
import { MockModel } from '../test/index.js'
import { createInMemoryTracer, createOtlpHttpExporter, noopTracer } from './index.js'

const add = createTool({ id: 'add', description: 'Add', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => a + b })
const fail = createTool({ id: 'fail', description: 'Fails', execute: () => { throw new Error('nope') } })
const roundTrip = () => new MockModel({ modelId: 'gpt-test', provider: 'mock.chat', responses: [{ toolCalls: [{ toolName: 'add', input: { a: 2, b: 3 } }, { toolName: 'fail', input: {} }], usage: { inputTokens: 11, outputTokens: 7 } }, { text: '5', usage: { inputTokens: 20, outputTokens: 1 } }] })

describe('in-memory tracer', () => {
  test('a run yields agent, model-call and tool-call spans with usage and explicit parents', async () => {
    const tracer = createInMemoryTracer()
    await new Agent({ id: 'math', name: 'Math', model: roundTrip(), tools: { add, fail }, tracer }).generate('2+3')
    expect(tracer.spans.map((s) => s.name).sort()).toEqual(['chat gpt-test', 'chat gpt-test', 'execute_tool add', 'execute_tool fail', 'invoke_agent Math'])
    const [run] = tracer.find('invoke_agent Math')
    const chats = tracer.find('chat gpt-test')
    const [toolAdd] = tracer.find('execute_tool add')
    const [toolFail] = tracer.find('execute_tool fail')
    expect(run.parentSpanId).toBeUndefined()
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(run.spanId).toMatch(/^[0-9a-f]{16}$/)
    for (const s of [...chats, toolAdd, toolFail]) expect(s.traceId).toBe(run.traceId)
    expect(chats.map((c) => c.parentSpanId)).toEqual([run.spanId, run.spanId])
    expect(toolAdd.parentSpanId).toBe(chats[0].spanId)
    expect(chats[0].attributes).toMatchObject({ 'gen_ai.system': 'mock.chat', 'gen_ai.request.model': 'gpt-test', 'gen_ai.usage.input_tokens': 11, 'gen_ai.usage.output_tokens': 7, 'gen_ai.response.finish_reasons': ['tool-calls'] })
    expect(run.attributes).toMatchObject({ 'gen_ai.agent.id': 'math', 'lumos.steps': 2, 'gen_ai.usage.input_tokens': 31, 'gen_ai.usage.output_tokens': 8, 'lumos.finish_reason': 'stop' })
    expect(toolAdd.attributes).toMatchObject({ 'gen_ai.tool.name': 'add' })
    expect(toolAdd.status.code).toBe('unset')
    expect(toolFail.status).toEqual({ code: 'error', message: "Tool 'fail' failed: nope" })
    expect(toolFail.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': "Tool 'fail' failed: nope", 'lumos.error.code': 'TOOL_EXECUTION_FAILED' } })
    expect(BigInt(run.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(run.startTimeUnixNano))
    expect(run.startTimeUnixNano).toMatch(/^\d{19}$/)
  })

  test('a failed run records the error on the agent span; a parentSpan option nests the run', async () => {
    const tracer = createInMemoryTracer()
    const outer = tracer.startSpan('http request')
    await expect(new Agent({ id: 'x', model: new MockModel({ responses: [{ error: new Error('down') }] }) }).generate('x', { tracer, parentSpan: outer })).rejects.toMatchObject({ code: 'AGENT_MODEL_ERROR' })
    outer.end()
    const [run] = tracer.find('invoke_agent x')
    expect(run.parentSpanId).toBe(outer.spanId)
    expect(run.status.code).toBe('error')
    expect(tracer.find('chat mock-model')[0].status.code).toBe('error')
  })

  test('the default tracer is a no-op', () => {
    const span = noopTracer.startSpan('x')
    span.setAttribute('a', 1)
    span.end()
    expect(noopTracer.startSpan('y')).toBe(span)
  })
})

describe('OTLP/HTTP JSON exporter', () => {
  const received: Array<{ url: string; headers: Record<string, unknown>; body: any }> = []
  let status = 200
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      received.push({ url: req.url!, headers: req.headers, body: JSON.parse(data) })
      res.statusCode = status
      res.end(status === 200 ? '{}' : 'bad things')
    })
  })
  let url = ''
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  test('posts resourceSpans/scopeSpans/spans with hex ids and nanosecond strings', async () => {
    received.length = 0
    status = 200
    const exporter = createOtlpHttpExporter({ url, headers: { authorization: 'Bearer t' }, serviceName: 'my-worker' })
    await new Agent({ id: 'math', model: roundTrip(), tools: { add, fail }, tracer: exporter }).generate('2+3')
    expect(received).toHaveLength(0) // batched until flush
    expect(exporter.pending).toBe(5)
    await exporter.flush()
    expect(exporter.pending).toBe(0)
    expect(received).toHaveLength(1)
    const { body, headers } = received[0]
    expect(received[0].url).toBe('/v1/traces')
    expect(headers['content-type']).toBe('application/json')
    expect(headers.authorization).toBe('Bearer t')
    const rs = body.resourceSpans[0]
    expect(rs.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'my-worker' } })
    expect(rs.scopeSpans[0].scope.name).toBe('lumosai')
    const spans = rs.scopeSpans[0].spans
    expect(spans).toHaveLength(5)
    const run = spans.find((s: any) => s.name === 'invoke_agent math')
    const chat = spans.find((s: any) => s.name === 'chat gpt-test')
    const failed = spans.find((s: any) => s.name === 'execute_tool fail')
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(run.spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(run.parentSpanId).toBeUndefined()
    expect(chat.parentSpanId).toBe(run.spanId)
    expect(typeof run.startTimeUnixNano).toBe('string')
    expect(run.startTimeUnixNano).toMatch(/^\d{19}$/)
    expect(Math.abs(Number(BigInt(run.startTimeUnixNano) / 1_000_000n) - Date.now())).toBeLessThan(60_000)
    expect(chat.attributes).toContainEqual({ key: 'gen_ai.usage.input_tokens', value: { intValue: '11' } })
    expect(chat.attributes).toContainEqual({ key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: 'tool-calls' }] } } })
    expect(failed.status).toEqual({ code: 2, message: "Tool 'fail' failed: nope" })
    expect(failed.events[0].name).toBe('exception')
    expect(run.status).toEqual({ code: 0 })
    await exporter.flush() // nothing pending: no request
    expect(received).toHaveLength(1)
  })

  test('batchSize triggers a background export', async () => {
    received.length = 0
    status = 200
    const exporter = createOtlpHttpExporter({ url, batchSize: 2 })
    for (let i = 0; i < 5; i++) exporter.startSpan(`s${i}`).end()
    await exporter.flush()
    expect(received.map((r) => r.body.resourceSpans[0].scopeSpans[0].spans.length)).toEqual([2, 2, 1])
  })

  test('HTTP errors: flush rejects with TRACING_EXPORT_FAILED; background errors go to onError', async () => {
    status = 500
    const exporter = createOtlpHttpExporter({ url })
    exporter.startSpan('x').end()
    await expect(exporter.flush()).rejects.toMatchObject({ code: 'TRACING_EXPORT_FAILED', details: { status: 500, body: 'bad things' } })
    const errors: unknown[] = []
    const bg = createOtlpHttpExporter({ url, batchSize: 1, onError: (e) => errors.push(e) })
    bg.startSpan('y').end()
    await bg.flush()
    expect(errors).toEqual([expect.objectContaining({ code: 'TRACING_EXPORT_FAILED' })])
    status = 200
    const down = createOtlpHttpExporter({ url: 'http://127.0.0.1:1/v1/traces' })
    down.startSpan('z').end()
    await expect(down.flush()).rejects.toMatchObject({ code: 'TRACING_EXPORT_FAILED' })
  })

  test('an injected fetch is used', async () => {
    const calls: string[] = []
    const exporter = createOtlpHttpExporter({ url: 'https://collector.example/v1/traces', fetch: async (input) => { calls.push(String(input)); return new Response('{}') } })
    exporter.startSpan('x').end()
    await exporter.flush()
    expect(calls).toEqual(['https://collector.example/v1/traces'])
  })
})
