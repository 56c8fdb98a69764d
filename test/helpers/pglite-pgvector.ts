/**
 * A real pgvector for tests without a Postgres install: PGlite (Postgres compiled to wasm) with the
 * pgvector extension, served over the Postgres wire protocol by pglite-socket on 127.0.0.1, so the
 * `postgres` driver path is the production one.
 *
 * A fresh PGlite runs initdb (~5 s); this helper builds a template data directory once (cached in
 * the OS temp dir per PGlite version, `vector` extension already created) and loads it (~1 s).
 * pglite-socket serves one connection at a time: use `max: 1` clients.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import postgres, { type Sql } from 'postgres'

export interface PglitePgvector {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string
  /** A `postgres` client with `max: 1` on that URL. */
  sql: Sql
  close(): Promise<void>
}

const require = createRequire(import.meta.url)

/** The version in a package's package.json (not exported by these packages, so found from the entry). */
function packageVersion(name: string): string {
  const entry = require.resolve(name)
  const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length)
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
}

function templatePath(): string {
  const version = packageVersion('@electric-sql/pglite')
  const ext = packageVersion('@electric-sql/pglite-pgvector')
  return join(tmpdir(), `lumos-pglite-${version}-pgvector-${ext}.tar`)
}

async function template(): Promise<Blob> {
  const path = templatePath()
  if (existsSync(path)) return new Blob([readFileSync(path)])
  const db = await PGlite.create({ extensions: { vector } })
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector')
  const dump = await db.dumpDataDir('none')
  await db.close()
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, new Uint8Array(await dump.arrayBuffer()))
  renameSync(tmp, path) // atomic: parallel test files never read half a template
  return dump
}

export async function startPglitePgvector(): Promise<PglitePgvector> {
  const db = await PGlite.create({ extensions: { vector }, loadDataDir: await template() })
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' })
  await server.start()
  const url = `postgres://postgres@${server.getServerConn()}/postgres`
  const sql = postgres(url, { max: 1, onnotice: () => undefined })
  return {
    url,
    sql,
    async close() {
      await sql.end({ timeout: 5 })
      await server.stop()
      await db.close()
    },
  }
}
