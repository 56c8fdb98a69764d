import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseArgs, suggest, UsageError, type FlagSpec } from './args.js'
import { buildCommand } from './build.js'
import type { Command } from './command.js'
import { devCommand } from './dev.js'
import { ingestCommand } from './ingest.js'
import { newCommand } from './new.js'
import { createOutput, type Output } from './output.js'
import { packageVersion } from './package-root.js'

export const COMMANDS: readonly Command[] = [devCommand, newCommand, buildCommand, ingestCommand]

const EXIT_CODES = 'Exit codes: 0 ok, 1 failure (build over the size limit, bad config, I/O error), 2 usage error.'

export function mainHelp(io: Output): string {
  const c = io.color
  const width = Math.max(...COMMANDS.map((cmd) => cmd.name.length))
  return [
    `${c.bold('lumos')} ${packageVersion()} — edge-native AI agents`,
    '',
    `${c.bold('Usage:')} lumos <command> [options]`,
    '',
    c.bold('Commands:'),
    ...COMMANDS.map((cmd) => `  ${cmd.name.padEnd(width)}  ${cmd.summary}`),
    '',
    c.bold('Options:'),
    '  -h, --help     Show help (lumos <command> --help for a command)',
    '  -v, --version  Print the version',
    '',
    'Environment: LUMOS_MODEL, OPENAI_API_KEY / OPENAI_BASE_URL, OLLAMA_HOST choose the model; NO_COLOR turns colours off.',
    EXIT_CODES,
  ].join('\n')
}

export function commandHelp(cmd: Command, io: Output): string {
  const c = io.color
  const flag = ([name, s]: [string, FlagSpec]) => `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` <${s.value ?? 'value'}>` : ''}`
  const flags = [...Object.entries(cmd.flags), ['help', { type: 'boolean', short: 'h', description: 'Show this help' }] as [string, FlagSpec]]
  const width = Math.max(...flags.map((f) => flag(f).length))
  return [
    `${c.bold('Usage:')} ${cmd.usage}`,
    '',
    cmd.summary + '.',
    ...(cmd.details ? ['', cmd.details] : []),
    '',
    c.bold('Options:'),
    ...flags.map((f) => `  ${flag(f).padEnd(width)}  ${f[1].description}${f[1].choices ? ` [${f[1].choices.join('|')}]` : ''}`),
    '',
    c.bold('Examples:'),
    ...cmd.examples.map((e) => `  ${e}`),
    '',
    EXIT_CODES,
  ].join('\n')
}

/** Runs the CLI and resolves to the exit code (never calls process.exit: tests call it in-process). */
export async function main(argv: readonly string[], io: Output = createOutput(), signal?: AbortSignal): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined
    io.out(topic ? commandHelp(topic, io) : mainHelp(io))
    return EXIT_OK
  }
  if (name === '-v' || name === '--version') {
    io.out(packageVersion())
    return EXIT_OK
  }
  const cmd = COMMANDS.find((c) => c.name === name)
  try {
    if (!cmd) {
      const near = suggest(name, COMMANDS.map((c) => c.name))
      throw new UsageError(name.startsWith('-') ? `Unknown option ${name}.` : `Unknown command '${name}'.`, near ? `Did you mean 'lumos ${near}'?` : `Commands: ${COMMANDS.map((c) => c.name).join(', ')}. See lumos --help.`)
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(cmd, io))
      return EXIT_OK
    }
    const args = parseArgs(rest, cmd.flags)
    const { min = 0, max = Infinity, name: what = 'argument' } = cmd.positionals ?? {}
    if (args.positionals.length < min) throw new UsageError(`lumos ${cmd.name} needs <${what}>.`, `Usage: ${cmd.usage}`)
    if (args.positionals.length > max) throw new UsageError(`Unexpected argument '${args.positionals[max]}'.`, `Usage: ${cmd.usage}`)
    return await cmd.run(args, io, signal)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${io.color.red('error:')} ${error.message}`)
      if (error.hint) io.err(io.color.dim(error.hint))
      return EXIT_USAGE
    }
    io.err(`${io.color.red('error:')} ${(error as Error)?.message ?? String(error)}`)
    if (process.env.LUMOS_DEBUG) io.err(String((error as Error)?.stack))
    return EXIT_FAILURE
  }
}
