import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3FunctionTool, LanguageModelV3Message, SharedV3Warning } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { AgentStreamPart } from '../stream/parts.js'
import type { ToolCall, ToolResult, ToolRunEnv } from '../tools/execute-tool.js'
import type { RunInternals, Tool } from '../tools/tool.js'
import type { Span, Tracer } from '../tracing/tracer.js'
import { noopTracer } from '../tracing/tracer.js'
import type { StepEnv, StepOutput } from './model-step.js'
import { abortedError, generateStep, streamStep } from './model-step.js'
import type { StopCondition } from './stop-conditions.js'
import type { ResponseFormat } from './structured-output.js'
import { parseStructuredOutput, repairPrompt } from './structured-output.js'
import type { GenerateOptions, GenerateResult, StepResult, StructuredOutputOptions } from './types.js'
import { addUsage, emptyUsage } from './usage.js'
import { suspendForApproval } from './approval.js'

/** Everything one run needs, prepared by Agent (validated input, resolved instructions, cached tools). */
export interface RunSetup {
  runId: string
  agent: { readonly id: string; readonly name: string }
  model: LanguageModelV3
  tools: Record<string, Tool>
  modelTools: LanguageModelV3FunctionTool[] | undefined
  /** System + input messages; the run appends to it. */
  messages: LanguageModelV3Message[]
  options: GenerateOptions<any, any>
  maxSteps: number
  tracer: Tracer
  parentSpan: Span | undefined
  internals: RunInternals
  signal: AbortSignal
  responseFormat: ResponseFormat | undefined
  emit: ((part: AgentStreamPart) => void) | undefined
}

const TOOL_CHOICE_NONE = { type: 'none' } as const

function toToolChoice(choice: GenerateOptions['toolChoice']): LanguageModelV3CallOptions['toolChoice'] {
  if (choice === undefined) return undefined
  return typeof choice === 'string' ? { type: choice } : choice
}

