import type { LanguageModelV3Source, SharedV3ProviderMetadata, SharedV3Warning } from '@ai-sdk/provider'
import type { LumosError } from '../errors.js'
import type { FinishReason, Usage } from '../agent/usage.js'

/**
 * The typed events of `agent.stream().fullStream`. Text and tool events mirror the AI SDK's
 * TextStreamPart names so UI code ports over; `agent-part` carries a sub-agent's own events.
 */
export type AgentStreamPart =
  | { type: 'start'; agentId: string; runId: string }
  | { type: 'start-step'; stepNumber: number }
  | { type: 'text-start'; id: string; providerMetadata?: SharedV3ProviderMetadata }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string; providerMetadata?: SharedV3ProviderMetadata }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string; providerMetadata?: SharedV3ProviderMetadata }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-delta'; toolCallId: string; delta: string }
  | { type: 'tool-input-end'; toolCallId: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown; providerExecuted?: boolean }
  | { type: 'tool-result'; toolCallId: string; toolName: string; input: unknown; output: unknown; providerExecuted?: boolean }
  | { type: 'tool-error'; toolCallId: string; toolName: string; input: unknown; error: LumosError }
  | { type: 'source'; source: LanguageModelV3Source }
  | { type: 'finish-step'; stepNumber: number; finishReason: FinishReason; usage: Usage; response: { id?: string; modelId?: string } }
  | { type: 'finish'; finishReason: FinishReason; totalUsage: Usage; steps: number }
  | { type: 'error'; error: unknown }
  | { type: 'abort'; reason?: string }
  /** A non-fatal problem of the run (e.g. memory recall skipped because the embedder failed); also in result.warnings. */
  | { type: 'warning'; warning: SharedV3Warning }
  | { type: 'agent-part'; agentId: string; path: readonly string[]; toolCallId: string; part: AgentStreamPart }
