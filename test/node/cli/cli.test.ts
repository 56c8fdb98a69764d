import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO, runCli, startCli } from './run-cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'lumos-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('lumos --help and usage errors', () => {
  it('prints the command list and exit codes', () => {
    const r = runCli(['--help'])
    expect(r.code).toBe(0)
    for (const cmd of ['dev', 'new', 'build', 'ingest']) expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\s+\\S`, 'm'))
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 failure')
    expect(r.stdout).not.toContain('\x1b[') // not a TTY: no colours
  })

  it.each(['dev', 'new', 'build', 'ingest'])('lumos %s --help shows its usage and options', (cmd) => {
    const r = runCli([cmd, '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^Usage: lumos ${cmd}`))
    expect(r.stdout).toContain('-h, --help')
    expect(r.stdout).toContain('Examples:')
  })

  it('unknown command: exit 2 with a suggestion', () => {
    const r = runCli(['buidl'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("Unknown command 'buidl'.")
    expect(r.stderr).toContain("Did you mean 'lumos build'?")
  })

  it('unknown flag, bad choice, missing argument: exit 2', () => {
    const flag = runCli(['dev', '--prot', '4000'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('Unknown option --prot.')
    expect(flag.stderr).toContain('Did you mean --port?')
    const choice = runCli(['build', '--target', 'worker'])
    expect(choice.code).toBe(2)
    expect(choice.stderr).toContain('--target must be one of workers, deno, browser, node')
    expect(choice.stderr).toContain('Did you mean --target workers?')
    expect(runCli(['new']).code).toBe(2)
    expect(runCli(['ingest', 'README.md']).stderr).toContain('needs --out')
    expect(runCli(['dev', '--port', 'abc']).code).toBe(2)
  })

  it('--version prints the package version', () => {
    const r = runCli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version)
  })
})

describe('lumos build', () => {
  it('bundles the runtime for Workers and prints raw/gzip sizes within the limit', () => {
    const dir = join(tmp, 'build-ok')
    mkdirSync(join(dir, 'src'), { recursive: true })
    writeFileSync(
      join(dir, 'src/index.ts'),
      `import { Agent, createApp, offlineAnswerer } from '${REPO}runtime/index.ts'\n` +
        `const app = createApp({ agents: [new Agent({ id: 'a', model: offlineAnswerer() })] })\n` +
        `export default { fetch: (r: Request) => app.fetch(r) }\n`,
    )
    const r = runCli(['build', '--target', 'workers'], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^  index\.js\s+[\d.]+ KiB\s+gzip\s+[\d.]+ KiB$/m)
    expect(r.stdout).toMatch(/✓ Workers free limit: [\d.]+ KiB of 3\.00 MiB compressed/)
    console.log(r.stdout)
  })

  it('exits 1 when the gzip size is over the Workers free limit, 0 on the paid plan', () => {
    const dir = join(tmp, 'build-big')
    mkdirSync(dir, { recursive: true })
    // ~4.5 MiB of base64 random data compresses to ~3.4 MiB: over 3 MiB, under 10 MiB.
    const { randomBytes } = require('node:crypto') as typeof import('node:crypto')
    writeFileSync(join(dir, 'blob.js'), `export default ${JSON.stringify(randomBytes(3.4 * 1024 * 1024).toString('base64'))}\n`)
    writeFileSync(join(dir, 'index.ts'), `import blob from './blob.js'\nexport default { fetch: () => new Response(blob) }\n`)
    const free = runCli(['build', '--target', 'workers', '--outdir', 'out'], { cwd: dir })
    expect(free.code).toBe(1)
    expect(free.stderr).toMatch(/✖ Workers free limit: 3\.\d\d MiB of 3\.00 MiB compressed .*over the limit/)
    const paid = runCli(['build', '--target', 'workers', '--outdir', 'out', '--plan', 'paid'], { cwd: dir })
    expect(paid.code).toBe(0)
  })

  it('names the file and line of a syntax error', () => {
    const dir = join(tmp, 'build-bad')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'index.ts'), 'export const x = (\n')
    const r = runCli(['build', '--target', 'node'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/index\.ts:2:1: /)
  })
})

