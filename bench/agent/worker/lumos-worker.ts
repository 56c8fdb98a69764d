// Minimal Worker for the bundle-size check: one agent, one tool, the built-in model, streamed to useChat.
import { z } from 'zod'
import { Agent } from '../../../runtime/agent/index.js'
import { createTool } from '../../../runtime/tools/index.js'
import { openaiCompatible } from '../../../runtime/models/index.js'

const add = createTool({
  id: 'add',
  description: 'Add two numbers',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => a + b,
})

export default {
  async fetch(request: Request, env: { OPENAI_API_KEY: string }): Promise<Response> {
    const agent = new Agent({
      id: 'math',
      instructions: 'You add numbers.',
      model: openaiCompatible({ baseURL: 'https://api.openai.com/v1', apiKey: env.OPENAI_API_KEY, model: 'gpt-4o-mini' }),
      tools: { add },
    })
    const { messages } = (await request.json()) as { messages: never[] }
    const s = await agent.stream(messages)
    return s.toResponse()
  },
}
