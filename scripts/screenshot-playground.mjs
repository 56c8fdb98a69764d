// Takes docs/playground.png: `npm start`'s support assistant answering in the playground (headless
// Chromium through playwright-core; offline, no model configured, a throwaway data dir).
//   node scripts/screenshot-playground.mjs ["question"] [--out docs/playground.png]
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const argv = process.argv.slice(2)
const outIndex = argv.indexOf('--out')
const OUT = join(REPO, outIndex >= 0 ? argv[outIndex + 1] : 'docs/playground.png')
const QUESTION = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--out') ?? 'How do I resume a suspended workflow?'
const MAX_BYTES = 200 * 1024

const dataDir = mkdtempSync(join(tmpdir(), 'lumos-shot-'))
const env = { ...process.env, LUMOS_DATA_DIR: dataDir, NO_COLOR: '1' }
for (const key of ['LUMOS_MODEL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST']) delete env[key]
// The package.json start command, on a free port and without the file watcher.
const [bin, ...startArgs] = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.start.split(/\s+/)
if (bin !== 'tsx') throw new Error(`unexpected start script (${bin} ...)`)
const server = spawn(process.execPath, [join(REPO, 'node_modules/tsx/dist/cli.mjs'), ...startArgs, '--port', '0', '--no-watch'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
let output = ''
server.stdout.on('data', (d) => (output += d))
server.stderr.on('data', (d) => (output += d))

let browser
try {
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not print its URL:\n${output}`)), 60_000)
    const check = () => {
      const m = /Playground\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
      if (m) (clearTimeout(timer), resolve(m[1]))
    }
    server.stdout.on('data', check)
    server.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)))
  })
  const { chromium } = await import('playwright-core')
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 })
  const page = await browser.newPage({ viewport: { width: 1100, height: 640 }, deviceScaleFactor: 1, colorScheme: 'light' })
  await page.goto(`${base}/`)
  await page.locator('[data-testid=agent-select] option').first().waitFor({ state: 'attached' })
  await page.fill('[data-testid=chat-input]', QUESTION)
  await page.click('[data-testid=send]')
  await page.locator('[data-testid=usage]').waitFor({ timeout: 30_000 })
  mkdirSync(dirname(OUT), { recursive: true })
  await page.screenshot({ path: OUT })
  const size = statSync(OUT).size
  console.log(`${OUT.slice(REPO.length)}: ${Math.round(size / 1024)} KiB`)
  if (size > MAX_BYTES) throw new Error(`${OUT} is ${size} bytes, over the ${MAX_BYTES} byte budget: use a smaller viewport`)
} finally {
  await browser?.close()
  server.kill('SIGTERM')
  await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)))
  rmSync(dataDir, { recursive: true, force: true })
}
