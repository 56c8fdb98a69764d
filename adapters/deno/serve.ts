// `serve(app)` on Deno.serve: any object with `fetch(request)` (a hono app, createServer(...) output).

export interface FetchApp {
  fetch(request: Request, ...rest: unknown[]): Response | Promise<Response>
}

export interface ServeOptions {
  /** Default 8000 (Deno's default); 0 picks a free port. */
  port?: number
  /** Default "127.0.0.1" (local only); use "0.0.0.0" to listen on every interface. */
  hostname?: string
  /** Stops the server when aborted. */
  signal?: AbortSignal
  /** Called once listening, with the bound address. */
  onListen?: (address: { hostname: string; port: number }) => void
}

/** What Deno.serve returns (the parts we document). */
export interface DenoHttpServer {
  readonly finished: Promise<void>
  readonly addr: { hostname: string; port: number }
  shutdown(): Promise<void>
}

interface DenoServe {
  serve(options: { port?: number; hostname?: string; signal?: AbortSignal; onListen?: (addr: { hostname: string; port: number }) => void }, handler: (req: Request) => Response | Promise<Response>): DenoHttpServer
}

export function serve(app: FetchApp, options: ServeOptions = {}): DenoHttpServer {
  const deno = (globalThis as { Deno?: DenoServe }).Deno
  if (typeof deno?.serve !== 'function') throw new Error('serve() from lumosai/deno needs the Deno runtime (Deno.serve).')
  return deno.serve(
    { port: options.port ?? 8000, hostname: options.hostname ?? '127.0.0.1', signal: options.signal, onListen: options.onListen ?? (() => undefined) },
    (request) => app.fetch(request),
  )
}
