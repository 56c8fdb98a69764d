import { LumosError } from '../errors.js'

/** Bearer tokens, or a function that decides from the request (e.g. a session cookie or a JWT check). */
export type AuthOption = { tokens: readonly string[] } | { verify: (req: Request) => boolean | Promise<boolean> }

const encoder = new TextEncoder()

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
}

/** Constant-time equality: compares SHA-256 digests (equal length whatever the inputs) without early exit. */
export async function timingSafeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)])
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i]
  return diff === 0
}

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.get('authorization')
  if (header === null) return undefined
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return m ? m[1] : undefined
}

/** Validates the option once and returns the per-request check. */
export function createAuthCheck(auth: AuthOption): (req: Request) => Promise<boolean> {
  if (typeof auth !== 'object' || auth === null) throw new LumosError('SERVER_CONFIG_INVALID', '`auth` must be { tokens: string[] } or { verify(req) }.')
  if ('verify' in auth) {
    if (typeof auth.verify !== 'function') throw new LumosError('SERVER_CONFIG_INVALID', '`auth.verify` must be a function (req: Request) => boolean | Promise<boolean>.')
    const verify = auth.verify
    return async (req) => (await verify(req)) === true
  }
  const tokens = (auth as { tokens?: unknown }).tokens
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string' || t.length < 8)) {
    throw new LumosError('SERVER_CONFIG_INVALID', '`auth.tokens` must be a non-empty array of strings of at least 8 characters.', { details: { option: 'auth.tokens' } })
  }
  const list = tokens.slice() as string[]
  return async (req) => {
    const given = bearerToken(req)
    if (given === undefined) return false
    // Check every token (no early exit) so timing does not reveal which one matched.
    let ok = false
    for (const t of list) if (await timingSafeEqual(given, t)) ok = true
    return ok
  }
}

export function authRequired(): LumosError {
  return new LumosError('AUTH_REQUIRED', 'Missing or invalid credentials.')
}