describe('lumos dev', () => {
  it('serves the config, reloads on a change to an imported file without changing port', async () => {
    const dir = join(tmp, 'dev')
    mkdirSync(dir, { recursive: true })
    // An ES module project (as the templates are): tsx reports and reloads every local import.
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    const writeAgent = (description: string) =>
      writeFileSync(join(dir, 'agent.ts'), `import { Agent, offlineAnswerer } from '${REPO}runtime/index.ts'\nexport const a = new Agent({ id: 'a', description: ${JSON.stringify(description)}, model: offlineAnswerer() })\n`)
    writeAgent('first')
    writeFileSync(join(dir, 'lumos.config.ts'), `import { defineConfig } from '${REPO}runtime/config.ts'\nimport { a } from './agent.ts'\nexport default defineConfig({ agents: { a } })\n`)
    const dev = startCli(['dev', '--port', '0'], { cwd: dir })
    try {
      const [, url] = await dev.waitFor(/Playground\s+(http:\/\/127\.0\.0\.1:\d+)\//)
      expect((await dev.waitFor(/Watching (\d+) file\(s\)/))[1]).toBe('2') // the config and agent.ts
      const agents = async () => ((await (await fetch(`${url}/api/agents`)).json()) as { agents: { description: string }[] }).agents
      expect((await agents())[0].description).toBe('first')
      expect(await (await fetch(`${url}/`)).text()).toContain('<title>Lumos playground</title>')
      const mark = dev.stdout.length
      writeAgent('second')
      await dev.waitFor(/reloaded/, 20_000, mark)
      expect((await agents())[0].description).toBe('second')
      // A broken edit keeps the last good config and names file and line.
      const mark2 = dev.stdout.length + dev.stderr.length
      writeFileSync(join(dir, 'agent.ts'), 'export const a = (\n')
      await dev.waitFor(/reload failed: agent\.ts:2:\d+: /, 20_000, mark2)
      expect((await agents())[0].description).toBe('second')
    } finally {
      expect(await dev.stop()).toBe(0)
    }
  })

  it('a malformed config: exit 1 naming the file, line and problem', () => {
    const dir = join(tmp, 'dev-bad')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'lumos.config.ts'), 'export default {\n  agents: { a: 1 ,, }\n}\n')
    const r = runCli(['dev'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/lumos\.config\.ts:2:\d+: /)
    writeFileSync(join(dir, 'lumos.config.ts'), 'export default { agents: { a: 1 } }\n')
    const invalid = runCli(['dev'], { cwd: dir })
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toContain('lumos.config.ts: agents.a is not an Agent')
    const missing = runCli(['dev', '--config', 'nope.ts'], { cwd: dir })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('No config file at')
  })
})

describe('lumos new', () => {
  it.each(['node', 'worker', 'deno', 'browser'])('generates the %s template with the lumosai spec filled in', (template) => {
    const dir = join(tmp, `new-${template}`)
    const r = runCli(['new', dir, '--template', template], { env: { LUMOS_PACKAGE: 'file:/x/lumos' } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`from the ${template} template`)
    if (template === 'deno') expect(readFileSync(join(dir, 'deno.json'), 'utf8')).toContain('"lumosai": "npm:lumosai@^')
    else expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies.lumosai).toBe('file:/x/lumos')
    if (template !== 'deno') expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('node_modules/')
    // Not into a non-empty directory.
    expect(runCli(['new', dir, '--template', template]).code).toBe(1)
  })
})

describe('lumos ingest', () => {
  it('chunks and indexes a folder into a snapshot that Retriever.load() queries', async () => {
    const dir = join(tmp, 'ingest')
    mkdirSync(join(dir, 'docs/nested'), { recursive: true })
    writeFileSync(join(dir, 'docs/deploy.md'), '# Deploy\n\nRun wrangler deploy to publish the worker to Cloudflare.\n')
    writeFileSync(join(dir, 'docs/nested/memory.md'), '# Memory\n\nThreads keep the conversation history per resource.\n')
    writeFileSync(join(dir, 'docs/image.png'), 'not text: skipped by extension')
    const r = runCli(['ingest', 'docs', '--out', 'docs.lumos'], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/✓ 2 files \([\d.]+ B\), 2 chunks -> docs\.lumos/)
    expect(r.stdout).toContain('Chunking done 2/2') // plain progress lines: stdout is not a TTY
    const { Retriever, lexicalEmbedder } = await import('../../../adapters/node/index.js')
    const retriever = await Retriever.load(new Uint8Array(readFileSync(join(dir, 'docs.lumos'))), { embedder: lexicalEmbedder() })
    const hits = await retriever.query('how do I publish the worker?', { topK: 1 })
    expect(hits.map((h) => h.metadata.source)).toEqual(['docs/deploy.md'])
  })

  it('a missing path is a usage error', () => {
    const r = runCli(['ingest', 'nope', '--out', 'x.lumos'], { cwd: tmp })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('No such file or directory: nope')
  })
})
