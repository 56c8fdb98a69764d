// Spawns the CLI from source through tsx, as `npx tsx adapters/node/cli.ts` would (no npm wrapper noise).
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = `${REPO}node_modules/tsx/dist/cli.mjs`
const CLI = `${REPO}adapters/node/cli.ts`

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [TSX, CLI, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '', ...options.env }, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Starts a long-running command (lumos dev); resolves `waitFor(re)` when stdout matches. */
export function startCli(args: string[], options: { cwd?: string } = {}) {
  const child = spawn(process.execPath, [TSX, CLI, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const listeners: (() => void)[] = []
  child.stdout.on('data', (d) => ((stdout += d), listeners.forEach((l) => l())))
  child.stderr.on('data', (d) => ((stderr += d), listeners.forEach((l) => l())))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (listeners.forEach((l) => l()), resolve(code))))
  return {
    child,
    exited,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    waitFor(re: RegExp, timeoutMs = 30_000, from = 0): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs)
        const check = () => {
          const m = (stdout + stderr).slice(from).match(re)
          if (m) {
            clearTimeout(timer)
            resolve(m)
          } else if (child.exitCode !== null) {
            clearTimeout(timer)
            reject(new Error(`exited ${child.exitCode} before ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`))
          }
        }
        listeners.push(check)
        check()
      })
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
