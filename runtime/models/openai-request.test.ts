import type { LanguageModelV3CallOptions } from '@ai-sdk/provider'
import { describe, expect, it } from 'vitest'
import { toChatMessages, toChatRequest } from './openai-request.js'

const config = { model: 'm', optionKeys: ['openaiCompatible', 'acme'] }

describe('toChatMessages', () => {
  it('maps system, user text, assistant text/reasoning/tool calls and tool results', () => {
    const messages = toChatMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need the tool.' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } },
          { type: 'tool-call', toolCallId: 'c2', toolName: 'time', input: undefined },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'json', value: { temp: 21 } } },
          { type: 'tool-result', toolCallId: 'c2', toolName: 'time', output: { type: 'error-text', value: 'clock broken' } },
          { type: 'tool-approval-response', approvalId: 'a', approved: true },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c3', toolName: 'x', output: { type: 'execution-denied' } },
          { type: 'tool-result', toolCallId: 'c4', toolName: 'x', output: { type: 'content', value: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] } },
          { type: 'tool-result', toolCallId: 'c5', toolName: 'x', output: { type: 'text', value: 'plain' } },
        ],
      },
    ])
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'Need the tool.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp":21}' },
      { role: 'tool', tool_call_id: 'c2', content: 'clock broken' },
      { role: 'tool', tool_call_id: 'c3', content: 'Tool call execution denied.' },
      { role: 'tool', tool_call_id: 'c4', content: 'a\nb' },
      { role: 'tool', tool_call_id: 'c5', content: 'plain' },
    ])
  })

  it('sends an assistant message with only tool calls with content null', () => {
    const [message] = toChatMessages([{ role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c', toolName: 't', input: {} }] }])
    expect(message).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 't', arguments: '{}' } }] })
  })

  it('maps images (bytes, base64, URL), PDFs, audio and text files', () => {
    const [message] = toChatMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'file', mediaType: 'image/png', data: new Uint8Array([1, 2, 3]) },
          { type: 'file', mediaType: 'image/*', data: 'AQID' },
          { type: 'file', mediaType: 'image/jpeg', data: new URL('https://example.com/cat.jpg') },
          { type: 'file', mediaType: 'image/jpeg', data: 'https://example.com/dog.jpg' },
          { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0=', filename: 'a.pdf' },
          { type: 'file', mediaType: 'audio/wav', data: new Uint8Array([0, 255]) },
          { type: 'file', mediaType: 'text/plain', data: new TextEncoder().encode('héllo') },
        ],
      },
    ])
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look:' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID' } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        { type: 'image_url', image_url: { url: 'https://example.com/dog.jpg' } },
        { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        { type: 'input_audio', input_audio: { data: 'AP8=', format: 'wav' } },
        { type: 'text', text: 'héllo' },
      ],
    })
  })

  it('decodes base64 text files and rejects unsupported files with MODEL_PROMPT_UNSUPPORTED', () => {
    const [message] = toChatMessages([{ role: 'user', content: [{ type: 'file', mediaType: 'text/csv', data: btoa('a,b') }, { type: 'text', text: '?' }] }])
    expect((message.content as unknown[])[0]).toEqual({ type: 'text', text: 'a,b' })
    expect(() => toChatMessages([{ role: 'user', content: [{ type: 'file', mediaType: 'video/mp4', data: 'AAAA' }] }])).toThrow(
      expect.objectContaining({ code: 'MODEL_PROMPT_UNSUPPORTED' }),
    )
  })
})

describe('toChatRequest', () => {
  const prompt: LanguageModelV3CallOptions['prompt'] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]

  it('maps settings, tools and tool choice, and drops unset fields', () => {
    const { body, warnings } = toChatRequest(
      {
        prompt,
        maxOutputTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        topK: 5,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.3,
        tools: [
          { type: 'function', name: 'weather', description: 'Get weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
          { type: 'provider', id: 'acme.search', name: 'search', args: {} },
        ],
        toolChoice: { type: 'tool', toolName: 'weather' },
        providerOptions: { acme: { reasoning_effort: 'low' }, other: { ignored: true } },
      },
      config,
    )
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      tools: [
        {
          type: 'function',
          function: { name: 'weather', description: 'Get weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      reasoning_effort: 'low',
    })
    expect(warnings).toEqual([
      { type: 'unsupported', feature: 'provider tool acme.search' },
      { type: 'unsupported', feature: 'topK' },
    ])
    for (const type of ['auto', 'none', 'required'] as const) {
      const tools = [{ type: 'function' as const, name: 't', inputSchema: {} }]
      expect(toChatRequest({ prompt, tools, toolChoice: { type } }, config).body.tool_choice).toBe(type)
    }
    expect(toChatRequest({ prompt }, config).body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
    expect(toChatRequest({ prompt, maxOutputTokens: 9 }, { ...config, maxTokensField: 'max_completion_tokens' }).body.max_completion_tokens).toBe(9)
  })

  it('asks for JSON: json_schema with structured outputs, else json_object plus the schema as a system message', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] } as const
    const structured = toChatRequest({ prompt, responseFormat: { type: 'json', schema, name: 'thing' } }, { ...config, structuredOutputs: true })
    expect(structured.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'thing', schema } })
    expect(structured.body.messages).toEqual([{ role: 'user', content: 'hi' }])

    const plain = toChatRequest({ prompt, responseFormat: { type: 'json', schema } }, config)
    expect(plain.body.response_format).toEqual({ type: 'json_object' })
    expect(plain.body.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'system', content: `Respond with a single JSON value matching this JSON Schema:\n${JSON.stringify(schema)}` },
    ])
    expect(plain.warnings).toEqual([{ type: 'compatibility', feature: 'responseFormat', details: 'JSON schema sent as a system message' }])

    const noSchema = toChatRequest({ prompt, responseFormat: { type: 'json' } }, config)
    expect(noSchema.body.response_format).toEqual({ type: 'json_object' })
    expect(noSchema.warnings).toEqual([])
  })
})
