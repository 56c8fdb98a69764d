import { describe, expect, it } from 'vitest'
import { parseArgs, suggest, UsageError, type FlagSpec } from './args.js'
import { createColors, createOutput } from './output.js'

const specs: Record<string, FlagSpec> = {
  port: { type: 'string', short: 'p', description: '' },
  target: { type: 'string', choices: ['workers', 'node'], description: '' },
  watch: { type: 'boolean', default: true, description: '' },
  out: { type: 'string', default: 'dist', description: '' },
}

describe('parseArgs', () => {
  it('reads --flag value, --flag=value, -x value, --no-flag, positionals and --', () => {
    expect(parseArgs(['a', '--port', '1', '--target=node', '--no-watch', 'b', '--', '--port'], specs)).toEqual({
      flags: { port: '1', target: 'node', watch: false, out: 'dist' },
      positionals: ['a', 'b', '--port'],
    })
    expect(parseArgs(['-p', '7'], specs).flags).toEqual({ port: '7', watch: true, out: 'dist' })
  })

  it('rejects unknown flags with a suggestion, missing values and bad choices', () => {
    expect(() => parseArgs(['--prot', '1'], specs)).toThrow(expect.objectContaining({ message: 'Unknown option --prot.', hint: 'Did you mean --port?' }))
    expect(() => parseArgs(['-z'], specs)).toThrow(UsageError)
    expect(() => parseArgs(['--port'], specs)).toThrow('--port needs a value.')
    expect(() => parseArgs(['--port', '--out', 'x'], specs)).toThrow('--port needs a value.')
    expect(() => parseArgs(['--target', 'worker'], specs)).toThrow(expect.objectContaining({ hint: 'Did you mean --target workers?' }))
    expect(() => parseArgs(['--watch=yes'], specs)).toThrow('--watch takes no value.')
  })

  it('suggest finds near names only', () => {
    expect(suggest('buidl', ['dev', 'new', 'build', 'ingest'])).toBe('build')
    expect(suggest('ing', ['dev', 'new', 'build', 'ingest'])).toBe('ingest')
    expect(suggest('zzzzzz', ['dev', 'new', 'build', 'ingest'])).toBeUndefined()
  })

  it('colours are plain text when disabled', () => {
    expect(createColors(false).red('x')).toBe('x')
    expect(createColors(true).red('x')).toBe('\x1b[31mx\x1b[39m')
  })

  it('colours and the redrawn progress bar only on a TTY without NO_COLOR', () => {
    const sink = (isTTY: boolean) => {
      const chunks: string[] = []
      return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream }
    }
    const tty = sink(true)
    const io = createOutput(tty.stream, tty.stream, {})
    expect(io.color.green('ok')).toBe('\x1b[32mok\x1b[39m')
    io.progress('Indexing', 2).done()
    expect(tty.chunks.at(-2)).toBe('\r\x1b[2KIndexing [########################] 2/2')
    expect(createOutput(tty.stream, tty.stream, { NO_COLOR: '1' }).color.green('ok')).toBe('ok')
    const pipe = sink(false)
    const plain = createOutput(pipe.stream, pipe.stream, {})
    expect(plain.color.green('ok')).toBe('ok')
    const p = plain.progress('Indexing', 20)
    for (let i = 0; i < 20; i++) p.tick()
    p.done()
    expect(pipe.chunks.length).toBe(12) // one line per 10% step (0..100%) + done, not one per item
    expect(pipe.chunks.at(-1)).toBe('Indexing done 20/20\n')
  })
})
