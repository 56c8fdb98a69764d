// A support assistant on Cloudflare Workers: answers questions about Lumos from a bundled docs
// snapshot (built by `lumos ingest`), cites its sources as [n], streams (AI SDK UI message stream
// and OpenAI-compatible SSE), and remembers each conversation in a Durable Object (one per thread).
// No nodejs_compat. See ../README.md.
import {
  Agent,
  createAgentObject,
  createVectorQueryTool,
  createWorkerHandler,
  lexicalEmbedder,
  loadSnapshotBytes,
  Memory,
  modelSettingsFromVars,
  offlineAnswerer,
  resolveModel,
  Retriever,
  type WorkerAppOptions,
} from '../../../adapters/workers/index.js'
// wrangler's `Data` rule (wrangler.toml) bundles the snapshot as an ArrayBuffer module.
import snapshot from '../docs.lumos'

export interface Env {
  /** "provider/model-id", e.g. openai/gpt-4o-mini; empty = offline answerer (quotes the docs). */
  LUMOS_MODEL?: string
  /** Any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp, a gateway). */
  OPENAI_BASE_URL?: string
  OPENAI_API_KEY?: string
  /** Bearer token the API requires when set (set it as a secret on a deployed Worker). */
  LUMOS_TOKEN?: string
  LUMOS_OBJECT?: unknown
}

// Loaded once per isolate at cold start, shared by the front Worker and the objects of this isolate.
let retriever: Promise<Retriever> | undefined
function docs(): Promise<Retriever> {
  retriever ??= loadSnapshotBytes({ bytes: snapshot }).then((bytes) => Retriever.load(bytes, { embedder: lexicalEmbedder() }))
  return retriever
}

function modelOf(env: Env) {
  const vars = env as unknown as Record<string, unknown>
  const id = env.LUMOS_MODEL || (env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? 'openai/gpt-4o-mini' : '')
  return id ? resolveModel(id, modelSettingsFromVars(vars)) : offlineAnswerer()
}

const options: WorkerAppOptions<Env> = {
  async agents({ env, store }) {
    const search = createVectorQueryTool({ retriever: await docs(), id: 'search_docs', topK: 4, maxTokens: 1200 })
    const support = new Agent({
      id: 'support',
      name: 'Lumos support',
      description: 'Answers questions about the Lumos framework from its documentation.',
      instructions:
        'You are the support assistant for Lumos, an edge-native TypeScript AI agent framework. ' +
        'Call search_docs before answering a question about Lumos and answer only from what it returns, citing passages as [n]. ' +
        'If the docs do not cover the question, say so.',
      model: modelOf(env),
      tools: { search_docs: search },
      maxSteps: 4,
      // Inside the thread's Durable Object: memory on its SQLite storage. The front Worker serves stateless turns.
      ...(store ? { memory: new Memory({ store, options: { lastMessages: 20 } }) } : {}),
    })
    return { support }
  },
  app: (env) => (env.LUMOS_TOKEN ? { auth: { tokens: [env.LUMOS_TOKEN] } } : {}),
}

export default createWorkerHandler(options)
export const LumosAgentObject = createAgentObject(options)
