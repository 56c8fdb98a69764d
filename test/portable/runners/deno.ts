// Node-side helpers for the Deno runners (conformance and runtime suite): check the npm `deno` binary,
// run a suite under `deno test` (local files only) and read back its JUnit report.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startOrSkip } from '../../conformance/runtimes/gate.js'
import { REPO_ROOT } from '../bundle.js'

const DENO = process.env.DENO_PATH ?? join(REPO_ROOT, 'node_modules/.bin/deno')

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...env } })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

/** The `deno --version` first line, or null to skip (throws under CI, see gate.ts). */
export async function denoOrSkip(): Promise<string | null> {
  const started = await startOrSkip('deno', async () => {
    if (!existsSync(DENO)) throw new Error(`no deno binary at ${DENO} (set DENO_PATH)`)
    const { code, output } = await run(DENO, ['--version'], {}, 30_000)
    if (code !== 0) throw new Error(`deno --version exited ${code}: ${output}`)
    return output.split('\n')[0]
  })
  return started.value
}

export interface DenoTestRun {
  code: number | null
  output: string
  cases: Array<{ name: string; failed: boolean }>
}

/**
 * Runs `deno test -A --no-check --config <config> <suite>` in a fresh temporary directory (removed
 * afterwards; `env(dir)` may point the suite at it) and returns the exit code, output and JUnit cases.
 */
export async function runDenoTest(o: { config: string; suite: string; version: string | null; tmpPrefix: string; timeoutMs: number; env?: (dir: string) => Promise<Record<string, string>> }): Promise<DenoTestRun> {
  const dir = await mkdtemp(join(tmpdir(), o.tmpPrefix))
  try {
    const junit = join(dir, 'junit.xml')
    const t = Date.now()
    const { code, output } = await run(DENO, ['test', '-A', '--no-check', '--config', o.config, `--junit-path=${junit}`, o.suite], (await o.env?.(dir)) ?? {}, o.timeoutMs)
    console.log(`[deno] ${o.version}: deno test in ${Date.now() - t} ms\n${output.split('\n').slice(-3).join('\n')}`)
    const xml = await readFile(junit, 'utf8').catch(() => '')
    const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({ name: unescape(m[1]), failed: /<failure/.test(m[3] ?? '') }))
    return { code, output, cases }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
