// A durable workflow with a human approval: start it, it suspends and is stored in SQLite; any
// later process can resume it by run id (here: a fresh store connection in the same script).
//   npx tsx examples/node/workflow.ts
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as z from 'zod'
import { createStep, createWorkflow, LibsqlStore } from '../../adapters/node/index.js'

const draft = createStep({
  id: 'draft',
  inputSchema: z.object({ topic: z.string() }),
  outputSchema: z.object({ text: z.string() }),
  execute: async ({ inputData }) => ({ text: `A short note about ${inputData.topic}.` }),
})
const approve = createStep({
  id: 'approve',
  resumeSchema: z.object({ approved: z.boolean() }),
  suspendSchema: z.object({ question: z.string() }),
  execute: async ({ inputData, resumeData, suspend }) => {
    if (!resumeData) return suspend({ question: `Publish "${inputData.text}"?` })
    return { text: inputData.text, approved: resumeData.approved }
  },
})
const publish = createStep({ id: 'publish', execute: async ({ inputData }) => (inputData.approved ? `published: ${inputData.text}` : 'discarded') })

const review = createWorkflow({ id: 'review', inputSchema: z.object({ topic: z.string() }) }).then(draft).then(approve).then(publish).commit()

const url = `file:${join(mkdtempSync(join(tmpdir(), 'lumos-example-')), 'runs.db')}`
let store = await LibsqlStore.open({ url })
const run = await review.createRun({ store })
const first = await run.start({ inputData: { topic: 'durable workflows' } })
console.log(first.status, first.suspended?.[0].suspendPayload) // suspended { question: 'Publish "..."?' }
await store.close()

// later, in another request or process: only the run id is needed
store = await LibsqlStore.open({ url })
const again = await review.getRun(run.runId, { store })
const done = await again.resume({ step: 'approve', resumeData: { approved: true } })
console.log(done.status, done.result) // success published: A short note about durable workflows.
await store.close()
