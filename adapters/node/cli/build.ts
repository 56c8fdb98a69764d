import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { EXIT_FAILURE, EXIT_OK, UsageError, type ParsedArgs } from './args.js'
import type { Command } from './command.js'
import { formatBytes, type Output } from './output.js'

const MiB = 1024 * 1024
/**
 * Cloudflare Workers script size limits (developers.cloudflare.com/workers/platform/limits):
 * compressed (gzip) 3 MiB on Workers Free, 10 MiB on Workers Paid; 64 MiB before compression.
 */
export const WORKERS_LIMITS = { free: 3 * MiB, paid: 10 * MiB, uncompressed: 64 * MiB } as const

const TARGETS = ['workers', 'deno', 'browser', 'node'] as const
type Target = (typeof TARGETS)[number]
const ENTRY_CANDIDATES = ['src/index.ts', 'src/worker.ts', 'src/main.ts', 'index.ts', 'main.ts', 'src/index.js', 'index.js']

export const buildCommand: Command = {
  name: 'build',
  summary: 'Bundle for a runtime with esbuild and print sizes against the Workers limits',
  usage: 'lumos build --target workers|deno|browser|node [--entry src/index.ts] [--outdir dist]',
  details:
    'Sizes are raw and gzip (level 9) per output file. For --target workers the gzip total is checked against the\n' +
    'Workers script limit (3 MiB free, 10 MiB paid, 64 MiB uncompressed): over the limit exits with code 1.',
  flags: {
    target: { type: 'string', short: 't', value: 'target', choices: TARGETS, description: 'Runtime to bundle for (required)' },
    entry: { type: 'string', short: 'e', value: 'file', description: `Entry module (default: first of ${ENTRY_CANDIDATES.slice(0, 3).join(', ')}, ...)` },
    outdir: { type: 'string', short: 'o', value: 'dir', description: 'Output directory (default dist)', default: 'dist' },
    plan: { type: 'string', value: 'plan', choices: ['free', 'paid'], description: 'Workers plan whose limit is enforced (default free)', default: 'free' },
    minify: { type: 'boolean', description: 'Minify (default on; --no-minify turns it off)', default: true },
    sourcemap: { type: 'boolean', description: 'Write external source maps (not counted in the sizes)' },
  },
  positionals: { max: 0 },
  examples: ['lumos build --target workers', 'lumos build --target node --entry src/server.ts --outdir build'],
  run: runBuild,
}

export interface BuildReport {
  files: { path: string; raw: number; gzip: number }[]
  raw: number
  gzip: number
  limit?: number
  over: boolean
}

async function runBuild(args: ParsedArgs, io: Output): Promise<number> {
  const target = args.flags.target as Target | undefined
  if (!target) throw new UsageError('lumos build needs --target.', `Use one of: ${TARGETS.join(', ')}.`)
  const entry = resolve(String(args.flags.entry ?? ENTRY_CANDIDATES.find((f) => existsSync(f)) ?? ''))
  if (!args.flags.entry && !ENTRY_CANDIDATES.some((f) => existsSync(f))) throw new UsageError('No entry module found.', `Pass --entry <file> (looked for ${ENTRY_CANDIDATES.join(', ')}).`)
  if (!existsSync(entry)) {
    io.err(io.color.red(`✖ Entry ${args.flags.entry} does not exist.`))
    return EXIT_FAILURE
  }
  const outdir = resolve(String(args.flags.outdir))
  let esbuild: typeof import('esbuild')
  try {
    esbuild = await import('esbuild')
  } catch {
    io.err(io.color.red('✖ lumos build needs the `esbuild` package: npm install --save-dev esbuild'))
    return EXIT_FAILURE
  }
  const started = performance.now()
  try {
    await esbuild.build({ ...targetOptions(target), entryPoints: [entry], outdir, bundle: true, format: 'esm', minify: args.flags.minify !== false, sourcemap: args.flags.sourcemap ? 'external' : false, logLevel: 'silent', legalComments: 'none', loader: { '.wasm': 'copy' } })
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors
    for (const e of errors ?? [{ text: (error as Error).message }]) io.err(io.color.red(`✖ ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ` : ''}${e.text}`))
    return EXIT_FAILURE
  }
  const report = measure(outdir, target === 'workers' ? WORKERS_LIMITS[args.flags.plan as 'free' | 'paid'] : undefined)
  const c = io.color
  io.out(`${c.bold(`Built ${target}`)} ${c.dim(`${relative(process.cwd(), entry)} -> ${relative(process.cwd(), outdir) || '.'} in ${Math.round(performance.now() - started)} ms`)}`)
  const width = Math.max(...report.files.map((f) => f.path.length), 5)
  for (const f of report.files) io.out(`  ${f.path.padEnd(width)}  ${formatBytes(f.raw).padStart(10)}  gzip ${formatBytes(f.gzip).padStart(10)}`)
  io.out(`  ${'total'.padEnd(width)}  ${formatBytes(report.raw).padStart(10)}  gzip ${formatBytes(report.gzip).padStart(10)}`)
  if (target === 'workers') {
    const plan = String(args.flags.plan)
    const pct = ((report.gzip / report.limit!) * 100).toFixed(1)
    const line = `Workers ${plan} limit: ${formatBytes(report.gzip)} of ${formatBytes(report.limit!)} compressed (${pct}%); ${formatBytes(report.raw)} of ${formatBytes(WORKERS_LIMITS.uncompressed)} uncompressed`
    if (report.over) {
      io.err(c.red(`✖ ${line}: over the limit${plan === 'free' ? ' (the paid plan allows 10 MiB)' : ''}.`))
      return EXIT_FAILURE
    }
    io.out(c.green(`✓ ${line}`))
  }
  return EXIT_OK
}

function targetOptions(target: Target): Record<string, unknown> {
  switch (target) {
    case 'workers':
      return { platform: 'browser', conditions: ['workerd', 'worker', 'browser'], external: ['node:*', 'cloudflare:*'], target: 'es2022' }
    case 'deno':
      return { platform: 'neutral', conditions: ['deno', 'worker', 'browser', 'import'], mainFields: ['module', 'main'], external: ['node:*', 'npm:*', 'jsr:*'], target: 'es2022' }
    case 'browser':
      return { platform: 'browser', target: 'es2022' }
    case 'node':
      // Native and optional drivers stay external: they are installed next to the bundle.
      return { platform: 'node', target: 'node20', packages: 'external', banner: { js: "import { createRequire as __lumosRequire } from 'node:module'; const require = __lumosRequire(import.meta.url);" } }
  }
}

export function measure(outdir: string, limit?: number): BuildReport {
  const files: BuildReport['files'] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (!name.endsWith('.map')) {
        const bytes = readFileSync(p)
        files.push({ path: relative(outdir, p), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length })
      }
    }
  }
  walk(outdir)
  const raw = files.reduce((s, f) => s + f.raw, 0)
  const gzip = files.reduce((s, f) => s + f.gzip, 0)
  return { files, raw, gzip, limit, over: limit !== undefined && (gzip > limit || raw > WORKERS_LIMITS.uncompressed) }
}
