// Two turns on one thread through Deno.serve + Deno KV: the second turn sees the first.
//   deno test -A --no-check --config examples/deno/deno.json examples/deno/main_test.ts
// With OPENAI_BASE_URL set (the vitest driver passes its fake OpenAI-compatible server) the model's
// reply also shows it was given the earlier turn; without it the offline answerer replies.
import { DenoKvStore } from '../../adapters/deno/index.js'
import type { DenoLike } from './deno-types.js'
import { createDenoApp } from './main.js'

declare const Deno: DenoLike

function assertEquals(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

Deno.test('two turns with memory in Deno KV, served by Deno.serve', async () => {
  const path = await Deno.makeTempFile({ suffix: '.kv' })
  const env = { OPENAI_BASE_URL: Deno.env.get('OPENAI_BASE_URL'), OPENAI_API_KEY: Deno.env.get('OPENAI_API_KEY'), LUMOS_MODEL: Deno.env.get('LUMOS_MODEL') }
  let store = await DenoKvStore.open({ path })
  const controller = new AbortController()
  let app = createDenoApp(store, env)
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, signal: controller.signal, onListen: () => {} }, (req) => app.fetch(req))
  const url = `http://127.0.0.1:${server.addr.port}`
  const ask = async (prompt: string) => {
    const res = await fetch(`${url}/api/agents/assistant/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, threadId: 'deno-1', resourceId: 'ada' }) })
    const body = await res.json()
    if (res.status !== 200) throw new Error(`generate -> ${res.status}: ${JSON.stringify(body)}`)
    return body.text as string
  }
  try {
    const first = await ask('My name is Ada.')
    // a new store handle on the same KV file: the thread survives a restart (a new isolate on Deploy)
    await store.close()
    store = await DenoKvStore.open({ path })
    app = createDenoApp(store, env)
    const second = await ask('What is my name?')
    const page = await (await fetch(`${url}/api/threads/deno-1/messages?resourceId=ada`)).json()
    assertEquals(page.items.map((m: { role: string }) => m.role), ['user', 'assistant', 'user', 'assistant'], 'thread messages')
    assertEquals(page.items[2].content.parts[0].text, 'What is my name?', 'second user message')
    if (env.OPENAI_BASE_URL) {
      assertEquals(first, 'Nice to meet you (My name is Ada.).', 'first answer')
      assertEquals(second, 'Earlier you said: My name is Ada.', 'second answer')
    } else if (!second.includes('No language model is configured')) throw new Error(`offline answer expected, got ${second}`)
    console.log(`answers: ${JSON.stringify([first, second])}`)
  } finally {
    controller.abort()
    await server.finished
    await store.close()
    await Deno.remove(path).catch(() => undefined)
  }
})
