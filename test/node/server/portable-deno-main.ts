// Deno entry (bundled by portable.test.ts): serves the portable app with Deno.serve on a free port.
import { app } from './portable-app.js'

declare const Deno: { serve(options: { port: number; hostname: string; onListen(addr: { port: number }): void }, handler: (req: Request) => Response | Promise<Response>): unknown }

Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`LISTENING ${port}`) }, (req) => app.fetch(req))
