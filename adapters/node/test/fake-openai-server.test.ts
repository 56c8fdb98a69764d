import { describe, expect, it } from 'vitest'
import { startFakeOpenAIServer } from './index.js'

const post = (url: string, body: unknown) =>
  fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('startFakeOpenAIServer', () => {
  it('echoes by default, records requests and serves /models', async () => {
    await using server = await startFakeOpenAIServer()
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    const res = await post(server.url, { model: 'm', messages: [{ role: 'user', content: 'ping' }] })
    const body = await res.json()
    expect(body.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'echo: ping' }, finish_reason: 'stop' })
    expect(body.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 })
    expect(server.requests).toMatchObject([{ method: 'POST', path: '/v1/chat/completions', stream: false, body: { model: 'm' } }])
    expect((await (await fetch(`${server.url}/models`)).json()).data[0].id).toBe('fake-model')
    expect((await fetch(`${server.url}/nope`)).status).toBe(404)
    expect((await post(server.url, { no: 'messages' })).status).toBe(400)
  })

  it('streams scripted replies as SSE ending with usage and [DONE], consuming scripts in order', async () => {
    await using server = await startFakeOpenAIServer()
    server.enqueue({ text: 'abcdef', chunkSize: 3 }, (req) => ({ text: `model was ${req.body.model}` }))
    expect(server.pending()).toBe(2)
    const res = await post(server.url, { model: 'm', messages: [], stream: true, stream_options: { include_usage: true } })
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const events = (await res.text()).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''))
    expect(events.at(-1)).toBe('[DONE]')
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e))
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? null)).toEqual(['', 'abc', 'def', null, null])
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 1 } })
    const second = await (await post(server.url, { model: 'zz', messages: [] })).json()
    expect(second.choices[0].message.content).toBe('model was zz')
    expect(server.pending()).toBe(0)
  })
})
