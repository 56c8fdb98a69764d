import { LumosError } from '../errors.js'
import { isStandardSchema } from '../schema/standard-schema.js'
import type { InferSchemaOutput, StandardSchemaV1 } from '../schema/standard-schema.js'
import type { Tool } from '../tools/tool.js'
import { isTool, RUN_INTERNALS } from '../tools/tool.js'
import { noopTracer } from '../tracing/tracer.js'
import { stringObjectSchema } from './schemas.js'
import type { Step, StepConfig, StepContext } from './types.js'

/** The part of an Agent a step needs (duck-typed to keep workflow -> agent imports one-way). */
export interface AgentLike {
  readonly id: string
  readonly description?: string | undefined
  generate(input: string, options?: { abortSignal?: AbortSignal; context?: any }): Promise<{ text: string }>
}

export function isStep(value: unknown): value is Step {
  return typeof value === 'object' && value !== null && (value as Step).kind === 'lumos.step'
}

function isAgentLike(value: unknown): value is AgentLike {
  return typeof value === 'object' && value !== null && typeof (value as AgentLike).generate === 'function' && typeof (value as AgentLike).id === 'string' && 'model' in value
}

const SCHEMA_KEYS = ['inputSchema', 'outputSchema', 'resumeSchema', 'suspendSchema', 'stateSchema'] as const

type StepFromConfig<C> = C extends StepConfig<any, any, any, any, any>
  ? Step<
      C extends { inputSchema: infer S } ? InferSchemaOutput<S> : any,
      C extends { outputSchema: infer S } ? InferSchemaOutput<S> : Awaited<ReturnType<C['execute']>>,
      C extends { resumeSchema: infer S } ? InferSchemaOutput<S> : any,
      C extends { suspendSchema: infer S } ? InferSchemaOutput<S> : any
    >
  : never

/**
 * Defines a workflow step. Also turns an Agent into a step (`{ prompt }` -> `{ text }`) and a tool
 * into a step (the tool's input/output schemas).
 */
export function createStep(agent: AgentLike): Step<{ prompt: string }, { text: string }>
export function createStep<I, O>(tool: Tool<I, O>): Step<I, O>
export function createStep<
  TInputSchema extends StandardSchemaV1 | undefined = undefined,
  TOutputSchema extends StandardSchemaV1 | undefined = undefined,
  TResumeSchema extends StandardSchemaV1 | undefined = undefined,
  TSuspendSchema extends StandardSchemaV1 | undefined = undefined,
  TOutput = TOutputSchema extends StandardSchemaV1 ? InferSchemaOutput<TOutputSchema> : unknown,
>(
  config: Omit<StepConfig, 'execute' | 'inputSchema' | 'outputSchema' | 'resumeSchema' | 'suspendSchema'> & {
    inputSchema?: TInputSchema
    outputSchema?: TOutputSchema
    resumeSchema?: TResumeSchema
    suspendSchema?: TSuspendSchema
    execute: (
      ctx: StepContext<
        TInputSchema extends StandardSchemaV1 ? InferSchemaOutput<TInputSchema> : any,
        TResumeSchema extends StandardSchemaV1 ? InferSchemaOutput<TResumeSchema> : any,
        TSuspendSchema extends StandardSchemaV1 ? InferSchemaOutput<TSuspendSchema> : any
      >,
    ) => TOutput | PromiseLike<TOutput>
  },
): Step<
  TInputSchema extends StandardSchemaV1 ? InferSchemaOutput<TInputSchema> : any,
  TOutputSchema extends StandardSchemaV1 ? InferSchemaOutput<TOutputSchema> : TOutput,
  TResumeSchema extends StandardSchemaV1 ? InferSchemaOutput<TResumeSchema> : any,
  TSuspendSchema extends StandardSchemaV1 ? InferSchemaOutput<TSuspendSchema> : any
>
export function createStep(config: unknown): Step {
  if (isStep(config)) return config
  if (isTool(config)) return toolStep(config)
  if (isAgentLike(config)) return agentStep(config)
  const c = (config ?? {}) as Partial<StepConfig>
  const invalid = (problem: string) => new LumosError('WORKFLOW_DEFINITION_INVALID', `Step ${typeof c.id === 'string' ? `'${c.id}'` : '(unnamed)'}: ${problem}`, { details: { stepId: c.id } })
  if (typeof c.id !== 'string' || c.id.trim() === '') throw invalid('`id` must be a non-empty string.')
  if (c.id.includes('#')) throw invalid('`id` must not contain "#" (used for foreach item paths).')
  if (typeof c.execute !== 'function') throw invalid('`execute` must be a function.')
  for (const key of SCHEMA_KEYS) {
    if (c[key] !== undefined && !isStandardSchema(c[key])) throw invalid(`\`${key}\` is not a Standard Schema (zod, valibot, jsonSchema({...})).`)
  }
  for (const key of ['retries', 'retryDelayMs', 'timeoutMs'] as const) {
    const v = c[key]
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw invalid(`\`${key}\` must be a non-negative number.`)
  }
  if (c.timeoutMs === 0) throw invalid('`timeoutMs` must be positive.')
  return {
    kind: 'lumos.step',
    id: c.id,
    description: c.description,
    inputSchema: c.inputSchema,
    outputSchema: c.outputSchema,
    resumeSchema: c.resumeSchema,
    suspendSchema: c.suspendSchema,
    stateSchema: c.stateSchema,
    retries: c.retries,
    retryDelayMs: c.retryDelayMs,
    backoff: c.backoff,
    timeoutMs: c.timeoutMs,
    source: 'step',
    execute: c.execute as Step['execute'],
  }
}

/** The same step under another id (a step may appear once per workflow). */
export function cloneStep<I, O, R, S>(step: Step<I, O, R, S>, options: { id: string }): Step<I, O, R, S> {
  if (typeof options?.id !== 'string' || options.id.trim() === '') throw new LumosError('WORKFLOW_DEFINITION_INVALID', 'cloneStep needs a non-empty `id`.')
  return { ...step, id: options.id }
}

// agent and tool steps take no suspend/resume/state schemas and no retry policy of their own
const NO_STEP_OPTIONS = { resumeSchema: undefined, suspendSchema: undefined, stateSchema: undefined, retries: undefined, retryDelayMs: undefined, backoff: undefined } as const

function agentStep(agent: AgentLike): Step<{ prompt: string }, { text: string }> {
  return {
    kind: 'lumos.step',
    id: agent.id,
    description: agent.description,
    inputSchema: stringObjectSchema('prompt'),
    outputSchema: stringObjectSchema('text'),
    ...NO_STEP_OPTIONS,
    timeoutMs: undefined,
    source: 'agent',
    async execute({ inputData, abortSignal, context }) {
      const r = await agent.generate(inputData.prompt, { abortSignal, context })
      return { text: r.text }
    },
  }
}

function toolStep(tool: Tool): Step {
  return {
    kind: 'lumos.step',
    id: tool.id,
    description: tool.description,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
    ...NO_STEP_OPTIONS,
    timeoutMs: tool.timeoutMs,
    source: 'tool',
    async execute({ inputData, abortSignal, context, runId, workflowId }) {
      // the runner validated inputData against the tool's inputSchema (WORKFLOW_STEP_INPUT_INVALID)
      return tool.execute(inputData, {
        abortSignal,
        context,
        toolCallId: `${runId}:${tool.id}`,
        agent: { id: workflowId, name: workflowId },
        messages: [],
        span: noopTracer.startSpan(tool.id),
        [RUN_INTERNALS]: undefined,
      })
    },
  }
}
