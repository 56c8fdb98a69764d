import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const run = promisify(execFile)

it('examples/node/workflow.ts suspends, then resumes from a fresh store connection', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/node/workflow.ts'], { timeout: 60_000 })
  expect(stdout.trim().split('\n')).toEqual([
    `suspended { question: 'Publish "A short note about durable workflows."?' }`,
    'success published: A short note about durable workflows.',
  ])
}, 60_000)
