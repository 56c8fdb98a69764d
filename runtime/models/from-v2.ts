import type {
  JSONValue,
  LanguageModelV2,
  LanguageModelV2CallOptions,
  LanguageModelV2CallWarning,
  LanguageModelV2Content,
  LanguageModelV2FinishReason,
  LanguageModelV2Prompt,
  LanguageModelV2StreamPart,
  LanguageModelV2ToolResultOutput,
  LanguageModelV2Usage,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3Usage,
  SharedV3Warning,
} from '@ai-sdk/provider'
import { LumosError } from '../errors.js'

/** v2 finish reasons are plain strings; v3 keeps the unified value and the provider's raw one. */
export const finishReasonFromV2 = (reason: LanguageModelV2FinishReason): LanguageModelV3FinishReason => ({
  unified: reason === 'unknown' ? 'other' : reason,
  raw: reason,
})

const minus = (a: number | undefined, b: number | undefined) => (a === undefined ? undefined : a - (b ?? 0))

/** v2 totals include cached input and reasoning output (as the OpenAI API reports them). */
export const usageFromV2 = (usage: LanguageModelV2Usage): LanguageModelV3Usage => ({
  inputTokens: {
    total: usage.inputTokens,
    noCache: minus(usage.inputTokens, usage.cachedInputTokens),
    cacheRead: usage.cachedInputTokens,
    cacheWrite: undefined,
  },
  outputTokens: {
    total: usage.outputTokens,
    text: minus(usage.outputTokens, usage.reasoningTokens),
    reasoning: usage.reasoningTokens,
  },
  raw: Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== undefined)),
})

export const warningFromV2 = (warning: LanguageModelV2CallWarning): SharedV3Warning =>
  warning.type === 'other'
    ? warning
    : {
        type: 'unsupported',
        feature: warning.type === 'unsupported-setting' ? String(warning.setting) : `tool ${warning.tool.name}`,
        ...(warning.details ? { details: warning.details } : {}),
      }

// v3 tool results have more content kinds; v2 knows text and base64 media only.
function outputToV2(output: LanguageModelV3ToolResultOutput): LanguageModelV2ToolResultOutput {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return { type: output.type, value: output.value }
    case 'json':
    case 'error-json':
      return { type: output.type, value: output.value }
    case 'execution-denied':
      return { type: 'text', value: output.reason ?? 'Tool call execution denied.' }
    case 'content':
      return {
        type: 'content',
        value: output.value.map((part) =>
          part.type === 'text'
            ? { type: 'text', text: part.text }
            : part.type === 'file-data' || part.type === 'image-data'
              ? { type: 'media', data: part.data, mediaType: part.mediaType }
              : { type: 'text', text: 'url' in part ? part.url : JSON.stringify(part) },
        ),
      }
  }
}

// The casts below only bridge provider options: v3 allows `undefined` inside the JSON records, v2 does not.

/** v3 prompt -> v2 prompt: tool approval responses have no v2 equivalent and are dropped. */
export function promptToV2(prompt: LanguageModelV3CallOptions['prompt']): LanguageModelV2Prompt {
  return prompt.map((message) => {
    if (message.role === 'tool') {
      const content = message.content.flatMap((part) => (part.type === 'tool-result' ? [{ ...part, output: outputToV2(part.output) }] : []))
      return { ...message, content }
    }
    if (message.role === 'assistant') {
      const content = message.content.map((part) => (part.type === 'tool-result' ? { ...part, output: outputToV2(part.output) } : part))
      return { ...message, content }
    }
    return message
  }) as LanguageModelV2Prompt
}

export function callOptionsToV2(options: LanguageModelV3CallOptions): LanguageModelV2CallOptions {
  return {
    ...(options as Omit<LanguageModelV3CallOptions, 'prompt' | 'tools'> as Omit<LanguageModelV2CallOptions, 'prompt' | 'tools'>),
    prompt: promptToV2(options.prompt),
    tools: options.tools?.map((tool) =>
      tool.type === 'provider'
        ? { type: 'provider-defined', id: tool.id, name: tool.name, args: tool.args }
        : { type: 'function', name: tool.name, description: tool.description, inputSchema: tool.inputSchema, providerOptions: tool.providerOptions },
    ) as LanguageModelV2CallOptions['tools'],
  }
}

function contentFromV2(part: LanguageModelV2Content): LanguageModelV3Content {
  if (part.type !== 'tool-result') return part
  // v3 tool results are always provider-executed (no flag) and carry JSON.
  const { providerExecuted: _executed, result, ...rest } = part
  return { ...rest, result: result as NonNullable<JSONValue> }
}

function partFromV2(part: LanguageModelV2StreamPart): LanguageModelV3StreamPart {
  switch (part.type) {
    case 'stream-start':
      return { type: 'stream-start', warnings: part.warnings.map(warningFromV2) }
    case 'finish':
      return { ...part, finishReason: finishReasonFromV2(part.finishReason), usage: usageFromV2(part.usage) }
    case 'tool-result':
      return contentFromV2(part) as LanguageModelV3StreamPart
    default:
      return part
  }
}

/**
 * Adapts a spec v2 model (AI SDK 5 provider packages) to spec v3: call options and prompts go down
 * as v2 (tool outputs, provider tools), results, usage, finish reasons, warnings and stream parts
 * come back as v3.
 */
export function fromV2(model: LanguageModelV2): LanguageModelV3 {
  if (model?.specificationVersion !== 'v2') {
    throw new LumosError('MODEL_VERSION_UNSUPPORTED', `fromV2() expects a spec v2 model, got specificationVersion ${String(model?.specificationVersion)}`, {
      details: { specificationVersion: model?.specificationVersion },
    })
  }
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    get supportedUrls() {
      return model.supportedUrls
    },
    async doGenerate(options) {
      const result = await model.doGenerate(callOptionsToV2(options))
      return {
        ...result,
        content: result.content.map(contentFromV2),
        finishReason: finishReasonFromV2(result.finishReason),
        usage: usageFromV2(result.usage),
        warnings: result.warnings.map(warningFromV2),
      }
    },
    async doStream(options) {
      const result = await model.doStream(callOptionsToV2(options))
      return {
        ...result,
        stream: result.stream.pipeThrough(
          new TransformStream<LanguageModelV2StreamPart, LanguageModelV3StreamPart>({
            transform: (part, out) => out.enqueue(partFromV2(part)),
          }),
        ),
      }
    },
  }
}
