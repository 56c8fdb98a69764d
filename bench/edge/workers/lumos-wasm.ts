// The lumos-snapshot Worker without the snapshot: separates the wasm core's cold-start cost (module
// transfer + compile + instantiate) from the snapshot load.
import * as z from 'zod'
import { Agent } from '../../../runtime/agent/index.js'
import { createTool } from '../../../runtime/tools/index.js'
import { openaiCompatible } from '../../../runtime/models/index.js'
import { ready } from '../../../runtime/core/init.js'
import { WasmVectorStore } from '../../../runtime/rag/wasm-vector-store.js'
import wasm from '../../../runtime/core/wasm/lumos-core.wasm'

const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })
let store: WasmVectorStore | undefined

export default {
  async fetch(request: Request, env: { MODEL_URL: string; OPENAI_API_KEY: string }): Promise<Response> {
    if (!store) {
      await ready(wasm)
      store = new WasmVectorStore({ metric: 'cosine', dimensions: 384 })
    }
    const agent = new Agent({ id: 'math', instructions: 'You add numbers.', model: openaiCompatible({ baseURL: env.MODEL_URL, apiKey: env.OPENAI_API_KEY, model: 'gpt-4o-mini' }), tools: { add } })
    const { messages } = (await request.json()) as { messages: { role: 'user'; content: string }[] }
    const result = await agent.generate(messages, { maxSteps: 5 })
    return Response.json({ text: result.text, vectors: await store.count() })
  },
}
