// examples/node/chat.ts: two lines piped in; the second answer is produced with the first turn in
// the prompt (SQLite memory), and a later process on the same database file still sees the thread.
//   npx vitest run test/node/examples/node-chat.test.ts
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAIServer, type FakeOpenAIServer, type RecordedRequest } from '../../../adapters/node/test/fake-openai-server.js'

const CHAT = new URL('../../../examples/node/chat.ts', import.meta.url).pathname

function userTexts(req: RecordedRequest): string[] {
  return (req.body.messages as Array<{ role: string; content: unknown }>)
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('')))
}

function chat(env: Record<string, string>, input: string, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CHAT, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    )
    child.stdin?.end(input)
  })
}

describe('examples/node/chat.ts (CLI chat with SQLite memory)', () => {
  let dir: string
  let fake: FakeOpenAIServer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lumos-chat-'))
    // The fake model says which earlier user messages it was given.
    fake = await startFakeOpenAIServer({
      defaultReply: (req) => {
        const said = userTexts(req)
        return { text: said.length > 1 ? `Earlier you said: ${said.slice(0, -1).join(' | ')}` : `Nice to meet you (${said[0]}).` }
      },
    })
  })
  afterAll(async () => {
    await fake?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('answers piped lines in order; the second answer used the first turn from memory, also in a new process', async () => {
    const env = { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-test', LUMOS_MODEL: 'openai/gpt-test', LUMOS_CHAT_DB: `file:${join(dir, 'chat.db')}` }
    const out = await chat(env, 'My name is Ada.\nWhat is my name?\n')
    expect(out.trim().split('\n')).toEqual(['Nice to meet you (My name is Ada.).', 'Earlier you said: My name is Ada.'])
    expect(fake.requests).toHaveLength(2)

    const later = await chat(env, 'Still there?\n')
    expect(later.trim()).toBe('Earlier you said: My name is Ada. | What is my name?')
    const other = await chat(env, 'Hello\n', ['--thread', 'other'])
    expect(other.trim()).toBe('Nice to meet you (Hello).')
  })

  it('runs offline with no model configured (offline answerer)', async () => {
    const out = await chat({ OPENAI_BASE_URL: '', OPENAI_API_KEY: '', LUMOS_MODEL: '', OLLAMA_HOST: '', LUMOS_CHAT_DB: `file:${join(dir, 'offline.db')}` }, 'hello\n')
    expect(out).toContain('No language model is configured')
  })
})
