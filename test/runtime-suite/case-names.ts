// Which runtime-suite cases a non-Node runtime reported: it must be exactly the names registered in
// Node (a runtime that registered fewer cases fails), all passed. Mirrors ../conformance/runtimes/case-names.ts.
import type { TestResult } from '../portable/index.js'
import { failuresOf } from '../conformance/runtimes/case-names.js'
import { RUNTIME_SUITE, runtimeCaseNames } from './suite.js'

export { failuresOf }

/** The case names registered in Node, sorted. */
export function expectedCaseNames(): string[] {
  return runtimeCaseNames().sort()
}

/** `Runtime suite > <case>` -> `<case>`, sorted. */
export function caseNamesOf(names: readonly string[]): string[] {
  const prefix = `${RUNTIME_SUITE} > `
  return names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length)).sort()
}

export function resultNames(results: readonly TestResult[]): string[] {
  return caseNamesOf(results.map((r) => r.name))
}
