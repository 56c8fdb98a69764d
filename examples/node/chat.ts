// A terminal chat whose conversation is kept in SQLite (LibsqlStore): quit and start again, and the
// agent still remembers the thread. The model comes from the environment (modelFromEnv): LUMOS_MODEL,
// OPENAI_API_KEY / OPENAI_BASE_URL (any OpenAI-compatible server), OLLAMA_HOST; with none of them the
// offline answerer replies (it says so).
//   npx tsx examples/node/chat.ts [--db file:.lumos/chat.db] [--thread main] [--resource me]
import { mkdirSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Agent, LibsqlStore, Memory, modelFromEnv } from '../../adapters/node/index.js'

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: process.env.LUMOS_CHAT_DB || 'file:.lumos/chat.db' },
    thread: { type: 'string', default: 'main' },
    resource: { type: 'string', default: process.env.USER || 'local' },
  },
})

if (values.db === 'file:.lumos/chat.db') mkdirSync('.lumos', { recursive: true })
const store = await LibsqlStore.open({ url: values.db as string })
const agent = new Agent({
  id: 'chat',
  instructions: 'You are a concise, friendly assistant. Use the conversation so far.',
  model: modelFromEnv(),
  memory: new Memory({ store, options: { lastMessages: 40 } }),
})
const memory = { thread: values.thread as string, resource: values.resource as string }

const interactive = process.stdin.isTTY
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive })
if (interactive) {
  console.log(`Lumos chat (thread "${memory.thread}" in ${values.db}). Ctrl+D to quit.`)
  rl.setPrompt('> ')
  rl.prompt()
}

// Lines are answered one at a time, in order (piped input arrives all at once).
for await (const line of rl) {
  const text = line.trim()
  if (text !== '') {
    const stream = await agent.stream(text, { memory })
    for await (const part of stream.fullStream) if (part.type === 'text-delta') process.stdout.write(part.delta)
    process.stdout.write('\n')
  }
  if (interactive) rl.prompt()
}
await store.close()
