import { createServer, STATUS_CODES, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

/** A tool call the fake model makes; object arguments are JSON-encoded, strings are sent verbatim (even malformed). */
export interface FakeToolCall {
  id?: string
  name: string
  arguments: string | Record<string, unknown>
}

/** A successful chat-completions answer, sent as JSON or as SSE depending on the request's `stream`. */
export interface FakeReply {
  text?: string
  /** Shorthand for `text: JSON.stringify(json)`. */
  json?: unknown
  /** Sent as `reasoning_content` (DeepSeek style). */
  reasoning?: string
  toolCalls?: FakeToolCall[]
  /** Default 'tool_calls' when there are tool calls, else 'stop'; null sends none. */
  finishReason?: string | null
  /** OpenAI usage object; default counts words; `false` sends none. */
  usage?: Record<string, unknown> | false
  model?: string
  id?: string
  /** Streams: characters per content/argument delta (default 4). */
  chunkSize?: number
  /** Wait before answering. */
  delayMs?: number
  /** Streams: wait between events. */
  chunkDelayMs?: number
  /** Streams: line ending of the SSE framing (default '\n'). */
  lineEnding?: '\n' | '\r\n'
}

/** An HTTP error answer; `error` becomes `{ error: { message } }` unless `body` is given. */
export interface FakeHttpError {
  status: number
  error?: string
  headers?: Record<string, string>
  body?: string
}

/**
 * Injectable faults. `reply` supplies the content sent before the fault strikes (streams).
 * - 'malformed-json': a body (or an SSE data line, in streams) that is not JSON
 * - 'malformed-sse': same as 'malformed-json' for streams, after one valid event
 * - 'stall': never answers
 * - 'stall-mid-stream': sends the first events, then goes silent
 * - 'cut': destroys the connection (before any byte for non-streaming calls, after the first events for streams)
 * - 'end-without-finish': ends the response cleanly after the content, without finish_reason or [DONE]
 */
export type FakeFault = 'malformed-json' | 'malformed-sse' | 'stall' | 'stall-mid-stream' | 'cut' | 'end-without-finish'

export type FakeScript = FakeReply | FakeHttpError | { fault: FakeFault; reply?: FakeReply } | ((request: RecordedRequest) => FakeScript)

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** Parsed JSON body (undefined when not JSON). */
  body: any
  rawBody: string
  stream: boolean
  /** performance.now() when the request arrived, to measure backoff delays. */
  at: number
}

export interface FakeOpenAIServerOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string
  /** Answer used when nothing is enqueued (default: echo the last user message as "echo: <text>"). */
  defaultReply?: (request: RecordedRequest) => FakeScript
}

export interface FakeOpenAIServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:40123/v1 */
  url: string
  requests: RecordedRequest[]
  /** Scripts for the next requests, consumed in order. */
  enqueue(...scripts: FakeScript[]): void
  /** Scripts enqueued but not consumed yet. */
  pending(): number
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  const user = [...messages].reverse().find((m) => m?.role === 'user')
  if (!user) return ''
  if (typeof user.content === 'string') return user.content
  return Array.isArray(user.content) ? user.content.map((p: any) => (p?.type === 'text' ? p.text : '')).join('') : ''
}

const words = (text: string) => (text.match(/\S+/g) ?? []).length

function pieces(text: string, size: number): string[] {
  const out: string[] = []
  const chars = Array.from(text) // never split a surrogate pair
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''))
  return out
}

/**
 * A real HTTP server on 127.0.0.1 (random port) speaking OpenAI chat completions, JSON and SSE,
 * with scripted replies and injectable faults, for offline tests of model clients.
 */
