// The same Worker with the AI SDK (for comparison): streamText + tool + openai-compatible provider.
import { z } from 'zod'
import { streamText, tool, stepCountIs, convertToModelMessages } from 'ai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'

const add = tool({ description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })

export default {
  async fetch(request: Request, env: { OPENAI_API_KEY: string }): Promise<Response> {
    const provider = createOpenAICompatible({ name: 'openai', baseURL: 'https://api.openai.com/v1', apiKey: env.OPENAI_API_KEY })
    const { messages } = (await request.json()) as { messages: never[] }
    const result = streamText({ model: provider.chatModel('gpt-4o-mini'), system: 'You add numbers.', messages: await convertToModelMessages(messages), tools: { add }, stopWhen: stepCountIs(10) })
    return result.toUIMessageStreamResponse()
  },
}
