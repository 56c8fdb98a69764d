import { LumosError } from '../errors.js'
import type { Store } from '../storage/types.js'
import type { Tool } from '../tools/tool.js'
import { createTool } from '../tools/tool.js'
import type { SuspendedStep } from './types.js'
import type { Workflow } from './workflow.js'

export interface WorkflowToolOutput<TOutput> {
  runId: string
  status: 'success' | 'suspended' | 'failed' | 'canceled'
  result?: TOutput
  /** Set when the run suspended: resume it later with `workflow.getRun(runId, { store }).resume(...)`. */
  suspended?: SuspendedStep[]
  error?: string
}

/**
 * Exposes a workflow to an agent as a tool: the tool input is the workflow input (its inputSchema
 * is sent to the model), each call starts a run in `store`. Failed runs come back as data the
 * model can read, a suspended run returns its runId so the app can resume it.
 */
export function workflowTool<TInput, TOutput>(
  workflow: Workflow<TInput, TOutput, any>,
  options: { store?: Store; id?: string; description?: string; timeoutMs?: number } = {},
): Tool<TInput, WorkflowToolOutput<TOutput>> {
  const description = options.description ?? workflow.description
  if (!description) throw new LumosError('WORKFLOW_DEFINITION_INVALID', `workflowTool(${workflow.id}): give the workflow a \`description\` (or pass one) so the model knows when to call it.`, { details: { workflowId: workflow.id } })
  if (!workflow.inputSchema) throw new LumosError('WORKFLOW_DEFINITION_INVALID', `workflowTool(${workflow.id}): the workflow needs an \`inputSchema\` to be a tool.`, { details: { workflowId: workflow.id } })
  return createTool({
    id: options.id ?? workflow.id,
    description,
    inputSchema: workflow.inputSchema,
    timeoutMs: options.timeoutMs,
    execute: async (input, ctx) => {
      const run = await workflow.createRun({ store: options.store })
      const r = await run.start({ inputData: input as TInput, context: ctx.context, abortSignal: ctx.abortSignal })
      const out: WorkflowToolOutput<TOutput> = { runId: r.runId, status: r.status }
      if (r.status === 'success') out.result = r.result
      if (r.suspended) out.suspended = r.suspended
      if (r.error) out.error = r.error.message
      return out
    },
  }) as Tool<TInput, WorkflowToolOutput<TOutput>>
}
