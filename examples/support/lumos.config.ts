// The example support assistant (`npm start`): answers questions about Lumos from this repo's
// documentation. With no model configured (LUMOS_MODEL, OPENAI_API_KEY, OLLAMA_HOST) it answers
// offline by quoting the retrieved passages with [n] citations.
import { join } from 'node:path'
import { createInMemoryTracer, defineConfig, LibsqlStore, modelFromEnv } from '../../adapters/node/index.js'
import { createSupportAgent } from './agent.js'
import { loadKnowledge } from './knowledge.js'
import { dataDir, REPO_ROOT } from './paths.js'
import { createTicketWorkflow } from './ticket.js'

const dir = dataDir()
const { retriever, stats } = await loadKnowledge(REPO_ROOT, dir)
console.log(
  `support: ${stats.cached ? 'loaded the cached index' : 'indexed'} ${stats.files} docs (${Math.round(stats.chars / 1024)} KiB) → ${stats.chunks} chunks in ${Math.round(stats.ms)} ms` +
    ` (snapshot ${Math.round(stats.snapshotBytes / 1024)} KiB in ${stats.snapshot})`,
)

const model = modelFromEnv()
if (model.modelId === 'offline-answerer') {
  console.log('support: no language model is configured: answers quote the docs (set LUMOS_MODEL, OPENAI_API_KEY or OLLAMA_HOST to use one)')
} else console.log(`support: model ${model.provider}/${model.modelId}`)

const store = await LibsqlStore.open({ url: `file:${join(dir, 'support.db')}` })
const tracer = createInMemoryTracer()
const support = createSupportAgent({ model, retriever, store, tracer })

export default defineConfig({
  agents: { support },
  workflows: { ticket: createTicketWorkflow({ model, retriever }) },
  store,
  retriever,
  tracer,
})
