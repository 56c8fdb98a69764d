/**
 * vitest globalSetup: builds the runtime suite's retrieval snapshot once, with the real CLI
 * (`lumos ingest test/runtime-suite/fixtures/docs`), and provides its path as
 * `inject('runtimeSuiteSnapshot')` to the four runners in test/runtime-suite/. Builds only when the run
 * includes them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import type { TestProject } from 'vitest/node'
import { buildSnapshot } from '../runtime-suite/snapshot.js'

declare module 'vitest' {
  export interface ProvidedContext {
    runtimeSuiteSnapshot: string
  }
}

const DIR = 'test/runtime-suite/'

/** Mirrors vitest's file filter (as test/setup/postgres.ts does). */
function selected(project: TestProject): boolean {
  const root = project.config.root
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern
  if (!Array.isArray(filters) || filters.length === 0) return true
  return filters.some((raw) => {
    const f = raw.replace(/:\d+$/, '')
    if (isAbsolute(f)) return resolve(root, DIR).startsWith(f) || f.startsWith(resolve(root, DIR))
    const rel = relative(root, resolve(root, f)).toLowerCase()
    return DIR.includes(f.toLowerCase()) || f.toLowerCase().includes('runtime-suite') || rel === '' || DIR.startsWith(`${rel}/`)
  })
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  project.provide('runtimeSuiteSnapshot', '')
  if (!selected(project)) return undefined
  const t = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'lumos-runtime-suite-'))
  const out = join(dir, 'docs.lumos')
  await buildSnapshot(out)
  project.provide('runtimeSuiteSnapshot', out)
  console.info(`[runtime suite setup] lumos ingest fixtures/docs -> snapshot in ${Math.round(performance.now() - t)} ms`)
  return () => rmSync(dir, { recursive: true, force: true })
}
