import { invalid } from './validate.js'

/**
 * Opaque page cursors: base64url of a small JSON array `[kind, ...position]`. The kind guards against
 * passing a thread cursor to a message list, or a backward cursor to a forward page.
 */
export type CursorKind = 'thread' | 'forward' | 'backward' | 'run' | 'blob'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeCursor(kind: CursorKind, position: ReadonlyArray<string | number>): string {
  const bytes = encoder.encode(JSON.stringify([kind, ...position]))
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i])
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Decodes a cursor of `kind`; `types` gives the expected type of each position field. */
export function decodeCursor(cursor: unknown, kind: CursorKind, types: ReadonlyArray<'string' | 'number'>, path = 'cursor'): Array<string | number> {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 8192) throw invalid(path, 'must be a `nextCursor` string from a previous page.')
  let parsed: unknown
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    parsed = JSON.parse(decoder.decode(bytes))
  } catch {
    throw invalid(path, 'is not a cursor returned by this store.')
  }
  if (!Array.isArray(parsed) || parsed.length !== types.length + 1) throw invalid(path, 'is not a cursor returned by this store.')
  if (parsed[0] !== kind) throw invalid(path, `is a ${String(parsed[0])} cursor; this call needs a ${kind} cursor (pass the cursor back with the same direction/list).`, { expected: kind })
  const position = parsed.slice(1)
  position.forEach((value, i) => {
    const ok = types[i] === 'number' ? Number.isSafeInteger(value) : typeof value === 'string'
    if (!ok) throw invalid(path, 'is not a cursor returned by this store.')
  })
  return position as Array<string | number>
}
