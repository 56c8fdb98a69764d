import type { LanguageModelV3Message } from '@ai-sdk/provider'
import { describe, expect, test } from 'vitest'
import { modelToUIMessages, truncate, uiToModelMessages } from './ui-message.js'

describe('UI message conversion', () => {
  const run: LanguageModelV3Message[] = [
    { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'file', data: new Uint8Array([1, 2, 3]), mediaType: 'application/octet-stream' }] },
    { role: 'assistant', content: [{ type: 'reasoning', text: 'think' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { q: 'x' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'search', output: { type: 'json', value: { hits: 2 } } }] },
    { role: 'assistant', content: [{ type: 'text', text: 'found 2' }] },
  ]

  test('model -> UI merges calls with results into one assistant message with step-start parts', () => {
    expect(modelToUIMessages(run)).toEqual([
      { role: 'user', parts: [{ type: 'text', text: 'hi' }, { type: 'file', mediaType: 'application/octet-stream', url: 'data:application/octet-stream;base64,AQID' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'step-start' },
          { type: 'reasoning', text: 'think', state: 'done' },
          { type: 'tool-search', toolCallId: 'c1', state: 'output-available', input: { q: 'x' }, output: { hits: 2 } },
          { type: 'step-start' },
          { type: 'text', text: 'found 2', state: 'done' },
        ],
      },
    ])
  })

  test('UI -> model splits at steps and round-trips', () => {
    const back = uiToModelMessages(modelToUIMessages(run), { maxToolOutputChars: 8000 })
    expect(back).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'file', data: 'data:application/octet-stream;base64,AQID', mediaType: 'application/octet-stream' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'think' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { q: 'x' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'search', output: { type: 'json', value: { hits: 2 } } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'found 2' }] },
    ])
  })

  test('unfinished tool calls are not replayed; JSON outputs over the limit become truncated text', () => {
    const msgs = uiToModelMessages(
      [
        {
          role: 'assistant',
          parts: [
            { type: 'tool-a', toolCallId: 'p', state: 'input-available', input: {} },
            { type: 'tool-b', toolCallId: 'q', state: 'output-available', input: {}, output: { s: 'x'.repeat(200) } },
          ],
        },
      ],
      { maxToolOutputChars: 100 },
    )
    expect(msgs.length).toBe(2)
    expect(msgs[0]).toEqual({ role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'q', toolName: 'b', input: {} }] })
    const out = (msgs[1] as { content: Array<{ output: { type: string; value: string } }> }).content[0].output
    expect(out.type).toBe('text')
    expect(out.value).toBe(`${JSON.stringify({ s: 'x'.repeat(200) }).slice(0, 100)}\n[truncated 108 chars]`)
    expect(truncate('abc', 3)).toBe('abc')
  })
})
