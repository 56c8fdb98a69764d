import type { Agent } from '../../agent/agent.js'
import { LumosError } from '../../errors.js'
import type { AgentStreamPart } from '../../stream/parts.js'
import { agentHasMemory, findAgent, serializeToolResults } from '../agent-input.js'
import { jsonResponse, toOpenAIErrorBody } from '../http-error.js'
import { fromOpenAIMessages, fromOpenAIParams, toOpenAIFinishReason, toOpenAIUsage } from '../openai-messages.js'
import { ref } from '../schemas.js'
import type { RouteDef } from '../types.js'
import { requireString } from '../validate.js'

const modelEntry = (id: string) => ({ id, object: 'model' as const, created: 0, owned_by: 'lumos' })

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' }

function streamCompletion(model: string, run: Awaited<ReturnType<Agent<any>['stream']>>, includeUsage: boolean, exposeErrors: boolean): Response {
  const id = `chatcmpl-${run.runId}`
  const created = Math.floor(Date.now() / 1000)
  const encoder = new TextEncoder()
  const base = () => ({ id, object: 'chat.completion.chunk', created, model })
  const reader = run.fullStream.getReader()
  let sentRole = false
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const send = (data: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(data)}\n\n`))
      for (;;) {
        const { done, value } = await reader.read()
        if (done) {
          controller.enqueue(encoder.encode('data: [DONE]\n\n'))
          controller.close()
          return
        }
        const part = value as AgentStreamPart
        if (!sentRole && (part.type === 'start' || part.type === 'text-delta')) {
          sentRole = true
          send({ ...base(), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] })
          if (part.type === 'start') return
        }
        switch (part.type) {
          case 'text-delta':
            send({ ...base(), choices: [{ index: 0, delta: { content: part.delta }, finish_reason: null, logprobs: null }] })
            return
          // Tool activity: the agent runs its tools itself, so it is reported beside the OpenAI fields
          // (clients that do not know `lumos_event` see an empty delta and carry on).
          case 'tool-call':
            send({ ...base(), choices: [{ index: 0, delta: {}, finish_reason: null, logprobs: null }], lumos_event: { type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input } })
            return
          case 'tool-result':
            send({ ...base(), choices: [{ index: 0, delta: {}, finish_reason: null, logprobs: null }], lumos_event: { type: 'tool-result', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, output: part.output } })
            return
          case 'tool-error':
            send({
              ...base(),
              choices: [{ index: 0, delta: {}, finish_reason: null, logprobs: null }],
              lumos_event: { type: 'tool-error', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, error: { code: part.error.code, message: part.error.message } },
            })
            return
          case 'finish':
            send({ ...base(), choices: [{ index: 0, delta: {}, finish_reason: toOpenAIFinishReason(part.finishReason), logprobs: null }] })
            if (includeUsage) send({ ...base(), choices: [], usage: toOpenAIUsage(part.totalUsage) })
            return
          case 'error':
          case 'abort': {
            // OpenAI clients (the `openai` package) raise an APIError for an `error` event.
            send(toOpenAIErrorBody(part.type === 'error' ? part.error : new LumosError('AGENT_ABORTED', 'The run was aborted.'), exposeErrors).body)
            return
          }
          default:
            continue
        }
      }
    },
    cancel(reason) {
      // Client disconnect: cancelling the reader aborts the run.
      return reader.cancel(reason)
    },
  })
  return new Response(body, { status: 200, headers: SSE_HEADERS })
}

export const openaiRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/v1/models',
    operationId: 'openaiListModels',
    summary: 'OpenAI-compatible model list: one model per agent id.',
    tag: 'openai',
    openaiErrors: true,
    responses: { 200: { description: 'The models.', schema: ref('ModelList') } },
    handler: ({ deps }) => jsonResponse(200, { object: 'list', data: [...deps.agents.keys()].map(modelEntry) }),
  },
  {
    method: 'get',
    path: '/v1/models/:model',
    operationId: 'openaiGetModel',
    summary: 'OpenAI-compatible model lookup.',
    tag: 'openai',
    openaiErrors: true,
    responses: { 200: { description: 'The model.', schema: ref('Model') } },
    handler: ({ deps, params }) => {
      findAgent(deps, params.model, 'model')
      return jsonResponse(200, modelEntry(params.model))
    },
  },
  {
    method: 'post',
    path: '/v1/chat/completions',
    operationId: 'openaiChatCompletions',
    summary: 'OpenAI-compatible chat completions; `model` is an agent id. Tool activity: `lumos` (non-stream) and `lumos_event` chunks (stream).',
    tag: 'openai',
    openaiErrors: true,
    body: ref('ChatCompletionRequest'),
    responses: {
      200: {
        description: 'A chat.completion, or with `stream: true` SSE of chat.completion.chunk ended by `data: [DONE]`.',
        schema: { oneOf: [ref('ChatCompletion'), { type: 'string', description: 'text/event-stream of ChatCompletionChunk' }] },
      },
    },
    handler: async ({ deps, json, req }) => {
      const body = await json()
      const model = requireString(body.model, 'model')
      const agent = findAgent(deps, model, 'model')
      const messages = fromOpenAIMessages(body.messages)
      const options = fromOpenAIParams(body)
      // The OpenAI protocol is stateless (clients resend the conversation): agents with memory run without it here.
      if (agentHasMemory(agent)) options.memory = false
      if (body.stream === true) {
        const run = await agent.stream(messages, options)
        const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true
        return streamCompletion(model, run, includeUsage, deps.exposeErrors)
      }
      const result = await agent.generate(messages, { ...options, abortSignal: req.signal })
      return jsonResponse(200, {
        id: `chatcmpl-${result.runId}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, finish_reason: toOpenAIFinishReason(result.finishReason), logprobs: null }],
        usage: toOpenAIUsage(result.usage),
        lumos: { runId: result.runId, toolCalls: result.toolCalls, toolResults: serializeToolResults(result.toolResults) },
      })
    },
  },
]
