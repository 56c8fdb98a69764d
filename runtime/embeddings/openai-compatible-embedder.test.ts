import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { embedMany } from './embed.js'
import { openaiCompatibleEmbedder } from './openai-compatible-embedder.js'

// A local OpenAI-compatible /embeddings server: each value is embedded as [length, charCode(0), 1]
// (deterministic, so tests check exact vectors); `handler` overrides the answer per test.
interface Seen {
  path: string
  headers: IncomingMessage['headers']
  body: any
}
let seen: Seen[] = []
let handler: ((body: any, res: ServerResponse) => boolean) | undefined
let base = ''
const server = createServer(async (req, res) => {
  let raw = ''
  for await (const chunk of req) raw += chunk
  const body = raw ? JSON.parse(raw) : undefined
  seen.push({ path: req.url ?? '', headers: req.headers, body })
  if (handler?.(body, res)) return
  if (req.url !== '/v1/embeddings') {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no route' } }))
    return
  }
  if (req.headers.authorization !== 'Bearer sk-test') {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }))
    return
  }
  const data = (body.input as string[]).map((text, index) => ({ object: 'embedding', index, embedding: [text.length, text.charCodeAt(0) || 0, 1].slice(0, body.dimensions ?? 3) }))
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: data.reverse(), model: body.model, usage: { prompt_tokens: 7, total_tokens: 7 } }))
})

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  seen = []
  handler = undefined
})

const embedder = (extra: Partial<Parameters<typeof openaiCompatibleEmbedder>[0]> = {}) =>
  openaiCompatibleEmbedder({ baseURL: `${base}/`, apiKey: 'sk-test', model: 'text-embedding-3-small', ...extra })

