import { readFileSync, watch, type FSWatcher } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LumosConfig } from '../../../runtime/config.js'
import { EXIT_FAILURE, EXIT_OK, intFlag, type ParsedArgs } from './args.js'
import type { Command } from './command.js'
import { ConfigLoadError, loadConfig } from './load-config.js'
import type { Output } from './output.js'
import { packageRoot } from './package-root.js'

import type { ServedApp } from '../serve.js'
import type { LumosApp } from '../../../runtime/server/index.js'

export const devCommand: Command = {
  name: 'dev',
  summary: 'Start the dev server with the playground; reload when the config or its imports change',
  usage: 'lumos dev [--config lumos.config.ts] [--port 4111] [--host 127.0.0.1]',
  flags: {
    config: { type: 'string', short: 'c', value: 'file', description: 'Config file (default lumos.config.ts)', default: 'lumos.config.ts' },
    port: { type: 'string', short: 'p', value: 'port', description: 'Port (default: server.port from the config, else 4111; 0 picks a free port)' },
    host: { type: 'string', value: 'host', description: 'Address to bind (default 127.0.0.1; others need an auth option in the config)' },
    watch: { type: 'boolean', description: 'Reload on changes (default on; --no-watch turns it off)', default: true },
  },
  positionals: { max: 0 },
  examples: ['lumos dev', 'lumos dev --port 3000', 'lumos dev --config examples/support/lumos.config.ts'],
  run: runDev,
}

/** Loads the server parts lazily so `lumos --help` does not import hono. */
async function serverModules() {
  const [{ createApp }, { serve }] = await Promise.all([import('../../../runtime/server/index.js'), import('../serve.js')])
  return { createApp: createApp as unknown as (options: Record<string, unknown>) => LumosApp, serve }
}

export function playgroundHtml(): string {
  try {
    return readFileSync(join(packageRoot(), 'adapters/node/playground/index.html'), 'utf8')
  } catch {
    return '<!doctype html><title>Lumos</title><p>The playground was not built: run <code>node scripts/build-playground.mjs</code>.</p>'
  }
}

export function appOptions(config: LumosConfig, html: string): Record<string, unknown> {
  const { agents, workflows, store, retriever, tracer, server } = config
  return { agents, workflows, store, retriever, tracer, auth: server?.auth, cors: server?.cors, bodyLimit: server?.bodyLimit, playground: { html } }
}

async function runDev(args: ParsedArgs, io: Output, signal?: AbortSignal): Promise<number> {
  const configPath = resolve(String(args.flags.config))
  const c = io.color
  const portFlag = intFlag(args.flags.port, 'port', 0, 65535)
  let loaded
  try {
    loaded = await loadConfig(configPath)
  } catch (error) {
    io.err(c.red(`✖ ${error instanceof ConfigLoadError ? error.message : String((error as Error)?.stack ?? error)}`))
    return EXIT_FAILURE
  }
  const { createApp, serve } = await serverModules()
  const html = playgroundHtml()
  let current: LumosApp
  try {
    current = createApp(appOptions(loaded.config, html))
  } catch (error) {
    io.err(c.red(`✖ ${configPath}: ${(error as Error).message}`))
    return EXIT_FAILURE
  }
  const port = portFlag ?? loaded.config.server?.port ?? 4111
  const hostname = (args.flags.host as string | undefined) ?? loaded.config.server?.hostname ?? '127.0.0.1'
  // The listener keeps one stable handler and forwards to the current app: reloads swap the app, not the port.
  const proxy = {
    fetch: (request: Request, ...rest: unknown[]) => (current.fetch as (r: Request, ...x: unknown[]) => Response | Promise<Response>)(request, ...rest),
    get lumosRoutes() {
      return current.lumosRoutes
    },
    get authEnabled() {
      return current.authEnabled
    },
  } as unknown as LumosApp
  let server: ServedApp
  try {
    server = await serve(proxy, { port, hostname })
  } catch (error) {
    io.err(c.red(`✖ ${(error as Error).message}`))
    return EXIT_FAILURE
  }
  const base = server.url
  io.out(`${c.bold('Lumos dev server')} ${c.dim(`(${Object.keys(loaded.config.agents).length} agents, config ${args.flags.config})`)}`)
  io.out(`  Playground         ${c.cyan(`${base}/`)}`)
  io.out(`  REST API           ${c.cyan(`${base}/api`)}`)
  io.out(`  OpenAPI            ${c.cyan(`${base}/openapi.json`)}`)
  io.out(`  OpenAI-compatible  ${c.cyan(`${base}/v1`)}  (model = agent id)`)

  const watchers = new Map<string, FSWatcher>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let reloading: Promise<void> = Promise.resolve()
  const reload = async () => {
    const started = performance.now()
    try {
      const next = await loadConfig(configPath)
      current = createApp(appOptions(next.config, html))
      syncWatchers(next.files)
      io.out(`${c.green('↻')} reloaded ${c.dim(`in ${Math.round(performance.now() - started)} ms`)}`)
    } catch (error) {
      // Keep serving the last good config; the next save retries.
      io.err(c.red(`✖ reload failed: ${error instanceof ConfigLoadError ? error.message : (error as Error).message}`))
    }
  }
  const schedule = () => {
    clearTimeout(timer)
    timer = setTimeout(() => (reloading = reloading.then(reload)), 120)
  }
  const syncWatchers = (files: string[]) => {
    if (args.flags.watch === false) return
    for (const [file, w] of watchers) if (!files.includes(file)) (w.close(), watchers.delete(file))
    for (const file of files) {
      if (watchers.has(file)) continue
      try {
        // Editors often replace the file (rename): re-arm the watcher on every event.
        const w = watch(file, () => {
          w.close()
          watchers.delete(file)
          schedule()
          setTimeout(() => syncWatchers([...new Set([...watchers.keys(), file])]), 150)
        })
        watchers.set(file, w)
      } catch {
        // A file deleted between import and watch: the next reload reports it.
      }
    }
  }
  syncWatchers(loaded.files)
  if (args.flags.watch !== false) io.out(c.dim(`  Watching ${loaded.files.length} file(s) for changes`))

  await new Promise<void>((done) => {
    const stop = () => done()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    signal?.addEventListener('abort', stop, { once: true })
  })
  clearTimeout(timer)
  for (const w of watchers.values()) w.close()
  await closeServer(server)
  return EXIT_OK
}

async function closeServer(server: ServedApp): Promise<void> {
  await server.close().catch(() => {})
}
