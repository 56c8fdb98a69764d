// The few Deno APIs the example uses, typed so the repository's Node typecheck (tsc -p tsconfig.json)
// also covers it; under Deno the real global is used (`declare const Deno` only describes it).
export interface DenoServer {
  readonly addr: { hostname: string; port: number }
  readonly finished: Promise<void>
}

export interface DenoLike {
  env: { get(key: string): string | undefined; toObject(): Record<string, string> }
  serve(options: { hostname?: string; port?: number; signal?: AbortSignal; onListen?: (addr: { hostname: string; port: number }) => void }, handler: (req: Request) => Response | Promise<Response>): DenoServer
  test(name: string, fn: () => Promise<void>): void
  makeTempFile(options?: { suffix?: string }): Promise<string>
  remove(path: string): Promise<void>
}
