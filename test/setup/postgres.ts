/**
 * vitest globalSetup: starts a throwaway PostgreSQL 15 server for test/conformance/store/postgres.test.ts
 * and provides its URL as `inject('postgresUrl')`. Set LUMOS_PG_URL to use an existing server instead.
 * Starts only when the run includes the Postgres tests. Without the binaries the suite is skipped with
 * a printed reason, except under CI, where that is an error.
 */
import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
    postgresSkipReason: string
  }
}

const run = promisify(execFile)
const BIN = process.env.LUMOS_PG_BIN ?? '/usr/lib/postgresql/15/bin'
const PG_TEST = 'test/conformance/store/postgres.test.ts'

/** Mirrors vitest's file filter, so `vitest run test/unit` does not pay for a database it will not use. */
function selected(project: TestProject): boolean {
  const root = project.config.root
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern
  if (!Array.isArray(filters) || filters.length === 0) return true
  const file = PG_TEST.toLowerCase()
  return filters.some((raw) => {
    const f = raw.replace(/:\d+$/, '')
    if (isAbsolute(f) && resolve(root, PG_TEST).startsWith(f)) return true
    const rel = relative(root, resolve(root, f)).toLowerCase()
    return file.includes(f.toLowerCase()) || (rel !== '' && file.includes(rel)) || rel === ''
  })
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const skip = (reason: string): undefined => {
    project.provide('postgresUrl', '')
    project.provide('postgresSkipReason', reason)
    return undefined
  }
  if (process.env.LUMOS_PG_URL) {
    project.provide('postgresUrl', process.env.LUMOS_PG_URL)
    project.provide('postgresSkipReason', '')
    return undefined
  }
  if (!selected(project)) return skip('the Postgres tests are not part of this run')
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl'))) {
    const reason = `PostgreSQL binaries not found in ${BIN} (install postgresql-15, or set LUMOS_PG_BIN or LUMOS_PG_URL)`
    if (process.env.CI) throw new Error(`CI requires the Postgres store tests: ${reason}`)
    console.warn(`[postgres setup] skipping the Postgres store suite: ${reason}`)
    return skip(reason)
  }

  const started = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'lumos-pg-'))
  // root may not run postgres: hand the directory to the postgres user and run the tools as it
  const asRoot = userInfo().uid === 0
  const as = async (cmd: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, cmd), ...args]] : [join(BIN, cmd), args]
    await run(file, argv, { timeout: 60_000 })
  }
  const data = join(dir, 'data')
  let running = false
  try {
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres'])
      const { stdout: gid } = await run('id', ['-g', 'postgres'])
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
    }
    await as('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'])
    const port = await freePort()
    // a throwaway cluster: durability settings off for speed (Postgres's own crash safety is not under test)
    const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
    await as('pg_ctl', ['-D', data, '-w', '-t', '30', '-l', join(dir, 'server.log'), '-o', opts, 'start'])
    running = true
    project.provide('postgresUrl', `postgres://postgres@127.0.0.1:${port}/postgres`)
    project.provide('postgresSkipReason', '')
    console.info(`[postgres setup] PostgreSQL 15 on port ${port} ready in ${Math.round(performance.now() - started)} ms`)
  } catch (error) {
    if (running) await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
    throw error
  }

  return async () => {
    try {
      await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
