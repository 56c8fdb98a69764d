import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentStreamResult } from '../../runtime/agent/stream-result.js'
import { createApp } from '../../runtime/server/app.js'
import { createFixture, postJson } from '../../test/node/server/fixtures.js'
import { isLoopback, serve, type ServedApp } from './serve.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

const TOKEN = 'secret-token-123'

/** A chunked upload (no Content-Length) so only the streamed limit check can catch it. */
function chunkedPost(url: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    for (const c of chunks) req.write(c)
    req.end()
  })
}

describe('serve() security', () => {
  it('binds 127.0.0.1 by default and returns url/close', async () => {
    served = await serve(createFixture().options, { port: 0 })
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${served.url}/api/health`)).status).toBe(200)
  })

  it('refuses a non-loopback hostname without auth', async () => {
    await expect(serve(createFixture().options, { port: 0, hostname: '0.0.0.0' })).rejects.toMatchObject({ code: 'SERVER_CONFIG_INVALID', details: { option: 'auth', hostname: '0.0.0.0' } })
    await expect(serve(createApp(createFixture().options), { port: 0, hostname: '::' })).rejects.toMatchObject({ code: 'SERVER_CONFIG_INVALID' })
    // a prebuilt app cannot get auth from serve() (it would silently not apply)
    await expect(serve(createApp(createFixture().options), { port: 0, auth: { tokens: [TOKEN] } })).rejects.toMatchObject({ code: 'SERVER_CONFIG_INVALID' })
    expect(isLoopback('127.0.0.1')).toBe(true)
    expect(isLoopback('127.1.2.3')).toBe(true)
    expect(isLoopback('localhost')).toBe(true)
    expect(isLoopback('[::1]')).toBe(true)
    expect(isLoopback('0.0.0.0')).toBe(false)
    expect(isLoopback('192.168.1.5')).toBe(false)
    expect(isLoopback('127.example.com')).toBe(false)
  })

  it('listens on 0.0.0.0 when auth is configured', async () => {
    served = await serve(createFixture().options, { port: 0, hostname: '0.0.0.0', auth: { tokens: [TOKEN] } })
    const base = `http://127.0.0.1:${served.port}`
    expect((await fetch(`${base}/api/agents`)).status).toBe(401)
    expect((await fetch(`${base}/api/agents`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
  })

  it('rejects weak auth options', async () => {
    expect(() => createApp({ ...createFixture().options, auth: { tokens: [] } })).toThrow(expect.objectContaining({ code: 'SERVER_CONFIG_INVALID' }))
    expect(() => createApp({ ...createFixture().options, auth: { tokens: ['short'] } })).toThrow(expect.objectContaining({ code: 'SERVER_CONFIG_INVALID' }))
  })

  it('bearer tokens: 401 without or with a wrong token, on REST and /v1 (OpenAI format)', async () => {
    served = await serve(createFixture().options, { port: 0, auth: { tokens: ['other-token-456', TOKEN] } })
    const none = await fetch(`${served.url}/api/agents`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')
    expect((await none.json()).error.code).toBe('AUTH_REQUIRED')
    expect((await fetch(`${served.url}/api/agents`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401)
    expect((await fetch(`${served.url}/api/agents`, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401)
    expect((await fetch(`${served.url}/api/agents`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
    expect((await fetch(`${served.url}/api/agents`, { headers: { authorization: 'bearer other-token-456' } })).status).toBe(200)
    const v1 = await fetch(`${served.url}/v1/models`)
    expect(v1.status).toBe(401)
    expect((await v1.json()).error).toMatchObject({ type: 'authentication_error', code: 'AUTH_REQUIRED' })
    // unknown routes do not reveal themselves before auth
    expect((await fetch(`${served.url}/api/nothing-here`)).status).toBe(401)
    // public: health
    expect((await fetch(`${served.url}/api/health`)).status).toBe(200)
    // auth is checked before the body is read
    const post = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'x' })
    expect(post.status).toBe(401)
  })

  it('verify function decides per request', async () => {
    const seen: string[] = []
    served = await serve(createFixture().options, {
      port: 0,
      auth: {
        verify: async (req) => {
          seen.push(new URL(req.url).pathname)
          return req.headers.get('x-api-key') === 'letmein'
        },
      },
    })
    expect((await fetch(`${served.url}/api/agents`)).status).toBe(401)
    expect((await fetch(`${served.url}/api/agents`, { headers: { 'x-api-key': 'letmein' } })).status).toBe(200)
    expect(seen).toEqual(['/api/agents', '/api/agents'])
  })

  it('CORS: none by default; configured origins get preflight answers without credentials', async () => {
    served = await serve(createFixture().options, { port: 0 })
    const pre = await fetch(`${served.url}/api/agents/echo/generate`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(pre.headers.get('access-control-allow-origin')).toBe(null)
    const simple = await fetch(`${served.url}/api/agents`, { headers: { origin: 'https://evil.example' } })
    expect(simple.headers.get('access-control-allow-origin')).toBe(null)
    await served.close()

    served = await serve(createFixture().options, { port: 0, auth: { tokens: [TOKEN] }, cors: { origins: ['https://app.example'] } })
    const ok = await fetch(`${served.url}/api/agents/echo/stream`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST')
    expect(ok.headers.get('access-control-allow-headers')).toBe('authorization,content-type')
    const other = await fetch(`${served.url}/api/agents/echo/stream`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(other.headers.get('access-control-allow-origin')).toBe(null)
    // actual request: header present, also on a 401 error so the browser can read it
    const denied = await fetch(`${served.url}/api/agents`, { headers: { origin: 'https://app.example' } })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const allowed = await fetch(`${served.url}/api/agents`, { headers: { origin: 'https://app.example', authorization: `Bearer ${TOKEN}` } })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it('413 for bodies over the limit (declared and chunked); 400 with position for invalid JSON', async () => {
    served = await serve(createFixture().options, { port: 0, bodyLimit: 1000 })
    const big = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'x'.repeat(2000) })
    expect(big.status).toBe(413)
    expect((await big.json()).error).toMatchObject({ code: 'REQUEST_TOO_LARGE', details: { limit: 1000 } })
    const chunked = await chunkedPost(`${served.url}/api/agents/echo/generate`, ['{"prompt":"', 'y'.repeat(600), 'y'.repeat(600), '"}'])
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body).error.code).toBe('REQUEST_TOO_LARGE')
    const under = await chunkedPost(`${served.url}/api/agents/echo/generate`, ['{"prompt":', '"small"}'])
    expect(under.status).toBe(200)
    expect(JSON.parse(under.body).text).toBe('Echo: small')

    const bad = await postJson(`${served.url}/api/agents/echo/generate`, '{\n  "prompt": "x",\n  oops\n}')
    expect(bad.status).toBe(400)
    const body = await bad.json()
    expect(body.error.code).toBe('REQUEST_JSON_INVALID')
    expect(body.error.details).toMatchObject({ position: 21, line: 3, column: 3 })
    const arr = await postJson(`${served.url}/api/agents/echo/generate`, '[1]')
    expect((await arr.json()).error.code).toBe('REQUEST_INVALID')
  })

  it('errors: unknown route 404, no stack traces, 5xx details hidden unless exposeErrors', async () => {
    served = await serve(createFixture().options, { port: 0 })
    const nf = await fetch(`${served.url}/api/nope`)
    expect(nf.status).toBe(404)
    expect((await nf.json()).error.code).toBe('ROUTE_NOT_FOUND')
    const boom = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'boom' })
    expect(boom.status).toBe(502)
    const text = await boom.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'AGENT_MODEL_ERROR', message: 'An error occurred (AGENT_MODEL_ERROR).', fix: expect.any(String) } })
    expect(text).not.toContain('/srv/secret')
    await served.close()

    served = await serve({ ...createFixture().options, exposeErrors: true }, { port: 0 })
    const exposed = await (await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'boom' })).json()
    expect(exposed.error.message).toContain('provider exploded')
    expect(JSON.stringify(exposed)).not.toMatch(/\n\s+at /)
  })

  it('unknown (non-Lumos) errors become 500 INTERNAL without message or stack, and are reported to onError', async () => {
    const reported: unknown[] = []
    const fx = createFixture()
    const store = new Proxy(fx.store, { get: (t, k) => (k === 'listThreads' ? () => Promise.reject(new TypeError('db password=hunter2 at line 3')) : Reflect.get(t, k)) })
    served = await serve({ ...fx.options, store, onError: (e: unknown) => void reported.push(e) }, { port: 0 })
    const res = await fetch(`${served.url}/api/threads?resourceId=a`)
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error.', fix: expect.any(String) } })
    expect(text).not.toContain('hunter2')
    expect(reported).toHaveLength(1)
    expect((reported[0] as Error).message).toContain('hunter2')
  })

  it('a client disconnect mid-stream aborts the run', async () => {
    const { Agent } = await import('../../runtime/agent/agent.js')
    const { weatherModel } = await import('../../test/node/server/fixtures.js')
    const model = weatherModel(30)
    const slow = new Agent({ id: 'slow', model })
    let runError: unknown
    const originalStream = slow.stream.bind(slow) as (input: string, options?: object) => Promise<AgentStreamResult>
    slow.stream = (async (input: string, options?: object) => {
      const run = await originalStream(input, options)
      run.result.catch((e: unknown) => (runError = e))
      return run
    }) as unknown as typeof slow.stream
    served = await serve({ agents: { slow } }, { port: 0 })
    const controller = new AbortController()
    const res = await fetch(`${served.url}/api/agents/slow/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'one two three four five six seven eight nine ten eleven twelve' }), signal: controller.signal })
    const reader = res.body!.getReader()
    await reader.read()
    controller.abort()
    await new Promise((r) => setTimeout(r, 300))
    expect(runError).toMatchObject({ code: 'AGENT_ABORTED' })
  })

  it('refuses non-JSON bodies (no cross-site simple POSTs) with 415', async () => {
    served = await serve(createFixture().options, { port: 0 })
    const plain = await fetch(`${served.url}/api/agents/echo/generate`, { method: 'POST', body: JSON.stringify({ prompt: 'x' }) }) // text/plain;charset=UTF-8
    expect(plain.status).toBe(415)
    expect((await plain.json()).error.code).toBe('REQUEST_CONTENT_TYPE_INVALID')
    const form = await fetch(`${served.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' })
    expect(form.status).toBe(415)
    const vendor = await postJson(`${served.url}/api/agents/echo/generate`, { prompt: 'x' }, { 'content-type': 'application/vnd.api+json; charset=utf-8' })
    expect(vendor.status).toBe(200)
  })

  it('loopback servers refuse foreign Host headers (DNS rebinding) unless allowed', async () => {
    const get = (port: number, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/api/agents', headers: { host } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        req.end()
      })
    served = await serve(createFixture().options, { port: 0 })
    expect(await get(served.port, 'evil.example:80')).toBe(403)
    expect(await get(served.port, `localhost:${served.port}`)).toBe(200)
    expect(await get(served.port, `127.0.0.1:${served.port}`)).toBe(200)
    expect(await get(served.port, `[::1]:${served.port}`)).toBe(200)
    await served.close()
    served = await serve(createFixture().options, { port: 0, allowedHosts: ['dev.internal'] })
    expect(await get(served.port, 'dev.internal:8080')).toBe(200)
    expect(await get(served.port, 'evil.example')).toBe(403)
  })
})
