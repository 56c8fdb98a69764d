// The Store conformance case names, collected in Node without running them: a runtime run must report
// exactly these (so a suite that silently registered fewer cases fails).
import { batchCases } from '../store/cases/batch.js'
import { blobCases } from '../store/cases/blobs.js'
import type { CaseContext, TestFn } from '../store/cases/context.js'
import { messageCases } from '../store/cases/messages.js'
import { threadCases } from '../store/cases/threads.js'
import { unicodeCases } from '../store/cases/unicode.js'
import { workflowCases } from '../store/cases/workflow-runs.js'
import { workingMemoryCases } from '../store/cases/working-memory.js'
import type { TestResult } from '../../portable/index.js'

export function storeCaseNames(): string[] {
  const names: string[] = []
  const test: TestFn = (name) => void names.push(name)
  const ctx = {} as CaseContext
  for (const cases of [threadCases, messageCases, workingMemoryCases, workflowCases, blobCases, unicodeCases, batchCases]) cases(test, ctx)
  return names
}

/** `Store conformance: <name> > <case>` -> `<case>`, sorted. */
export function caseNamesOf(results: readonly TestResult[], suite: string): string[] {
  const prefix = `Store conformance: ${suite} > `
  return results.filter((r) => r.name.startsWith(prefix)).map((r) => r.name.slice(prefix.length)).sort()
}

/** Failures as readable lines (empty when all passed). */
export function failuresOf(results: readonly TestResult[]): string[] {
  return results.filter((r) => r.status !== 'passed').map((r) => `${r.status.toUpperCase()} ${r.name}: ${r.error ?? ''}`)
}
