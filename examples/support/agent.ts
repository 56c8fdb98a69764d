import type { LanguageModelV3 } from '@ai-sdk/provider'
import { Agent, createVectorQueryTool, lexicalEmbedder, Memory, type Retriever, type Store, type Tracer } from '../../adapters/node/index.js'

export const INSTRUCTIONS = `You are the support assistant of Lumos, an edge-native TypeScript AI agent framework.
Answer questions about Lumos from its documentation: the passages retrieved for each question are given to you,
and the search_docs tool finds more. Cite passages as [n]. If the documentation does not answer the question,
say so instead of guessing. Keep answers short and practical; show code when it helps.
Remember what the user tells you about their project (runtime, use case) in working memory.`

/** The `support` agent: automatic retrieval of cited passages, a search tool for follow-ups, memory with working memory and recall. */
export function createSupportAgent(options: { model: LanguageModelV3; retriever: Retriever; store: Store; tracer?: Tracer }): Agent {
  const { model, retriever, store, tracer } = options
  return new Agent({
    id: 'support',
    name: 'Lumos support',
    description: 'Answers questions about Lumos from its documentation, with citations.',
    instructions: INSTRUCTIONS,
    model,
    retrieval: { retriever, topK: 4, maxTokens: 1200 },
    tools: {
      search_docs: createVectorQueryTool({
        retriever,
        id: 'search_docs',
        description: 'Searches the Lumos documentation (README files) and returns numbered passages. Cite them as [n].',
        topK: 5,
      }),
    },
    memory: new Memory({
      store,
      embedder: lexicalEmbedder(),
      options: {
        lastMessages: 12,
        semanticRecall: { topK: 3, messageRange: 1, scope: 'resource' },
        workingMemory: {
          enabled: true,
          scope: 'resource',
          template: '# User\n- Name:\n- Runtime (Workers, Deno, browser, Node):\n- Building:\n- Open questions:\n',
        },
      },
    }),
    maxSteps: 5,
    tracer,
  })
}
