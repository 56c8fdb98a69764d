import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import { httpError } from './http-error.js'
import { type ChatRequestConfig, toChatRequest } from './openai-request.js'
import { createChunkReader, finishReason, metadata, toContent, toUsage, type WireBody } from './openai-response.js'
import { RETRYING, withRetry } from './retry.js'
import { createSseParser } from './sse.js'
import { withTimeout } from './timeout.js'
import type { RetryOptions } from './types.js'

export interface OpenAICompatibleOptions {
  /** Endpoint root that `/chat/completions` is appended to, e.g. 'https://api.openai.com/v1'. */
  baseURL: string
  apiKey?: string
  /** Model id sent as `model`. */
  model: string
  /** Provider name for errors and telemetry; also a `providerOptions` key copied into the body. */
  name?: string
  headers?: Record<string, string>
  fetch?: typeof fetch
  /** Retry policy (default: withRetry defaults); `false` disables retries. */
  retry?: RetryOptions | false
  /** Per-attempt timeout, see withTimeout. */
  timeoutMs?: number
  /** Env var that holds the key, named in MODEL_AUTH_FAILED messages (e.g. 'OPENAI_API_KEY'). */
  envVarName?: string
  /** Send JSON schemas as `response_format: json_schema` (OpenAI); default false (json_object). */
  structuredOutputs?: boolean
  maxTokensField?: ChatRequestConfig['maxTokensField']
  /** Ask for usage in streams with `stream_options.include_usage` (default true). */
  includeUsage?: boolean
}

/**
 * A spec v3 model over any OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, Groq,
 * OpenRouter, Ollama, LM Studio, vLLM, Workers AI), with plain fetch and no dependencies.
 * Wrapped with withRetry (unless `retry: false`) and withTimeout (when `timeoutMs` is set).
 */
