import type { LanguageModelV3, LanguageModelV3FunctionTool, LanguageModelV3Message } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { ModelInput, ModelSettings } from '../models/index.js'
import { resolveModel } from '../models/index.js'
import type { InferSchemaOutput, StandardSchemaV1 } from '../schema/standard-schema.js'
import type { AgentStreamPart } from '../stream/parts.js'
import { createReplayBuffer } from '../stream/replay-buffer.js'
import type { RunInternals, Tool, ToolConfig } from '../tools/tool.js'
import { createTool, isTool, RUN_INTERNALS } from '../tools/tool.js'
import type { Tracer } from '../tracing/tracer.js'
import { noopTracer } from '../tracing/tracer.js'
import { generateId } from './id.js'
import type { ToolDecisionInput } from './approval.js'
import { decideToolCall } from './approval.js'
import type { Memory } from '../memory/memory.js'
import { prepareMemoryRun, runWithMemory } from './memory-hooks.js'
import { createRetrievalInjector, type AgentRetrievalOptions, type RetrievalInjector } from './retrieval.js'
import type { AgentInput } from './messages.js'
import { toPrompt } from './messages.js'
import type { RunSetup } from './run.js'
import { runAgentLoop } from './run.js'
import { AgentStreamResult } from './stream-result.js'
import { structuredResponseFormat } from './structured-output.js'
import type { ParentRun } from './sub-agent-tool.js'
import { createAgentTool } from './sub-agent-tool.js'
import type { GenerateOptions, GenerateResult } from './types.js'

export interface InstructionsContext<TContext> {
  context: TContext
  agent: Agent<TContext>
}

export interface AgentConfig<TContext = unknown> {
  id: string
  /** Display name (default: id). */
  name?: string
  /** What the agent does; supervisors show it to their model when this agent is a sub-agent. */
  description?: string
  /** The system prompt, or a function of the run's context. */
  instructions?: string | ((ctx: InstructionsContext<TContext>) => string | PromiseLike<string>)
  /** A LanguageModelV3/V2 object (any AI SDK provider package) or a 'provider/model' string. */
  model: ModelInput
  modelSettings?: ModelSettings
  tools?: Record<string, Tool<any, any, any> | ToolConfig<any, any, any>>
  /** Sub-agents, exposed to the model as tools taking `{ prompt }`. */
  agents?: Record<string, Agent<any>>
  /** Default upper bound on model calls per run (10). */
  maxSteps?: number
  /** Input size limit in characters (default 1,000,000). */
  maxInputChars?: number
  /** How deep sub-agents may delegate (default 3). */
  maxDelegationDepth?: number
  tracer?: Tracer
  /** Conversation memory (threads, working memory, semantic recall); runs then need `memory: { thread, resource }`. */
  memory?: Memory
  /**
   * Automatic RAG: each run queries `retriever` with the user's latest message and adds the cited
   * passages as a system message for that run only (never stored in memory).
   */
  retrieval?: AgentRetrievalOptions
  /** Defaults for every call (temperature, maxOutputTokens, providerOptions, ...). */
  defaultOptions?: Omit<GenerateOptions<TContext>, 'structuredOutput' | 'abortSignal' | 'context'>
}

type ResultFor<O> = O extends { structuredOutput: { schema: infer S } } ? GenerateResult<InferSchemaOutput<S>> : GenerateResult<undefined>
type StreamFor<O> = O extends { structuredOutput: { schema: infer S } } ? AgentStreamResult<InferSchemaOutput<S>> : AgentStreamResult<undefined>

let neverAborted: AbortSignal | undefined

export class Agent<TContext = unknown> {
  readonly id: string
  readonly name: string
  readonly description: string | undefined
  readonly model: LanguageModelV3
  readonly tools: Readonly<Record<string, Tool>>
  /** The agent's memory, if any (servers read it to decide whether to pass threadId/resourceId). */
  readonly memory: Memory | undefined
  readonly #config: AgentConfig<TContext>
  readonly #system: LanguageModelV3Message | undefined
  readonly #modelTools: LanguageModelV3FunctionTool[] | undefined
  readonly #maxInputChars: number
  readonly #maxSteps: number
  readonly #retrieval: RetrievalInjector | undefined

