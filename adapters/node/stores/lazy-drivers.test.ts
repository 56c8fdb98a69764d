import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

// A resolve hook records every module a fresh Node process loads while importing lumosai/node.
const HOOK = `data:text/javascript,${encodeURIComponent(`
  export async function resolve(specifier, context, next) {
    const r = await next(specifier, context)
    if (r.url.includes('/node_modules/')) console.log('MODULE ' + r.url)
    return r
  }`)}`
const SCRIPT = `
  import { register } from 'node:module'
  register(${JSON.stringify(HOOK)})
  const m = await import('./adapters/node/index.ts')
  console.log('EXPORTS ' + [typeof m.LibsqlStore, typeof m.PostgresStore, typeof m.InMemoryStore].join(','))
`

it('importing lumosai/node loads neither @libsql/client nor postgres', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: ROOT, timeout: 60_000 })
  expect(stdout).toContain('EXPORTS function,function,function')
  const modules = stdout.split('\n').filter((l) => l.startsWith('MODULE '))
  expect(modules.filter((l) => /\/node_modules\/(@libsql|libsql|postgres)\//.test(l))).toEqual([])
})
