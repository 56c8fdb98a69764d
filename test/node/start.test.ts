// `npm start` end to end: the package.json start command (the example support assistant) on a
// fresh data dir with no model configured, asked over HTTP, stopped with SIGTERM, started again.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const TSX = join(REPO, 'node_modules/tsx/dist/cli.mjs')
const dataDir = mkdtempSync(join(tmpdir(), 'lumos-start-'))
const started: Server[] = []

interface Server {
  readonly output: string
  exited: Promise<number | null>
  url(timeoutMs?: number): Promise<string>
  stop(): Promise<number | null>
}

afterAll(async () => {
  for (const s of started) await s.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** The start script as argv: `tsx <args...>`; run with this node and tsx's CLI (no npm wrapper between the signal and the server). */
function startArgs(): string[] {
  const script = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.start as string
  const [bin, ...args] = script.split(/\s+/)
  expect(bin).toBe('tsx')
  return args
}

function startServer(): Server {
  // `--port 0`: a free port, so the test does not collide with a dev server on 4111.
  const env: Record<string, string | undefined> = { ...process.env, LUMOS_DATA_DIR: dataDir, NO_COLOR: '1' }
  for (const key of ['LUMOS_MODEL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST']) delete env[key]
  const child = spawn(process.execPath, [TSX, ...startArgs(), '--port', '0'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const server: Server = {
    get output() {
      return output
    },
    exited,
    async url(timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const m = /Playground\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
        if (m) return m[1]
        if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`)
        if (Date.now() > deadline) throw new Error(`no URL line after ${timeoutMs} ms:\n${output}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
  started.push(server)
  return server
}

async function ask(base: string, prompt: string) {
  const res = await fetch(`${base}/api/agents/support/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, threadId: 'start-test', resourceId: 'tester' }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { text: string; usage: { totalTokens: number } }
}

const flat = (s: string) => s.replace(/[\s*]+/g, ' ').trim()
/** `> sentence [n]` lines of an offline answer. */
const quotes = (text: string) => [...text.matchAll(/^> (.*) \[(\d+)\]$/gm)].map((m) => ({ text: m[1], n: Number(m[2]) }))

describe('npm start: the example support assistant', () => {
  it('answers from README.md with citations and the no-model notice, remembers the thread, stops on SIGTERM', async () => {
    const server = startServer()
    const t0 = performance.now()
    const base = await server.url()
    const startupMs = performance.now() - t0
    expect(server.output).toMatch(/support: indexed \d+ docs \(\d+ KiB\) → \d+ chunks in \d+ ms/)
    expect(server.output).toContain('support: no language model is configured')

    const first = await ask(base, 'How do I recover a workflow run after the process was killed?')
    expect(first.text.startsWith('No language model is configured')).toBe(true)
    const readme = flat(readFileSync(join(REPO, 'README.md'), 'utf8'))
    const cited = quotes(first.text)
    expect(cited.length).toBeGreaterThan(0)
    // At least one quoted sentence is verbatim README text about recovery.
    const fromReadme = cited.find((q) => readme.includes(flat(q.text)) && /recover/.test(q.text))
    expect(fromReadme).toBeDefined()
    // ...and the source list names README.md under that number.
    expect(first.text).toMatch(new RegExp(`\\nSources:\\n(\\[\\d+\\] .*\\n)*\\[${fromReadme!.n}\\] README\\.md — Lumos`))
    expect(first.usage.totalTokens).toBeGreaterThan(0)

    const second = await ask(base, 'Which step runs again after recovery?')
    expect(second.text).toMatch(/^No language model is configured/)
    expect(quotes(second.text).length).toBeGreaterThan(0)

    const page = (await (await fetch(`${base}/api/threads/start-test/messages?resourceId=tester`)).json()) as { items: { role: string; content: { parts: { type: string; text?: string }[] } }[] }
    expect(page.items.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(page.items[0].content.parts).toEqual([{ type: 'text', text: 'How do I recover a workflow run after the process was killed?' }])
    expect(page.items[2].content.parts).toEqual([{ type: 'text', text: 'Which step runs again after recovery?' }])

    // The ticket workflow: drafted from the docs, suspended for approval, resumed, sent.
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const started = await (await post('/api/workflows/ticket/runs', { inputData: { email: 'ada@example.com', question: 'Production is down after a crash: how do I recover a workflow run?' } })).json()
    expect(started).toMatchObject({ status: 'suspended', suspended: [expect.objectContaining({ stepId: 'approve' })] })
    const payload = started.suspended[0].suspendPayload as { message: string; priority: string; reply: string }
    expect(payload.priority).toBe('urgent')
    expect(payload.reply).toMatch(/^No language model is configured[\s\S]*\[1\]/)
    const done = await (await post(`/api/workflows/ticket/runs/${started.runId}/resume`, { step: 'approve', resumeData: { approved: true } })).json()
    expect(done).toMatchObject({ status: 'success', result: { status: 'sent', to: 'ada@example.com', reply: payload.reply } })

    expect(await server.stop()).toBe(0)
    expect(existsSync(join(dataDir, 'support.db'))).toBe(true)
    expect(readdirSync(dataDir).filter((f) => /^support-index-[0-9a-f]{16}\.bin$/.test(f))).toHaveLength(1)
    console.log(`npm start: first start ${Math.round(startupMs)} ms to the URL line`)
  }, 120_000)

  it('a restart loads the cached index and keeps the thread (SQLite)', async () => {
    const server = startServer()
    const base = await server.url()
    expect(server.output).toMatch(/support: loaded the cached index \d+ docs/)
    const page = (await (await fetch(`${base}/api/threads/start-test/messages?resourceId=tester`)).json()) as { items: unknown[] }
    expect(page.items).toHaveLength(4)
    expect(await server.stop()).toBe(0)
  }, 120_000)
})
