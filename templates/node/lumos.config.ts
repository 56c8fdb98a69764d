// `npm run dev` serves these agents with the playground at http://127.0.0.1:4111/.
import { defineConfig } from 'lumosai'
import { createAssistant } from './src/agent.js'

export default defineConfig({
  agents: { assistant: createAssistant() },
})