/** The agent loop: call the model, run its tool calls, feed results back, until done. */
export async function runAgentLoop(s: RunSetup): Promise<GenerateResult> {
  const { options, tracer, signal, emit } = s
  const tracing = tracer !== noopTracer
  const runSpan = tracer.startSpan(
    `invoke_agent ${s.agent.name}`,
    tracing ? { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': s.agent.id, 'gen_ai.agent.name': s.agent.name, 'lumos.run.id': s.runId, 'lumos.run.depth': s.internals.depth } : undefined,
    s.parentSpan,
  )
  const toolEnv: ToolRunEnv = { tools: s.tools, signal, context: options.context, agent: s.agent, tracer, internals: s.internals }
  const stepEnv: StepEnv = { model: s.model, tools: toolEnv, signal, emit }
  const callStep = emit === undefined ? generateStep : streamStep
  const structured = options.structuredOutput as StructuredOutputOptions | undefined
  const stopWhen: StopCondition[] | undefined = options.stopWhen === undefined ? undefined : Array.isArray(options.stopWhen) ? options.stopWhen : [options.stopWhen]
  const base: LanguageModelV3CallOptions = {
    prompt: s.messages,
    maxOutputTokens: options.maxOutputTokens,
    temperature: options.temperature,
    topP: options.topP,
    topK: options.topK,
    presencePenalty: options.presencePenalty,
    frequencyPenalty: options.frequencyPenalty,
    stopSequences: options.stop,
    seed: options.seed,
    responseFormat: s.responseFormat,
    tools: s.modelTools,
    toolChoice: s.modelTools ? toToolChoice(options.toolChoice) : undefined,
    headers: options.headers,
    providerOptions: options.providerOptions,
    abortSignal: signal,
  }
  const steps: StepResult[] = []
  const toolCalls: ToolCall[] = []
  const toolResults: ToolResult[] = []
  const responseMessages: LanguageModelV3Message[] = []
  const warnings: SharedV3Warning[] = []
  const usage = emptyUsage()
  let stoppedBy: GenerateResult['stoppedBy'] = 'model'
  let suspended: GenerateResult['suspended']
  let object: unknown
  let repairing = false
  try {
    for (let stepNumber = 0; ; stepNumber++) {
      if (signal.aborted) throw abortedError(signal)
      emit?.({ type: 'start-step', stepNumber })
      const callOptions: LanguageModelV3CallOptions = { ...base, prompt: s.messages.slice() }
      if (repairing) callOptions.toolChoice = s.modelTools ? TOOL_CHOICE_NONE : undefined
      const modelSpan = tracer.startSpan(
        `chat ${s.model.modelId}`,
        tracing ? { 'gen_ai.operation.name': 'chat', 'gen_ai.system': s.model.provider, 'gen_ai.request.model': s.model.modelId, 'lumos.step': stepNumber } : undefined,
        runSpan,
      )
      let out: StepOutput
      try {
        out = await callStep(stepEnv, callOptions, modelSpan)
      } catch (error) {
        modelSpan.recordError(error)
        modelSpan.end()
        throw error
      }
      if (tracing) {
        modelSpan.setAttributes({
          'gen_ai.usage.input_tokens': out.usage.inputTokens,
          'gen_ai.usage.output_tokens': out.usage.outputTokens,
          'gen_ai.response.finish_reasons': [out.finishReason],
          'gen_ai.response.id': out.response.id,
          'gen_ai.response.model': out.response.modelId,
          'lumos.tool_calls': out.toolCalls.length,
        })
      }
      modelSpan.end()
      const outcomes = out.outcomes.length === 0 ? [] : await Promise.all(out.outcomes)
      if (signal.aborted) throw abortedError(signal)
      const stepMessages: LanguageModelV3Message[] = []
      if (out.assistantParts.length > 0) stepMessages.push({ role: 'assistant', content: out.assistantParts })
      const stepResults: ToolResult[] = new Array(outcomes.length)
      if (outcomes.length > 0) {
        const parts = new Array(outcomes.length)
        for (let i = 0; i < outcomes.length; i++) {
          const r = outcomes[i].result
          stepResults[i] = r
          parts[i] = { type: 'tool-result', toolCallId: r.toolCallId, toolName: r.toolName, output: outcomes[i].modelOutput }
        }
        stepMessages.push({ role: 'tool', content: parts })
      }
      for (const m of stepMessages) {
        s.messages.push(m)
        responseMessages.push(m)
      }
      for (const c of out.toolCalls) toolCalls.push(c)
      for (const r of stepResults) toolResults.push(r)
      for (const w of out.warnings) warnings.push(w)
      addUsage(usage, out.usage)
      const step: StepResult = {
        stepNumber,
        text: out.text,
        reasoningText: out.reasoningText,
        content: out.content,
        toolCalls: out.toolCalls,
        toolResults: stepResults,
        finishReason: out.finishReason,
        rawFinishReason: out.rawFinishReason,
        usage: out.usage,
        warnings: out.warnings,
        isRepair: repairing,
        response: { ...out.response, messages: stepMessages },
      }
      steps.push(step)
      emit?.({ type: 'finish-step', stepNumber, finishReason: out.finishReason, usage: out.usage, response: { id: out.response.id, modelId: out.response.modelId } })
      if (options.onStepFinish) await options.onStepFinish(step)
      if (signal.aborted) throw abortedError(signal)
      if (stepResults.some((r) => r.pendingApproval)) {
        // human-in-the-loop: store the run and stop (runtime/agent/approval.ts)
        suspended = await suspendForApproval(s, stepResults)
        stoppedBy = 'approval'
        break
      }

      if (out.toolCalls.length > 0 && !repairing) {
        if (steps.length >= s.maxSteps) {
          stoppedBy = 'max-steps'
          break
        }
        if (stopWhen && (await anyStop(stopWhen, steps))) {
          stoppedBy = 'stop-condition'
          break
        }
        continue
      }
      if (!structured) break
      const parsed = await parseStructuredOutput(structured.schema, out.text)
      if (parsed.ok) {
        object = parsed.value
        break
      }
      if (repairing) {
        throw new LumosError('STRUCTURED_OUTPUT_INVALID', `Structured output is invalid after one repair round: ${parsed.problem}`, { details: { text: out.text, issues: parsed.issues } })
      }
      repairing = true
      s.messages.push({ role: 'user', content: [{ type: 'text', text: repairPrompt(parsed.problem) }] })
    }
    if (structured && stoppedBy !== 'model' && stoppedBy !== 'approval') {
      throw new LumosError('STRUCTURED_OUTPUT_INVALID', `The run stopped (${stoppedBy}) after ${steps.length} steps before the model produced the structured output: raise maxSteps.`, { details: { text: steps[steps.length - 1].text } })
    }
    const last = steps[steps.length - 1]
    if (tracing) {
      runSpan.setAttributes({
        'lumos.steps': steps.length,
        'lumos.finish_reason': last.finishReason,
        'lumos.stopped_by': stoppedBy,
        'gen_ai.usage.input_tokens': usage.inputTokens,
        'gen_ai.usage.output_tokens': usage.outputTokens,
      })
    }
    return {
      runId: s.runId,
      text: last.text,
      reasoningText: last.reasoningText,
      object,
      steps,
      toolCalls,
      toolResults,
      usage,
      finishReason: last.finishReason,
      stoppedBy,
      warnings,
      response: { id: last.response.id, modelId: last.response.modelId, messages: responseMessages },
      ...(suspended ? { suspended } : {}),
    }
  } catch (error) {
    runSpan.recordError(error)
    throw error
  } finally {
    runSpan.end()
  }
}

async function anyStop(conditions: StopCondition[], steps: StepResult[]): Promise<boolean> {
  for (const c of conditions) if (await c({ steps })) return true
  return false
}
