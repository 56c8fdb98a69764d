import { serve as honoServe } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { LumosError } from '../../runtime/errors.js'
import type { AuthOption } from '../../runtime/server/auth.js'
import { createApp } from '../../runtime/server/app.js'
import type { LumosApp } from '../../runtime/server/app.js'
import { jsonResponse, toErrorBody } from '../../runtime/server/http-error.js'
import type { AppOptions, CorsOptions } from '../../runtime/server/types.js'

export interface ServeOptions {
  /** Default 4111; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. Any non-loopback address requires `auth` (or an app created with `auth`). */
  hostname?: string
  /** Only with a config (not a prebuilt app, whose auth is set in createApp). */
  auth?: AuthOption
  cors?: CorsOptions
  bodyLimit?: number
  /**
   * Host header names answered besides localhost/127.0.0.1/[::1] (DNS-rebinding protection, on by
   * default for loopback binds). `true` turns the check off (e.g. behind a reverse proxy).
   */
  allowedHosts?: readonly string[] | true
}

export interface ServedApp {
  /** e.g. http://127.0.0.1:4111 */
  url: string
  port: number
  hostname: string
  app: LumosApp
  /** Stops listening and closes open connections (streams included). */
  close(): Promise<void>
}

/** Loopback: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1'
}

/**
 * A web page on an attacker's domain that resolves to 127.0.0.1 (DNS rebinding) is same-origin to the
 * browser; its requests still carry the attacker's Host header, so a loopback server answers only
 * loopback names unless told otherwise.
 */
function hostCheck(bind: string, allowed: ServeOptions['allowedHosts']): (host: string | null) => boolean {
  if (allowed === true || (!isLoopback(bind) && allowed === undefined)) return () => true
  const extra = new Set((allowed ?? []).map((h) => h.toLowerCase()))
  return (host) => {
    if (host === null) return false
    const name = host.toLowerCase().replace(/:\d+$/, '')
    return isLoopback(name) || extra.has(name) || extra.has(host.toLowerCase())
  }
}

function isApp(value: unknown): value is LumosApp {
  return typeof value === 'object' && value !== null && typeof (value as { fetch?: unknown }).fetch === 'function' && Array.isArray((value as { lumosRoutes?: unknown }).lumosRoutes)
}

/**
 * Serves a Lumos app on Node. Binds 127.0.0.1 by default and refuses to listen on a non-loopback
 * address without authentication (SERVER_CONFIG_INVALID), so an agent is never exposed by accident.
 */
export async function serve(appOrConfig: LumosApp | AppOptions, options: ServeOptions = {}): Promise<ServedApp> {
  const hostname = options.hostname ?? '127.0.0.1'
  const port = options.port ?? 4111
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LumosError('SERVER_CONFIG_INVALID', '`port` must be an integer 0..65535.', { details: { option: 'port', port } })
  let app: LumosApp
  if (isApp(appOrConfig)) {
    if (options.auth !== undefined || options.cors !== undefined || options.bodyLimit !== undefined) {
      throw new LumosError('SERVER_CONFIG_INVALID', 'serve(app, ...) got `auth`/`cors`/`bodyLimit`: set them in createApp(...), or pass the config object to serve().', { details: { option: 'auth' } })
    }
    app = appOrConfig
  } else {
    app = createApp({
      ...appOrConfig,
      ...(options.auth !== undefined ? { auth: options.auth } : {}),
      ...(options.cors !== undefined ? { cors: options.cors } : {}),
      ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    })
  }
  if (!isLoopback(hostname) && !app.authEnabled) {
    throw new LumosError('SERVER_CONFIG_INVALID', `Refusing to listen on '${hostname}' without authentication: pass \`auth: { tokens: [...] }\` or \`auth: { verify(req) }\`, or bind 127.0.0.1.`, {
      details: { option: 'auth', hostname },
    })
  }
  const hostAllowed = hostCheck(hostname, options.allowedHosts)
  const fetch = (req: Request, ...rest: unknown[]): Response | Promise<Response> => {
    if (!hostAllowed(req.headers.get('host'))) {
      const { status, body } = toErrorBody(new LumosError('HOST_NOT_ALLOWED', `Host '${req.headers.get('host') ?? ''}' is not served here.`, { details: { host: req.headers.get('host') } }))
      return jsonResponse(status, body)
    }
    return (app.fetch as (r: Request, ...x: unknown[]) => Response | Promise<Response>)(req, ...rest)
  }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = honoServe({ fetch, port, hostname }, () => resolve(s as Server)) as Server
    s.once('error', (error) => reject(new LumosError('SERVER_CONFIG_INVALID', `Cannot listen on ${hostname}:${port}: ${(error as Error).message}`, { details: { option: 'port', hostname, port }, cause: error })))
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    hostname,
    app,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
