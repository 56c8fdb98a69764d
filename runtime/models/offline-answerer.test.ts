import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { Agent } from '../agent/index.js'
import { createTool } from '../tools/index.js'
import { answer, CONFIGURE_HINT, findPassages, NO_MODEL_NOTICE, offlineAnswerer } from './offline-answerer.js'

const system = [
  'Answer from these passages:',
  '[1] Lumos runs on Cloudflare Workers. It also runs in Deno and browsers.',
  '[2] The dev server listens on port 4111 by default. Use --port to change it.',
].join('\n')

describe('offlineAnswerer', () => {
  it('finds numbered passages in system text', () => {
    expect(findPassages([{ role: 'system', content: system }])).toEqual([
      { n: 1, text: 'Lumos runs on Cloudflare Workers. It also runs in Deno and browsers.' },
      { n: 2, text: 'The dev server listens on port 4111 by default. Use --port to change it.' },
    ])
  })

  it('quotes the most relevant sentences with citations and says no model is configured', () => {
    expect(answer('Which port does the dev server use?', findPassages([{ role: 'system', content: system }]), 1)).toBe(
      `${NO_MODEL_NOTICE}\n\n> The dev server listens on port 4111 by default. [2]\n\n${CONFIGURE_HINT}`,
    )
  })

  it('says so when there are no passages', () => {
    expect(answer('hello', [])).toMatch(/^No language model is configured, and no retrieved passages/)
  })

  it('doGenerate and doStream give the same deterministic text', async () => {
    const model = offlineAnswerer({ maxQuotes: 2 })
    const prompt = [
      { role: 'system' as const, content: system },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Does Lumos run on Workers and Deno?' }] },
    ]
    const gen = await model.doGenerate({ prompt })
    const text = (gen.content[0] as { text: string }).text
    expect(text).toBe(`${NO_MODEL_NOTICE}\n\n> Lumos runs on Cloudflare Workers. [1]\n> It also runs in Deno and browsers. [1]\n\n${CONFIGURE_HINT}`)
    expect(gen.finishReason.unified).toBe('stop')
    const { stream } = await model.doStream({ prompt })
    let streamed = ''
    const types: string[] = []
    for await (const part of stream as unknown as AsyncIterable<{ type: string; delta?: string }>) {
      types.push(part.type)
      if (part.type === 'text-delta') streamed += part.delta
    }
    expect(streamed).toBe(text)
    expect(types[0]).toBe('stream-start')
    expect(types.at(-1)).toBe('finish')
  })

  it('calls a search tool, then answers from its JSON hits (agent end to end)', async () => {
    const search = createTool({
      id: 'search',
      description: 'Search the docs',
      inputSchema: z.object({ query: z.string() }),
      execute: async ({ query }) => ({ hits: [{ text: `Ingest files with lumos ingest. Query was ${query}.` }, { text: 'Unrelated passage about cats.' }] }),
    })
    const agent = new Agent({ id: 'docs', model: offlineAnswerer(), tools: { search } })
    const result = await agent.generate('How do I ingest files?')
    expect(result.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['search', { query: 'How do I ingest files?' }]])
    expect(result.text).toContain('> Ingest files with lumos ingest. [1]')
    expect(result.text).toContain(NO_MODEL_NOTICE)
    expect(result.text).not.toContain('cats')
  })
})

describe('offlineAnswerer with buildContext output', () => {
  const context = [
    'Use the following retrieved passages.',
    '',
    '[1] ## Setup',
    '',
    '- Install with npm.',
    '- Start the dev server with `npm start`. It listens on port 4111.',
    '',
    '[2] Workers need no setup.',
    '',
    'Sources:',
    '[1] README.md — Lumos',
    '[2] docs/workers.md',
  ].join('\n')

  it('reads the Sources list as labels, splits markdown lists and drops headings', () => {
    expect(findPassages([{ role: 'system', content: context }])).toEqual([
      { n: 1, text: '## Setup\n\n- Install with npm.\n- Start the dev server with `npm start`. It listens on port 4111.', source: 'README.md — Lumos' },
      { n: 2, text: 'Workers need no setup.', source: 'docs/workers.md' },
    ])
    expect(answer('which port does the dev server listen on?', findPassages([{ role: 'system', content: context }]), 2)).toBe(
      `${NO_MODEL_NOTICE}\n\n> Start the dev server with \`npm start\`. [1]\n> It listens on port 4111. [1]\n\nSources:\n[1] README.md — Lumos\n\n${CONFIGURE_HINT}`,
    )
  })

  it('reads the context of a createVectorQueryTool result', () => {
    const prompt = [{ role: 'tool' as const, content: [{ type: 'tool-result' as const, toolCallId: 'c', toolName: 'search', output: { type: 'json' as const, value: { context, citations: [] } } }] }]
    expect(findPassages(prompt).map((p) => [p.n, p.source])).toEqual([[1, 'README.md — Lumos'], [2, 'docs/workers.md']])
  })
})
