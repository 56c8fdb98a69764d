// examples/worker in workerd: built by `wrangler deploy --dry-run` from the root wrangler.toml, run
// in Miniflare (SQLite Durable Objects), answering over the bundled docs snapshot with streaming,
// citations and per-thread memory; once with the offline answerer, once against the fake
// OpenAI-compatible server (the Worker's OPENAI_BASE_URL var).
//   npx vitest run test/node/examples/worker.test.ts
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Retriever } from '../../../adapters/node/index.js'
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../../adapters/node/test/fake-openai-server.js'
import { startOrSkip } from '../../conformance/runtimes/gate.js'

const ROOT = new URL('../../../', import.meta.url).pathname
let out = ''
let uploadLine = ''

async function dryRun(): Promise<string> {
  out = await mkdtemp(join(tmpdir(), 'lumos-example-worker-'))
  return new Promise<string>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: 'true' },
    })
    let text = ''
    child.stdout.on('data', (d) => (text += d))
    child.stderr.on('data', (d) => (text += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrangler exited ${code}:\n${text}`))))
  })
}

const built = await startOrSkip('wrangler/workerd', async () => {
  const text = await dryRun()
  uploadLine = /Total Upload:[^\n]*/.exec(text)?.[0] ?? ''
  return readdir(out)
})
const files = built.value

function worker(bindings: Record<string, string>): Promise<Miniflare> {
  return (async () => {
    const modules = []
    for (const f of files ?? []) {
      if (f === 'index.js') modules.unshift({ type: 'ESModule' as const, path: 'index.js', contents: await readFile(join(out, f), 'utf8') })
      else if (f.endsWith('.wasm')) modules.push({ type: 'CompiledWasm' as const, path: f, contents: await readFile(join(out, f)) })
      else if (f.endsWith('.lumos')) modules.push({ type: 'Data' as const, path: f, contents: await readFile(join(out, f)) })
    }
    const mf = new Miniflare({
      modules,
      compatibilityDate: '2025-04-01',
      durableObjects: { LUMOS_OBJECT: { className: 'LumosAgentObject', useSQLite: true } },
      bindings,
    })
    await mf.ready
    return mf
  })()
}

interface Turn {
  text: string
  events: Array<Record<string, any>>
}

/** One useChat turn on thread `chat`: posts the UI messages, reads the UI message stream (SSE). */
let nextId = 0
async function turn(mf: Miniflare, chat: string, text: string, history: unknown[] = []): Promise<Turn> {
  const messages = [...history, { id: `u-${++nextId}`, role: 'user', parts: [{ type: 'text', text }] }]
  const res = await mf.dispatchFetch('http://lumos.test/api/agents/support/stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: chat, resourceId: 'alice', messages }),
  })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`stream -> ${res.status}: ${body}`)
  expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
  const events = body
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Record<string, any>)
  const deltas = events.filter((e) => e.type === 'text-delta')
  return { text: deltas.map((e) => e.delta).join(''), events }
}

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true })
})

describe.skipIf(files === null)('examples/worker (wrangler build in workerd)', () => {
  it('wrangler deploy --dry-run bundles the Worker, the wasm core and the docs snapshot (no nodejs_compat)', async () => {
    const toml = await readFile(join(ROOT, 'wrangler.toml'), 'utf8')
    expect(toml).toMatch(/^main = "examples\/worker\/src\/index.ts"$/m)
    expect(toml).not.toMatch(/^compatibility_flags/m)
    expect(files).toContain('index.js')
    expect(files?.some((f) => f.endsWith('.wasm'))).toBe(true)
    const snap = files?.find((f) => f.endsWith('.lumos')) as string
    const size = (await stat(join(out, snap))).size
    expect(size).toBe((await stat(join(ROOT, 'examples/worker/docs.lumos'))).size)
    // what `lumos ingest` writes: lexical embedder + BM25 keyword index
    const info = Retriever.snapshotInfo(new Uint8Array(await readFile(join(ROOT, 'examples/worker/docs.lumos'))))
    expect(info.keyword).toBe(true)
    expect(info.embedder.modelId).toMatch(/lexical/)
    console.log(`[examples/worker] ${uploadLine}; snapshot ${(size / 1024).toFixed(1)} KiB`)
    expect(uploadLine).toMatch(/Total Upload: [\d.]+ KiB \/ gzip: [\d.]+ KiB/)
  })

  describe('offline answerer (no model configured)', () => {
    let mf: Miniflare
    beforeAll(async () => {
      mf = await worker({ LUMOS_MODEL: '', OPENAI_BASE_URL: '' })
    })
    afterAll(() => mf?.dispose())

    it('streams an answer quoting the docs with [n] citations, and keeps the thread in its Durable Object', async () => {
      const t1 = await turn(mf, 'offline-1', 'How do I protect the server with a bearer token?')
      const search = t1.events.find((e) => e.type === 'tool-output-available')
      expect(search?.output.citations.length).toBeGreaterThan(0)
      expect(search?.output.citations.map((c: any) => c.source)).toContain('runtime/server/README.md')
      expect(t1.text).toMatch(/\[\d\]/)
      expect(t1.text).toContain('Bearer')
      expect(t1.events.filter((e) => e.type === 'text-delta').length).toBeGreaterThan(1)

      const page = await (await mf.dispatchFetch('http://lumos.test/api/threads/offline-1/messages?resourceId=alice')).json()
      expect((page as any).items.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant'])
      const other = await mf.dispatchFetch('http://lumos.test/api/threads/offline-1/messages?resourceId=bob')
      expect(other.status).toBe(403)
      await other.arrayBuffer()
    })

    it('the front Worker answers the rest of the API (health, agents, OpenAI-compatible, stateless)', async () => {
      const health = await mf.dispatchFetch('http://lumos.test/api/health')
      expect(health.status).toBe(200)
      await health.arrayBuffer()
      const agents = (await (await mf.dispatchFetch('http://lumos.test/api/agents')).json()) as any
      expect(agents.agents.map((a: { id: string }) => a.id)).toEqual(['support'])
      const res = await mf.dispatchFetch('http://lumos.test/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'support', messages: [{ role: 'user', content: 'How do I protect the server with a bearer token?' }] }),
      })
      const body = (await res.json()) as any
      expect(res.status).toBe(200)
      expect(body.choices[0].message.content).toMatch(/\[\d\]/)
    })
  })

  describe('against an OpenAI-compatible endpoint (Worker vars)', () => {
    let mf: Miniflare
    let fake: FakeOpenAIServer
    beforeAll(async () => {
      fake = await startFakeOpenAIServer({ apiKey: 'sk-test' })
      mf = await worker({ LUMOS_MODEL: 'openai/gpt-test', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test' })
    })
    afterAll(async () => {
      await mf?.dispose()
      await fake?.close()
    })

    it('streams a cited answer from retrieved docs; the second turn on the thread sees the first (Durable Object memory)', async () => {
      fake.enqueue(
        { toolCalls: [{ name: 'search_docs', arguments: { query: 'memory threads resourceId' } }] },
        (req) => {
          const tool = req.body.messages.find((m: any) => m.role === 'tool')
          // the model saw the numbered passages: answer citing the first one
          return { text: tool && String(tool.content).includes('[1]') ? 'Threads are selected by threadId and resourceId [1].' : 'no passages' }
        },
      )
      const t1 = await turn(mf, 'chat-7', 'How are memory threads selected?')
      expect(t1.text).toBe('Threads are selected by threadId and resourceId [1].')
      expect(t1.events.find((e) => e.type === 'tool-output-available')?.output.citations.length).toBeGreaterThan(0)

      // only the new message is sent: the history comes from the thread's Durable Object
      const t2 = await turn(mf, 'chat-7', 'And what did I just ask?')
      expect(t2.text).toBe('echo: And what did I just ask?')
      const sent = fake.requests.at(-1)?.body.messages as Array<{ role: string; content: unknown }>
      const said = JSON.stringify(sent)
      expect(said).toContain('How are memory threads selected?')
      expect(said).toContain('Threads are selected by threadId and resourceId [1].')
      expect(fake.requests.every((r) => r.headers.authorization === 'Bearer sk-test')).toBe(true)

      // another thread is another object: it does not see chat-7
      await turn(mf, 'chat-8', 'hello')
      expect(JSON.stringify(fake.requests.at(-1)?.body.messages)).not.toContain('How are memory threads selected?')
    })
  })
})

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

describe.skipIf(files === null)('examples/worker under `wrangler dev` on 127.0.0.1', () => {
  let child: ChildProcess | undefined
  let fake: FakeOpenAIServer
  let persist = ''
  afterAll(async () => {
    // wrangler starts workerd: stop the whole process group we started
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
    }
    await fake?.close()
    if (persist) await rm(persist, { recursive: true, force: true })
  })

  it('serves the API offline against an OpenAI-compatible endpoint given as --var; the thread remembers', async () => {
    fake = await startFakeOpenAIServer({ apiKey: 'sk-dev' })
    const port = await freePort()
    persist = await mkdtemp(join(tmpdir(), 'lumos-wrangler-dev-'))
    child = spawn(
      join(ROOT, 'node_modules/.bin/wrangler'),
      ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persist, '--show-interactive-dev-session=false', '--var', `OPENAI_BASE_URL:${fake.url}`, '--var', 'OPENAI_API_KEY:sk-dev', '--var', 'LUMOS_MODEL:openai/gpt-dev'],
      { cwd: ROOT, detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: 'true' } },
    )
    let log = ''
    child.stdout?.on('data', (d) => (log += d))
    child.stderr?.on('data', (d) => (log += d))
    const base = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 60_000
    for (;;) {
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false)
      if (ok) break
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${log}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const ask = async (id: string, text: string) => {
      const res = await fetch(`${base}/api/agents/support/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'dev-chat', resourceId: 'me', messages: [{ id, role: 'user', parts: [{ type: 'text', text }] }] }),
      })
      expect(res.status).toBe(200)
      return (await res.text()).split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6))).filter((e) => e.type === 'text-delta').map((e) => e.delta).join('')
    }
    expect(await ask('d1', 'Remember the word zanzibar.')).toBe('echo: Remember the word zanzibar.')
    expect(await ask('d2', 'Which word?')).toBe('echo: Which word?')
    expect(JSON.stringify(fake.requests.at(-1)?.body.messages)).toContain('Remember the word zanzibar.')
  }, 90_000)
})
