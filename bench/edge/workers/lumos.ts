// Lumos: Agent + one zod tool + the built-in OpenAI-compatible model (+ memory when LUMOS_EDGE_MEMORY is built in).
import * as z from 'zod'
import { Agent } from '../../../runtime/agent/index.js'
import { createTool } from '../../../runtime/tools/index.js'
import { openaiCompatible } from '../../../runtime/models/index.js'

const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })

export default {
  async fetch(request: Request, env: { MODEL_URL: string; OPENAI_API_KEY: string }): Promise<Response> {
    const agent = new Agent({ id: 'math', instructions: 'You add numbers.', model: openaiCompatible({ baseURL: env.MODEL_URL, apiKey: env.OPENAI_API_KEY, model: 'gpt-4o-mini' }), tools: { add } })
    const { messages } = (await request.json()) as { messages: { role: 'user'; content: string }[] }
    const result = await agent.generate(messages, { maxSteps: 5 })
    return Response.json({ text: result.text })
  },
}
