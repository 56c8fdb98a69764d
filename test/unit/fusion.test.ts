import { beforeAll, describe, expect, it } from 'vitest'
import { ready, fuse } from '../helpers/lumos.js'

beforeAll(async () => {
  await ready()
})

const list = (ids: string[], scores: number[]) => ({ ids, scores: Float32Array.from(scores) })

describe('fuse', () => {
  it('reciprocal rank fusion with exact scores', () => {
    const a = list(['x', 'y', 'z'], [0.9, 0.8, 0.7])
    const b = list(['y', 'w'], [10, 5])
    const r = fuse([a, b], { method: 'rrf', k: 60 })
    expect(r.ids).toEqual(['y', 'x', 'w', 'z'])
    expect(r.scores[0]).toBeCloseTo(1 / 62 + 1 / 61, 6)
    expect(r.scores[1]).toBeCloseTo(1 / 61, 6)
    expect(r.scores[2]).toBeCloseTo(1 / 62, 6)
    expect(r.scores[3]).toBeCloseTo(1 / 63, 6)
    expect(fuse([a, b], { limit: 2 }).ids).toEqual(['y', 'x'])
  })

  it('weighted fusion with min-max normalisation and weights', () => {
    const a = list(['x', 'y'], [2, 1])
    const b = list(['y', 'x'], [100, 0])
    const r = fuse([a, b], { method: 'weighted', weights: [1, 3] })
    expect(r.ids).toEqual(['y', 'x'])
    expect(r.scores[0]).toBeCloseTo(3, 6)
    expect(r.scores[1]).toBeCloseTo(1, 6)
  })

  it('handles empty input and rejects malformed lists', () => {
    expect(fuse([]).ids).toEqual([])
    expect(fuse([list([], [])]).ids).toEqual([])
    expect(() => fuse([{ ids: ['a'], scores: new Float32Array(2) }])).toThrow(expect.objectContaining({ code: 'FUSION_INPUT_INVALID' }))
    expect(() => fuse([list(['a'], [1])], { weights: [1, 2] })).toThrow(expect.objectContaining({ code: 'FUSION_INPUT_INVALID' }))
    expect(() => fuse([list(['a'], [NaN])], { method: 'weighted' })).toThrow(expect.objectContaining({ code: 'FUSION_INPUT_INVALID' }))
  })
})
