// The server app outside Node: bundled for workerd (Miniflare) and Deno (Deno.serve), then driven with
// the official `openai` client and the AI SDK UI stream reader. Run: npx vitest run test/node/server/portable.test.ts
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import OpenAI from 'openai'
import { afterAll, describe, expect, it } from 'vitest'
import { bundlePortable, REPO_ROOT } from '../../portable/bundle.js'
import { startOrSkip } from '../../conformance/runtimes/gate.js'

const AUTH = { authorization: 'Bearer portable-token-1', 'content-type': 'application/json' }

type Fetcher = (path: string, init?: RequestInit) => Promise<Response>

/** The checks both runtimes must pass. */
async function exercise(fetcher: Fetcher) {
  expect((await fetcher('/api/agents')).status).toBe(401)
  const agents = await (await fetcher('/api/agents', { headers: AUTH })).json()
  expect(agents.agents[0]).toMatchObject({ id: 'assistant', tools: [{ id: 'weather' }] })
  const gen = await (await fetcher('/api/agents/assistant/generate', { method: 'POST', headers: AUTH, body: JSON.stringify({ prompt: 'weather?' }) })).json()
  expect(gen).toMatchObject({ text: 'It is sunny.', toolResults: [{ output: { city: 'Paris', forecast: 'sunny' } }] })
  const stream = await fetcher('/api/agents/assistant/stream', { method: 'POST', headers: AUTH, body: JSON.stringify({ messages: [{ id: 'u', role: 'user', parts: [{ type: 'text', text: 'weather?' }] }] }) })
  expect(stream.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
  const sse = await stream.text()
  expect(sse).toContain('"type":"tool-output-available"')
  expect(sse.trim().endsWith('data: [DONE]')).toBe(true)
  const big = await fetcher('/api/agents/assistant/generate', { method: 'POST', headers: AUTH, body: JSON.stringify({ prompt: 'x'.repeat(1_100_000) }) })
  expect(big.status).toBe(413)
  const bad = await fetcher('/api/agents/assistant/generate', { method: 'POST', headers: AUTH, body: '{"prompt":' })
  expect((await bad.json()).error.code).toBe('REQUEST_JSON_INVALID')
  const doc = await (await fetcher('/openapi.json', { headers: AUTH })).json()
  expect(doc.openapi).toBe('3.1.0')
}

async function exerciseOpenAI(baseURL: string) {
  const client = new OpenAI({ baseURL, apiKey: 'portable-token-1', maxRetries: 0 })
  expect((await client.models.list()).data.map((m) => m.id)).toEqual(['assistant'])
  const c = await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'weather?' }] })
  expect(c.choices[0].message.content).toBe('It is sunny.')
  let text = ''
  for await (const chunk of await client.chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'weather?' }], stream: true })) text += chunk.choices[0]?.delta.content ?? ''
  expect(text).toBe('It is sunny.')
  await expect(new OpenAI({ baseURL, apiKey: 'wrong-token', maxRetries: 0 }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
}

const ENTRY = fileURLToPath(new URL('./portable-app.ts', import.meta.url))
const DENO_ENTRY = fileURLToPath(new URL('./portable-deno-main.ts', import.meta.url))

const workerd = await startOrSkip('workerd (Miniflare)', async () => {
  const mf = new Miniflare({ modules: [{ type: 'ESModule', path: 'entry.js', contents: await bundlePortable(ENTRY, { target: 'workerd' }) }], compatibilityDate: '2025-04-01', host: '127.0.0.1', port: 0 })
  const url = await mf.ready
  return { mf, url: url.origin }
})

let denoProcess: ChildProcess | undefined
let denoDir: string | undefined
const deno = await startOrSkip('Deno', async () => {
  denoDir = await mkdtemp(join(tmpdir(), 'lumos-deno-server-'))
  const file = join(denoDir, 'main.js')
  await writeFile(file, await bundlePortable(DENO_ENTRY, { target: 'deno' }))
  const bin = join(REPO_ROOT, 'node_modules/.bin/deno')
  const child = spawn(bin, ['run', '--allow-net=127.0.0.1', '--no-prompt', file], { stdio: ['ignore', 'pipe', 'pipe'] })
  denoProcess = child
  return await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`no LISTENING line in 60 s: ${out}`)), 60_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = /LISTENING (\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.stderr!.on('data', (d) => (out += d))
    child.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${out}`)))
  })
})

afterAll(async () => {
  await workerd.value?.mf.dispose()
  denoProcess?.kill()
  if (denoDir) await rm(denoDir, { recursive: true, force: true })
})

describe.skipIf(workerd.value === null)('server app in workerd', () => {
  it('serves REST, UI message streams, limits and errors', async () => {
    await exercise((path, init) => fetch(`${workerd.value!.url}${path}`, init))
  })
  it('works with the official openai client', async () => {
    await exerciseOpenAI(`${workerd.value!.url}/v1`)
  })
})

describe.skipIf(deno.value === null)('server app in Deno (Deno.serve)', () => {
  it('serves REST, UI message streams, limits and errors', async () => {
    await exercise((path, init) => fetch(`http://127.0.0.1:${deno.value}${path}`, init))
  })
  it('works with the official openai client', async () => {
    await exerciseOpenAI(`http://127.0.0.1:${deno.value}/v1`)
  })
})
