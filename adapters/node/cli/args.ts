// A small argv parser: no CLI framework dependency. Flags are --name value, --name=value, -x value;
// booleans take no value (--no-name turns one off). Unknown flags are usage errors with a hint.

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export interface FlagSpec {
  type: 'string' | 'boolean'
  short?: string
  description: string
  /** Shown in help as the value name (`--port <port>`). */
  value?: string
  default?: string | boolean
  /** Allowed values for a string flag. */
  choices?: readonly string[]
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>
  positionals: string[]
}

/** A mistake in how the command was called: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

export function parseArgs(argv: readonly string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const flags: ParsedArgs['flags'] = {}
  const positionals: string[] = []
  const byShort = new Map(Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    let name: string
    let inline: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq === -1 ? undefined : arg.slice(eq + 1)
    } else {
      const long = byShort.get(arg.slice(1, 2))
      if (!long || arg.length > 2) throw unknownFlag(arg, specs)
      name = long
    }
    let spec = specs[name]
    if (!spec && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      flags[name.slice(3)] = false
      continue
    }
    if (!spec) throw unknownFlag(`--${name}`, specs)
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`)
      flags[name] = true
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value${spec.value ? ` <${spec.value}>` : ''}.`)
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got '${value}').`, suggest(value, spec.choices) ? `Did you mean --${name} ${suggest(value, spec.choices)}?` : undefined)
    }
    flags[name] = value
  }
  for (const [name, spec] of Object.entries(specs)) if (flags[name] === undefined && spec.default !== undefined) flags[name] = spec.default
  return { flags, positionals }
}

function unknownFlag(flag: string, specs: Record<string, FlagSpec>): UsageError {
  const near = suggest(flag.replace(/^-+/, ''), Object.keys(specs))
  return new UsageError(`Unknown option ${flag}.`, near ? `Did you mean --${near}?` : 'See --help for the options.')
}

/** The closest candidate within edit distance 2 (or a prefix match), for "did you mean" hints. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = c.startsWith(input) && input.length >= 2 ? 1 : distance(input, c)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]
}

export function intFlag(value: string | boolean | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}..${max} (got '${String(value)}').`)
  return n
}
