import { Agent, createTool, jsonSchema, type LanguageModelV3 } from 'lumosai'
import { modelFromEnv } from 'lumosai/node'

export const add = createTool({
  id: 'add',
  description: 'Add two numbers',
  inputSchema: jsonSchema<{ a: number; b: number }>({
    type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' } },
    required: ['a', 'b'],
  }),
  execute: async ({ a, b }) => a + b,
})

/**
 * The model comes from the environment: LUMOS_MODEL (e.g. openai/gpt-4o-mini) with OPENAI_API_KEY,
 * or OLLAMA_HOST; with none set, an offline answerer says that no model is configured.
 */
export function createAssistant(model: LanguageModelV3 = modelFromEnv()) {
  return new Agent({
    id: 'assistant',
    description: 'A helpful assistant that can add numbers',
    instructions: 'You are a helpful assistant. Use the add tool for arithmetic.',
    model,
    tools: { add },
  })
}
