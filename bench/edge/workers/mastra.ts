// Mastra (the bench package's @mastra/core, 1.x): Agent + createTool + an openai-compatible model.
// Needs `nodejs_compat`. Memory is left out: Mastra's memory needs a storage adapter that does not run in Workers.
import * as z from 'zod'
import { Agent } from '@mastra/core/agent'
import { createTool } from '@mastra/core/tools'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'

const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })

export default {
  async fetch(request: Request, env: { MODEL_URL: string; OPENAI_API_KEY: string }): Promise<Response> {
    const provider = createOpenAICompatible({ name: 'openai', baseURL: env.MODEL_URL, apiKey: env.OPENAI_API_KEY })
    const agent = new Agent({ name: 'math', instructions: 'You add numbers.', model: provider.chatModel('gpt-4o-mini'), tools: { add } })
    const { messages } = (await request.json()) as { messages: { role: 'user'; content: string }[] }
    const result = await agent.generate(messages as never, { maxSteps: 5 })
    return Response.json({ text: result.text })
  },
}
