import type { LanguageModelV3Message } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { Retriever } from '../rag/retriever.js'
import { createRetrievalContext, type RetrievalContextOptions } from '../rag/vector-query-tool.js'

/** `AgentConfig.retrieval`: retrieved, cited passages added to every run automatically. */
export interface AgentRetrievalOptions extends RetrievalContextOptions {
  retriever: Retriever
}

export type RetrievalInjector = (messages: LanguageModelV3Message[], abortSignal: AbortSignal) => Promise<void>

/**
 * Builds the per-run step that queries the retriever with the user's latest message and inserts
 * the context as a system message after the other system messages. It lives in the prompt of this
 * run only: memory stores the turn's user/assistant messages, never system messages.
 */
export function createRetrievalInjector(agentId: string, options: AgentRetrievalOptions): RetrievalInjector {
  if (typeof options !== 'object' || options === null || typeof options.retriever?.query !== 'function') {
    throw new LumosError('AGENT_CONFIG_INVALID', `Agent '${agentId}': \`retrieval\` must be { retriever, topK?, maxTokens?, ... } with a Retriever.`, { details: { agent: agentId } })
  }
  const { retriever, ...contextOptions } = options
  const contextFor = createRetrievalContext(retriever, contextOptions)
  return async (messages, abortSignal) => {
    const text = lastUserText(messages)
    if (text === '') return
    const context = await contextFor(text, { abortSignal })
    if (context === '') return
    let lead = 0
    while (lead < messages.length && messages[lead].role === 'system') lead++
    messages.splice(lead, 0, { role: 'system', content: context })
  }
}

function lastUserText(messages: readonly LanguageModelV3Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.role === 'user') return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n').trim()
  }
  return ''
}
