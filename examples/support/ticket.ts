// `ticket`: a support ticket drafted from the docs, then held for a human's approval (the
// playground shows the suspended step and a resume form built from the resume schema).
import * as z from 'zod'
import { Agent, createStep, createWorkflow, type Retriever } from '../../adapters/node/index.js'
import type { LanguageModelV3 } from '@ai-sdk/provider'

const URGENT = /\b(down|outage|crash(es|ed)?|data loss|security|leak|production)\b/i

export function createTicketWorkflow(options: { model: LanguageModelV3; retriever: Retriever }) {
  const { retriever } = options
  // A memoryless drafter: tickets must not mix into the chat threads.
  const drafter = new Agent({
    id: 'ticket-drafter',
    instructions: 'Draft a reply to a support ticket about Lumos from the retrieved documentation passages. Cite them as [n].',
    model: options.model,
    retrieval: { retriever, topK: 3, maxTokens: 900 },
  })

  const triage = createStep({
    id: 'triage',
    description: 'Priority from the wording; the documentation pages most related to the question',
    inputSchema: z.object({ email: z.string(), question: z.string().min(3) }),
    outputSchema: z.object({ email: z.string(), question: z.string(), priority: z.enum(['normal', 'urgent']), related: z.array(z.string()) }),
    execute: async ({ inputData }) => {
      const hits = await retriever.query(inputData.question, { topK: 5 })
      const related = [...new Set(hits.map((h) => String(h.metadata.source ?? h.id)))]
      return { ...inputData, priority: URGENT.test(inputData.question) ? ('urgent' as const) : ('normal' as const), related }
    },
  })

  const draft = createStep({
    id: 'draft',
    description: 'Drafts a reply with the support model (offline: quotes the docs)',
    outputSchema: z.object({ email: z.string(), priority: z.enum(['normal', 'urgent']), related: z.array(z.string()), reply: z.string() }),
    execute: async ({ inputData, abortSignal }) => {
      const { text } = await drafter.generate(inputData.question, { abortSignal })
      return { email: inputData.email, priority: inputData.priority, related: inputData.related, reply: text }
    },
  })

  const approve = createStep({
    id: 'approve',
    description: 'A human reviews the draft',
    suspendSchema: z.object({ message: z.string(), priority: z.string(), reply: z.string() }),
    resumeSchema: z.object({ approved: z.boolean(), note: z.string().optional() }),
    execute: async ({ inputData, resumeData, suspend }) => {
      if (!resumeData) return suspend({ message: `Send this reply to ${inputData.email}?`, priority: inputData.priority, reply: inputData.reply })
      return { ...inputData, approved: resumeData.approved, note: resumeData.note ?? '' }
    },
  })

  const send = createStep({
    id: 'send',
    description: 'Sends the approved reply (here: records it)',
    execute: async ({ inputData }) =>
      inputData.approved
        ? { status: 'sent', to: inputData.email, reply: inputData.note ? `${inputData.reply}\n\n${inputData.note}` : inputData.reply }
        : { status: 'discarded', to: inputData.email },
  })

  return createWorkflow({
    id: 'ticket',
    description: 'Triage a support ticket, draft a reply from the docs, wait for approval, send',
    inputSchema: z.object({ email: z.string(), question: z.string().min(3) }),
  })
    .then(triage)
    .then(draft)
    .then(approve)
    .then(send)
    .commit()
}
