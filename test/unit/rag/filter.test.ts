import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareCodePoints, compileFilter, matchesFilter, validateFilter } from '../../../runtime/rag/filter.js'
import type { MetadataFilter } from '../../../runtime/rag/filter-types.js'
import { FILTER_CASES, FIXTURE_METADATA, INVALID_FILTERS } from '../../conformance/vector-store/fixture.js'

describe('matchesFilter', () => {
  for (const [title, filter, expected] of FILTER_CASES) {
    it(title, () => {
      validateFilter(filter)
      expect(FIXTURE_METADATA.filter(([, m]) => matchesFilter(m, filter)).map(([id]) => id)).toEqual(expected)
    })
  }

  it('$not is the complement and $nin the complement of $in, for every fixture case', () => {
    for (const [, filter] of FILTER_CASES) {
      for (const [, m] of FIXTURE_METADATA) expect(matchesFilter(m, { $not: filter })).toBe(!matchesFilter(m, filter))
    }
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 29 }), (list, i) => {
        const m = FIXTURE_METADATA[i][1]
        for (const field of ['n', 's', 'tags', 'nul', 'missing']) {
          expect(matchesFilter(m, { [field]: { $nin: list } })).toBe(!matchesFilter(m, { [field]: { $in: list } }))
        }
      }),
    )
  })
})

describe('validateFilter', () => {
  for (const [filter, operator, path] of INVALID_FILTERS) {
    it(`rejects ${JSON.stringify(filter)} naming ${operator} at "${path}"`, () => {
      let err: unknown
      try {
        validateFilter(filter)
      } catch (e) {
        err = e
      }
      expect(err).toMatchObject({ code: 'FILTER_INVALID', details: { operator, path } })
      expect((err as Error).message).toContain(operator)
    })
  }

  it('rejects non-objects', () => {
    for (const f of [null, 1, 'x', [], new Date()]) expect(() => validateFilter(f)).toThrow(expect.objectContaining({ code: 'FILTER_INVALID' }))
  })

  it('accepts every documented form', () => {
    const ok: MetadataFilter[] = [{}, { a: 1 }, { a: { $gte: 1, $lt: 'z' } }, { $or: [{ a: null }, { b: { $exists: false } }] }, { $not: { 'x.y': { $contains: 'q' } } }, { a: undefined }]
    for (const f of ok) expect(() => validateFilter(f)).not.toThrow()
  })
})

describe('compareCodePoints', () => {
  it('orders by code point, not UTF-16 unit', () => {
    expect(compareCodePoints('\uE000', '😀')).toBeLessThan(0)
    expect('\uE000' < '😀').toBe(false) // what plain JS comparison gets wrong
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0)
    expect(compareCodePoints('b', 'a')).toBeGreaterThan(0)
    expect(compareCodePoints('é', 'é')).toBe(0)
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const cp = (s: string) => Array.from(s, (c) => c.codePointAt(0)!)
        const x = cp(a), y = cp(b)
        let want = 0
        for (let i = 0; i < Math.min(x.length, y.length) && want === 0; i++) want = x[i] - y[i]
        if (want === 0) want = x.length - y.length
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(want))
      }),
    )
  })
})

describe('compileFilter', () => {
  it('agrees with matchesFilter on every fixture case', () => {
    for (const [, filter, expected] of FILTER_CASES) {
      const test = compileFilter(filter)
      expect(FIXTURE_METADATA.filter(([, m]) => test(m)).map(([id]) => id)).toEqual(expected)
      for (const [, m] of FIXTURE_METADATA) expect(compileFilter({ $not: filter })(m)).toBe(!test(m))
    }
  })
})
