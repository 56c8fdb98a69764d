// Runs ./deno/suite.deno.ts under `deno test` (the npm `deno` binary, local files only) and checks
// every case passed. Run: npx vitest run test/conformance/runtimes/deno.test.ts
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../portable/bundle.js'
import { storeCaseNames } from './case-names.js'
import { startOrSkip } from './gate.js'

const DENO = process.env.DENO_PATH ?? join(REPO_ROOT, 'node_modules/.bin/deno')
const CONFIG = fileURLToPath(new URL('./deno/deno.json', import.meta.url))
const SUITE = fileURLToPath(new URL('./deno/suite.deno.ts', import.meta.url))

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } })
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

const started = await startOrSkip('deno', async () => {
  if (!existsSync(DENO)) throw new Error(`no deno binary at ${DENO} (set DENO_PATH)`)
  const { code, output } = await run(DENO, ['--version'], 30_000)
  if (code !== 0) throw new Error(`deno --version exited ${code}: ${output}`)
  return output.split('\n')[0]
})

describe.skipIf(started.value === null)('deno', () => {
  it('DenoKvStore passes the Store conformance suite; wasm, KV persistence and serve() work under deno test', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lumos-deno-'))
    try {
      const junit = join(dir, 'junit.xml')
      const t = Date.now()
      const { code, output } = await run(DENO, ['test', '-A', '--no-check', '--config', CONFIG, `--junit-path=${junit}`, SUITE], 280_000)
      console.log(`[deno] ${started.value}: deno test in ${Date.now() - t} ms\n${output.split('\n').slice(-3).join('\n')}`)
      const xml = await readFile(junit, 'utf8').catch(() => '')
      const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({ name: unescape(m[1]), failed: /<failure/.test(m[3] ?? '') }))
      expect(code, output.slice(-4000)).toBe(0)
      expect(cases.filter((c) => c.failed).map((c) => c.name)).toEqual([])
      const prefix = 'Store conformance: DenoKvStore (deno) > '
      expect(cases.filter((c) => c.name.startsWith(prefix)).map((c) => c.name.slice(prefix.length)).sort()).toEqual(storeCaseNames().sort())
      expect(cases.filter((c) => c.name.startsWith('deno adapter > ')).length).toBe(5)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