  constructor(config: AgentConfig<TContext>) {
    if (typeof config !== 'object' || config === null) throw new LumosError('AGENT_CONFIG_INVALID', 'new Agent(config) needs a config object.')
    if (typeof config.id !== 'string' || config.id.trim() === '') throw new LumosError('AGENT_CONFIG_INVALID', 'Agent `id` must be a non-empty string.')
    if (config.model === undefined || config.model === null) throw new LumosError('AGENT_CONFIG_INVALID', `Agent '${config.id}' has no \`model\`.`, { details: { agent: config.id } })
    this.id = config.id
    this.name = config.name ?? config.id
    this.description = config.description
    this.memory = config.memory
    this.#config = config
    this.model = resolveModel(config.model, config.modelSettings)
    this.#maxInputChars = config.maxInputChars ?? 1_000_000
    this.#maxSteps = positiveInt(config.maxSteps ?? 10, 'maxSteps')
    this.#retrieval = config.retrieval === undefined ? undefined : createRetrievalInjector(config.id, config.retrieval)
    if (typeof config.instructions === 'string' && config.instructions !== '') this.#system = { role: 'system', content: config.instructions }
    else if (config.instructions !== undefined && typeof config.instructions !== 'string' && typeof config.instructions !== 'function') {
      throw new LumosError('AGENT_CONFIG_INVALID', `Agent '${config.id}': \`instructions\` must be a string or a function.`)
    }

    const tools: Record<string, Tool> = {}
    for (const [key, value] of Object.entries(config.tools ?? {})) {
      if (typeof value !== 'object' || value === null) {
        throw new LumosError('TOOL_DEFINITION_INVALID', `Tool '${key}' of agent '${config.id}' is not a tool (use createTool()).`, { details: { tool: key, agent: config.id } })
      }
      if (!isTool(value) && (typeof (value as ToolConfig).id !== 'string' || (value as ToolConfig).id === '')) {
        throw new LumosError('TOOL_DEFINITION_INVALID', `Tool '${key}' of agent '${config.id}': \`id\` must be a non-empty string.`, { details: { tool: key, agent: config.id } })
      }
      // createTool throws TOOL_DEFINITION_INVALID naming the tool.
      tools[key] = isTool(value) ? value : createTool(value as ToolConfig)
    }
    for (const [key, sub] of Object.entries(config.agents ?? {})) {
      if (!(sub instanceof Agent)) throw new LumosError('AGENT_CONFIG_INVALID', `Sub-agent '${key}' of agent '${config.id}' is not an Agent.`, { details: { agent: config.id, subAgent: key } })
      if (tools[key]) throw new LumosError('AGENT_CONFIG_INVALID', `Agent '${config.id}' has both a tool and a sub-agent named '${key}'.`, { details: { agent: config.id, name: key } })
      tools[key] = createAgentTool(key, sub)
    }
    this.tools = tools
    const names = Object.keys(tools)
    this.#modelTools =
      names.length === 0
        ? undefined
        : names.map((name) => {
            const t = tools[name]
            const def: LanguageModelV3FunctionTool = { type: 'function', name, description: t.description, inputSchema: t.jsonSchema as never }
            if (t.strict !== undefined) def.strict = t.strict
            if (t.providerOptions !== undefined) def.providerOptions = t.providerOptions
            return def
          })
  }

  /** Runs the tool loop to completion. Tool failures go back to the model; only run-level failures throw. */
  generate<O extends GenerateOptions<TContext, StandardSchemaV1>>(input: AgentInput, options?: O): Promise<ResultFor<O>>
  async generate(input: AgentInput, options: GenerateOptions<TContext, StandardSchemaV1> = {}): Promise<GenerateResult<unknown>> {
    const setup = await this.#prepare(input, options, undefined)
    return runWithMemory(setup, runAgentLoop)
  }

