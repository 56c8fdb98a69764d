import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { httpError } from '../models/http-error.js'

export interface OpenAICompatibleEmbedderOptions {
  /** Endpoint root that `/embeddings` is appended to, e.g. 'https://api.openai.com/v1' or 'http://localhost:11434/v1'. */
  baseURL: string
  apiKey?: string
  /** Model id sent as `model`, e.g. 'text-embedding-3-small'. */
  model: string
  /** Asks for shorter vectors (OpenAI text-embedding-3 models); every returned vector must then have this length. */
  dimensions?: number
  headers?: Record<string, string>
  fetch?: typeof fetch
  /** Values per request (default 2048, OpenAI's limit). */
  maxEmbeddingsPerCall?: number
  /** Provider name for errors (default 'openai-compatible'); also a `providerOptions` key whose fields are copied into the body. */
  name?: string
  /** Env var that holds the key, named in MODEL_AUTH_FAILED messages (e.g. 'OPENAI_API_KEY'). */
  envVarName?: string
}

/**
 * An AI SDK spec v3 embedding model over any OpenAI-compatible `POST /embeddings` endpoint (OpenAI,
 * Azure-style proxies, Ollama, LM Studio, vLLM, llama.cpp server, Workers AI), with plain fetch.
 * Errors: MODEL_AUTH_FAILED (401/403), MODEL_RATE_LIMITED (429), MODEL_HTTP_ERROR (other non-2xx,
 * `details.retryable`), MODEL_NETWORK_ERROR (unreachable), EMBEDDER_FAILED (a body that is not a
 * list of one finite vector per input). An abort rethrows the signal's reason. No retries here:
 * `embedMany`/the Retriever decide what to do with a failed batch.
 */
export function openaiCompatibleEmbedder(options: OpenAICompatibleEmbedderOptions): EmbeddingModelV3 {
  const { baseURL, apiKey, model, dimensions, name = 'openai-compatible', envVarName } = options ?? ({} as OpenAICompatibleEmbedderOptions)
  if (typeof baseURL !== 'string' || !baseURL || typeof model !== 'string' || !model) {
    throw new LumosError('INVALID_ARGUMENT', 'openaiCompatibleEmbedder() needs a `baseURL` and a `model` string', { details: { baseURL, model } })
  }
  if (dimensions !== undefined && !(Number.isSafeInteger(dimensions) && dimensions >= 1)) {
    throw new LumosError('INVALID_ARGUMENT', `dimensions must be a positive integer (got ${String(dimensions)})`, { details: { option: 'dimensions' } })
  }
  const maxPerCall = options.maxEmbeddingsPerCall ?? 2048
  if (!(Number.isSafeInteger(maxPerCall) && maxPerCall >= 1)) {
    throw new LumosError('INVALID_ARGUMENT', `maxEmbeddingsPerCall must be a positive integer (got ${String(maxPerCall)})`, { details: { option: 'maxEmbeddingsPerCall' } })
  }
  const url = `${baseURL.replace(/\/+$/, '')}/embeddings`
  const failed = (message: string, details?: Record<string, unknown>) =>
    new LumosError('EMBEDDER_FAILED', `${name} (${model}): ${message}`, { details: { provider: name, model, ...details } })

  async function doEmbed(call: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const values = call.values
    if (values.length === 0) return { embeddings: [], warnings: [] }
    if (values.length > maxPerCall) throw failed(`${values.length} values exceed maxEmbeddingsPerCall (${maxPerCall})`)
    const extra = { ...(call.providerOptions?.openaiCompatible ?? {}), ...(call.providerOptions?.[name] ?? {}) }
    const body = JSON.stringify({ ...extra, model, input: values, encoding_format: 'float', ...(dimensions === undefined ? {} : { dimensions }) })
    // Headers merges names case-insensitively (a user 'Authorization' and ours must not both go out).
    const headers = new Headers({ 'content-type': 'application/json', ...options.headers })
    if (apiKey) headers.set('authorization', `Bearer ${apiKey}`)
    for (const [key, value] of Object.entries(call.headers ?? {})) if (value !== undefined) headers.set(key, value)
    let response: Response
    try {
      response = await (options.fetch ?? fetch)(url, { method: 'POST', headers, body, signal: call.abortSignal })
    } catch (cause) {
      if (call.abortSignal?.aborted) throw call.abortSignal.reason ?? cause
      throw new LumosError('MODEL_NETWORK_ERROR', `Could not reach ${name} at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, {
        cause,
        details: { provider: name, url, retryable: true },
      })
    }
    if (!response.ok) throw await httpError(response, name, envVarName)
    let json: any
    const text = await response.text()
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw failed(`the response is not JSON: ${text.slice(0, 200)}`, { body: text.slice(0, 1000) })
    }
    const embeddings = parseEmbeddings(json, values.length, dimensions, failed)
    const tokens = json?.usage?.prompt_tokens ?? json?.usage?.total_tokens
    return {
      embeddings,
      ...(typeof tokens === 'number' && Number.isFinite(tokens) ? { usage: { tokens } } : {}),
      response: { headers: headerRecord(response.headers), body: json },
      warnings: [],
    }
  }

  return {
    specificationVersion: 'v3',
    provider: name,
    modelId: model,
    maxEmbeddingsPerCall: maxPerCall,
    supportsParallelCalls: true,
    doEmbed,
  }
}

function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => (out[key] = value))
  return out
}

/** `{ data: [{ index, embedding }] }` in any index order; an embedding is a number array or base64 float32 (little-endian). */
function parseEmbeddings(json: any, count: number, dimensions: number | undefined, failed: (m: string, d?: Record<string, unknown>) => LumosError): number[][] {
  if (json?.error) throw failed(`the server reported an error: ${json.error?.message ?? JSON.stringify(json.error)}`, { body: json.error })
  const data = json?.data
  if (!Array.isArray(data)) throw failed('the response has no `data` array')
  if (data.length !== count) throw failed(`the response has ${data.length} embeddings for ${count} values`, { expected: count, got: data.length })
  const out: number[][] = new Array(count)
  data.forEach((item: any, position: number) => {
    const index = item?.index ?? position
    if (!Number.isInteger(index) || index < 0 || index >= count || out[index] !== undefined) throw failed(`data[${position}].index ${JSON.stringify(index)} is out of range or repeated`)
    const raw = item?.embedding
    const vector = typeof raw === 'string' ? decodeBase64Floats(raw) : raw
    if (!Array.isArray(vector) || vector.length === 0) throw failed(`data[${position}].embedding is not a non-empty number array`)
    for (const x of vector) if (typeof x !== 'number' || !Number.isFinite(x)) throw failed(`data[${position}].embedding holds a non-finite or non-number value`)
    if (dimensions !== undefined && vector.length !== dimensions) {
      throw failed(`data[${position}].embedding has ${vector.length} dimensions, asked for ${dimensions} (does the model support \`dimensions\`?)`, { expected: dimensions, got: vector.length })
    }
    out[index] = vector
  })
  const length = out[0].length
  const odd = out.findIndex((v) => v.length !== length)
  if (odd !== -1) throw failed(`embedding ${odd} has ${out[odd].length} dimensions, embedding 0 has ${length}`)
  return out
}

function decodeBase64Floats(b64: string): number[] | undefined {
  let bin: string
  try {
    bin = atob(b64)
  } catch {
    return undefined
  }
  if (bin.length % 4 !== 0) return undefined
  const view = new DataView(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i))
  const out = new Array<number>(bin.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}
