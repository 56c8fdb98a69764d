// Node side: builds the suite's retrieval snapshot with the real CLI (`lumos ingest`) from
// ./fixtures/docs. The vitest global setup (test/setup/runtime-snapshot.ts) builds it once per run and
// provides its path; a runner started without that setup builds its own copy.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { inject } from 'vitest'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const FIXTURE_DOCS = fileURLToPath(new URL('./fixtures/docs/', import.meta.url))

/** `tsx adapters/node/cli.ts ingest . --out <outFile>`, run in the fixtures folder (sources are relative to it). */
export async function buildSnapshot(outFile: string): Promise<void> {
  const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx')
  await promisify(execFile)(tsx, [join(REPO_ROOT, 'adapters/node/cli.ts'), 'ingest', '.', '--out', outFile], { cwd: FIXTURE_DOCS, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } })
}

/** The snapshot file of this run (from the global setup, else built now). */
export async function snapshotPath(): Promise<string> {
  const provided = (inject as (key: string) => unknown)('runtimeSuiteSnapshot')
  if (typeof provided === 'string' && provided !== '') return provided
  const out = join(await mkdtemp(join(tmpdir(), 'lumos-runtime-suite-')), 'docs.lumos')
  await buildSnapshot(out)
  return out
}

export async function snapshotBytes(): Promise<Uint8Array> {
  return new Uint8Array(await readFile(await snapshotPath()))
}
