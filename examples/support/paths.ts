import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (the documentation the assistant answers from lives there). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Where the SQLite memory and the cached index go: LUMOS_DATA_DIR, else <repo>/.lumos (gitignored). */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  const dir = resolve(env.LUMOS_DATA_DIR || resolve(REPO_ROOT, '.lumos'))
  mkdirSync(dir, { recursive: true })
  return dir
}
