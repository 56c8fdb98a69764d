import { LumosError } from '../errors.js'
import { jsonSchema } from '../schema/json-schema.js'
import type { AgentStreamPart } from '../stream/parts.js'
import { createTool, RUN_INTERNALS } from '../tools/tool.js'
import type { RunInternals, Tool } from '../tools/tool.js'
import type { Span } from '../tracing/tracer.js'
import type { Agent } from './agent.js'
import type { StepResult } from './types.js'
import type { FinishReason, Usage } from './usage.js'

/** A sub-agent run as the supervisor's tool result holds it (the model itself only sees `text`/`object`). */
export interface SubAgentRun {
  agentId: string
  /** Agent ids from the top-level agent's sub-agents down to this one. */
  path: readonly string[]
  runId: string
  text: string
  object: unknown
  steps: StepResult[]
  usage: Usage
  finishReason: FinishReason
}

/** Hidden generate()/stream() option carrying the parent run's state into a sub-run. */
export type ParentRun = RunInternals & { span: Span }

const PROMPT_SCHEMA = jsonSchema<{ prompt: string }>({
  type: 'object',
  properties: { prompt: { type: 'string', description: 'The complete task for the agent, with all the context it needs: it does not see this conversation.' } },
  required: ['prompt'],
  additionalProperties: false,
})

/** Exposes an agent as a tool (supervisor pattern). Depth is counted from the top-level run. */
export function createAgentTool(name: string, agent: Agent<any>): Tool<{ prompt: string }, SubAgentRun> {
  return createTool({
    id: name,
    description: agent.description ?? `Delegate a task to the '${agent.name}' agent and get its answer.`,
    inputSchema: PROMPT_SCHEMA,
    toModelOutput: (run: SubAgentRun) => (run.object !== undefined ? { type: 'json', value: run.object as never } : { type: 'text', value: run.text }),
    async execute({ prompt }, ctx): Promise<SubAgentRun> {
      const parent = ctx[RUN_INTERNALS]
      const depth = (parent?.depth ?? 0) + 1
      const max = parent?.maxDelegationDepth ?? 3
      const path = [...(parent?.path ?? []), agent.id]
      if (depth > max) {
        throw new LumosError('AGENT_DELEGATION_DEPTH', `Delegation to '${name}' refused: it would be nesting level ${depth}, above the limit of ${max}. Answer with the information you have.`, { details: { agent: agent.id, depth, maxDelegationDepth: max, path } })
      }
      const internals: ParentRun = { depth, path, tracer: parent?.tracer ?? (undefined as never), maxDelegationDepth: max, emit: undefined, span: ctx.span }
      const options = { abortSignal: ctx.abortSignal, context: ctx.context, [RUN_INTERNALS]: internals }
      const emit = parent?.emit as ((part: AgentStreamPart) => void) | undefined
      if (emit === undefined) {
        const r = await agent.generate(prompt, options)
        return { agentId: agent.id, path, runId: r.runId, text: r.text, object: r.object, steps: r.steps, usage: r.usage, finishReason: r.finishReason }
      }
      const sub = await agent.stream(prompt, options)
      const reader = sub.fullStream.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        emit(value.type === 'agent-part' ? value : { type: 'agent-part', agentId: agent.id, path, toolCallId: ctx.toolCallId, part: value })
      }
      const r = await sub.result
      return { agentId: agent.id, path, runId: r.runId, text: r.text, object: r.object, steps: r.steps, usage: r.usage, finishReason: r.finishReason }
    },
  })
}
