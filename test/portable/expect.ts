// A small, dependency-free subset of vitest's `expect`, so suites written against vitest run unchanged
// in workerd, Deno and browsers (the bundler aliases `vitest` to ./index.ts there).

/** `expect.any(Date)`-style matchers implement this. */
export interface Asymmetric {
  asymmetricMatch(actual: unknown): boolean
  toString(): string
}

const ASYM = Symbol.for('lumos.portable.asymmetric')

function asymmetric(match: (v: unknown) => boolean, label: string): Asymmetric {
  return { [ASYM]: true, asymmetricMatch: match, toString: () => label } as Asymmetric
}

function isAsym(v: unknown): v is Asymmetric {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[ASYM] === true
}

export class AssertionError extends Error {
  override name = 'AssertionError'
}

export function show(v: unknown, depth = 0): string {
  if (isAsym(v)) return v.toString()
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v !== 'object' || v === null) return String(v)
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'Invalid' : v.toISOString()})`
  if (v instanceof Error) return `${v.name}(${JSON.stringify(v.message)}${'code' in v ? `, code ${String((v as { code: unknown }).code)}` : ''})`
  if (ArrayBuffer.isView(v)) {
    const arr = v as unknown as ArrayLike<number>
    return `${v.constructor.name}(${arr.length})[${Array.from({ length: Math.min(arr.length, 8) }, (_, i) => arr[i]).join(', ')}${arr.length > 8 ? ', …' : ''}]`
  }
  if (depth > 3) return Array.isArray(v) ? '[…]' : '{…}'
  if (Array.isArray(v)) return `[${v.slice(0, 20).map((x) => show(x, depth + 1)).join(', ')}${v.length > 20 ? `, … (${v.length})` : ''}]`
  const entries = Object.entries(v as object)
  return `{${entries.slice(0, 20).map(([k, x]) => `${k}: ${show(x, depth + 1)}`).join(', ')}${entries.length > 20 ? ', …' : ''}}`
}

/** Deep equality as vitest's toEqual (strict = toStrictEqual: undefined keys and classes count). */
export function equals(a: unknown, b: unknown, strict = false): boolean {
  if (isAsym(b)) return b.asymmetricMatch(a)
  if (isAsym(a)) return a.asymmetricMatch(b)
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime())
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b)
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false
    const x = a as unknown as ArrayLike<number>
    const y = b as unknown as ArrayLike<number>
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false
    return true
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i], strict)) return false
    return true
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false
    for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k), strict)) return false
    return true
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false
    for (const v of a) if (!b.has(v)) return false
    return true
  }
  if (a instanceof Error && b instanceof Error && a.message !== b.message) return false
  const keys = (o: object) => Object.keys(o).filter((k) => strict || (o as Record<string, unknown>)[k] !== undefined)
  const ka = keys(a)
  const kb = keys(b)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (strict && !Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!equals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], strict)) return false
  }
  return true
}

/** vitest's toMatchObject: objects match on the expected keys (recursively); arrays element by element. */
export function matchesObject(actual: unknown, expected: unknown): boolean {
  if (isAsym(expected)) return expected.asymmetricMatch(actual)
  if (typeof expected !== 'object' || expected === null || expected instanceof Date || ArrayBuffer.isView(expected) || expected instanceof RegExp) return equals(actual, expected)
  if (typeof actual !== 'object' || actual === null) return false
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false
    return expected.every((e, i) => matchesObject(actual[i], e))
  }
  for (const k of Object.keys(expected)) {
    const e = (expected as Record<string, unknown>)[k]
    if (!(k in (actual as object))) return false
    if (!matchesObject((actual as Record<string, unknown>)[k], e)) return false
  }
  return true
}

type Matchers<R> = {
  toBe(expected: unknown): R
  toEqual(expected: unknown): R
  toStrictEqual(expected: unknown): R
  toMatchObject(expected: unknown): R
  toBeNull(): R
  toBeUndefined(): R
  toBeDefined(): R
  toBeTruthy(): R
  toBeFalsy(): R
  toBeInstanceOf(ctor: abstract new (...args: never[]) => unknown): R
  toHaveLength(n: number): R
  toContain(item: unknown): R
  toMatch(pattern: RegExp | string): R
  toBeGreaterThan(n: number | bigint): R
  toBeGreaterThanOrEqual(n: number | bigint): R
  toBeLessThan(n: number | bigint): R
  toBeLessThanOrEqual(n: number | bigint): R
  toThrow(expected?: unknown): R
}

export type Assertion = Matchers<void> & {
  not: Matchers<void>
  rejects: Matchers<Promise<void>>
  resolves: Matchers<Promise<void>>
}

function check(pass: boolean, negate: boolean, message: () => string): void {
  if (pass === negate) throw new AssertionError((negate ? 'expected NOT: ' : 'expected: ') + message())
}

function thrownMatches(error: unknown, expected: unknown): boolean {
  if (expected === undefined) return true
  if (typeof expected === 'string') return error instanceof Error && error.message.includes(expected)
  if (expected instanceof RegExp) return error instanceof Error && expected.test(error.message)
  if (typeof expected === 'function') return error instanceof (expected as new () => unknown)
  if (expected instanceof Error) return error instanceof Error && error.message === expected.message
  return matchesObject(error, expected)
}

function matchers(actual: unknown, negate: boolean): Matchers<void> {
  const num = (n: unknown) => typeof n === 'number' || typeof n === 'bigint'
  return {
    toBe: (e) => check(Object.is(actual, e), negate, () => `${show(actual)} to be ${show(e)}`),
    toEqual: (e) => check(equals(actual, e), negate, () => `${show(actual)} to equal ${show(e)}`),
    toStrictEqual: (e) => check(equals(actual, e, true), negate, () => `${show(actual)} to strictly equal ${show(e)}`),
    toMatchObject: (e) => check(matchesObject(actual, e), negate, () => `${show(actual)} to match object ${show(e)}`),
    toBeNull: () => check(actual === null, negate, () => `${show(actual)} to be null`),
    toBeUndefined: () => check(actual === undefined, negate, () => `${show(actual)} to be undefined`),
    toBeDefined: () => check(actual !== undefined, negate, () => `${show(actual)} to be defined`),
    toBeTruthy: () => check(Boolean(actual), negate, () => `${show(actual)} to be truthy`),
    toBeFalsy: () => check(!actual, negate, () => `${show(actual)} to be falsy`),
    toBeInstanceOf: (c) => check(actual instanceof (c as unknown as new () => unknown), negate, () => `${show(actual)} to be an instance of ${c.name}`),
    toHaveLength: (n) => check((actual as { length?: unknown })?.length === n, negate, () => `${show(actual)} to have length ${n}`),
    toContain: (item) =>
      check(
        typeof actual === 'string' ? typeof item === 'string' && actual.includes(item) : Array.from(actual as Iterable<unknown>).some((x) => Object.is(x, item)),
        negate,
        () => `${show(actual)} to contain ${show(item)}`,
      ),
    toMatch: (p) => check(typeof actual === 'string' && (typeof p === 'string' ? actual.includes(p) : p.test(actual)), negate, () => `${show(actual)} to match ${String(p)}`),
    toBeGreaterThan: (n) => check(num(actual) && (actual as number) > (n as number), negate, () => `${show(actual)} > ${show(n)}`),
    toBeGreaterThanOrEqual: (n) => check(num(actual) && (actual as number) >= (n as number), negate, () => `${show(actual)} >= ${show(n)}`),
    toBeLessThan: (n) => check(num(actual) && (actual as number) < (n as number), negate, () => `${show(actual)} < ${show(n)}`),
    toBeLessThanOrEqual: (n) => check(num(actual) && (actual as number) <= (n as number), negate, () => `${show(actual)} <= ${show(n)}`),
    toThrow: (e) => {
      if (typeof actual !== 'function') throw new AssertionError('toThrow needs a function')
      let threw = false
      let error: unknown
      try {
        ;(actual as () => unknown)()
      } catch (err) {
        threw = true
        error = err
      }
      check(threw && thrownMatches(error, e), negate, () => (threw ? `thrown ${show(error)} to match ${show(e)}` : `function to throw ${e === undefined ? '' : show(e)}`))
    },
  }
}

function settled(promise: unknown, want: 'rejects' | 'resolves', negate: boolean): Matchers<Promise<void>> {
  const base = matchers(undefined, negate)
  const out = {} as Record<string, (...args: unknown[]) => Promise<void>>
  for (const name of Object.keys(base)) {
    out[name] = async (...args: unknown[]) => {
      let value: unknown
      let rejected = false
      try {
        value = await (typeof promise === 'function' ? (promise as () => unknown)() : promise)
      } catch (err) {
        rejected = true
        value = err
      }
      if (want === 'rejects' && !rejected) throw new AssertionError(`expected promise to reject, it resolved with ${show(value)}`)
      if (want === 'resolves' && rejected) throw new AssertionError(`expected promise to resolve, it rejected with ${show(value)}`)
      const m = matchers(name === 'toThrow' ? () => { throw value } : value, negate) as unknown as Record<string, (...a: unknown[]) => void>
      m[name](...args)
    }
  }
  return out as unknown as Matchers<Promise<void>>
}

export interface Expect {
  (actual: unknown): Assertion
  any(ctor: unknown): Asymmetric
  anything(): Asymmetric
  objectContaining(o: object): Asymmetric
  arrayContaining(items: unknown[]): Asymmetric
  stringMatching(p: RegExp | string): Asymmetric
}

export const expect: Expect = Object.assign(
  (actual: unknown): Assertion => ({
    ...matchers(actual, false),
    not: matchers(actual, true),
    rejects: settled(actual, 'rejects', false),
    resolves: settled(actual, 'resolves', false),
  }),
  {
    any: (ctor: unknown) =>
      asymmetric((v) => {
        if (ctor === Number) return typeof v === 'number' || v instanceof Number
        if (ctor === String) return typeof v === 'string' || v instanceof String
        if (ctor === Boolean) return typeof v === 'boolean'
        if (ctor === Function) return typeof v === 'function'
        if (ctor === Object) return typeof v === 'object' && v !== null
        return v instanceof (ctor as new () => unknown)
      }, `Any<${(ctor as { name?: string }).name}>`),
    anything: () => asymmetric((v) => v !== null && v !== undefined, 'Anything'),
    objectContaining: (o: object) => asymmetric((v) => matchesObject(v, o), `ObjectContaining ${show(o)}`),
    arrayContaining: (items: unknown[]) => asymmetric((v) => Array.isArray(v) && items.every((i) => v.some((x) => equals(x, i))), `ArrayContaining ${show(items)}`),
    stringMatching: (p: RegExp | string) => asymmetric((v) => typeof v === 'string' && (typeof p === 'string' ? v.includes(p) : p.test(v)), `StringMatching ${String(p)}`),
  },
)