export function openaiCompatible(options: OpenAICompatibleOptions): LanguageModelV3 {
  const { baseURL, apiKey, model, name = 'openai-compatible', envVarName } = options
  if (typeof baseURL !== 'string' || !baseURL || typeof model !== 'string' || !model) {
    throw new LumosError('INVALID_ARGUMENT', 'openaiCompatible() needs a `baseURL` and a `model` string', { details: { baseURL, model } })
  }
  const url = `${baseURL.replace(/\/+$/, '')}/chat/completions`
  const config: ChatRequestConfig = {
    model,
    structuredOutputs: options.structuredOutputs,
    maxTokensField: options.maxTokensField,
    optionKeys: ['openaiCompatible', name],
  }
  const invalid = (message: string, details?: Record<string, unknown>) =>
    new LumosError('MODEL_RESPONSE_INVALID', `${name}: ${message}`, { details: { provider: name, ...details } })
  const networkError = (cause: unknown) =>
    new LumosError('MODEL_NETWORK_ERROR', `Could not reach ${name} at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      details: { provider: name, url, retryable: true },
    })
  // An `{ error }` object inside a 200 body or stream (OpenRouter, some proxies).
  const bodyError = (error: any) => {
    const status = typeof error?.code === 'number' ? error.code : undefined
    return new LumosError('MODEL_HTTP_ERROR', `${name} reported an error: ${error?.message ?? JSON.stringify(error)}`, {
      details: { provider: name, status, retryable: status === 429 || status >= 500, body: error },
    })
  }

  async function post(call: LanguageModelV3CallOptions, body: string): Promise<Response> {
    // Headers merges names case-insensitively (a user 'Authorization' and ours must not both go out).
    const headers = new Headers({ 'content-type': 'application/json', ...options.headers })
    if (apiKey) headers.set('authorization', `Bearer ${apiKey}`)
    for (const [key, value] of Object.entries(call.headers ?? {})) if (value !== undefined) headers.set(key, value)
    const doFetch = options.fetch ?? fetch
    let response: Response
    try {
      response = await doFetch(url, { method: 'POST', headers, body, signal: call.abortSignal })
    } catch (error) {
      // The caller (or a timeout wrapper) aborted: surface the abort itself, not a Lumos error.
      if (call.abortSignal?.aborted) throw error
      throw networkError(error)
    }
    if (!response.ok) throw await httpError(response, name, envVarName)
    return response
  }

  const responseHeaders = (response: Response) => {
    const headers: Record<string, string> = {}
    response.headers.forEach((value, key) => (headers[key] = value))
    return headers
  }

  const base: LanguageModelV3 = {
    specificationVersion: 'v3',
    provider: name,
    modelId: model,
    supportedUrls: { 'image/*': [/^https?:\/\/.*$/] },

    async doGenerate(call) {
      const { body, warnings } = toChatRequest(call, config)
      const json = JSON.stringify(body)
      const response = await post(call, json)
      let text: string
      try {
        text = await response.text()
      } catch (error) {
        if (call.abortSignal?.aborted) throw error
        throw networkError(error)
      }
      let raw: WireBody
      try {
        raw = JSON.parse(text)
      } catch {
        throw invalid('the response body is not JSON', { body: text.slice(0, 1000) })
      }
      if (raw?.error) throw bodyError(raw.error)
      const choice = raw?.choices?.[0]
      if (!choice?.message) throw invalid('the response has no choices[0].message', { body: raw })
      return {
        content: toContent(choice.message),
        finishReason: finishReason(choice.finish_reason),
        usage: toUsage(raw.usage),
        warnings,
        request: { body: json },
        response: { ...metadata(raw), headers: responseHeaders(response), body: raw },
      }
    },

    async doStream(call) {
      const { body, warnings } = toChatRequest(call, config)
      const json = JSON.stringify({ ...body, stream: true, ...(options.includeUsage === false ? {} : { stream_options: { include_usage: true } }) })
      const response = await post(call, json)
      if (!response.body) throw invalid('the streaming response has no body')
      const events = response.body.pipeThrough(createSseParser()).getReader()

      const reader = createChunkReader(call.includeRawChunks === true)
      const interrupted = (message: string, cause?: unknown) =>
        new LumosError('MODEL_STREAM_INTERRUPTED', `${name}: ${message}`, { cause, details: { provider: name, retryable: true } })

      return {
        request: { body: json },
        response: { headers: responseHeaders(response) },
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(out) {
            out.enqueue({ type: 'stream-start', warnings })
          },

          // Reads events until at least one part is ready: a pull that enqueues nothing would stall the stream.
          async pull(out) {
            const end = (error?: unknown) => {
              if (error !== undefined) events.cancel().catch(() => {})
              reader.end(error)
              for (const part of reader.take()) out.enqueue(part)
              out.close()
            }
            for (;;) {
              let next: ReadableStreamReadResult<{ data: string }>
              try {
                next = await events.read()
              } catch (error) {
                // The caller (or a timeout wrapper) aborted: error the stream with that abort.
                if (call.abortSignal?.aborted) return out.error(error)
                return end(interrupted(`the stream broke off: ${error instanceof Error ? error.message : String(error)}`, error))
              }
              if (next.done) return end(reader.finished() ? undefined : interrupted('the stream ended without a finish reason or [DONE]'))
              const data = next.value.data
              if (data === '[DONE]') {
                events.cancel().catch(() => {})
                return end()
              }
              let chunk: WireBody
              try {
                chunk = JSON.parse(data)
              } catch {
                return end(invalid('malformed JSON in the event stream', { data: data.slice(0, 1000) }))
              }
              if (chunk?.error) return end(bodyError(chunk.error))
              reader.chunk(chunk)
              const parts = reader.take()
              if (parts.length > 0) return parts.forEach((part) => out.enqueue(part))
            }
          },

          cancel(reason) {
            return events.cancel(reason)
          },
        }),
      }
    },
  }

  let wrapped = base
  if (options.timeoutMs !== undefined) wrapped = withTimeout(wrapped, options.timeoutMs)
  if (options.retry !== false) wrapped = withRetry(wrapped, options.retry)
  // The retry policy is decided here (even `retry: false`): resolveModel must not add another.
  return Object.assign(wrapped, { [RETRYING]: true })
}
