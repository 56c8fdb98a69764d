// The AI SDK (ai 6): generateText + one zod tool + the openai-compatible provider. No memory (the AI SDK has none).
import * as z from 'zod'
import { generateText, tool, stepCountIs } from 'ai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'

const add = tool({ description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })

export default {
  async fetch(request: Request, env: { MODEL_URL: string; OPENAI_API_KEY: string }): Promise<Response> {
    const provider = createOpenAICompatible({ name: 'openai', baseURL: env.MODEL_URL, apiKey: env.OPENAI_API_KEY })
    const { messages } = (await request.json()) as { messages: { role: 'user'; content: string }[] }
    const result = await generateText({ model: provider.chatModel('gpt-4o-mini'), system: 'You add numbers.', messages, tools: { add }, stopWhen: stepCountIs(5) })
    return Response.json({ text: result.text })
  },
}
