// Lumos with memory: the minimal Worker plus Memory (last messages + working memory) on a Store.
// The store is the isolate's InMemoryStore so the Worker stays one module; a production Worker uses
// DurableObjectStore (examples/worker), which adds a Durable Object class but no other dependency.
import * as z from 'zod'
import { Agent } from '../../../runtime/agent/index.js'
import { createTool } from '../../../runtime/tools/index.js'
import { openaiCompatible } from '../../../runtime/models/index.js'
import { Memory } from '../../../runtime/memory/index.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'

const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })
const memory = new Memory({ store: new InMemoryStore(), options: { lastMessages: 20, workingMemory: { enabled: true, template: '# User\n- Name:\n' } } })
let turn = 0

export default {
  async fetch(request: Request, env: { MODEL_URL: string; OPENAI_API_KEY: string }): Promise<Response> {
    const agent = new Agent({ id: 'math', instructions: 'You add numbers.', model: openaiCompatible({ baseURL: env.MODEL_URL, apiKey: env.OPENAI_API_KEY, model: 'gpt-4o-mini' }), tools: { add }, memory })
    const { messages } = (await request.json()) as { messages: { role: 'user'; content: string }[] }
    // A new thread per request keeps every request the same size (warm latency is not history growth).
    const result = await agent.generate(messages, { maxSteps: 5, memory: { thread: `t${turn++}`, resource: 'bench' } })
    return Response.json({ text: result.text })
  },
}
