import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { ready, chunk, estimateTokens, type ChunkStrategy } from '../helpers/lumos.js'

beforeAll(async () => {
  await ready()
})

const PIECES = [
  'alpha', 'beta', 'gamma', 'delta', ' ', ' ', '  ', '\n', '\n\n', '. ', '! ', '? ', ', ', '; ', 'Mr. Smith ', '3.14 ',
  '🚀', '👩‍👩‍👧', '👍🏽', 'e\u0301', 'n\u0303\u0323', '漢字', '日本語の文。', '中文句子！', '？', 'ä', '\ud800', '\udc00', '\u200d',
  '# Title\n', '## Sub section\n', '```\nconst x = 1\n```\n', '| a | b |\n', '- item\n', 'supercalifragilisticexpialidocious',
]
const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((a) => a.join(''))

function isHigh(c: number) { return c >= 0xd800 && c <= 0xdbff }
function isLow(c: number) { return c >= 0xdc00 && c <= 0xdfff }

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** The grapheme cluster that contains offset p (p strictly inside it), if any. */
function clusterAround(text: string, p: number): string | undefined {
  for (const seg of graphemes.segment(text)) {
    if (seg.index < p && p < seg.index + seg.segment.length) return seg.segment
    if (seg.index >= p) return undefined
  }
  return undefined
}

/**
 * A boundary at p is unsafe if it splits a surrogate pair or detaches a combining mark / ZWJ
 * sequence — unless that one cluster is itself larger than maxSize (then the size bound wins).
 */
function unsafeBoundary(text: string, p: number, maxSize: number, unit: 'chars' | 'tokens'): string | undefined {
  if (p <= 0 || p >= text.length) return undefined
  if (isHigh(text.charCodeAt(p - 1)) && isLow(text.charCodeAt(p))) return 'splits a surrogate pair'
  const cluster = clusterAround(text, p)
  if (cluster === undefined) return undefined
  if ((unit === 'chars' ? cluster.length : estimateTokens(cluster)) > maxSize) return undefined
  return `splits the grapheme cluster ${JSON.stringify(cluster)}`
  return undefined
}

function checkInvariants(text: string, strategy: ChunkStrategy, maxSize: number, overlap: number, unit: 'chars' | 'tokens') {
  const chunks = chunk(text, { strategy, maxSize, overlap, unit })
  let prevStart = -1, prevEnd = 0
  for (const c of chunks) {
    const size = unit === 'chars' ? c.text.length : estimateTokens(c.text)
    expect(size, `chunk over maxSize: ${JSON.stringify(c.text)}`).toBeLessThanOrEqual(maxSize)
    expect(c.text.length).toBeGreaterThan(0)
    expect(c.start).toBeGreaterThanOrEqual(0)
    expect(c.end).toBeLessThanOrEqual(text.length)
    expect(c.start).toBeLessThan(c.end)
    expect(c.start).toBeGreaterThanOrEqual(prevStart)
    if (strategy !== 'json') {
      expect(text.slice(c.start, c.end)).toBe(c.text)
      expect(unsafeBoundary(text, c.start, maxSize, unit), `start ${c.start} in ${JSON.stringify(text)}`).toBeUndefined()
      expect(unsafeBoundary(text, c.end, maxSize, unit), `end ${c.end} in ${JSON.stringify(text)}`).toBeUndefined()
      if (unit === 'chars' && prevStart >= 0) expect(c.start).toBeGreaterThanOrEqual(prevEnd - overlap)
      // whatever lies between consecutive chunks is whitespace only
      if (c.start > prevEnd) expect(text.slice(prevEnd, c.start).trim()).toBe('')
    }
    prevStart = c.start
    prevEnd = Math.max(prevEnd, c.end)
  }
  if (strategy !== 'json' && text.trim().length > 0) {
    expect(chunks.length).toBeGreaterThan(0)
    expect(text.slice(prevEnd).trim()).toBe('')
    expect(text.slice(0, chunks[0].start).trim()).toBe('')
  }
}

describe('chunk invariants (property tests over random Unicode)', () => {
  for (const strategy of ['recursive', 'sentence', 'token', 'markdown'] as ChunkStrategy[]) {
    it(`${strategy}: never over maxSize, offsets reproduce the text, safe boundaries`, () => {
      fc.assert(
        fc.property(textArb, fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.95, noNaN: true }), (text, maxSize, ovRatio) => {
          const overlap = Math.floor(maxSize * ovRatio)
          checkInvariants(text, strategy, Math.max(maxSize, 4), Math.min(overlap, Math.max(maxSize, 4) - 1), 'chars')
        }),
        { numRuns: 300, seed: 42 },
      )
    })
  }

  it('token unit: never over maxSize estimated tokens', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 40 }), (text, maxSize) => {
        for (const strategy of ['recursive', 'token'] as ChunkStrategy[]) checkInvariants(text, strategy, maxSize, Math.floor(maxSize / 3), 'tokens')
      }),
      { numRuns: 200, seed: 7 },
    )
  })

  it('large overlap never pushes a chunk over maxSize (mastra-ai/mastra#24128)', () => {
    const text = 'word '.repeat(2000)
    const chunks = chunk(text, { strategy: 'recursive', maxSize: 100, overlap: 99 })
    expect(chunks.length).toBeGreaterThan(10)
    expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(100)
  })
})