describe('openaiCompatibleEmbedder', () => {
  it('is a spec v3 embedding model that posts to /embeddings and orders results by index', async () => {
    const m = embedder({ headers: { 'x-extra': '1' } })
    expect(m).toMatchObject({ specificationVersion: 'v3', provider: 'openai-compatible', modelId: 'text-embedding-3-small', maxEmbeddingsPerCall: 2048 })
    const r = await m.doEmbed({ values: ['hello', 'ab', ''] })
    expect(r.embeddings).toEqual([[5, 104, 1], [2, 97, 1], [0, 0, 1]])
    expect(r.usage).toEqual({ tokens: 7 })
    expect(r.warnings).toEqual([])
    expect(seen).toHaveLength(1)
    expect(seen[0].path).toBe('/v1/embeddings')
    expect(seen[0].body).toEqual({ model: 'text-embedding-3-small', input: ['hello', 'ab', ''], encoding_format: 'float' })
    expect(seen[0].headers).toMatchObject({ authorization: 'Bearer sk-test', 'content-type': 'application/json', 'x-extra': '1' })
  })

  it('sends dimensions and provider options, and makes no request for no values', async () => {
    const m = embedder({ dimensions: 2 })
    const r = await m.doEmbed({ values: ['xyz'], providerOptions: { 'openai-compatible': { user: 'u1' } }, headers: { 'x-call': 'c' } })
    expect(r.embeddings).toEqual([[3, 120]])
    expect(seen[0].body).toEqual({ user: 'u1', model: 'text-embedding-3-small', input: ['xyz'], encoding_format: 'float', dimensions: 2 })
    expect(seen[0].headers['x-call']).toBe('c')
    expect((await m.doEmbed({ values: [] })).embeddings).toEqual([])
    expect(seen).toHaveLength(1)
  })

  it('works through embedMany in batches of maxEmbeddingsPerCall', async () => {
    const values = Array.from({ length: 7 }, (_, i) => 'x'.repeat(i + 1))
    const r = await embedMany(embedder({ maxEmbeddingsPerCall: 3 }), values)
    expect(seen.map((s) => s.body.input.length)).toEqual([3, 3, 1])
    expect(r.dimensions).toBe(3)
    expect(r.embeddings.map((v) => v[0])).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(r.tokens).toBe(21)
  })

  it('plugs into the AI SDK embedMany unchanged', async () => {
    const { embedMany: aiEmbedMany } = await import('ai')
    const r = await aiEmbedMany({ model: embedder(), values: ['abc', 'z'], maxRetries: 0 })
    expect(r.embeddings).toEqual([[3, 97, 1], [1, 122, 1]])
    expect(r.usage.tokens).toBe(7)
  })

  it('decodes base64 float32 embeddings', async () => {
    handler = (body, res) => {
      const b64 = Buffer.from(new Float32Array([0.5, -2, 3.25]).buffer).toString('base64')
      res.writeHead(200).end(JSON.stringify({ data: body.input.map((_: string, index: number) => ({ index, embedding: b64 })) }))
      return true
    }
    expect((await embedder().doEmbed({ values: ['a'] })).embeddings).toEqual([[0.5, -2, 3.25]])
  })

  it('401 → MODEL_AUTH_FAILED naming the env var; 429 → MODEL_RATE_LIMITED; 500 → retryable MODEL_HTTP_ERROR', async () => {
    await expect(embedder({ apiKey: 'wrong', envVarName: 'OPENAI_API_KEY' }).doEmbed({ values: ['a'] })).rejects.toMatchObject({
      code: 'MODEL_AUTH_FAILED',
      message: expect.stringContaining('OPENAI_API_KEY'),
      details: { status: 401 },
    })
    handler = (_b, res) => (res.writeHead(429, { 'retry-after': '2' }).end('{"error":{"message":"slow down"}}'), true)
    await expect(embedder().doEmbed({ values: ['a'] })).rejects.toMatchObject({ code: 'MODEL_RATE_LIMITED', details: { status: 429, retryAfterMs: 2000 } })
    handler = (_b, res) => (res.writeHead(500).end('boom'), true)
    await expect(embedder().doEmbed({ values: ['a'] })).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', details: { status: 500, retryable: true } })
    handler = (_b, res) => (res.writeHead(400).end('{"error":{"message":"bad model"}}'), true)
    await expect(embedder().doEmbed({ values: ['a'] })).rejects.toMatchObject({ code: 'MODEL_HTTP_ERROR', message: expect.stringContaining('bad model'), details: { status: 400, retryable: false } })
  })

  it('an unreachable server → MODEL_NETWORK_ERROR; an abort rethrows the reason', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    await expect(openaiCompatibleEmbedder({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm' }).doEmbed({ values: ['a'] })).rejects.toMatchObject({
      code: 'MODEL_NETWORK_ERROR',
      details: { retryable: true },
    })
    const controller = new AbortController()
    const reason = new Error('stop')
    handler = () => (controller.abort(reason), true) // never answers; the abort ends the request
    await expect(embedder().doEmbed({ values: ['a'], abortSignal: controller.signal })).rejects.toBe(reason)
  })

  const badBodies: [string, unknown][] = [
    ['not JSON', 'nope'],
    ['no data', { object: 'list' }],
    ['too few vectors', { data: [{ index: 0, embedding: [1] }] }],
    ['repeated index', { data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }],
    ['non-finite value', { data: [{ index: 0, embedding: [1, 'x'] }, { index: 1, embedding: [1, 2] }] }],
    ['empty vector', { data: [{ index: 0, embedding: [] }, { index: 1, embedding: [] }] }],
    ['ragged vectors', { data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1] }] }],
    ['error object in a 200', { error: { message: 'model overloaded' } }],
  ]
  for (const [title, body] of badBodies) {
    it(`a bad body (${title}) → EMBEDDER_FAILED`, async () => {
      handler = (_b, res) => (res.writeHead(200).end(typeof body === 'string' ? body : JSON.stringify(body)), true)
      await expect(embedder().doEmbed({ values: ['a', 'b'] })).rejects.toMatchObject({ code: 'EMBEDDER_FAILED' })
    })
  }

  it('a server that ignores `dimensions` → EMBEDDER_FAILED naming both lengths', async () => {
    handler = (body, res) => (res.writeHead(200).end(JSON.stringify({ data: [{ index: 0, embedding: [1, 2, 3] }] })), true)
    await expect(embedder({ dimensions: 2 }).doEmbed({ values: ['a'] })).rejects.toMatchObject({ code: 'EMBEDDER_FAILED', details: { expected: 2, got: 3 } })
  })

  it('rejects bad options', () => {
    expect(() => openaiCompatibleEmbedder({ baseURL: '', model: 'm' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => openaiCompatibleEmbedder({ baseURL: base, model: 'm', dimensions: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => openaiCompatibleEmbedder({ baseURL: base, model: 'm', maxEmbeddingsPerCall: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})
