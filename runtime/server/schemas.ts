import type { JsonSchema } from '../schema/standard-schema.js'

/** `$ref` to a schema under components.schemas of /openapi.json. */
export const ref = (name: keyof typeof COMPONENT_SCHEMAS): JsonSchema => ({ $ref: `#/components/schemas/${name}` })

const obj = (properties: Record<string, JsonSchema>, required: string[] = [], extra = true): JsonSchema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  ...(extra ? {} : { additionalProperties: false }),
})
const str: JsonSchema = { type: 'string' }
const int: JsonSchema = { type: 'integer' }
const nullableInt: JsonSchema = { type: ['integer', 'null'] }
const anyJson: JsonSchema = {}
const page = (item: JsonSchema): JsonSchema => obj({ items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } }, ['items', 'nextCursor'])

/** Request/response schemas shared by the routes (components.schemas of /openapi.json). */
export const COMPONENT_SCHEMAS = {
  Error: obj(
    {
      error: obj({ code: str, message: str, fix: str, details: { type: 'object' } }, ['code', 'message', 'fix']),
    },
    ['error'],
  ),
  OpenAIError: obj({ error: obj({ message: str, type: str, param: { type: ['string', 'null'] }, code: { type: ['string', 'null'] } }, ['message', 'type']) }, ['error']),
  Tool: obj({ id: str, description: str, inputSchema: { type: 'object' } }, ['id', 'description', 'inputSchema']),
  Agent: obj(
    { id: str, name: str, description: { type: ['string', 'null'] }, tools: { type: 'array', items: { $ref: '#/components/schemas/Tool' } }, memory: { type: 'boolean' } },
    ['id', 'name', 'tools', 'memory'],
  ),
  UIMessage: obj({ id: str, role: { enum: ['system', 'user', 'assistant'] }, parts: { type: 'array', items: obj({ type: str }, ['type']) }, metadata: anyJson }, ['role', 'parts']),
  Usage: obj({ inputTokens: nullableInt, outputTokens: nullableInt, totalTokens: nullableInt, reasoningTokens: nullableInt, cachedInputTokens: nullableInt }),
  AgentRequest: obj(
    {
      prompt: { type: 'string', description: 'A single user message (or use `messages`).' },
      messages: { type: 'array', description: 'UIMessage[] (useChat) or ModelMessage[].', items: { type: 'object' } },
      id: { type: 'string', description: 'useChat chat id (used as threadId when resourceId is given and threadId is not).' },
      trigger: { type: 'string', description: 'useChat trigger (submit-message | regenerate-message); informational.' },
      threadId: str,
      resourceId: str,
      options: obj({
        temperature: { type: 'number' },
        topP: { type: 'number' },
        topK: { type: 'number' },
        maxOutputTokens: int,
        maxSteps: { type: 'integer', minimum: 1, maximum: 50 },
        seed: int,
        presencePenalty: { type: 'number' },
        frequencyPenalty: { type: 'number' },
        stop: { type: 'array', items: str },
        toolChoice: { oneOf: [{ enum: ['auto', 'none', 'required'] }, obj({ type: { const: 'tool' }, toolName: str }, ['type', 'toolName'])] },
      }),
    },
    [],
  ),
  ToolCall: obj({ toolCallId: str, toolName: str, input: anyJson }, ['toolCallId', 'toolName']),
  ToolResult: obj(
    { toolCallId: str, toolName: str, input: anyJson, output: anyJson, isError: { type: 'boolean' }, error: obj({ code: str, message: str }) },
    ['toolCallId', 'toolName', 'isError'],
  ),
  GenerateResponse: obj(
    {
      text: str,
      toolCalls: { type: 'array', items: { $ref: '#/components/schemas/ToolCall' } },
      toolResults: { type: 'array', items: { $ref: '#/components/schemas/ToolResult' } },
      usage: { $ref: '#/components/schemas/Usage' },
      finishReason: str,
      runId: str,
      steps: int,
      messages: { type: 'array', description: 'The assistant reply as a UIMessage (what useChat would have built from the stream).', items: { $ref: '#/components/schemas/UIMessage' } },
    },
    ['text', 'toolCalls', 'toolResults', 'usage', 'finishReason', 'runId'],
  ),
  Thread: obj(
    { id: str, resourceId: str, title: { type: ['string', 'null'] }, metadata: { type: 'object' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' } },
    ['id', 'resourceId', 'title', 'metadata', 'createdAt', 'updatedAt'],
  ),
  ThreadPage: page({ $ref: '#/components/schemas/Thread' }),
  StoredMessage: obj(
    {
      id: str,
      threadId: str,
      resourceId: str,
      role: { enum: ['system', 'user', 'assistant'] },
      content: obj({ parts: { type: 'array', items: { type: 'object' } }, metadata: anyJson }, ['parts']),
      createdAt: { type: 'string', format: 'date-time' },
      seq: int,
    },
    ['id', 'threadId', 'resourceId', 'role', 'content', 'createdAt', 'seq'],
  ),
  MessagePage: page({ $ref: '#/components/schemas/StoredMessage' }),
  WorkingMemory: obj({ value: { type: ['string', 'null'] } }, ['value']),
  Span: obj(
    {
      name: str,
      traceId: str,
      spanId: str,
      parentSpanId: str,
      startTimeUnixNano: str,
      endTimeUnixNano: str,
      durationMs: { type: 'number' },
      attributes: { type: 'object' },
      status: obj({ code: { enum: ['unset', 'ok', 'error'] }, message: str }, ['code']),
      events: { type: 'array', items: { type: 'object' } },
    },
    ['name', 'traceId', 'spanId', 'startTimeUnixNano', 'endTimeUnixNano', 'durationMs', 'attributes', 'status', 'events'],
  ),
  Trace: obj(
    { traceId: str, name: str, startTimeUnixNano: str, durationMs: { type: 'number' }, spans: { type: 'array', items: { $ref: '#/components/schemas/Span' } } },
    ['traceId', 'spans'],
  ),
  ChatCompletionRequest: obj(
    {
      model: { type: 'string', description: 'An agent id.' },
      messages: { type: 'array', minItems: 1, items: obj({ role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] }, content: anyJson }, ['role']) },
      stream: { type: 'boolean' },
      stream_options: obj({ include_usage: { type: 'boolean' } }),
      temperature: { type: 'number' },
      top_p: { type: 'number' },
      max_tokens: int,
      max_completion_tokens: int,
      stop: { oneOf: [str, { type: 'array', items: str }] },
      seed: int,
      presence_penalty: { type: 'number' },
      frequency_penalty: { type: 'number' },
      n: { type: 'integer', const: 1 },
      user: str,
    },
    ['model', 'messages'],
  ),
  ChatCompletionUsage: obj({ prompt_tokens: int, completion_tokens: int, total_tokens: int }, ['prompt_tokens', 'completion_tokens', 'total_tokens']),
  ChatCompletion: obj(
    {
      id: str,
      object: { const: 'chat.completion' },
      created: int,
      model: str,
      choices: {
        type: 'array',
        items: obj(
          { index: int, message: obj({ role: { const: 'assistant' }, content: { type: ['string', 'null'] }, refusal: { type: 'null' } }, ['role', 'content']), finish_reason: str, logprobs: { type: 'null' } },
          ['index', 'message', 'finish_reason'],
        ),
      },
      usage: { $ref: '#/components/schemas/ChatCompletionUsage' },
      lumos: obj({ runId: str, toolCalls: { type: 'array', items: { $ref: '#/components/schemas/ToolCall' } }, toolResults: { type: 'array', items: { $ref: '#/components/schemas/ToolResult' } } }, ['runId']),
    },
    ['id', 'object', 'created', 'model', 'choices'],
  ),
  ChatCompletionChunk: obj(
    {
      id: str,
      object: { const: 'chat.completion.chunk' },
      created: int,
      model: str,
      choices: { type: 'array', items: obj({ index: int, delta: obj({ role: str, content: str }), finish_reason: { type: ['string', 'null'] } }, ['index', 'delta']) },
      usage: { $ref: '#/components/schemas/ChatCompletionUsage' },
      lumos_event: obj(
        { type: { enum: ['tool-call', 'tool-result', 'tool-error'] }, toolCallId: str, toolName: str, input: anyJson, output: anyJson, error: obj({ code: str, message: str }) },
        ['type', 'toolCallId', 'toolName'],
      ),
    },
    ['id', 'object', 'created', 'model', 'choices'],
  ),
  Model: obj({ id: str, object: { const: 'model' }, created: int, owned_by: str }, ['id', 'object', 'created', 'owned_by']),
  ModelList: obj({ object: { const: 'list' }, data: { type: 'array', items: { $ref: '#/components/schemas/Model' } } }, ['object', 'data']),
} satisfies Record<string, JsonSchema>