describe('chunk strategies on examples', () => {
  it('recursive: exact chunks and offsets', () => {
    const text = 'Para one is here.\n\nPara two is here.\n\nPara three.'
    const chunks = chunk(text, { strategy: 'recursive', maxSize: 20 })
    expect(chunks.map((c) => text.slice(c.start, c.end))).toEqual(chunks.map((c) => c.text))
    expect(chunks.map((c) => c.text.trim())).toEqual(['Para one is here.', 'Para two is here.', 'Para three.'])
  })

  it('recursive: text shorter than maxSize is one chunk', () => {
    expect(chunk('short text', { maxSize: 100 })).toEqual([{ text: 'short text', start: 0, end: 10, metadata: { strategy: 'recursive' } }])
    expect(chunk('', { maxSize: 100 })).toEqual([])
  })

  it('markdown: keeps fenced code and table rows whole and carries the header path', () => {
    const md = '# Guide\n\nIntro text.\n\n## Install\n\n```sh\nnpm install lumosai\nnpm test\n```\n\n## Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'
    const chunks = chunk(md, { strategy: 'markdown', maxSize: 60 })
    for (const c of chunks) {
      expect(md.slice(c.start, c.end)).toBe(c.text)
      const fences = (c.text.match(/```/g) ?? []).length
      expect(fences % 2).toBe(0)
      for (const line of c.text.split('\n')) if (line.startsWith('|')) expect(line.endsWith('|')).toBe(true)
    }
    const install = chunks.find((c) => c.text.includes('npm install'))!
    expect(install.text).toContain('```sh')
    expect(install.metadata.headers?.join(' > ')).toMatch(/Guide.*Install/)
  })

  it('sentence: English and CJK sentence enders', () => {
    const text = 'First sentence. Second one! Third? 第一句。第二句！第三句？'
    const chunks = chunk(text, { strategy: 'sentence', maxSize: 18 })
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text)
    expect(chunks.map((c) => c.text)).toContain('第一句。第二句！第三句？')
    expect(chunks.some((c) => c.text.startsWith('First sentence.'))).toBe(true)
  })

  it('json: every chunk is valid JSON under maxSize', () => {
    const doc = { users: Array.from({ length: 30 }, (_, i) => ({ id: i, name: `user ${i}`, tags: ['a', 'b'] })), meta: { total: 30 } }
    const chunks = chunk(JSON.stringify(doc), { strategy: 'json', maxSize: 200 })
    expect(chunks.length).toBeGreaterThan(3)
    const ids: number[] = []
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(200)
      const v = JSON.parse(c.text)
      for (const u of v.users ?? []) ids.push(u.id)
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i))
  })

  it('token estimate is close to chars/4 on English prose', () => {
    const prose = 'The quick brown fox jumps over the lazy dog while the committee deliberates on matters of considerable importance. '.repeat(20)
    const est = estimateTokens(prose)
    expect(est).toBeGreaterThan((prose.length / 4) * 0.8)
    expect(est).toBeLessThan((prose.length / 4) * 1.2)
  })
})

describe('chunk bad input', () => {
  const expectCode = (fn: () => unknown, code: string) => expect(fn).toThrow(expect.objectContaining({ code }))
  it('rejects invalid options and non-strings', () => {
    expectCode(() => chunk(42 as unknown as string), 'TEXT_INVALID')
    expectCode(() => chunk(null as unknown as string), 'TEXT_INVALID')
    expectCode(() => chunk('x', { maxSize: 100, overlap: 100 }), 'CHUNK_OPTIONS_INVALID')
    expectCode(() => chunk('x', { maxSize: 0 }), 'CHUNK_OPTIONS_INVALID')
    expectCode(() => chunk('x', { maxSize: 10, minSize: 11 }), 'CHUNK_OPTIONS_INVALID')
    expectCode(() => chunk('x', { strategy: 'nope' as ChunkStrategy }), 'CHUNK_OPTIONS_INVALID')
    expectCode(() => chunk('x', { separators: [''] }), 'CHUNK_OPTIONS_INVALID')
    expectCode(() => chunk('{"a":', { strategy: 'json' }), 'JSON_INVALID')
    expectCode(() => chunk('['.repeat(100_000), { strategy: 'json' }), 'JSON_INVALID')
  })
})
