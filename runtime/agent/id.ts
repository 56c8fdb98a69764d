/** Random ids for runs and UI messages (crypto.getRandomValues exists in every target runtime). */
export function generateId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  let s = prefix + '_'
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] & 31).toString(32) + (bytes[i] >> 5).toString(32)
  return s
}
