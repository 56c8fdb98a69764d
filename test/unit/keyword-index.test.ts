import { beforeAll, describe, expect, it } from 'vitest'
import { ready, KeywordIndex, tokenize } from '../helpers/lumos.js'

beforeAll(async () => {
  await ready()
})

const expectCode = (fn: () => unknown, code: string) => expect(fn).toThrow(expect.objectContaining({ code }))

describe('KeywordIndex (BM25)', () => {
  it('ranks by BM25 with stemming and stop words', () => {
    using ki = new KeywordIndex()
    ki.upsert(['a', 'b', 'c'], [
      'The cat sat on the mat.',
      'Cats are running and jumping over the mats of other cats.',
      'Dogs bark at the mailman.',
    ])
    const hits = ki.search('running cats', { k: 10 })
    expect(hits.ids[0]).toBe('b')
    expect(hits.ids).toContain('a')
    expect(hits.ids).not.toContain('c')
    expect(hits.scores[0]).toBeGreaterThan(hits.scores[1])
    expect(ki.search('the', { k: 10 }).ids).toEqual([])
  })

  it('finds Chinese and Japanese text through CJK bigrams', () => {
    using ki = new KeywordIndex()
    ki.upsert(['zh', 'ja', 'en'], ['我们今天学习机器学习和自然语言处理', '東京は日本の首都です', 'machine learning in English'])
    expect(ki.search('自然语言', { k: 3 }).ids[0]).toBe('zh')
    expect(ki.search('日本の首都', { k: 3 }).ids[0]).toBe('ja')
    expect(ki.search('machine', { k: 3 }).ids).toEqual(['en'])
  })

  it('folds accents and case', () => {
    using ki = new KeywordIndex()
    ki.upsert(['fr'], ['Le café était délicieux à Noël'])
    expect(ki.search('CAFE noel', { k: 1 }).ids).toEqual(['fr'])
    expect(tokenize('Café NOËL')).toEqual(['cafe', 'noel'])
  })

  it('removing a document gives the same scores as never adding it', () => {
    const docs = { a: 'apples and oranges', b: 'oranges only here and there', c: 'apples apples pie' }
    using one = new KeywordIndex()
    one.upsert(Object.keys(docs), Object.values(docs))
    expect(one.remove(['b', 'missing'])).toBe(1)
    using two = new KeywordIndex()
    two.upsert(['a', 'c'], [docs.a, docs.c])
    const h1 = one.search('apples oranges', { k: 5 }), h2 = two.search('apples oranges', { k: 5 })
    expect(h1.ids).toEqual(h2.ids)
    Array.from(h1.scores).forEach((s, i) => expect(s).toBeCloseTo(h2.scores[i], 5))
  })

  it('upsert replaces text; filter restricts; snapshot round-trips', () => {
    using ki = new KeywordIndex({ k1: 1.2, b: 0.75 })
    ki.upsert(['x', 'y'], ['alpha beta', 'gamma delta'])
    ki.upsert(['x'], ['gamma epsilon'])
    expect(ki.search('alpha').ids).toEqual([])
    expect(new Set(ki.search('gamma').ids)).toEqual(new Set(['x', 'y']))
    expect(ki.search('gamma', { filter: ['y'] }).ids).toEqual(['y'])
    const bytes = ki.save()
    using back = KeywordIndex.load(bytes)
    expect(back.options).toEqual(ki.options)
    expect(back.search('gamma delta').ids).toEqual(ki.search('gamma delta').ids)
    expect(Array.from(back.search('gamma delta').scores)).toEqual(Array.from(ki.search('gamma delta').scores))
    expect(() => KeywordIndex.load(bytes.subarray(0, bytes.length - 3))).toThrow(expect.objectContaining({ code: 'SNAPSHOT_CORRUPT' }))
  })

  it('rejects bad input with typed errors', () => {
    using ki = new KeywordIndex()
    ki.upsert(['keep'], ['kept text'])
    expectCode(() => ki.upsert(['a', 'a'], ['x', 'y']), 'ID_DUPLICATE')
    expectCode(() => ki.upsert([''], ['x']), 'ID_EMPTY')
    expectCode(() => ki.upsert(['a'], [42 as unknown as string]), 'TEXT_INVALID')
    expectCode(() => ki.upsert(['a', 'b'], ['x']), 'INVALID_ARGUMENT')
    expectCode(() => ki.search(undefined as unknown as string), 'TEXT_INVALID')
    expectCode(() => ki.search('x', { k: 0 }), 'K_OUT_OF_RANGE')
    expectCode(() => new KeywordIndex({ k1: -1 }), 'INVALID_ARGUMENT')
    expectCode(() => new KeywordIndex({ b: 2 }), 'INVALID_ARGUMENT')
    expect(ki.search('kept').ids).toEqual(['keep'])
    expect(ki.search('').ids).toEqual([])
  })
})
