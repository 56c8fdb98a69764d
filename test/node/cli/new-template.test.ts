// End to end: build the package (tsc into a temp dir, as `npm pack` would ship it), run the BUILT
// CLI's `lumos new --template node` against it (file: spec), `npm install --offline` in the new
// project and run its own tests and `lumos build`. Slow (~1-2 min): tsc of the whole package.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { REPO } from './run-cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'lumos-new-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

it('lumos new --template node: the generated project installs offline and its tests pass', () => {
  const pkg = join(tmp, 'pkg')
  // tsc emits even when files other helpers are editing have type errors; the CLI entry must exist.
  spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist')], { cwd: REPO, encoding: 'utf8' })
  expect(existsSync(join(pkg, 'dist/adapters/node/cli.js'))).toBe(true)
  mkdirSync(join(pkg, 'dist/runtime/core/wasm'), { recursive: true })
  cpSync(join(REPO, 'runtime/core/wasm/lumos-core.wasm'), join(pkg, 'dist/runtime/core/wasm/lumos-core.wasm'))
  for (const f of ['package.json', 'templates', 'adapters/node/playground/index.html']) cpSync(join(REPO, f), join(pkg, f), { recursive: true })
  symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'))

  const app = join(tmp, 'app')
  const created = spawnSync(process.execPath, [join(pkg, 'dist/adapters/node/cli.js'), 'new', app, '--template', 'node', '--lumos', `file:${pkg}`], { encoding: 'utf8' })
  expect(created.stderr).toBe('')
  expect(created.status).toBe(0)

  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, encoding: 'utf8', timeout: 120_000 })
  const test = spawnSync('npm', ['test'], { cwd: app, encoding: 'utf8', timeout: 120_000 })
  expect(test.stdout).toMatch(/# pass 2\n# fail 0/)
  expect(test.status).toBe(0)

  const build = spawnSync('npx', ['lumos', 'build', '--target', 'node', '--entry', 'src/server.ts'], { cwd: app, encoding: 'utf8', timeout: 120_000 })
  expect(build.status).toBe(0)
  expect(build.stdout).toMatch(/^  server\.js\s+[\d.]+ (KiB|B)\s+gzip/m)
}, 300_000)

it('the node, worker and browser templates typecheck against this repo', () => {
  const out = join(tmp, 'tpl')
  for (const t of ['node', 'worker', 'browser']) {
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'adapters/node/cli.ts'), 'new', join(out, t), '--template', t], { encoding: 'utf8' })
    expect(r.status).toBe(0)
  }
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM', 'DOM.Iterable', 'DOM.AsyncIterable'], types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')],
      strict: true, skipLibCheck: true, noEmit: true, baseUrl: REPO,
      // `lumosai` resolved to this repo's sources, as the published types describe them.
      paths: { lumosai: ['runtime/index.ts'], 'lumosai/node': ['adapters/node/index.ts'], 'lumosai/test': ['adapters/node/test-entry.ts'] },
    },
    include: [`${out}/**/*.ts`],
  }
  writeFileSync(join(out, 'tsconfig.json'), JSON.stringify(tsconfig))
  // Run from `out` so diagnostics in the templates start with node/, worker/ or browser/ (errors in
  // repo files other helpers are still editing are not this test's business).
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: out, encoding: 'utf8', timeout: 180_000 })
  expect(tsc.error).toBeUndefined()
  const ours = tsc.stdout.split('\n').filter((l) => /^(node|worker|browser)\//.test(l))
  expect(ours).toEqual([])
}, 240_000)
