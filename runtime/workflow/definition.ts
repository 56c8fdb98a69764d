import { LumosError } from '../errors.js'
import type { Condition, MapFn, Step } from './types.js'
import type { Workflow } from './workflow.js'

/** A step position in a workflow: a step or a nested (committed) workflow. */
export type StepLike = Step | Workflow<any, any, any>

export type Entry =
  | { type: 'step'; step: StepLike }
  | { type: 'parallel'; steps: StepLike[] }
  | { type: 'branch'; branches: Array<[Condition, StepLike]> }
  | { type: 'loop'; mode: 'dountil' | 'dowhile'; step: StepLike; condition: Condition }
  | { type: 'foreach'; step: StepLike; concurrency: number }
  | { type: 'map'; id: string; fn: MapFn }
  | { type: 'sleep'; id: string; ms?: number | ((ctx: { inputData: any; state: any }) => number | PromiseLike<number>); until?: Date | ((ctx: { inputData: any; state: any }) => Date | PromiseLike<Date>) }

export function isWorkflow(value: unknown): value is Workflow<any, any, any> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'lumos.workflow'
}

/** The steps an entry runs, in order. */
export function entrySteps(entry: Entry): StepLike[] {
  switch (entry.type) {
    case 'step':
    case 'loop':
    case 'foreach':
      return [entry.step]
    case 'parallel':
      return entry.steps
    case 'branch':
      return entry.branches.map((b) => b[1])
    default:
      return []
  }
}

/** Ids that occupy a slot in the snapshot's `results` (steps, maps). */
export function entryIds(entry: Entry): string[] {
  if (entry.type === 'map' || entry.type === 'sleep') return [entry.id]
  return entrySteps(entry).map((s) => s.id)
}

/** Throws WORKFLOW_DEFINITION_INVALID naming the first duplicate id. */
export function checkDefinition(workflowId: string, entries: readonly Entry[]): void {
  if (entries.length === 0) throw new LumosError('WORKFLOW_DEFINITION_INVALID', `Workflow '${workflowId}' has no steps: add one with .then(step) before commit().`, { details: { workflowId } })
  const seen = new Set<string>()
  for (const entry of entries) {
    for (const id of entryIds(entry)) {
      if (seen.has(id)) {
        throw new LumosError('WORKFLOW_DEFINITION_INVALID', `Workflow '${workflowId}' uses step id '${id}' twice: step ids must be unique within a workflow (use cloneStep(step, { id }) to reuse a step).`, { details: { workflowId, stepId: id } })
      }
      seen.add(id)
    }
    for (const step of entrySteps(entry)) {
      if (isWorkflow(step) && !step.committed) throw new LumosError('WORKFLOW_DEFINITION_INVALID', `Nested workflow '${step.id}' in '${workflowId}' is not committed: call commit() on it first.`, { details: { workflowId, stepId: step.id } })
    }
  }
}

/** Finds a step by id among a workflow's entries (foreach item keys `id#n` resolve to `id`). */
export function findStep(entries: readonly Entry[], key: string): StepLike | undefined {
  const id = key.includes('#') ? key.slice(0, key.indexOf('#')) : key
  for (const entry of entries) for (const step of entrySteps(entry)) if (step.id === id) return step
  return undefined
}
