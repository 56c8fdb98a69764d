import { z } from 'zod'
import { serve, type ServedApp, type ServeOptions } from '../../../adapters/node/serve.js'
import { Agent } from '../../../runtime/agent/agent.js'
import type { AppOptions } from '../../../runtime/server/types.js'
import { InMemoryStore } from '../../../runtime/storage/index.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { createTool } from '../../../runtime/tools/tool.js'
import { createInMemoryTracer } from '../../../runtime/tracing/in-memory-tracer.js'

export const weatherTool = createTool({
  id: 'weather',
  description: 'Current weather for a city.',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, forecast: 'sunny', celsius: 21 }),
})

/** A model that calls `weather` when the user mentions weather, then answers from the tool result. */
export function weatherModel(chunkDelayMs = 0): MockModel {
  return new MockModel({
    chunkDelayMs,
    responses: (options) => {
      const last = options.prompt[options.prompt.length - 1]
      if (last.role === 'tool') return { text: 'It is sunny in Paris (21 °C).', usage: { inputTokens: 30, outputTokens: 9 } }
      const text = last.role === 'user' ? last.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : ''
      if (/weather/i.test(text)) return { toolCalls: [{ toolName: 'weather', input: { city: 'Paris' }, toolCallId: 'call_w1' }], usage: { inputTokens: 20, outputTokens: 7 } }
      if (/boom/i.test(text)) return { error: new Error('provider exploded at /srv/secret/path.js:12') }
      return { text: `Echo: ${text}`, usage: { inputTokens: 11, outputTokens: 4 } }
    },
  })
}

export function createFixture(overrides: Partial<AppOptions> = {}) {
  const tracer = createInMemoryTracer()
  const store = new InMemoryStore()
  const assistant = new Agent({ id: 'assistant', name: 'Assistant', description: 'Answers with the weather tool.', model: weatherModel(), tools: { weather: weatherTool }, tracer })
  const echo = new Agent({ id: 'echo', model: weatherModel() })
  const options: AppOptions = { agents: { assistant, echo }, store, tracer, ...overrides }
  return { options, store, tracer, assistant, echo }
}

export async function start(options: AppOptions, serveOptions: ServeOptions = {}): Promise<ServedApp> {
  return serve(options, { port: 0, ...serveOptions })
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

/** Reads an SSE body into its `data:` payloads. */
export async function sseData(res: Response): Promise<string[]> {
  const text = await res.text()
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
    .filter((d) => d !== '')
}
