// One adapter per library: the same task (system prompt, one `add` tool, one tool round trip, <= 5 steps).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { z } from 'zod'
import { createMockModel } from './mock-model.mjs'

const require = createRequire(import.meta.url)
const versionOf = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version
const INSTRUCTIONS = 'You add numbers.'
const PROMPT = 'What is 2+3?'
const EXPECTED = 'The sum is 5.'
const inputSchema = z.object({ a: z.number(), b: z.number() })

export const libraries = {
  // The floor: the mock's two calls and the tool, without any framework.
  async mock() {
    const model = createMockModel('v3')
    return {
      version: '-',
      async run() {
        const prompt = [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }]
        const a = await model.doGenerate({ prompt })
        const input = JSON.parse(a.content[0].input)
        const sum = input.a + input.b
        prompt.push({ role: 'assistant', content: [] }, { role: 'tool', content: [{ type: 'tool-result', output: { type: 'json', value: sum } }] })
        const b = await model.doGenerate({ prompt })
        return b.content[0].text
      },
      model,
    }
  },

  async lumos() {
    const { Agent, createTool } = await import('./.build/lumos.mjs')
    const model = createMockModel('v3')
    const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema, execute: async ({ a, b }) => a + b })
    const agent = new Agent({ id: 'math', instructions: INSTRUCTIONS, model, tools: { add } })
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    return {
      version: pkg.version,
      run: async () => (await agent.generate(PROMPT, { maxSteps: 5 })).text,
      makeAgent: () => new Agent({ id: 'math', instructions: INSTRUCTIONS, model, tools: { add } }),
      model,
    }
  },

  async 'ai-generateText'() {
    const { generateText, tool, stepCountIs } = await import('ai')
    const model = createMockModel('v3')
    const tools = { add: tool({ description: 'Add two numbers', inputSchema, execute: async ({ a, b }) => a + b }) }
    return {
      version: versionOf('ai'),
      run: async () => (await generateText({ model, system: INSTRUCTIONS, prompt: PROMPT, tools, stopWhen: stepCountIs(5) })).text,
      model,
    }
  },

  async 'ai-ToolLoopAgent'() {
    const ai = await import('ai')
    if (!ai.ToolLoopAgent) return null
    const model = createMockModel('v3')
    const tools = { add: ai.tool({ description: 'Add two numbers', inputSchema, execute: async ({ a, b }) => a + b }) }
    const make = () => new ai.ToolLoopAgent({ model, instructions: INSTRUCTIONS, tools, stopWhen: ai.stepCountIs(5) })
    const agent = make()
    return { version: versionOf('ai'), run: async () => (await agent.generate({ prompt: PROMPT })).text, makeAgent: make, model }
  },

  async mastra() {
    const { Agent } = await import('@mastra/core/agent')
    const { createTool } = await import('@mastra/core/tools')
    const model = createMockModel('v2') // @mastra/core 0.24 drives spec v2 models (AI SDK 5)
    const add = createTool({ id: 'add', description: 'Add two numbers', inputSchema, execute: async ({ context }) => context.a + context.b })
    const make = () => new Agent({ name: 'math', instructions: INSTRUCTIONS, model, tools: { add } })
    const agent = make()
    return { version: versionOf('@mastra/core'), run: async () => (await agent.generate(PROMPT, { maxSteps: 5 })).text, makeAgent: make, model }
  },
}

export { EXPECTED }
