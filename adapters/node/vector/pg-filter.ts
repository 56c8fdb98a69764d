import type { FilterScalar, MetadataFilter } from '../../../runtime/rag/filter-types.js'
import { validateFilter } from '../../../runtime/rag/filter.js'

/**
 * Translates a MetadataFilter into a SQL boolean over a jsonb column, with exactly the semantics of
 * `runtime/rag/filter.ts` (`matchesFilter`). Values never enter the SQL text: every operand and
 * every path segment is a `$n` parameter (text, cast server-side), appended to `params`.
 *
 * Every generated predicate is NOT NULL (missing fields become false through COALESCE), so `NOT`
 * and `$ne`/`$nin` behave like the JS negations.
 */
export function filterToSql(filter: MetadataFilter, column: string, params: string[]): string {
  validateFilter(filter)
  return new Translator(column, params).filter(filter)
}

class Translator {
  constructor(
    private readonly column: string,
    private readonly params: string[],
  ) {}

  /** `$n::text` for a new parameter. */
  private param(value: string): string {
    this.params.push(value)
    return `$${this.params.length}::text`
  }

  private jsonParam(value: unknown): string {
    return `${this.param(JSON.stringify(value))}::jsonb`
  }

  filter(f: MetadataFilter): string {
    const parts: string[] = []
    for (const [key, value] of Object.entries(f)) {
      if (value === undefined) continue
      if (key === '$and') parts.push(`(${(value as MetadataFilter[]).map((g) => this.filter(g)).join(' AND ')})`)
      else if (key === '$or') parts.push(`(${(value as MetadataFilter[]).map((g) => this.filter(g)).join(' OR ')})`)
      else if (key === '$not') parts.push(`(NOT ${this.filter(value as MetadataFilter)})`)
      else parts.push(this.field(key, value))
    }
    return parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`
  }

  /**
   * `jsonb -> text` walks objects only: on an array or a scalar it yields NULL, which is the JS
   * "missing" of getPath (arrays on the way are not indexed).
   */
  private path(path: string): string {
    let expr = this.column
    for (const segment of path.split('.')) expr = `(${expr} -> ${this.param(segment)})`
    return expr
  }

  private field(path: string, value: unknown): string {
    const v = this.path(path)
    const isScalar = value === null || typeof value !== 'object'
    if (isScalar) return this.op('$eq', v, value)
    const parts: string[] = []
    for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
      if (operand !== undefined) parts.push(this.op(op, v, operand))
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`
  }

  /** v holds the scalar x, or v is an array with an element === x (MongoDB array rule). */
  private eq(v: string, x: string): string {
    return `COALESCE(CASE WHEN jsonb_typeof(${v}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${v}) AS e(x) WHERE e.x = ${x}) ELSE ${v} = ${x} END, FALSE)`
  }

  private in(v: string, list: string): string {
    return `COALESCE(CASE WHEN jsonb_typeof(${v}) = 'array'
      THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${v}) AS e(x) WHERE e.x IN (SELECT l.x FROM jsonb_array_elements(${list}) AS l(x)))
      ELSE ${v} IN (SELECT l.x FROM jsonb_array_elements(${list}) AS l(x)) END, FALSE)`
  }

  private op(op: string, v: string, x: unknown): string {
    switch (op) {
      case '$eq':
        return this.eq(v, this.jsonParam(x as FilterScalar))
      case '$ne':
        return `(NOT ${this.eq(v, this.jsonParam(x as FilterScalar))})`
      case '$in':
        return this.in(v, this.jsonParam(x))
      case '$nin':
        return `(NOT ${this.in(v, this.jsonParam(x))})`
      case '$exists':
        return x === true ? `(${v} IS NOT NULL)` : `(${v} IS NULL)`
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const cmp = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op]
        // Numbers compare as float8 (the jsonb text is JSON.stringify output, so the parse is exact);
        // strings by code point = UTF-8 byte order = COLLATE "C". Another type never matches.
        if (typeof x === 'number') return `COALESCE(jsonb_typeof(${v}) = 'number' AND (${v})::float8 ${cmp} ${this.param(String(x))}::float8, FALSE)`
        return `COALESCE(jsonb_typeof(${v}) = 'string' AND (${v} #>> '{}') COLLATE "C" ${cmp} ${this.param(x as string)} COLLATE "C", FALSE)`
      }
      case '$contains': {
        const element = this.jsonParam(x as FilterScalar)
        const substring =
          typeof x === 'string' ? `WHEN jsonb_typeof(${v}) = 'string' THEN strpos(${v} #>> '{}', ${this.param(x)}) > 0` : ''
        return `COALESCE(CASE ${substring} WHEN jsonb_typeof(${v}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${v}) AS e(x) WHERE e.x = ${element}) ELSE FALSE END, FALSE)`
      }
    }
    // validateFilter rejects every other operator before we get here
    throw new Error(`unreachable filter operator ${op}`)
  }
}
