// Store conformance (DurableObjectStore) and a wasm smoke test inside workerd, driven through Miniflare.
// Run: npx vitest run test/conformance/runtimes/workerd.test.ts
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Miniflare } from 'miniflare'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../portable/bundle.js'
import type { TestResult } from '../../portable/index.js'
import { startWorkerd } from '../../portable/runners/workerd.js'
import { caseNamesOf, failuresOf, storeCaseNames } from './case-names.js'

const ENTRY = fileURLToPath(new URL('./workerd/entry.ts', import.meta.url))

const mf = await startWorkerd({ entry: ENTRY, durableObjects: { STORE_TEST: { className: 'StoreTestObject', useSQLite: true } } })

async function json<T>(path: string): Promise<T> {
  if (!mf) throw new Error('unreachable')
  const res = await mf.dispatchFetch(`http://lumos.test${path}`)
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${path} -> ${res.status}: ${text}`)
  return JSON.parse(text) as T
}

describe.skipIf(mf === null)('workerd', () => {
  it('loads the wasm core from the imported compiled module and queries both indexes', async () => {
    expect(await json('/smoke')).toEqual({ vector: ['x', 'z'], keyword: ['a'] })
  })

  it('DurableObjectStore passes the Store conformance suite', async () => {
    const t = Date.now()
    const results = await json<TestResult[]>('/conformance')
    console.log(`[workerd] ${results.length} conformance cases in ${Date.now() - t} ms`)
    expect(failuresOf(results)).toEqual([])
    expect(caseNamesOf(results, 'DurableObjectStore (workerd)')).toEqual(storeCaseNames().sort())
  }, 300_000)

  it('a Worker built by wrangler (default .wasm rule, no nodejs_compat) runs the loader and the store in workerd', async () => {
    const app = fileURLToPath(new URL('./workerd/wrangler-app/', import.meta.url))
    const out = await mkdtemp(join(tmpdir(), 'lumos-wrangler-'))
    let built: Miniflare | undefined
    try {
      const t = Date.now()
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(join(REPO_ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
          cwd: app,
          env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
        })
        let text = ''
        child.stdout.on('data', (d) => (text += d))
        child.stderr.on('data', (d) => (text += d))
        child.on('error', reject)
        child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrangler exited ${code}:\n${text}`))))
      })
      console.log(`[workerd] wrangler deploy --dry-run: ${Date.now() - t} ms, ${/Total Upload:[^\n]*/.exec(output)?.[0]}`)
      const files = await readdir(out)
      const wasm = files.find((f) => f.endsWith('.wasm'))
      expect(wasm).toBeDefined()
      expect(files).toContain('worker.js')
      built = new Miniflare({
        modules: [
          { type: 'ESModule', path: 'worker.js', contents: await readFile(join(out, 'worker.js'), 'utf8') },
          { type: 'CompiledWasm', path: wasm as string, contents: await readFile(join(out, wasm as string)) },
        ],
        compatibilityDate: '2025-04-01',
        durableObjects: { MEMORY: { className: 'Memory', useSQLite: true } },
      })
      expect(await (await built.dispatchFetch('http://lumos.test/?q=workers%20agents')).json()).toEqual(['a'])
      await built.dispatchFetch('http://lumos.test/memory?say=hello').then((r) => r.arrayBuffer())
      expect(await (await built.dispatchFetch('http://lumos.test/memory?say=again')).json()).toEqual(['1:hello', '2:again'])
    } finally {
      await built?.dispose()
      await rm(out, { recursive: true, force: true })
      await rm(join(app, '.wrangler'), { recursive: true, force: true }) // wrangler's scratch dir
    }
  }, 120_000)
})
