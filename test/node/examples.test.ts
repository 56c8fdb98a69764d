import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const tsx = ['--import', 'tsx']
// The examples read real env vars; blank them so the run is offline and deterministic.
const env = { ...process.env, OPENAI_API_KEY: '', LUMOS_MODEL: '' }

describe('examples run as documented', () => {
  it('npm start demo answers from the indexed README', async () => {
    const { stdout } = await run(process.execPath, [...tsx, 'examples/node/demo.ts', 'how do I load a snapshot?'], { env, timeout: 60_000 })
    expect(stdout).toMatch(/Indexed \d+ chunks of README.md/)
    expect(stdout).toMatch(/\[1\] .*\(score/)
    expect(stdout.toLowerCase()).toContain('snapshot')
  })

  it('agent example does a tool round trip offline', async () => {
    const { stdout } = await run(process.execPath, [...tsx, 'examples/node/agent.ts'], { env, timeout: 60_000 })
    expect(stdout).toContain('→ tool add({"a":2,"b":3})')
    expect(stdout).toContain('← 5')
    expect(stdout).toContain('The answer is 5')
  })
})
