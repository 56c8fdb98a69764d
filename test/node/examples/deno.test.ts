// examples/deno under `deno test` (the npm deno binary, local files only), against the fake
// OpenAI-compatible server: two turns on one thread, the second sees the first (Deno KV memory).
//   npx vitest run test/node/examples/deno.test.ts
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../../../adapters/node/test/fake-openai-server.js'
import { startOrSkip } from '../../conformance/runtimes/gate.js'

const ROOT = new URL('../../../', import.meta.url).pathname
const DENO = process.env.DENO_PATH ?? join(ROOT, 'node_modules/.bin/deno')

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(DENO, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env } })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, output })))
  })
}

const started = await startOrSkip('deno', async () => {
  if (!existsSync(DENO)) throw new Error(`no deno binary at ${DENO} (set DENO_PATH)`)
  const { code, output } = await run(['--version'], {})
  if (code !== 0) throw new Error(`deno --version exited ${code}: ${output}`)
  return output
})

const TEST = ['test', '-A', '--no-check', '--config', 'examples/deno/deno.json', 'examples/deno/main_test.ts']

describe.skipIf(started.value === null)('examples/deno (Deno.serve + Deno KV)', () => {
  let fake: FakeOpenAIServer
  beforeAll(async () => {
    fake = await startFakeOpenAIServer({
      apiKey: 'sk-test',
      defaultReply: (req) => {
        const said = (req.body.messages as Array<{ role: string; content: any }>).filter((m) => m.role === 'user').map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p: any) => p.text ?? '').join('')))
        return { text: said.length > 1 ? `Earlier you said: ${said.slice(0, -1).join(' | ')}` : `Nice to meet you (${said[0]}).` }
      },
    })
  })
  afterAll(() => fake?.close())

  it('deno test: two turns, the second answered with the first in the prompt (against the fake OpenAI-compatible server)', async () => {
    const { code, output } = await run(TEST, { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test', LUMOS_MODEL: 'openai/gpt-test' })
    expect(code, output).toBe(0)
    expect(output).toContain('answers: ["Nice to meet you (My name is Ada.).","Earlier you said: My name is Ada."]')
    expect(fake.requests).toHaveLength(2)
  }, 130_000)

  it('deno test offline (no model configured: the offline answerer, memory still kept)', async () => {
    const { code, output } = await run(TEST, { OPENAI_BASE_URL: '', OPENAI_API_KEY: '', LUMOS_MODEL: '' })
    expect(code, output).toBe(0)
    expect(output).toMatch(/ok \| 1 passed \| 0 failed/)
  }, 130_000)
})
