// The portable harness (test/portable) must report failures exactly like vitest would, or the
// workerd/Deno/Chromium suites could pass by not checking.
import { describe as vdescribe, expect as vexpect, it as vit } from 'vitest'
import * as p from '../portable/index.js'

class CodedError extends Error {
  constructor(readonly code: string) {
    super(`failed with ${code}`)
  }
}

const log: string[] = []
p.describe('outer', () => {
  p.beforeEach(() => void log.push('before'))
  p.afterEach(() => void log.push('after'))
  p.it('passes', async () => {
    p.expect({ a: 1, b: [1, { c: new Date(5) }], u: undefined }).toEqual({ a: 1, b: [1, { c: new Date(5) }] })
    p.expect({ a: 1, at: new Date() }).toMatchObject({ at: p.expect.any(Date) })
    await p.expect(Promise.reject(new CodedError('X'))).rejects.toMatchObject({ code: 'X' })
    p.expect(() => {
      throw new CodedError('Y')
    }).toThrow(p.expect.objectContaining({ code: 'Y' }))
    p.expect([1, 2]).toHaveLength(2)
    p.expect(3).toBeGreaterThan(2)
    p.expect(null).toBeNull()
    p.expect('abc').toMatch(/b/)
    p.expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]))
    p.expect({ a: undefined }).not.toStrictEqual({})
    p.expect(1).not.toBe(2)
  })
  p.it('fails on unequal values', () => p.expect({ a: 1 }).toEqual({ a: 2 }))
  p.it('fails on a missing key', () => p.expect({ a: 1 }).toMatchObject({ a: 1, b: undefined }))
  p.it('fails when a rejection is expected but the promise resolves', () => p.expect(Promise.resolve(1)).rejects.toMatchObject({ code: 'X' }))
  p.it('fails on a wrong error code', () => p.expect(Promise.reject(new CodedError('A'))).rejects.toMatchObject({ code: 'B' }))
  p.it('fails on different bytes', () => p.expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 3])))
  p.it('fails on a timeout', () => new Promise((r) => setTimeout(r, 200)), 20)
  p.it('fails when a function does not throw', () => p.expect(() => 1).toThrow())
  p.it.skip('is skipped', () => {
    throw new Error('never runs')
  })
})

vdescribe('portable harness', () => {
  vit('runs tests with hooks and reports each outcome', async () => {
    const results = await p.runTests()
    vexpect(results.map((r) => [r.name, r.status])).toEqual([
      ['outer > passes', 'passed'],
      ['outer > fails on unequal values', 'failed'],
      ['outer > fails on a missing key', 'failed'],
      ['outer > fails when a rejection is expected but the promise resolves', 'failed'],
      ['outer > fails on a wrong error code', 'failed'],
      ['outer > fails on different bytes', 'failed'],
      ['outer > fails on a timeout', 'failed'],
      ['outer > fails when a function does not throw', 'failed'],
      ['outer > is skipped', 'skipped'],
    ])
    vexpect(results[0].error).toBeUndefined()
    vexpect(results[1].error).toContain('to equal')
    vexpect(results[6].error).toContain('timed out after 20 ms')
    vexpect(log.filter((l) => l === 'before').length).toBe(8)
    vexpect(log.filter((l) => l === 'after').length).toBe(8)
    vexpect(p.summarize(results).split('\n')[0]).toBe('1 passed, 7 failed, 1 skipped')
  })
})
