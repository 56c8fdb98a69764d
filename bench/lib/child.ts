// Child-process side of the harness: each suite task runs in a fresh process (clean RSS, no JIT
// carry-over), reads its task from argv and appends result rows as JSON lines to --out.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { benchDir, repoRoot } from './datasets.js'

export interface Row { suite: string; library: string; version: string; dataset: string; metric: string; value: number; unit: string }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

export function taskArgs<T>(): T {
  const t = arg('task')
  if (!t) throw new Error('missing --task <json>: run suites through bench/run.mjs')
  return JSON.parse(t) as T
}

export function emit(rows: Row[]): void {
  const out = arg('out')
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n'
  if (out) appendFileSync(out, text)
  else process.stdout.write(text)
}

/** A row factory bound to one suite/library/dataset. */
export function rowsFor(suite: string, library: string, version: string, dataset: string) {
  const rows: Row[] = []
  return {
    rows,
    add(metric: string, value: number, unit: string) {
      rows.push({ suite, library, version, dataset, metric, value, unit })
      console.error(`  ${library} | ${dataset} | ${metric} = ${Number.isInteger(value) ? value : value.toPrecision(4)} ${unit}`)
    },
  }
}

const benchRequire = createRequire(path.join(benchDir, 'package.json'))

/** Installed version of a peer package (from its own package.json), or of Lumos (root package.json). */
export function versionOf(pkg: string | null): string {
  if (pkg === null) {
    return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version as string
  }
  if (pkg === 'node') return process.versions.node
  const p = path.join(benchDir, 'node_modules', pkg, 'package.json')
  if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8')).version as string
  try { return JSON.parse(readFileSync(benchRequire.resolve(`${pkg}/package.json`), 'utf8')).version as string } catch { return 'not-installed' }
}

/** Runs a task body, turning any failure into a non-zero exit with a readable message. */
export async function main(body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (e) {
    console.error(`[bench] task failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
    process.exitCode = 1
  }
}
