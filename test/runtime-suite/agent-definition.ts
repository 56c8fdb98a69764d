// The support agent of the runtime suite: ONE definition module, imported unchanged in Node, workerd,
// Deno and Chromium. It uses only the runtime-agnostic API (each runtime's entry installs its wasm
// loader by importing its adapter first) and zod, imported as zod's documentation writes it.
import * as z from 'zod'
import { Agent, createStep, createTool, createVectorQueryTool, createWorkflow, lexicalEmbedder, Memory, type ModelInput, type Retriever, type Store } from '../../runtime/index.js'

export interface SupportAgentDeps {
  model: ModelInput
  /** Conversation memory lives here (the runtime's own Store). */
  store: Store
  /** Loaded from the `lumos ingest` snapshot. */
  retriever: Retriever
}

export const SUPPORT_INSTRUCTIONS = 'You are a support assistant. Look orders up with lookup_order and answer product questions from search_docs, citing [n].'

const ORDERS: Record<string, { status: 'shipped' | 'processing'; items: number }> = {
  ord_42: { status: 'shipped', items: 2 },
  ord_7: { status: 'processing', items: 1 },
}

/** A zod-typed tool: the model's input is validated before `execute` runs. */
export const lookupOrder = createTool({
  id: 'lookup_order',
  description: 'Looks up an order by id (ord_<digits>) and returns its status.',
  inputSchema: z.object({ orderId: z.string().regex(/^ord_\d+$/, 'order ids look like ord_123') }),
  execute: async ({ orderId }) => {
    const order = ORDERS[orderId]
    return order ? { orderId, ...order } : { orderId, status: 'unknown' as const, items: 0 }
  },
})

export function createSupportAgent({ model, store, retriever }: SupportAgentDeps): Agent {
  return new Agent({
    id: 'support',
    instructions: SUPPORT_INSTRUCTIONS,
    model,
    // recall across the user's threads: the index lives in Store blobs, embedded by the wasm core
    memory: new Memory({ store, embedder: lexicalEmbedder(), options: { semanticRecall: { topK: 1, messageRange: 0, scope: 'resource' } } }),
    tools: {
      lookup_order: lookupOrder,
      search_docs: createVectorQueryTool({ retriever, id: 'search_docs', description: 'Searches the product documentation.', topK: 3, mode: 'hybrid' }),
    },
  })
}

/** A refund that waits for a human: `approve` suspends until resumed with `{ approved }`. */
export function createRefundWorkflow() {
  const check = createStep({
    id: 'check',
    inputSchema: z.object({ orderId: z.string(), amount: z.number().positive() }),
    execute: async ({ inputData }) => ({ ...inputData, eligible: inputData.amount <= 100 }),
  })
  const approve = createStep({
    id: 'approve',
    inputSchema: z.object({ orderId: z.string(), amount: z.number(), eligible: z.boolean() }),
    resumeSchema: z.object({ approved: z.boolean(), by: z.string() }),
    suspendSchema: z.object({ question: z.string() }),
    execute: async ({ inputData, resumeData, suspend }) => {
      if (!resumeData) return suspend({ question: `Refund ${inputData.amount} for ${inputData.orderId}?` })
      return { orderId: inputData.orderId, amount: inputData.amount, approved: resumeData.approved && inputData.eligible, by: resumeData.by }
    },
  })
  const settle = createStep({
    id: 'settle',
    execute: async ({ inputData }: { inputData: { orderId: string; amount: number; approved: boolean; by: string } }) => ({
      refund: inputData.approved ? `refunded ${inputData.amount} on ${inputData.orderId}` : 'declined',
      by: inputData.by,
    }),
  })
  return createWorkflow({ id: 'refund', inputSchema: z.object({ orderId: z.string(), amount: z.number().positive() }) })
    .then(check)
    .then(approve)
    .then(settle)
    .commit()
}
