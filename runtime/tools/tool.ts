import type { LanguageModelV3Message, LanguageModelV3ToolResultOutput, SharedV3ProviderOptions } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { InferSchemaOutput, JsonSchema, StandardSchemaV1 } from '../schema/standard-schema.js'
import { isStandardSchema } from '../schema/standard-schema.js'
import { toJsonSchema } from '../schema/to-json-schema.js'
import type { Span, Tracer } from '../tracing/tracer.js'

/** Internal run state handed to tools that start nested runs (sub-agents). Not public API. */
export const RUN_INTERNALS: unique symbol = Symbol.for('lumos.run-internals') as never

export interface RunInternals {
  depth: number
  path: readonly string[]
  tracer: Tracer
  maxDelegationDepth: number
  /** Set while streaming: lets nested runs forward their parts into the parent stream. */
  emit: ((part: any) => void) | undefined
}

export interface ToolContext<TContext = unknown> {
  /** Aborted when the run is cancelled or this tool's `timeoutMs` elapses. */
  abortSignal: AbortSignal
  /** The `context` passed to generate()/stream(). */
  context: TContext
  toolCallId: string
  /** The agent running the tool. */
  agent: { readonly id: string; readonly name: string }
  /** The prompt the model saw when it called the tool. */
  messages: ReadonlyArray<LanguageModelV3Message>
  /** The tool's span: pass it as `parent` to trace nested work. */
  span: Span
  /** @internal */
  [RUN_INTERNALS]?: RunInternals
}

export interface ToolConfig<TInputSchema extends StandardSchemaV1 = StandardSchemaV1, TOutput = unknown, TContext = any> {
  id: string
  description: string
  /** Standard Schema (zod, valibot, `jsonSchema()`); sent to the model as JSON Schema. Omit for no input. */
  inputSchema?: TInputSchema
  /** Validates what `execute` returns; a mismatch goes back to the model as a tool error. */
  outputSchema?: StandardSchemaV1<unknown, TOutput>
  execute: (input: InferSchemaOutput<TInputSchema>, ctx: ToolContext<TContext>) => TOutput | PromiseLike<TOutput>
  /** Per-call time limit; the tool's abortSignal fires and the model gets a TOOL_TIMEOUT error result. */
  timeoutMs?: number
  /** JSON Schema sent to the model instead of converting `inputSchema` (for libraries without a converter). */
  inputJsonSchema?: JsonSchema
  /** Provider strict mode (OpenAI structured tool calls). */
  strict?: boolean
  providerOptions?: SharedV3ProviderOptions
  /** What the model sees of the output (default: strings as text, anything else as JSON). */
  toModelOutput?: (output: TOutput) => LanguageModelV3ToolResultOutput
  /** Human-in-the-loop: the run suspends before executing this tool until `agent.approveToolCall()` / `declineToolCall()` (needs `approvalStore` on generate()). */
  requireApproval?: boolean
}

export interface Tool<TInput = any, TOutput = any, TContext = any> {
  readonly kind: 'lumos.tool'
  readonly id: string
  readonly description: string
  readonly inputSchema: StandardSchemaV1<unknown, TInput> | undefined
  readonly outputSchema: StandardSchemaV1<unknown, TOutput> | undefined
  /** JSON Schema for the model, converted once at creation. */
  readonly jsonSchema: JsonSchema
  readonly timeoutMs: number | undefined
  readonly strict: boolean | undefined
  readonly providerOptions: SharedV3ProviderOptions | undefined
  readonly requireApproval?: boolean
  // Method syntax keeps Tool<X, Y> assignable to Tool<any, any> (parameter bivariance).
  toModelOutput?(output: TOutput): LanguageModelV3ToolResultOutput
  execute(input: TInput, ctx: ToolContext<TContext>): TOutput | PromiseLike<TOutput>
}

const EMPTY_OBJECT_SCHEMA: JsonSchema = Object.freeze({ type: 'object', properties: {}, additionalProperties: false }) as JsonSchema

export function isTool(value: unknown): value is Tool {
  return typeof value === 'object' && value !== null && (value as Tool).kind === 'lumos.tool'
}

/** Defines a tool. Validates the definition and converts its input schema once, here. */
export function createTool<TInputSchema extends StandardSchemaV1, TOutput, TContext = any>(
  config: ToolConfig<TInputSchema, TOutput, TContext>,
): Tool<InferSchemaOutput<TInputSchema>, TOutput, TContext> {
  if (isTool(config)) return config as never
  const c = (config ?? {}) as Partial<ToolConfig>
  const name = typeof c.id === 'string' && c.id ? `'${c.id}'` : '(unnamed)'
  const invalid = (problem: string, cause?: unknown): LumosError =>
    new LumosError('TOOL_DEFINITION_INVALID', `Tool ${name}: ${problem}`, { cause, details: { tool: c.id } })
  if (typeof c.id !== 'string' || c.id.trim() === '') throw invalid('`id` must be a non-empty string.')
  if (typeof c.description !== 'string' || c.description.trim() === '') throw invalid('`description` must be a non-empty string (the model reads it to decide when to call the tool).')
  if (typeof c.execute !== 'function') throw invalid('`execute` must be a function.')
  if (c.inputSchema !== undefined && !isStandardSchema(c.inputSchema)) throw invalid('`inputSchema` is not a Standard Schema (use zod, valibot, or jsonSchema({...})).')
  if (c.outputSchema !== undefined && !isStandardSchema(c.outputSchema)) throw invalid('`outputSchema` is not a Standard Schema (use zod, valibot, or jsonSchema({...})).')
  if (c.timeoutMs !== undefined && !(typeof c.timeoutMs === 'number' && c.timeoutMs > 0 && Number.isFinite(c.timeoutMs))) throw invalid('`timeoutMs` must be a positive number of milliseconds.')
  let schema: JsonSchema
  if (c.inputJsonSchema !== undefined) {
    if (typeof c.inputJsonSchema !== 'object' || c.inputJsonSchema === null) throw invalid('`inputJsonSchema` must be a JSON Schema object.')
    schema = c.inputJsonSchema
  } else if (c.inputSchema === undefined) {
    schema = EMPTY_OBJECT_SCHEMA
  } else {
    try {
      schema = toJsonSchema(c.inputSchema)
    } catch (cause) {
      throw invalid(`\`inputSchema\` cannot be converted to JSON Schema (${(cause as Error).message}); pass \`inputJsonSchema\`.`, cause)
    }
  }
  return {
    kind: 'lumos.tool',
    id: c.id,
    description: c.description,
    inputSchema: c.inputSchema as never,
    outputSchema: c.outputSchema as never,
    jsonSchema: schema,
    timeoutMs: c.timeoutMs,
    strict: c.strict,
    providerOptions: c.providerOptions,
    toModelOutput: c.toModelOutput as never,
    execute: c.execute as never,
    ...(c.requireApproval ? { requireApproval: true } : {}),
  }
}
