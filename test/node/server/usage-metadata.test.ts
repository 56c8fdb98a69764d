import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai'
import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { toUIMessageChunk } from '../../../runtime/stream/index.js'
import { createFixture, postJson, sseData, start } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

describe('UI message stream: usage in the finish chunk', () => {
  it('the finish chunk carries messageMetadata.usage summed over the steps', async () => {
    served = await start(createFixture().options)
    const res = await postJson(`${served.url}/api/agents/assistant/stream`, { prompt: 'weather please' })
    const data = await sseData(res)
    const finish = JSON.parse(data[data.length - 2])
    // Two model calls: 20 + 30 input, 7 + 9 output tokens (fixtures.ts weatherModel).
    expect(finish).toEqual({ type: 'finish', finishReason: 'stop', messageMetadata: { usage: { inputTokens: 50, outputTokens: 16, totalTokens: 66 } } })
  })

  it('useChat puts it on message.metadata', async () => {
    served = await start(createFixture().options)
    const transport = new DefaultChatTransport<UIMessage>({ api: `${served.url}/api/agents/echo/stream` })
    const stream = await transport.sendMessages({
      chatId: 'c1',
      messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    })
    let last: UIMessage | undefined
    for await (const m of readUIMessageStream<UIMessage>({ stream, terminateOnError: true })) last = m
    expect(last?.metadata).toEqual({ usage: { inputTokens: 11, outputTokens: 4, totalTokens: 15 } })
  })

  it('counts the provider did not report are left out', () => {
    const usage = { inputTokens: undefined, outputTokens: 3, totalTokens: 3, reasoningTokens: undefined, cachedInputTokens: undefined }
    expect(toUIMessageChunk({ type: 'finish', finishReason: 'stop', totalUsage: usage, steps: 1 }, {}, 'r')).toEqual({ type: 'finish', finishReason: 'stop', messageMetadata: { usage: { outputTokens: 3, totalTokens: 3 } } })
  })
})
