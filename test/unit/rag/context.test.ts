import { beforeAll, describe, expect, it } from 'vitest'
import { estimateTokens, ready } from '../../helpers/lumos.js'
import { buildContext, type ContextHit } from '../../../runtime/rag/index.js'

beforeAll(async () => {
  await ready()
})

const DOC = 'AAAA BBBB CCCC DDDD EEEE FFFF GGGG HHHH'
const part = (id: string, start: number, end: number): ContextHit => ({ id, text: DOC.slice(start, end), metadata: { docId: 'd', source: 'd.md', start, end } })
const other = (id: string, text: string, doc: string): ContextHit => ({ id, text, metadata: { docId: doc, source: `${doc}.md` } })

describe('buildContext', () => {
  const hits = [part('d#1', 10, 24), part('d#0', 0, 14), part('d#3', 30, 39), other('e#0', 'Other doc text', 'e'), part('d#1', 10, 24), other('f#0', ' Other  doc text', 'f')]

  it('merges overlapping chunks, drops duplicate ids and texts, numbers sources', () => {
    const c = buildContext(hits)
    expect(c.text).toBe('[1] AAAA BBBB CCCC DDDD EEEE\n\n[1] GGGG HHHH\n\n[2] Other doc text\n\nSources:\n[1] d.md\n[2] e.md')
    expect(c.citations).toEqual([
      { n: 1, source: 'd.md', chunkIds: ['d#0', 'd#1', 'd#3'] },
      { n: 2, source: 'e.md', chunkIds: ['e#0'] },
    ])
    expect(c.omitted).toEqual([])
    expect(c.tokens).toBe(estimateTokens(c.text))
  })

  it('merges adjacent chunks into one passage', () => {
    const c = buildContext([part('d#2', 24, 30), part('d#3', 30, 39), part('d#1', 10, 24)])
    expect(c.text).toBe('[1] CCCC DDDD EEEE FFFF GGGG HHHH\n\nSources:\n[1] d.md')
    expect(c.citations[0].chunkIds).toEqual(['d#1', 'd#2', 'd#3'])
  })

  it('a chunk inside another is absorbed', () => {
    const c = buildContext([part('d#0', 0, 24), part('d#1', 5, 14)])
    expect(c.text).toBe('[1] AAAA BBBB CCCC DDDD EEEE\n\nSources:\n[1] d.md')
    expect(c.citations[0].chunkIds).toEqual(['d#0', 'd#1'])
  })

  it('chunks whose text is not the exact slice are not merged', () => {
    const c = buildContext([{ id: 'x#0', text: '# H\nbody', metadata: { docId: 'x', start: 0, end: 4 } }, { id: 'x#1', text: 'more', metadata: { docId: 'x', start: 2, end: 6 } }])
    expect(c.text).toBe('[1] # H\nbody\n\n[1] more\n\nSources:\n[1] x')
  })

  it("order 'document' groups by document (best document first) in text order", () => {
    const c = buildContext([other('e#0', 'Other doc text', 'e'), part('d#3', 30, 39), part('d#1', 10, 24)], { order: 'document' })
    expect(c.text).toBe('[1] Other doc text\n\n[2] CCCC DDDD EEEE\n\n[2] GGGG HHHH\n\nSources:\n[1] e.md\n[2] d.md')
    const r = buildContext([other('e#0', 'Other doc text', 'e'), part('d#3', 30, 39), part('d#1', 10, 24)])
    expect(r.text).toBe('[1] Other doc text\n\n[2] GGGG HHHH\n\n[2] CCCC DDDD EEEE\n\nSources:\n[1] e.md\n[2] d.md')
  })

  it('packs the best passages into the token budget', () => {
    const only = '[1] AAAA BBBB CCCC DDDD EEEE\n\nSources:\n[1] d.md'
    const budget = estimateTokens(only)
    const c = buildContext(hits, { maxTokens: budget })
    expect(c.text).toBe(only)
    expect(c.omitted).toEqual(['d#3', 'e#0'])
    expect(c.tokens).toBeLessThanOrEqual(budget)
    // a smaller later passage still fits after a big one was skipped
    const big = other('big#0', 'word '.repeat(200).trim(), 'big')
    const small = other('s#0', 'tiny', 's')
    const c2 = buildContext([big, small], { maxTokens: 30 })
    expect(c2.text).toBe('[1] tiny\n\nSources:\n[1] s.md')
    expect(c2.omitted).toEqual(['big#0'])
  })

  it('cuts the best passage when nothing fits whole', () => {
    const big = other('big#0', 'word '.repeat(200).trim(), 'big')
    const c = buildContext([big], { maxTokens: 20 })
    expect(c.tokens).toBeLessThanOrEqual(20)
    expect(c.text.startsWith('[1] word word')).toBe(true)
    expect(c.citations).toEqual([{ n: 1, source: 'big.md', chunkIds: ['big#0'] }])
    expect(c.omitted).toEqual([])
  })

  it('titles show in the source list; empty input gives empty context; bad options throw', () => {
    const c = buildContext([{ id: 'a', text: 'x', metadata: { source: 'u.html', title: 'Page' } }])
    expect(c.text).toBe('[1] x\n\nSources:\n[1] u.html — Page')
    expect(c.citations).toEqual([{ n: 1, source: 'u.html', title: 'Page', chunkIds: ['a'] }])
    expect(buildContext([])).toEqual({ text: '', citations: [], tokens: 0, omitted: [] })
    expect(() => buildContext([], { maxTokens: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(() => buildContext([], { order: 'x' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

describe('buildContext gaps', () => {
  it('chunks separated by a dropped separator (<= 2 chars) are joined with newlines; wider gaps are not', () => {
    const md = '# Title\n\nParagraph one.\n\nParagraph two.'
    const at = (id: string, text: string) => {
      const start = md.indexOf(text)
      return { id, text, metadata: { docId: 'm', start, end: start + text.length } }
    }
    const c = buildContext([at('m#1', 'Paragraph one.'), at('m#0', '# Title'), at('m#2', 'Paragraph two.')])
    expect(c.text).toBe('[1] # Title\n\nParagraph one.\n\nParagraph two.\n\nSources:\n[1] m')
    const far = buildContext([at('m#0', '# Title'), at('m#2', 'Paragraph two.')])
    expect(far.text).toBe('[1] # Title\n\n[1] Paragraph two.\n\nSources:\n[1] m')
  })
})
