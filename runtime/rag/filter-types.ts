/**
 * Metadata filters, MongoDB-style, with the same semantics on every vector store
 * (checked by `test/conformance/vector-store`: the same query returns the same ids everywhere).
 *
 * ```ts
 * { source: 'a.md' }                                  // shorthand for { source: { $eq: 'a.md' } }
 * { year: { $gte: 2020, $lt: 2024 }, lang: { $in: ['en', 'de'] } }
 * { $or: [{ tags: { $contains: 'faq' } }, { draft: { $exists: false } }] }
 * { $not: { status: 'archived' } }
 * ```
 * Semantics (a field path may use dots for nested objects: `'meta.author'`):
 * - `$eq`/`$ne`: strict equality on strings, numbers, booleans and null (no type coercion: `1` ≠ `'1'`).
 *   If the field holds an array, `$eq: v` matches when the array contains `v` (MongoDB rule); `$ne`
 *   is its negation (true when the field is missing).
 * - `$gt $gte $lt $lte`: numbers compare with numbers, strings with strings (code point order); a
 *   field of another type or a missing field never matches.
 * - `$in`/`$nin`: value (or any array element) is / is not in the list; `$nin` matches missing fields.
 * - `$exists: true|false`: the field is present (even if `null`) / absent.
 * - `$contains`: string field contains the substring, or array field contains the element.
 * - `$and`/`$or`: non-empty arrays of filters; `$not`: a filter. Several keys in one object = AND.
 * Invalid filters (unknown operator, wrong operand type, empty `$in`/`$and`/`$or`) throw
 * `FILTER_INVALID` naming the operator and path; nothing is queried.
 */
export type FilterScalar = string | number | boolean | null

export interface FieldOperators {
  $eq?: FilterScalar
  $ne?: FilterScalar
  $gt?: number | string
  $gte?: number | string
  $lt?: number | string
  $lte?: number | string
  $in?: FilterScalar[]
  $nin?: FilterScalar[]
  $exists?: boolean
  $contains?: FilterScalar
}

export type MetadataFilter = {
  $and?: MetadataFilter[]
  $or?: MetadataFilter[]
  $not?: MetadataFilter
} & { [field: string]: FilterScalar | FieldOperators | MetadataFilter[] | MetadataFilter | undefined }
