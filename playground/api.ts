// JSON calls to the Lumos HTTP API (same origin). Errors come back as { error: { code, message, fix } }.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message)
  }
}

export async function api<T = any>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  })
  const text = await res.text()
  const data = text ? safeJson(text) : undefined
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; fix?: string } } | undefined)?.error
    throw new ApiError(e?.message ? `${e.message}${e.fix ? ` — ${e.fix}` : ''}` : `HTTP ${res.status}`, res.status, e?.code)
  }
  return data as T
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export const qs = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '') as [string, string][]).toString()
