/**
 * Key order shared by every backend: Unicode code point order, which equals UTF-8 byte order
 * (SQLite BINARY collation, Postgres COLLATE "C"). JavaScript's `<` compares UTF-16 code units,
 * which sorts U+E000..U+FFFF after astral characters, so it cannot be used directly.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return fixup(x) - fixup(y)
  }
  return a.length - b.length
}

// Moves surrogates (astral code points) above U+E000..U+FFFF, keeping both ranges' inner order.
function fixup(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}

/** The smallest string greater than every string that starts with `prefix` (null = none, i.e. unbounded). */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix, (c) => c.codePointAt(0) as number)
  while (points.length > 0) {
    const last = points.pop() as number
    if (last < 0x10ffff) {
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1)
      return String.fromCodePoint(...points)
    }
  }
  return null
}