export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const queue: FakeScript[] = []
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let counter = 0

  const defaultReply = options.defaultReply ?? ((request: RecordedRequest): FakeScript => ({ text: `echo: ${lastUserText(request.body)}` }))

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    let body: any
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined
    } catch {
      body = undefined
    }
    const path = (req.url ?? '/').split('?')[0]
    const request: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, rawBody, stream: body?.stream === true, at: performance.now() }

    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'lumos' }] }))
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      return sendError(res, { status: 404, error: `No route ${req.method} ${path}` })
    }
    requests.push(request)
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, { status: 401, error: 'Incorrect API key provided.' })
    }
    if (body === undefined || !Array.isArray(body.messages)) {
      return sendError(res, { status: 400, error: 'Request body must be JSON with a `messages` array.' })
    }

    let script = queue.length > 0 ? queue.shift()! : defaultReply(request)
    while (typeof script === 'function') script = script(request)
    const n = ++counter
    try {
      if ('status' in script) return sendError(res, script)
      if ('fault' in script) return await sendFault(res, request, script.fault, script.reply ?? { text: 'partial answer that never ends' }, n)
      await sendReply(res, request, script, n)
    } catch {
      res.destroy()
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  function sendError(res: ServerResponse, error: FakeHttpError) {
    const message = error.error ?? STATUS_CODES[error.status] ?? 'error'
    res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers })
    res.end(error.body ?? JSON.stringify({ error: { message, type: 'fake_error', code: error.status } }))
  }

  function completion(request: RecordedRequest, reply: FakeReply, n: number) {
    const text = reply.json !== undefined ? JSON.stringify(reply.json) : reply.text
    const calls = (reply.toolCalls ?? []).map((call, i) => ({
      id: call.id ?? `call_${n}_${i}`,
      type: 'function' as const,
      function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
    }))
    const finish = reply.finishReason === undefined ? (calls.length > 0 ? 'tool_calls' : 'stop') : reply.finishReason
    const prompt = words(JSON.stringify(request.body?.messages ?? []))
    const output = words(text ?? '') + words(reply.reasoning ?? '') + calls.length
    const usage = reply.usage === false ? undefined : (reply.usage ?? { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output })
    return {
      id: reply.id ?? `chatcmpl-fake-${n}`,
      created: 1_700_000_000 + n,
      model: reply.model ?? request.body?.model ?? 'fake-model',
      text,
      calls,
      finish,
      usage,
    }
  }

  async function sendReply(res: ServerResponse, request: RecordedRequest, reply: FakeReply, n: number) {
    if (reply.delayMs) await sleep(reply.delayMs)
    const c = completion(request, reply, n)
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: c.id,
          object: 'chat.completion',
          created: c.created,
          model: c.model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: c.text ?? null,
                ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}),
                ...(c.calls.length ? { tool_calls: c.calls } : {}),
              },
              finish_reason: c.finish,
            },
          ],
          ...(c.usage ? { usage: c.usage } : {}),
        }),
      )
      return
    }
    const events = streamEvents(request, reply, c)
    await writeEvents(res, events, reply)
    res.end()
  }

  function streamEvents(request: RecordedRequest, reply: FakeReply, c: ReturnType<typeof completion>): string[] {
    const size = reply.chunkSize ?? 4
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      JSON.stringify({ id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model, choices: [{ index: 0, delta, finish_reason: finish }] })
    const events = [chunk({ role: 'assistant', content: '' })]
    for (const piece of pieces(reply.reasoning ?? '', size)) events.push(chunk({ reasoning_content: piece }))
    for (const piece of pieces(c.text ?? '', size)) events.push(chunk({ content: piece }))
    c.calls.forEach((call, index) => {
      events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }))
      for (const piece of pieces(call.function.arguments, size)) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }))
    })
    if (c.finish !== null) events.push(chunk({}, c.finish))
    if (c.usage && request.body?.stream_options?.include_usage) {
      events.push(JSON.stringify({ id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model, choices: [], usage: c.usage }))
    }
    events.push('[DONE]')
    return events
  }

  async function writeEvents(res: ServerResponse, events: string[], reply: FakeReply) {
    const eol = reply.lineEnding ?? '\n'
    if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    for (const data of events) {
      if (res.destroyed) return
      res.write(`data: ${data}${eol}${eol}`)
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs)
    }
  }

  async function sendFault(res: ServerResponse, request: RecordedRequest, fault: FakeFault, reply: FakeReply, n: number) {
    if (fault === 'stall') return // the socket stays open until the client gives up or close()
    if (!request.stream) {
      if (fault === 'cut') return res.destroy()
      res.writeHead(200, { 'content-type': 'application/json' })
      if (fault === 'malformed-json' || fault === 'malformed-sse') return res.end('{"id": "chatcmpl-broken", "choices": [ {"message": ')
      res.write('{"id": "chatcmpl-partial", ')
      if (fault === 'end-without-finish') res.end()
      return // stall-mid-stream
    }
    const events = streamEvents(request, reply, completion(request, reply, n))
    switch (fault) {
      case 'malformed-json':
      case 'malformed-sse':
        await writeEvents(res, [events[0], '{"choices": [ {"delta": {"content": "br', ...events.slice(1)], reply)
        return res.end()
      case 'stall-mid-stream':
        return writeEvents(res, events.slice(0, 2), reply)
      case 'cut':
        await writeEvents(res, events.slice(0, 2), reply)
        await sleep(10) // let the bytes leave before the reset
        return res.destroy()
      case 'end-without-finish':
        await writeEvents(res, events.filter((e) => !e.includes('"finish_reason":"') && e !== '[DONE]' && !e.includes('"usage"')), reply)
        return res.end()
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...scripts) => void queue.push(...scripts),
    pending: () => queue.length,
    close,
    [Symbol.asyncDispose]: close,
  }
}
