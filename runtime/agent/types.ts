import type {
  LanguageModelV3Content,
  LanguageModelV3Message,
  SharedV3Headers,
  SharedV3ProviderOptions,
  SharedV3Warning,
} from '@ai-sdk/provider'
import type { MemoryRunOptions } from '../memory/types.js'
import type { Store } from '../storage/types.js'
import type { JsonSchema, StandardSchemaV1 } from '../schema/standard-schema.js'
import type { ToolCall, ToolResult } from '../tools/execute-tool.js'
import type { Span, Tracer } from '../tracing/tracer.js'
import type { StopCondition } from './stop-conditions.js'
import type { FinishReason, Usage } from './usage.js'

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; toolName: string }

export interface StructuredOutputOptions<S extends StandardSchemaV1 = StandardSchemaV1> {
  schema: S
  /** JSON Schema for the model when the schema library cannot convert itself (e.g. valibot edge cases). */
  jsonSchema?: JsonSchema
  name?: string
  description?: string
}

export interface CallSettings {
  temperature?: number
  topP?: number
  topK?: number
  maxOutputTokens?: number
  presencePenalty?: number
  frequencyPenalty?: number
  seed?: number
  /** Stop sequences. */
  stop?: string[]
  headers?: Record<string, string | undefined>
  providerOptions?: SharedV3ProviderOptions
}

export interface GenerateOptions<TContext = unknown, S extends StandardSchemaV1 = StandardSchemaV1> extends CallSettings {
  /** Upper bound on model calls (default: the agent's `maxSteps`, 10). Reaching it is not an error. */
  maxSteps?: number
  /** Extra stop predicates, checked after each step that called tools. */
  stopWhen?: StopCondition | StopCondition[]
  toolChoice?: ToolChoice
  structuredOutput?: StructuredOutputOptions<S>
  abortSignal?: AbortSignal
  onStepFinish?: (step: StepResult) => void | PromiseLike<void>
  /** Passed to tools (`ctx.context`) and to `instructions(ctx)`. */
  context?: TContext
  /** Overrides the agent's tracer for this run. */
  tracer?: Tracer
  /** Nests this run's spans under an outer span. */
  parentSpan?: Span
  /**
   * The thread and resource of this turn (agents with `memory`). `false` runs this call without
   * memory, explicitly: the caller sends the whole conversation (the OpenAI-compatible endpoint does).
   */
  memory?: MemoryRunOptions | false
  /** Where a run suspended by a `requireApproval` tool is stored (workflowId `agent:<id>`), for approveToolCall/declineToolCall. */
  approvalStore?: Store
}

export interface StepResult {
  stepNumber: number
  text: string
  reasoningText: string | undefined
  /** The model's raw content for this step. */
  content: LanguageModelV3Content[]
  toolCalls: ToolCall[]
  toolResults: ToolResult[]
  finishReason: FinishReason
  rawFinishReason: string | undefined
  usage: Usage
  warnings: SharedV3Warning[]
  /** True for the structured-output repair call. */
  isRepair: boolean
  response: { id?: string; modelId?: string; timestamp?: Date; headers?: SharedV3Headers; messages: LanguageModelV3Message[] }
}

export interface GenerateResult<OUTPUT = unknown> {
  runId: string
  /** Text of the last step. */
  text: string
  reasoningText: string | undefined
  /** Validated structured output (only with `structuredOutput`). */
  object: OUTPUT
  steps: StepResult[]
  /** Every tool call of the run, in order (all steps). */
  toolCalls: ToolCall[]
  /** Every tool result of the run, errors included (`isError`). */
  toolResults: ToolResult[]
  /** Summed over all steps. */
  usage: Usage
  /** The last step's reason: 'tool-calls' when maxSteps/stopWhen ended the loop. */
  finishReason: FinishReason
  /** Why the loop ended. */
  stoppedBy: 'model' | 'max-steps' | 'stop-condition' | 'approval'
  /** Set when a tool with `requireApproval` was called: approve/decline with `agent.approveToolCall({ runId, toolCallId, store })`. */
  suspended?: { runId: string; toolCalls: ToolCall[] }
  warnings: SharedV3Warning[]
  /** The messages this run added (assistant + tool), ready to append to a conversation. */
  response: { id?: string; modelId?: string; messages: LanguageModelV3Message[] }
}
