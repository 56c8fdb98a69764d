// A tool-using agent with streaming. Runs offline by default against the fake OpenAI-compatible
// server that ships in `lumosai/test`; set OPENAI_API_KEY (and optionally OPENAI_BASE_URL,
// LUMOS_MODEL=openai/gpt-4o-mini) to talk to a real model instead.
//   npx tsx examples/node/agent.ts "What is 2+3?"
import * as z from 'zod'
import { Agent, createTool, modelSettingsFromEnv } from '../../adapters/node/index.js'
import { startFakeOpenAIServer } from '../../adapters/node/test/index.js'

const question = process.argv.slice(2).join(' ') || 'What is 2+3?'

const add = createTool({
  id: 'add',
  description: 'Add two numbers',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  outputSchema: z.number(),
  execute: async ({ a, b }) => a + b,
})

const live = Boolean(process.env.OPENAI_API_KEY)
const fake = live ? undefined : await startFakeOpenAIServer()
if (fake) {
  // Script the offline model: first a tool call, then an answer that uses the tool result.
  fake.enqueue({ toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }, { text: 'The answer is 5 (computed with the add tool).' })
}

const agent = new Agent({
  id: 'math',
  instructions: 'You add numbers. Always use the add tool.',
  model: live ? process.env.LUMOS_MODEL ?? 'openai/gpt-4o-mini' : 'fake/any-model',
  modelSettings: live ? modelSettingsFromEnv() : { providers: { fake: { baseURL: fake!.url, apiKey: 'offline' } } },
  tools: { add },
})

const stream = await agent.stream(question, { maxSteps: 5 })
for await (const part of stream.fullStream) {
  if (part.type === 'tool-call') console.log(`→ tool ${part.toolName}(${JSON.stringify(part.input)})`)
  if (part.type === 'tool-result') console.log(`← ${JSON.stringify(part.output)}`)
  if (part.type === 'text-delta') process.stdout.write(part.delta)
  if (part.type === 'finish') console.log(`\n[${part.finishReason}; ${part.totalUsage.totalTokens ?? '?'} tokens]`)
}
await fake?.close()
