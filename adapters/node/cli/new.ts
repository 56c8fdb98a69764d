import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { EXIT_FAILURE, EXIT_OK, UsageError, type ParsedArgs } from './args.js'
import type { Command } from './command.js'
import type { Output } from './output.js'
import { packageRoot, packageVersion } from './package-root.js'

export const TEMPLATES = ['node', 'worker', 'deno', 'browser'] as const

export const newCommand: Command = {
  name: 'new',
  summary: 'Create a project from a template (offline: templates ship in the package)',
  usage: 'lumos new <dir> [--template node|worker|deno|browser] [--lumos <spec>]',
  details:
    'The project depends on lumosai@^<this version>. Pass --lumos <spec> (or set LUMOS_PACKAGE) to use another\n' +
    'npm spec, e.g. --lumos file:../lumos to test against a local checkout.',
  flags: {
    template: { type: 'string', short: 't', value: 'name', choices: TEMPLATES, description: 'Template (default node)', default: 'node' },
    lumos: { type: 'string', value: 'spec', description: 'npm spec for the lumosai dependency (default ^<version>; env LUMOS_PACKAGE)' },
    force: { type: 'boolean', description: 'Write into a non-empty directory' },
  },
  positionals: { min: 1, max: 1, name: 'dir' },
  examples: ['lumos new my-agent', 'lumos new edge-bot --template worker', 'LUMOS_PACKAGE=file:../lumos lumos new demo'],
  run: runNew,
}

async function runNew(args: ParsedArgs, io: Output): Promise<number> {
  const dir = resolve(args.positionals[0])
  const template = String(args.flags.template)
  const source = join(packageRoot(), 'templates', template)
  if (!existsSync(source)) throw new UsageError(`Unknown template '${template}'.`, `Use one of: ${TEMPLATES.join(', ')}.`)
  if (existsSync(dir) && readdirSync(dir).length > 0 && !args.flags.force) {
    io.err(io.color.red(`✖ ${dir} is not empty. Choose a new directory or pass --force.`))
    return EXIT_FAILURE
  }
  const spec = String(args.flags.lumos ?? process.env.LUMOS_PACKAGE ?? `^${packageVersion()}`)
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'lumos-app'
  mkdirSync(dir, { recursive: true })
  cpSync(source, dir, { recursive: true })
  const written: string[] = []
  const fill = (d: string) => {
    for (const entry of readdirSync(d)) {
      let p = join(d, entry)
      if (statSync(p).isDirectory()) {
        fill(p)
        continue
      }
      // npm drops .gitignore from published packages, so templates store it as _gitignore.
      if (entry === '_gitignore') {
        const to = join(d, '.gitignore')
        renameSync(p, to)
        p = to
      }
      const text = readFileSync(p, 'utf8')
      if (text.includes('{{')) writeFileSync(p, text.replaceAll('{{name}}', name).replaceAll('{{lumosai}}', spec).replaceAll('{{version}}', packageVersion()))
      written.push(relative(dir, p))
    }
  }
  fill(dir)
  const c = io.color
  io.out(`${c.green('✓')} Created ${c.bold(relative(process.cwd(), dir) || '.')} from the ${template} template (${written.length} files, lumosai ${spec})`)
  for (const f of written.sort()) io.out(c.dim(`  ${f}`))
  io.out('')
  io.out('Next:')
  io.out(`  cd ${relative(process.cwd(), dir) || '.'}`)
  io.out('  npm install')
  io.out(template === 'node' ? '  npm test && npm run dev' : template === 'worker' ? '  npm test && npx wrangler dev' : template === 'deno' ? '  deno task dev' : '  npm run build && open index.html')
  return EXIT_OK
}
