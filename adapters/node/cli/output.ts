// Terminal output: colours only on a TTY and never with NO_COLOR; progress bars only on a TTY
// (plain "label n/total" lines otherwise, so logs and CI stay readable).

export interface Output {
  out(line?: string): void
  err(line?: string): void
  color: Colors
  isTTY: boolean
  progress(label: string, total: number): Progress
}

export interface Progress {
  tick(n?: number, note?: string): void
  done(note?: string): void
}

export type Colors = Record<'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', (s: string) => string>

export function createOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr, env = process.env): Output {
  const isTTY = Boolean(stdout.isTTY)
  const useColor = isTTY && !env.NO_COLOR && env.TERM !== 'dumb'
  const color = createColors(useColor)
  return {
    out: (line = '') => void stdout.write(`${line}\n`),
    err: (line = '') => void stderr.write(`${line}\n`),
    color,
    isTTY,
    progress: (label, total) => (isTTY ? ttyProgress(stdout, label, total) : plainProgress(stdout, label, total)),
  }
}

export function createColors(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s)
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) }
}

function ttyProgress(stream: NodeJS.WriteStream, label: string, total: number): Progress {
  let n = 0
  const width = 24
  const draw = (note = '') => {
    const frac = total > 0 ? Math.min(1, n / total) : 1
    const filled = Math.round(frac * width)
    stream.write(`\r\x1b[2K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${n}/${total}${note ? ` ${note}` : ''}`)
  }
  draw()
  return {
    tick(k = 1, note) {
      n += k
      draw(note)
    },
    done(note) {
      n = total
      draw(note)
      stream.write('\n')
    },
  }
}

function plainProgress(stream: NodeJS.WriteStream, label: string, total: number): Progress {
  let n = 0
  let lastPct = -1
  return {
    tick(k = 1, note) {
      n += k
      // At most one line per 10%, so a 10,000-file ingest does not print 10,000 lines.
      const pct = total > 0 ? Math.floor((n / total) * 10) : 10
      if (pct !== lastPct) {
        lastPct = pct
        stream.write(`${label} ${n}/${total}${note ? ` ${note}` : ''}\n`)
      }
    },
    done(note) {
      stream.write(`${label} done ${total}/${total}${note ? ` ${note}` : ''}\n`)
    },
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(2)} MiB`
}
