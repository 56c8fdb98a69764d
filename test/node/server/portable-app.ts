// A Lumos app with MockModel agents, bundled for workerd and Deno by portable.test.ts: the same
// createApp() must serve REST, UI message streams and OpenAI-compatible routes there.
import { Agent } from '../../../runtime/agent/agent.js'
import { createApp } from '../../../runtime/server/app.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'
import { jsonSchema } from '../../../runtime/schema/index.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { createTool } from '../../../runtime/tools/tool.js'

const weather = createTool({
  id: 'weather',
  description: 'Current weather for a city.',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  execute: async ({ city }) => ({ city, forecast: 'sunny' }),
})

const model = new MockModel({
  responses: (options) => {
    const last = options.prompt[options.prompt.length - 1]
    if (last.role === 'tool') return { text: 'It is sunny.' }
    return { toolCalls: [{ toolName: 'weather', input: { city: 'Paris' }, toolCallId: 'call_1' }] }
  },
})

export const app = createApp({
  agents: { assistant: new Agent({ id: 'assistant', model, tools: { weather } }) },
  store: new InMemoryStore(),
  auth: { tokens: ['portable-token-1'] },
})

export default { fetch: (req: Request) => app.fetch(req) }
