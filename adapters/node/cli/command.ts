import type { FlagSpec, ParsedArgs } from './args.js'
import type { Output } from './output.js'

export interface Command {
  name: string
  summary: string
  usage: string
  /** Longer help text, shown by `lumos <cmd> --help`. */
  details?: string
  flags: Record<string, FlagSpec>
  positionals?: { min?: number; max?: number; name?: string }
  examples: string[]
  run(args: ParsedArgs, io: Output, signal?: AbortSignal): Promise<number>
}
