// The one in-process model every library runs against: zero latency, spec v3 or v2.
// Call 1 (last message is the user's) -> a tool call to `add`; call 2 (after the tool result) -> text.
export function createMockModel(version) {
  const v3 = version === 'v3'
  const usage = v3
    ? { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 5, text: 5, reasoning: undefined } }
    : { inputTokens: 10, outputTokens: 5, totalTokens: 15 }
  const reason = (r) => (v3 ? { unified: r, raw: r } : r)
  let n = 0
  const model = {
    specificationVersion: version,
    provider: 'mock',
    modelId: 'mock-model',
    supportedUrls: {},
    calls: 0,
    respond(prompt) {
      model.calls++
      const last = prompt[prompt.length - 1]
      if (last.role === 'tool') return { text: 'The sum is 5.' }
      return { call: { toolCallId: `call_${n++}`, toolName: 'add', input: '{"a":2,"b":3}' } }
    },
    async doGenerate(options) {
      const r = model.respond(options.prompt)
      if (r.text) return { content: [{ type: 'text', text: r.text }], finishReason: reason('stop'), usage, warnings: [] }
      return { content: [{ type: 'tool-call', ...r.call }], finishReason: reason('tool-calls'), usage, warnings: [] }
    },
    async doStream(options) {
      const r = model.respond(options.prompt)
      const parts = [{ type: 'stream-start', warnings: [] }]
      if (r.text) parts.push({ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: r.text }, { type: 'text-end', id: 't' })
      else parts.push({ type: 'tool-input-start', id: r.call.toolCallId, toolName: 'add' }, { type: 'tool-input-delta', id: r.call.toolCallId, delta: r.call.input }, { type: 'tool-input-end', id: r.call.toolCallId }, { type: 'tool-call', ...r.call })
      parts.push({ type: 'finish', finishReason: reason(r.text ? 'stop' : 'tool-calls'), usage })
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const p of parts) controller.enqueue(p)
            controller.close()
          },
        }),
      }
    },
  }
  return model
}
