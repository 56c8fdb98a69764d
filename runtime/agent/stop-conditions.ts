import type { StepResult } from './types.js'

/** Stops the loop when it returns true after a step with tool calls. */
export type StopCondition = (state: { steps: ReadonlyArray<StepResult> }) => boolean | PromiseLike<boolean>

export function stepCountIs(count: number): StopCondition {
  return ({ steps }) => steps.length >= count
}

export function hasToolCall(toolName: string): StopCondition {
  return ({ steps }) => steps[steps.length - 1]?.toolCalls.some((c) => c.toolName === toolName) ?? false
}
