/** Deep copy of already-validated JSON (several times faster than structuredClone for small objects). */
export function cloneJson<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v
  if (Array.isArray(v)) return v.map(cloneJson) as T
  const out: Record<string, unknown> = {}
  for (const k in v) out[k] = cloneJson((v as Record<string, unknown>)[k])
  return out as T
}
