// Durable workflows: typed steps, control flow, suspend/resume through the Store port.
export { createStep, cloneStep, isStep } from './step.js'
export type { AgentLike } from './step.js'
export { createWorkflow, Workflow } from './workflow.js'
export type { WorkflowConfig } from './workflow.js'
export { Run } from './run.js'
export type { WorkflowStream } from './run.js'
export { workflowTool } from './workflow-tool.js'
export type { WorkflowToolOutput } from './workflow-tool.js'
export { toMermaid } from './graph.js'
export type { WorkflowGraph, WorkflowGraphNode, WorkflowGraphEdge } from './graph.js'
export type {
  Step,
  StepConfig,
  StepContext,
  RetryConfig,
  Condition,
  ConditionContext,
  StepRecord,
  RunSnapshot,
  Frame as WorkflowFrame,
  SuspendedStep,
  WorkflowRunResult,
  WorkflowEvent,
  WorkflowStatus,
  CreateRunOptions,
  RunStartOptions,
  RunResumeOptions,
  SerializedError,
} from './types.js'
