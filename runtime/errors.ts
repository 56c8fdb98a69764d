/**
 * One error class for everything Lumos throws. Classify by `code`, never by message text.
 * `LumosError.isInstance` works across duplicate package copies through a global symbol marker.
 */
const MARKER = Symbol.for('lumos.error')

/** Stable error codes with the fix a user should apply. Append-only: codes are public API. */
export const ERROR_CODES = {
  // engine / wasm core
  WASM_NOT_INITIALISED: 'Call `await ready()` (or pass the .wasm bytes/Module to `ready(source)`) before using the index.',
  WASM_LOAD_FAILED: 'Check that the .wasm source given to `ready()` is the lumos-core.wasm shipped with this package version.',
  INVALID_ARGUMENT: 'Check the argument named in the message against the documented type and range.',
  INDEX_DIMENSION_MISMATCH: 'Pass vectors whose length equals the index `dimensions` (or create the index with the right `dimensions`).',
  VECTOR_NOT_FINITE: 'Remove NaN/Infinity values from the vector (check the embedding model output).',
  ZERO_VECTOR: 'A zero vector has no direction for cosine similarity: use metric "dot" or "l2", or drop the vector.',
  ID_EMPTY: 'Give every item a non-empty string id.',
  ID_DUPLICATE: 'Ids must be unique within one call: deduplicate the batch (a later call with the same id replaces it).',
  K_OUT_OF_RANGE: 'Use an integer `k` between 1 and 1,000,000.',
  SNAPSHOT_CORRUPT: 'The snapshot bytes are truncated or corrupted: re-create it with `save()` and store it as binary.',
  SNAPSHOT_VERSION_UNSUPPORTED: 'The snapshot was written by an incompatible Lumos version: rebuild it with this version.',
  SNAPSHOT_KIND_MISMATCH: 'Load vector snapshots with `VectorIndex.load` and keyword snapshots with `KeywordIndex.load`.',
  CHUNK_OPTIONS_INVALID: 'Use maxSize >= 1, 0 <= overlap < maxSize and minSize <= maxSize.',
  TEXT_INVALID: 'Pass a string.',
  JSON_INVALID: 'The text is not valid JSON at the position given; use another chunking strategy or fix the input.',
  OUT_OF_MEMORY: 'The WebAssembly memory could not grow: use int8 quantization, smaller batches, or shard the index.',
  INDEX_DISPOSED: 'The index was freed; create or load a new one.',
  FUSION_INPUT_INVALID: 'Pass ranked lists of { ids, scores } with equal lengths and finite scores.',
  INTERNAL: 'This is a bug in Lumos: please report it with the message and details.',
  // models (runtime/models)
  MODEL_PROVIDER_UNKNOWN: 'Use a model string "provider/model-id" with a known provider (see details.known), add the provider under `providers` with a `baseURL`, or pass a model object.',
  MODEL_VERSION_UNSUPPORTED: 'Pass a model that implements the AI SDK provider specification v2 or v3 (AI SDK 5/6 provider packages), or a "provider/model-id" string.',
  MODEL_AUTH_MISSING: 'Set the environment variable named in the message (or pass `providers.<name>.apiKey` / `apiKey`).',
  MODEL_AUTH_FAILED: 'The provider rejected the credentials: check the API key in the environment variable named in the message and that it may use this model.',
  MODEL_BASE_URL_MISSING: 'Set `providers.<name>.baseURL` (or the provider setting named in the message, e.g. CLOUDFLARE_ACCOUNT_ID for workers-ai).',
  MODEL_RATE_LIMITED: 'The provider rate-limited the call (HTTP 429): wait `details.retryAfterMs`, raise `retry.maxRetries`, or add a fallback model.',
  MODEL_HTTP_ERROR: 'The provider answered with an HTTP error (details.status): 5xx/408/409 are retried; for other 4xx check the model id, parameters and prompt.',
  MODEL_NETWORK_ERROR: 'The provider could not be reached: check `baseURL`, that the server runs, and network access from this runtime.',
  MODEL_TIMEOUT: 'The model did not answer within `timeoutMs` (for streams: before the first chunk or between chunks): raise `timeoutMs` or use a faster model.',
  MODEL_RESPONSE_INVALID: 'The provider returned a body that is not valid chat-completions JSON/SSE: check that `baseURL` points at an OpenAI-compatible /v1 endpoint.',
  MODEL_STREAM_INTERRUPTED: 'The stream ended before the provider sent a finish reason or [DONE]: retry the call; if it repeats, check proxies/timeouts between you and the provider.',
  MODEL_PROMPT_UNSUPPORTED: 'The prompt holds content this model cannot take (see the message): convert it to text or use a provider package that supports it.',
  MODEL_FALLBACK_EXHAUSTED: 'Every model in the fallback list failed: see details.attempts and `cause` (the last error).',
  // agent runtime (runtime/agent, runtime/tools, runtime/schema, runtime/tracing)
  AGENT_CONFIG_INVALID: 'Give the Agent a non-empty `id`, a `model`, and tools/agents as records of createTool()/Agent values.',
  AGENT_INPUT_INVALID: 'Pass a non-empty string or message list to generate()/stream(), within the `maxInputChars` limit (raise it on the Agent if needed).',
  AGENT_ABORTED: 'The run was cancelled through its abortSignal; catch this code if cancelling is expected.',
  AGENT_MODEL_ERROR: 'The model call failed: check `cause` (credentials, baseURL, model id, rate limits) or wrap the model with withRetry/withFallback.',
  AGENT_DELEGATION_DEPTH: 'Sub-agents delegated too deeply: raise `maxDelegationDepth` on the Agent or flatten the agent hierarchy.',
  TOOL_DEFINITION_INVALID: 'Give createTool() a non-empty `id` and `description`, an `execute` function, and Standard Schemas (zod, valibot) for `inputSchema`/`outputSchema`.',
  TOOL_NOT_FOUND: 'The model called a tool that is not registered on the agent: check the `tools` record keys.',
  TOOL_INPUT_INVALID: 'The tool input did not parse or did not match `inputSchema`; the model receives the issues and can retry.',
  TOOL_EXECUTION_FAILED: 'The tool `execute` threw: see `cause`. Return data instead of throwing for expected failures.',
  TOOL_TIMEOUT: 'The tool ran longer than its `timeoutMs`: make it faster or raise `timeoutMs` on the tool.',
  TOOL_OUTPUT_INVALID: 'The tool returned a value that does not match its `outputSchema`: fix `execute` or the schema.',
  STRUCTURED_OUTPUT_INVALID: 'The model output did not match the schema after one repair round: simplify the schema, use a stronger model, or read `details.text`.',
  SCHEMA_INVALID: 'Pass a Standard Schema (zod >= 3.24, valibot >= 1, arktype) or wrap a JSON Schema with `jsonSchema({...})`.',
  SCHEMA_CONVERSION_UNSUPPORTED: 'This schema cannot be converted to JSON Schema: pass `inputJsonSchema` (tools) / `jsonSchema` (structured output), or use zod >= 4.2 which converts itself.',
  TRACING_EXPORT_FAILED: 'The OTLP endpoint rejected or did not receive the spans: check `url`, `headers` and that the collector accepts OTLP/HTTP JSON.',
  // storage (runtime/storage, adapters/*/stores)
  THREAD_NOT_FOUND: 'No thread has this id: create it first (`createThread`, or a `createThread` op earlier in the same batch) or check the id.',
  THREAD_ACCESS_DENIED: 'The thread belongs to another resource: pass the `resourceId` the thread was created with (threads are scoped per resource).',
  THREAD_ALREADY_EXISTS: 'A thread with this id exists: use another id, omit `id` to get a generated one, or pass `ifExists: "return"`.',
  MESSAGE_ALREADY_EXISTS: 'A message with this id is already stored: give each message a unique id (or omit `id`), or delete the old message first.',
  STORE_VERSION_CONFLICT: 'Another writer changed this workflow run first: re-read it with `getWorkflowRun`, re-apply the change and pass its `version` as `expectedVersion`.',
  STORE_INPUT_INVALID: 'Fix the field named in details.path: ids and keys are non-empty well-formed strings without NUL, content/metadata/snapshots are plain JSON, limits are integers in range.',
  STORE_CLOSED: 'The store was closed: open a new one (`new InMemoryStore()`, `LibsqlStore.open()`, `PostgresStore.connect()`).',
  STORE_UNAVAILABLE: 'The storage backend failed (see `cause`): check the URL, that the database runs and is writable, then retry; nothing of the failed write was kept.',
  STORE_DRIVER_MISSING: 'Install the database driver named in the message (`npm i @libsql/client` or `npm i postgres`).',
  STORE_SCHEMA_UNSUPPORTED: 'The database was migrated by a newer Lumos version (details.found > details.supported): upgrade lumosai or point the store at another database.',
  STORE_DATA_CORRUPT: 'Stored data does not match its record (e.g. a blob chunk is missing): restore the database from a backup, or delete and re-write the key.',
  // memory
  MEMORY_CONFIG_INVALID: 'Check the Memory options named in the message (lastMessages >= 0, maxTokens > 0, topK >= 1, a template string or a Standard Schema for working memory).',
  MEMORY_THREAD_REQUIRED: 'Pass `memory: { thread, resource }` to generate()/stream() on an agent that has memory.',
  MEMORY_TURN_FAILED: 'The store failed while saving this turn; nothing of the turn was kept (see `cause`): retry the turn when the store is back.',
  WORKING_MEMORY_INVALID: 'The working-memory update does not match the schema/template (see details.issues); the model is told and may retry.',
  // embeddings and RAG
  EMBEDDER_UNAVAILABLE: 'The embedding model could not be loaded or reached (see `cause`): check the model path/baseURL and credentials.',
  EMBEDDER_FAILED: 'The embedding model failed or returned a wrong number of vectors (see `cause`); nothing of this batch was written: retry.',
  EMBEDDING_DIMENSION_MISMATCH: 'The vectors have another length than the store (details.expected vs details.got): use the same embedder the store was built with, or a new store.',
  FILTER_INVALID: 'Fix the filter operator named in the message: use $eq $ne $gt $gte $lt $lte $in $nin $and $or $not $exists $contains with the documented operand types.',
  EMBEDDER_MISMATCH: 'Load the snapshot with the embedder it was built with (details.snapshot; see Retriever.snapshotInfo), or rebuild it (`lumos ingest`) with the new embedder.',
  DOCUMENT_INVALID: 'Pass the document content as a non-empty string (HTML/markdown/text) or JSON value of the documented type.',
  RETRIEVER_CONFIG_INVALID: 'Check the Retriever options named in the message (a VectorStore, an embedder, mode vector|keyword|hybrid, topK >= 1).',
  // workflows
  WORKFLOW_DEFINITION_INVALID: 'Fix the workflow definition named in the message (unique step ids, steps created with createStep, commit() before running).',
  WORKFLOW_INPUT_INVALID: 'The workflow input does not match `inputSchema` (see details.issues).',
  WORKFLOW_RUN_NOT_FOUND: 'No run with this id exists in the store given: check the run id, the workflow id and that the same store is used.',
  WORKFLOW_NOT_SUSPENDED: 'Only a suspended run can be resumed: check details.status (a finished run cannot be resumed; start a new run).',
  WORKFLOW_RESUME_CONFLICT: 'Another resume (or recovery) of this run won the race: re-read the run status and do not resume it twice.',
  WORKFLOW_RESUME_DATA_INVALID: 'The resume data does not match the step `resumeSchema` (details.issues); the run stays suspended, resume again with valid data.',
  WORKFLOW_STEP_OUTPUT_INVALID: 'The step returned a value that does not match its `outputSchema` (details.stepId, details.issues): fix the step.',
  WORKFLOW_STEP_FAILED: 'A step threw after its retries (details.stepId, `cause`): fix the step or raise `retries`.',
  WORKFLOW_STEP_TIMEOUT: 'A step ran longer than its `timeoutMs`: make it faster or raise the timeout.',
  WORKFLOW_CANCELED: 'The run was canceled (run.cancel() or its abortSignal).',
  TOOL_APPROVAL_NOT_FOUND: 'No suspended tool call has this runId/toolCallId: check the ids and that the same store is used.',
  WORKFLOW_STEP_INPUT_INVALID: 'A step received an input that does not match its `inputSchema` (details.stepId, details.issues): reshape the previous output with .map() or fix the previous step.',
  // server and CLI
  SERVER_CONFIG_INVALID: 'Fix the server option named in the message (an auth option is required to listen on a non-loopback address).',
  CONFIG_INVALID: 'Fix lumos.config.ts: `export default defineConfig({ agents, workflows, store, retriever })`.',
  AUTH_REQUIRED: 'Send `Authorization: Bearer <token>` with one of the tokens configured in the server `auth` option.',
  AGENT_NOT_FOUND: 'No agent has this id: use one of details.available (GET /api/agents lists them).',
  ROUTE_NOT_FOUND: 'No route matches this method and path: see GET /openapi.json for the routes.',
  REQUEST_INVALID: 'Fix the request field named in the message (see the route schema in GET /openapi.json).',
  REQUEST_JSON_INVALID: 'The request body is not valid JSON at details.position (line/column): send `content-type: application/json` with a valid JSON body.',
  REQUEST_TOO_LARGE: 'The request body exceeds the server `bodyLimit` (details.limit bytes): send less, or raise `bodyLimit` in createApp/serve.',
  WORKFLOW_NOT_FOUND: 'No workflow has this id: use one of details.available (GET /api/workflows lists them).',
  REQUEST_CONTENT_TYPE_INVALID: 'Send the body with `content-type: application/json` (other types are refused so a web page cannot post to a local server without a CORS preflight).',
  HOST_NOT_ALLOWED: 'The Host header names a host this loopback server does not answer (DNS-rebinding protection): use http://localhost or http://127.0.0.1, or add the host to `allowedHosts` in serve().',
  FEATURE_NOT_CONFIGURED: 'This route needs an option the server was started without (details.option, e.g. `store`, `retriever`, `tracer`): pass it to createApp.',
  // Workers adapter (adapters/workers)
  SNAPSHOT_SOURCE_UNAVAILABLE: 'The index snapshot could not be read from its binding (details.source): check the [assets]/KV/R2 binding in wrangler.toml and that the file or key was uploaded.',
  WORKER_BINDING_MISSING: 'The Durable Object binding named in details.binding is missing from env: declare it under [[durable_objects.bindings]] with a `new_sqlite_classes` migration in wrangler.toml.',
} as const

export type LumosErrorCode = keyof typeof ERROR_CODES

export interface LumosErrorOptions {
  details?: Record<string, unknown>
  cause?: unknown
}

export class LumosError extends Error {
  readonly code: LumosErrorCode
  readonly details: Record<string, unknown> | undefined
  readonly fix: string
  private readonly [MARKER] = true

  constructor(code: LumosErrorCode, message: string, options: LumosErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LumosError'
    this.code = code
    this.details = options.details
    this.fix = ERROR_CODES[code] ?? ''
  }

  static isInstance(value: unknown): value is LumosError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true
  }

  toJSON(): { name: string; code: string; message: string; fix: string; details?: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, fix: this.fix, ...(this.details ? { details: this.details } : {}) }
  }
}
