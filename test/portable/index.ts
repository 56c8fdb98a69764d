/**
 * # Portable test harness
 *
 * The `describe`/`it`/`expect` subset our suites use, with no dependency on Node or vitest. Suites keep
 * importing from `'vitest'`; the bundles built for workerd, Deno and Chromium alias `vitest` to this
 * module (see ./bundle.ts), so the same files run everywhere. Tests only register here; a runtime entry
 * calls `runTests()` (workerd, browser) or `registerDenoTests()` (deno test) to execute them.
 */
import { AssertionError, expect, show } from './expect.js'

export { expect, AssertionError }

type Fn = () => unknown | Promise<unknown>

interface Scope {
  name: string
  parent: Scope | null
  beforeEach: Fn[]
  afterEach: Fn[]
  beforeAll: Fn[]
  afterAll: Fn[]
}

interface TestEntry {
  name: string
  fn: Fn
  timeout: number
  skip: boolean
  scope: Scope
}

export interface TestResult {
  name: string
  status: 'passed' | 'failed' | 'skipped'
  ms: number
  error?: string
}

const root: Scope = { name: '', parent: null, beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] }
let current = root
const tests: TestEntry[] = []
const DEFAULT_TIMEOUT = 30_000

function fullName(scope: Scope, name: string): string {
  const parts = [name]
  for (let s: Scope | null = scope; s && s !== root; s = s.parent) parts.unshift(s.name)
  return parts.join(' > ')
}

export function describe(name: string, fn: () => void): void {
  const scope: Scope = { name, parent: current, beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] }
  const previous = current
  current = scope
  try {
    fn()
  } finally {
    current = previous
  }
}

function register(name: string, fn: Fn, timeout: number | undefined, skip: boolean): void {
  tests.push({ name: fullName(current, name), fn, timeout: timeout ?? DEFAULT_TIMEOUT, skip, scope: current })
}

export const it = Object.assign((name: string, fn: Fn, timeout?: number) => register(name, fn, timeout, false), {
  skip: (name: string, fn: Fn, timeout?: number) => register(name, fn, timeout, true),
})
export const test = it

export const beforeEach = (fn: Fn): void => void current.beforeEach.push(fn)
export const afterEach = (fn: Fn): void => void current.afterEach.push(fn)
export const beforeAll = (fn: Fn): void => void current.beforeAll.push(fn)
export const afterAll = (fn: Fn): void => void current.afterAll.push(fn)

function chain(scope: Scope): Scope[] {
  const out: Scope[] = []
  for (let s: Scope | null = scope; s; s = s.parent) out.unshift(s)
  return out
}

async function withTimeout(fn: Fn, ms: number, label: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

function describeError(e: unknown): string {
  if (e instanceof AssertionError) return e.message
  if (e instanceof Error) return `${show(e)}${e.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`
  return show(e)
}

/** The registered test names (in registration order). */
export function listTests(): string[] {
  return tests.map((t) => t.name)
}

/** Runs one registered test with the beforeEach/afterEach hooks of its scopes. */
async function runOne(t: TestEntry): Promise<TestResult> {
  if (t.skip) return { name: t.name, status: 'skipped', ms: 0 }
  const start = Date.now()
  const scopes = chain(t.scope)
  let error: unknown
  let failed = false
  try {
    for (const s of scopes) for (const h of s.beforeEach) await withTimeout(h, 60_000, 'beforeEach')
    await withTimeout(t.fn, t.timeout, 'test')
  } catch (e) {
    failed = true
    error = e
  }
  for (const s of scopes.reverse()) {
    for (const h of s.afterEach) {
      try {
        await withTimeout(h, 60_000, 'afterEach')
      } catch (e) {
        if (!failed) {
          failed = true
          error = e
        }
      }
    }
  }
  return failed ? { name: t.name, status: 'failed', ms: Date.now() - start, error: describeError(error) } : { name: t.name, status: 'passed', ms: Date.now() - start }
}

export interface RunOptions {
  /** Only tests whose full name includes this string. */
  filter?: string
  /** Called after each test (progress output). */
  onResult?: (r: TestResult) => void
}

/** Runs the registered tests one after another (beforeAll/afterAll run once around everything). */
export async function runTests(options: RunOptions = {}): Promise<TestResult[]> {
  const selected = tests.filter((t) => options.filter === undefined || t.name.includes(options.filter))
  const results: TestResult[] = []
  const allScopes = new Set(selected.flatMap((t) => chain(t.scope)))
  const ordered = [...allScopes]
  try {
    for (const s of ordered) for (const h of s.beforeAll) await withTimeout(h, 60_000, 'beforeAll')
  } catch (e) {
    return selected.map((t) => ({ name: t.name, status: 'failed' as const, ms: 0, error: `beforeAll failed: ${describeError(e)}` }))
  }
  for (const t of selected) {
    const r = await runOne(t)
    results.push(r)
    options.onResult?.(r)
  }
  for (const s of ordered.reverse()) for (const h of s.afterAll) await withTimeout(h, 60_000, 'afterAll').catch(() => undefined)
  return results
}

interface DenoTestApi {
  test(options: { name: string; ignore?: boolean; sanitizeOps?: boolean; sanitizeResources?: boolean; fn: () => Promise<void> }): void
}

/** Maps every registered test to `Deno.test` (call once, at module top level, after importing the suites). */
export function registerDenoTests(): void {
  const deno = (globalThis as unknown as { Deno?: DenoTestApi }).Deno
  if (!deno) throw new Error('registerDenoTests() needs Deno')
  const hooksRun = new Set<Scope>()
  for (const t of tests) {
    deno.test({
      name: t.name,
      ignore: t.skip,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        for (const s of chain(t.scope)) {
          if (hooksRun.has(s)) continue
          hooksRun.add(s)
          for (const h of s.beforeAll) await h()
        }
        const r = await runOne(t)
        if (r.status === 'failed') throw new AssertionError(r.error)
      },
    })
  }
}

/** One-line summary plus the failures, for logs. */
export function summarize(results: readonly TestResult[]): string {
  const count = (s: TestResult['status']) => results.filter((r) => r.status === s).length
  const lines = [`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`]
  for (const r of results) if (r.status === 'failed') lines.push(`FAIL ${r.name}\n  ${r.error?.replace(/\n/g, '\n  ')}`)
  return lines.join('\n')
}
