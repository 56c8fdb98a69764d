/**
 * Standard Schema V1 and Standard JSON Schema V1 types (https://standardschema.dev), copied as the
 * spec recommends so that users need no extra dependency for Lumos' type declarations.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>
}

export declare namespace StandardSchemaV1 {
  export interface Props<Input = unknown, Output = Input> {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown, options?: Options) => Result<Output> | Promise<Result<Output>>
    readonly types?: Types<Input, Output> | undefined
    /** Standard JSON Schema V1 (zod >= 4.2, arktype): present when the library converts itself. */
    readonly jsonSchema?: JsonSchemaConverter | undefined
  }
  export interface Options {
    readonly libraryOptions?: Record<string, unknown> | undefined
  }
  export type Result<Output> = SuccessResult<Output> | FailureResult
  export interface SuccessResult<Output> {
    readonly value: Output
    readonly issues?: undefined
  }
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>
  }
  export interface Issue {
    readonly message: string
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined
  }
  export interface PathSegment {
    readonly key: PropertyKey
  }
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input
    readonly output: Output
  }
  export interface JsonSchemaConverter {
    readonly input: (options: { readonly target: string; readonly libraryOptions?: Record<string, unknown> }) => Record<string, unknown>
    readonly output: (options: { readonly target: string; readonly libraryOptions?: Record<string, unknown> }) => Record<string, unknown>
  }
  export type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input']
  export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output']
}

/** A JSON Schema object as sent to models (draft-07 subset; kept loose on purpose). */
export type JsonSchema = Record<string, unknown>

export type InferSchemaOutput<S> = S extends StandardSchemaV1<any, infer O> ? O : unknown
export type InferSchemaInput<S> = S extends StandardSchemaV1<infer I, any> ? I : unknown

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false
  const props = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard']
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function'
}
