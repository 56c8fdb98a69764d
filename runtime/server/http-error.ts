import { LumosError } from '../errors.js'

/** The JSON error body of every route: `{ error: { code, message, fix, details? } }` (never a stack trace). */
export interface ErrorBody {
  error: { code: string; message: string; fix: string; details?: Record<string, unknown> }
}

const EXACT: Record<string, number> = {
  AUTH_REQUIRED: 401,
  THREAD_ACCESS_DENIED: 403,
  FEATURE_NOT_CONFIGURED: 404,
  REQUEST_TOO_LARGE: 413,
  REQUEST_CONTENT_TYPE_INVALID: 415,
  HOST_NOT_ALLOWED: 403,
  STORE_VERSION_CONFLICT: 409,
  WORKFLOW_NOT_SUSPENDED: 409,
  WORKFLOW_RESUME_CONFLICT: 409,
  MEMORY_THREAD_REQUIRED: 400,
  K_OUT_OF_RANGE: 400,
  // The model's output, not the request, was wrong: a bad gateway answer.
  STRUCTURED_OUTPUT_INVALID: 502,
  MODEL_TIMEOUT: 504,
  STORE_UNAVAILABLE: 503,
  STORE_CLOSED: 503,
  // Server-side configuration problems are not the caller's fault.
  AGENT_CONFIG_INVALID: 500,
  SERVER_CONFIG_INVALID: 500,
  CONFIG_INVALID: 500,
  MEMORY_CONFIG_INVALID: 500,
  RETRIEVER_CONFIG_INVALID: 500,
  WORKFLOW_DEFINITION_INVALID: 500,
  TOOL_DEFINITION_INVALID: 500,
  MODEL_AUTH_MISSING: 500,
  MODEL_PROVIDER_UNKNOWN: 500,
  MODEL_BASE_URL_MISSING: 500,
  MODEL_VERSION_UNSUPPORTED: 500,
  SCHEMA_INVALID: 500,
  SCHEMA_CONVERSION_UNSUPPORTED: 500,
  WASM_NOT_INITIALISED: 500,
  WASM_LOAD_FAILED: 500,
  OUT_OF_MEMORY: 500,
  STORE_DRIVER_MISSING: 500,
  STORE_SCHEMA_UNSUPPORTED: 500,
  STORE_DATA_CORRUPT: 500,
  INTERNAL: 500,
  AGENT_ABORTED: 499,
}

/** HTTP status for a Lumos error code: exact entries first, then the code family (suffix/prefix). */
export function statusForCode(code: string): number {
  const exact = EXACT[code]
  if (exact !== undefined) return exact
  if (code.endsWith('_NOT_FOUND')) return 404
  if (code.endsWith('_ALREADY_EXISTS') || code.endsWith('_CONFLICT')) return 409
  if (code.startsWith('MODEL_') || code === 'AGENT_MODEL_ERROR' || code.startsWith('EMBEDDER_')) return 502
  if (code.startsWith('WORKFLOW_STEP_') || code === 'WORKFLOW_CANCELED' || code === 'MEMORY_TURN_FAILED') return 500
  if (code.endsWith('_INVALID') || code.endsWith('_MISMATCH') || code.endsWith('_REQUIRED') || code.endsWith('_EMPTY') || code.endsWith('_DUPLICATE') || code === 'INVALID_ARGUMENT') return 400
  return 500
}

/** Turns anything thrown into a status and a safe body. Unknown errors become INTERNAL without their message. */
export function toErrorBody(error: unknown, expose = false): { status: number; body: ErrorBody } {
  if (LumosError.isInstance(error)) {
    const status = statusForCode(error.code)
    // 5xx messages and details can carry provider or database internals (URLs, paths, SQL): shown only with `exposeErrors`.
    if (status >= 500 && !expose) return { status, body: { error: { code: error.code, message: `An error occurred (${error.code}).`, fix: error.fix } } }
    const body: ErrorBody = { error: { code: error.code, message: error.message, fix: error.fix } }
    if (error.details !== undefined) body.error.details = safeJson(error.details)
    return { status, body }
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error.', fix: new LumosError('INTERNAL', '').fix } } }
}

/** OpenAI's error shape (`{ error: { message, type, param, code } }`), with the Lumos fields kept. */
export function toOpenAIErrorBody(error: unknown, expose = false): { status: number; body: { error: Record<string, unknown> } } {
  const { status, body } = toErrorBody(error, expose)
  const e = body.error
  const type = status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 404 ? 'not_found_error' : status >= 500 ? 'server_error' : 'invalid_request_error'
  const param = typeof e.details?.param === 'string' ? e.details.param : null
  const code = e.code === 'AGENT_NOT_FOUND' ? 'model_not_found' : e.code
  return { status, body: { error: { message: e.message, type, param, code, lumos_code: e.code, fix: e.fix, ...(e.details ? { details: e.details } : {}) } } }
}

/** Details may hold causes or class instances: keep JSON data only, drop anything that looks like a stack. */
function safeJson(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details, (key, value) => (key === 'stack' || key === 'cause' ? undefined : value))) as Record<string, unknown>
  } catch {
    return {}
  }
}

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })
}
