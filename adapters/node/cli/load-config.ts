import { existsSync } from 'node:fs'
import { dirname, relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { validateConfig, type LumosConfig } from '../../../runtime/config.js'
import { LumosError } from '../../../runtime/errors.js'

export interface LoadedConfig {
  config: LumosConfig
  /** The config file and every local (non-node_modules) file it imported: what `lumos dev` watches. */
  files: string[]
}

/** A config that could not be loaded, with the file, line and problem in the message. */
export class ConfigLoadError extends Error {
  constructor(
    message: string,
    readonly location?: string,
  ) {
    super(message)
    this.name = 'ConfigLoadError'
  }
}

type TsImport = (specifier: string, options: { parentURL: string; onImport?: (url: string) => void }) => Promise<Record<string, unknown>>

/**
 * Imports lumos.config.ts through tsx's `tsImport`: every call loads the config and its local
 * imports afresh (tsx gives each call its own module namespace), which is how `lumos dev` reloads
 * in-process without restarting the server.
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  if (!existsSync(path)) throw new ConfigLoadError(`No config file at ${path}. Create one (\`lumos new my-app\`) or pass --config <file>.`)
  let tsImport: TsImport
  try {
    ;({ tsImport } = (await import('tsx/esm/api')) as unknown as { tsImport: TsImport })
  } catch {
    throw new ConfigLoadError('Loading lumos.config.ts needs the `tsx` package: npm install --save-dev tsx')
  }
  const files = new Set<string>([path])
  // Watch the project's own files only: under the config's folder or the working directory.
  const roots = [dirname(path), process.cwd()].map((r) => (r.endsWith(sep) ? r : r + sep))
  let mod: Record<string, unknown>
  try {
    mod = await tsImport(pathToFileURL(path).href, {
      parentURL: import.meta.url,
      onImport: (url) => {
        if (!url.startsWith('file:')) return
        const file = fileURLToPath(url.split('?')[0])
        if (!file.includes(`${sep}node_modules${sep}`) && roots.some((r) => file.startsWith(r))) files.add(file)
      },
    })
  } catch (error) {
    throw describeLoadError(error, path, [...files])
  }
  let config = (mod.default ?? mod.config) as unknown
  // A CommonJS project (no "type": "module") exposes the ES default export one level down.
  if (config && typeof config === 'object' && !('agents' in config) && 'default' in config) config = (config as { default: unknown }).default
  if (config === undefined) throw new ConfigLoadError(`${rel(path)}: no default export. Write \`export default defineConfig({ agents: { ... } })\`.`, rel(path))
  try {
    validateConfig(config)
  } catch (error) {
    if (LumosError.isInstance(error)) throw new ConfigLoadError(`${rel(path)}: ${error.message}`, rel(path))
    throw error
  }
  return { config, files: [...files] }
}

/** Turns an import failure into "file:line:col: problem" (esbuild syntax errors or the first local stack frame). */
export function describeLoadError(error: unknown, path: string, files: string[]): ConfigLoadError {
  const e = error as { message?: string; stack?: string; errors?: { text: string; location?: { file: string; line: number; column: number } }[] }
  const first = e?.errors?.[0]
  if (first?.location) {
    const where = `${rel(first.location.file)}:${first.location.line}:${first.location.column + 1}`
    return new ConfigLoadError(`${where}: ${first.text}`, where)
  }
  const message = String(e?.message ?? error).split('\n')[0]
  // esbuild messages embed "file:line:col: ERROR: text" when the structured list is absent.
  const inline = /(\/[^\s:]+):(\d+):(\d+): ERROR: (.*)/.exec(String(e?.message ?? ''))
  if (inline) return new ConfigLoadError(`${rel(inline[1])}:${inline[2]}:${Number(inline[3]) + 1}: ${inline[4]}`, `${rel(inline[1])}:${inline[2]}`)
  const local = new Set(files)
  for (const m of String(e?.stack ?? '').matchAll(/(file:\/\/[^\s):]+|\/[^\s():]+):(\d+):(\d+)/g)) {
    const file = m[1].startsWith('file:') ? fileURLToPath(m[1].split('?')[0]) : m[1]
    if (local.has(file) || (!file.includes('/node_modules/') && file.startsWith(process.cwd()) && !file.includes('/adapters/node/cli/'))) {
      const where = `${rel(file)}:${m[2]}:${m[3]}`
      return new ConfigLoadError(`${where}: ${message}`, where)
    }
  }
  const code = LumosError.isInstance(error) ? ` (${(error as LumosError).code})` : ''
  return new ConfigLoadError(`${rel(path)}: ${message}${code}`, rel(path))
}

function rel(file: string): string {
  const r = relative(process.cwd(), file)
  return r.startsWith('..') ? file : r
}
