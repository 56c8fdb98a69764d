import { LumosError } from '../errors.js'
import type { LumosErrorCode } from '../errors.js'
import type { JsonValue } from '../storage/types.js'
import type { SerializedError } from './types.js'

export function serializeError(error: unknown): SerializedError {
  if (LumosError.isInstance(error)) {
    return { code: error.code, message: error.message, ...(error.details ? { details: safeJson(error.details) } : {}) }
  }
  return { message: error instanceof Error ? error.message : String(error) }
}

/** Rebuilds a LumosError from a snapshot (for runs loaded from the store). */
export function deserializeError(error: SerializedError): LumosError {
  const code = (error.code ?? 'WORKFLOW_STEP_FAILED') as LumosErrorCode
  return new LumosError(code, error.message, { details: (error.details ?? undefined) as Record<string, unknown> | undefined })
}

export function canceledError(runId: string): LumosError {
  return new LumosError('WORKFLOW_CANCELED', `Workflow run '${runId}' was canceled.`, { details: { runId } })
}

function safeJson(value: unknown): JsonValue {
  try {
    return JSON.parse(JSON.stringify(value)) as JsonValue
  } catch {
    return null
  }
}
