import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LibsqlStore } from '../../../adapters/node/stores/index.js'
import { buildCrashy, buildReview, buildSleeper } from './fixtures/workflows.js'

const dir = mkdtempSync(join(tmpdir(), 'lumos-wf-'))
const child = join(import.meta.dirname, 'fixtures', 'child.ts')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Runs the fixture with `npx tsx` in its own process group (detached), so a SIGKILL to the group
 * hits the node process that executes the steps, not only the npx wrapper.
 */
function startChild(args: string[], env: Record<string, string> = {}) {
  const proc = spawn('npx', ['tsx', child, ...args], { cwd: process.cwd(), detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  const lineWaiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = []
  proc.stdout.on('data', (d) => {
    stdout += d
    for (const w of [...lineWaiters]) {
      const m = stdout.match(w.re)
      if (m) {
        lineWaiters.splice(lineWaiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  })
  proc.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ? -1 : code)))
  return {
    proc,
    exited,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    waitFor: (re: RegExp) => new Promise<RegExpMatchArray>((resolve, reject) => {
      const m = stdout.match(re)
      if (m) return resolve(m)
      lineWaiters.push({ re, resolve })
      exited.then(() => setTimeout(() => reject(new Error(`child exited before ${re}: ${stderr}`)), 50))
    }),
    killGroup: () => process.kill(-proc.pid!, 'SIGKILL'),
  }
}

async function runChild(args: string[]) {
  const c = startChild(args)
  const code = await c.exited
  expect(code, c.stderr).toBe(0)
  return JSON.parse(c.stdout.trim().split('\n').pop()!)
}

function counts(file: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const key = line.split(':')[0]
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

describe('workflows across processes (LibsqlStore file)', () => {
  it('starts and suspends in one process, resumes by run id in another', async () => {
    const db = join(dir, 'resume.db')
    const counter = join(dir, 'resume.log')
    writeFileSync(counter, '')
    const a = await runChild(['start', db, 'run-xp-1', counter])
    expect(a).toMatchObject({ status: 'suspended', suspended: [{ stepId: 'approve', path: ['approve'], suspendPayload: { question: 'publish "draft of durability"?' } }] })
    const b = await runChild(['resume', db, 'run-xp-1', counter])
    expect(b.pid).not.toBe(a.pid)
    expect(b).toMatchObject({ status: 'success', result: { published: true, text: 'draft of durability', by: `pid-${b.pid}` } })
    expect(counts(counter)).toEqual({ draft: 1, approve: 2, publish: 1 })
    // the parent, with a fresh connection, sees the finished run; resuming again is refused
    const store = await LibsqlStore.open({ url: `file:${db}` })
    try {
      const run = await buildReview(counter).getRun('run-xp-1', { store })
      expect(run.status).toBe('success')
      await expect(run.resume({ step: 'approve', resumeData: { approved: true, by: 'x' } })).rejects.toMatchObject({ code: 'WORKFLOW_NOT_SUSPENDED', details: { status: 'success' } })
    } finally {
      await store.close()
    }
  }, 60_000)

  it('an agent run suspended for a tool approval in one process is approved in another', async () => {
    const db = join(dir, 'agent.db')
    const counter = join(dir, 'agent.log')
    writeFileSync(counter, '')
    const a = await runChild(['agent-start', db, '-', counter])
    expect(a.suspended).toEqual({ runId: a.runId, toolCalls: [{ toolCallId: 'call-refund', toolName: 'refund', input: { amount: 42 } }] })
    expect(readFileSync(counter, 'utf8')).toBe('')
    const b = await runChild(['agent-approve', db, a.runId, counter])
    expect(b.pid).not.toBe(a.pid)
    expect(b.text).toBe('refunded 42')
    expect(counts(counter)).toEqual({ refund: 1 })
  }, 60_000)

  it('recovers a run whose process was SIGKILLed in step 3: steps 1-2 ran exactly once', async () => {
    const db = join(dir, 'crash.db')
    const counter = join(dir, 'crash.log')
    writeFileSync(counter, '')
    const c = startChild(['crash', db, 'run-crash', counter])
    await c.waitFor(/STEP3-STARTED/)
    c.killGroup()
    expect(await c.exited).toBe(-1)
    expect(counts(counter)).toEqual({ s1: 1, s2: 1, s3: 1 })
    const store = await LibsqlStore.open({ url: `file:${db}` })
    try {
      const wf = buildCrashy(counter, false)
      const stale = await wf.getRun('run-crash', { store })
      expect(stale.status).toBe('running')
      expect(stale.snapshot!.root.cursor).toBe(2) // s1 and s2 completed and persisted
      const r = await wf.recover('run-crash', { store })
      expect(r.status).toBe('success')
      expect(r.result).toEqual({ trail: ['s1', 's2', 's3', 's4'] })
      // completed steps never re-run; the interrupted step ran again (at-least-once)
      expect(counts(counter)).toEqual({ s1: 1, s2: 1, s3: 2, s4: 1 })
      expect((await store.getWorkflowRun({ workflowId: 'xp-crashy', runId: 'run-crash' }))!.status).toBe('success')
    } finally {
      await store.close()
    }
  }, 60_000)

  it('a durable sleep survives a SIGKILL: recovery waits only the remaining time', async () => {
    const db = join(dir, 'sleep.db')
    const counter = join(dir, 'sleep.log')
    writeFileSync(counter, '')
    const sleepMs = 2000
    const c = startChild(['sleep', db, 'run-sleep', counter], { SLEEP_MS: String(sleepMs) })
    const m = await c.waitFor(/SLEEPING (\d+)/)
    const wakeAt = Number(m[1])
    c.killGroup()
    await c.exited
    await new Promise((r) => setTimeout(r, 800)) // the host is down for a while
    const store = await LibsqlStore.open({ url: `file:${db}` })
    try {
      const wf = buildSleeper(counter, sleepMs)
      const run = await wf.getRun('run-sleep', { store })
      expect(run.wakeAt).toBe(wakeAt)
      const t0 = Date.now()
      const r = await run.recover()
      const done = Date.now()
      expect(r.result).toEqual({ trail: ['before', 'after'] })
      expect(done).toBeGreaterThanOrEqual(wakeAt)
      expect(done - t0).toBeLessThan(sleepMs - 300) // the remaining time, not a fresh full sleep
      expect(counts(counter)).toEqual({ before: 1, after: 1 })
    } finally {
      await store.close()
    }
  }, 60_000)
})
