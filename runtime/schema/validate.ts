import type { StandardSchemaV1 } from './standard-schema.js'

export type ValidationResult<T> = StandardSchemaV1.Result<T>

/**
 * Runs a Standard Schema. Returns the library's own result object (no re-wrapping) and stays
 * synchronous when the schema is, so the hot path costs one call.
 */
export function validateSchema<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): ValidationResult<T> | Promise<ValidationResult<T>> {
  return schema['~standard'].validate(value)
}

/** `a.b: Expected number, received string; c: Required` — compact, for models and error messages. */
export function formatIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>, max = 10): string {
  let out = ''
  const n = Math.min(issues.length, max)
  for (let i = 0; i < n; i++) {
    const issue = issues[i]
    const path = issue.path && issue.path.length > 0 ? issue.path.map(pathKey).join('.') + ': ' : ''
    out += (i > 0 ? '; ' : '') + path + issue.message
  }
  if (issues.length > max) out += `; (${issues.length - max} more)`
  return out
}

/** Issues as plain JSON (for error details and tool error results). */
export function issuesToJson(issues: ReadonlyArray<StandardSchemaV1.Issue>): Array<{ path: string; message: string }> {
  return issues.map((issue) => ({ path: issue.path ? issue.path.map(pathKey).join('.') : '', message: issue.message }))
}

function pathKey(segment: PropertyKey | StandardSchemaV1.PathSegment): string {
  const key = typeof segment === 'object' && segment !== null ? segment.key : segment
  return typeof key === 'symbol' ? key.toString() : String(key)
}
