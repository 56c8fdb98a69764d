import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import { afterAll, describe, expect, it } from 'vitest'
import { LibsqlStore } from '../../../adapters/node/stores/index.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SCRIPT = fileURLToPath(new URL('./fixtures/libsql-burst.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'lumos-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the burst writer until `killAfter` acks, SIGKILLs it, and returns the acknowledged ids. */
function burstAndKill(url: string, start: number, killAfter: number): Promise<{ acked: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, url, String(start)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const acked: string[] = []
    let buffer = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (line.startsWith('ack ')) acked.push(line.slice(4))
        if (acked.length === killAfter) child.kill('SIGKILL')
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`burst writer exited with code ${code}: ${stderr}`))
      else resolve({ acked, signal })
    })
  })
}

describe('LibsqlStore durability', () => {
  it('keeps every acknowledged write and stays consistent after SIGKILL mid-burst', async () => {
    const url = `file:${join(dir, 'crash.db')}`
    const acked: string[] = []
    let inFlightKept = 0
    for (const [round_, killAfter] of [120, 47, 90].entries()) {
      const round = await burstAndKill(url, 10_000 * round_, killAfter)
      expect(round.signal).toBe('SIGKILL')
      expect(round.acked.length).toBe(killAfter)
      acked.push(...round.acked)

      const store = await LibsqlStore.open({ url, maxValueBytes: 4096 })
      try {
        const found = await store.getMessages({ resourceId: 'r', ids: acked })
        expect(found.map((m) => m.id)).toEqual(acked)
        const all = (await store.listMessages({ threadId: 'burst', resourceId: 'r', limit: 1000 })).items
        // at most the one in-flight write beyond the acknowledged ones, and nothing torn
        expect(all.length).toBeGreaterThanOrEqual(acked.length)
        expect(all.length - acked.length).toBeLessThanOrEqual(3)
        expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1))
        const log = await store.getBlobInfo('log')
        expect(log).toMatchObject({ size: all.length * 9000, segments: all.length })
        expect((await store.getBlob('log'))?.byteLength).toBe(all.length * 9000)
        expect(await store.getWorkingMemory({ scope: 'resource', resourceId: 'r' })).toBe(`after ${all[all.length - 1].id}`)
        // writes that were in flight when killed are either complete or absent
        inFlightKept += all.length - acked.length
        acked.length = 0
        acked.push(...all.map((m) => m.id))
      } finally {
        await store.close()
      }
      const raw = createClient({ url })
      try {
        expect((await raw.execute('PRAGMA integrity_check')).rows.map((r) => r[0])).toEqual(['ok'])
        expect((await raw.execute('PRAGMA journal_mode')).rows[0][0]).toBe('wal')
      } finally {
        raw.close()
      }
    }
    console.info(`durability: ${acked.length} writes survived 3 SIGKILLs (${inFlightKept} of them in flight, unacknowledged, yet complete)`)
  }, 120_000)
})