  /** Starts a run and returns at once with its streams, promises and toResponse(). */
  stream<O extends GenerateOptions<TContext, StandardSchemaV1>>(input: AgentInput, options?: O): Promise<StreamFor<O>>
  async stream(input: AgentInput, options: GenerateOptions<TContext, StandardSchemaV1> = {}): Promise<AgentStreamResult<unknown>> {
    const buffer = createReplayBuffer<AgentStreamPart>()
    const controller = new AbortController()
    const userSignal = options.abortSignal
    const onUserAbort = () => controller.abort(userSignal!.reason)
    if (userSignal) {
      if (userSignal.aborted) controller.abort(userSignal.reason)
      else userSignal.addEventListener('abort', onUserAbort, { once: true })
    }
    const emit = (part: AgentStreamPart) => buffer.push(part)
    let setup: RunSetup
    try {
      setup = await this.#prepare(input, options, { signal: controller.signal, emit })
    } catch (error) {
      userSignal?.removeEventListener('abort', onUserAbort)
      throw error
    }
    buffer.push({ type: 'start', agentId: this.id, runId: setup.runId })
    const result = runWithMemory(setup, runAgentLoop).then(
      (r) => {
        buffer.push({ type: 'finish', finishReason: r.finishReason, totalUsage: r.usage, steps: r.steps.length })
        return r
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          const reason = controller.signal.reason
          buffer.push({ type: 'abort', ...(typeof reason === 'string' ? { reason } : {}) })
        } else {
          buffer.push({ type: 'error', error })
        }
        throw error
      },
    )
    const done = () => {
      userSignal?.removeEventListener('abort', onUserAbort)
      buffer.close()
    }
    result.then(done, done)
    return new AgentStreamResult(setup.runId, buffer, result, (reason) => {
      if (!buffer.closed) controller.abort(reason ?? new LumosError('AGENT_ABORTED', 'The stream was cancelled.'))
    })
  }

  /** Approves a tool call a suspended run waits for (`result.suspended`); when none is left undecided, the run continues. */
  approveToolCall(input: ToolDecisionInput<TContext>): Promise<GenerateResult<unknown>> {
    return decideToolCall(this, input as ToolDecisionInput, true)
  }

  /** Declines a tool call: the model gets an error result for it (with `reason`) and the run continues. */
  declineToolCall(input: ToolDecisionInput<TContext>): Promise<GenerateResult<unknown>> {
    return decideToolCall(this, input as ToolDecisionInput, false)
  }

  /** This agent as a tool for another agent (what `agents: { name }` does). */
  asTool(name: string = this.id): Tool {
    return createAgentTool(name, this)
  }

  async #prepare(input: AgentInput, options: GenerateOptions<TContext, StandardSchemaV1>, streaming: { signal: AbortSignal; emit: (part: AgentStreamPart) => void } | undefined): Promise<RunSetup> {
    const config = this.#config
    const defaults = config.defaultOptions
    if (defaults !== undefined) options = { ...defaults, ...options } as GenerateOptions<TContext, StandardSchemaV1>
    const messages = toPrompt(input, this.#maxInputChars)
    if (this.#system !== undefined) messages.unshift(this.#system)
    else if (typeof config.instructions === 'function') {
      const text = await config.instructions({ context: options.context as TContext, agent: this })
      if (typeof text !== 'string') throw new LumosError('AGENT_CONFIG_INVALID', `Agent '${this.id}': \`instructions\` returned ${typeof text}, expected a string.`)
      if (text !== '') messages.unshift({ role: 'system', content: text })
    }
    const parent = (options as { [RUN_INTERNALS]?: ParentRun })[RUN_INTERNALS]
    const tracer = parent?.tracer ?? options.tracer ?? config.tracer ?? noopTracer
    const internals: RunInternals = {
      depth: parent?.depth ?? 0,
      path: parent?.path ?? [],
      tracer,
      maxDelegationDepth: parent?.maxDelegationDepth ?? config.maxDelegationDepth ?? 3,
      emit: streaming?.emit,
    }
    const setup: RunSetup = {
      runId: generateId('run'),
      agent: this,
      model: this.model,
      tools: this.tools,
      modelTools: this.#modelTools,
      messages,
      options,
      maxSteps: options.maxSteps === undefined ? this.#maxSteps : positiveInt(options.maxSteps, 'maxSteps'),
      tracer,
      parentSpan: parent?.span ?? options.parentSpan,
      internals,
      signal: streaming?.signal ?? options.abortSignal ?? (neverAborted ??= new AbortController().signal),
      responseFormat: options.structuredOutput ? structuredResponseFormat(options.structuredOutput) : undefined,
      emit: streaming?.emit,
    }
    const prepared = await prepareMemoryRun(config.memory, options.memory, input, setup, parent !== undefined)
    // After memory: the query is the turn's new user message, and the context is not part of what memory stores.
    if (this.#retrieval !== undefined) await this.#retrieval(prepared.messages, prepared.signal)
    return prepared
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new LumosError('INVALID_ARGUMENT', `\`${name}\` must be an integer >= 1, got ${value}.`, { details: { [name]: value } })
  return value
}
