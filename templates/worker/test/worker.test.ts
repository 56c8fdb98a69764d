import assert from 'node:assert/strict'
import { test } from 'node:test'
import worker from '../src/index.js'

test('the worker lists its agent and answers offline', async () => {
  const agents = await (await worker.fetch(new Request('http://worker/api/agents'), {})).json()
  assert.deepEqual(agents.agents.map((a: { id: string }) => a.id), ['assistant'])
  const res = await worker.fetch(new Request('http://worker/api/agents/assistant/generate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'hi' }) }), {})
  assert.equal(res.status, 200)
  assert.match((await res.json()).text, /No language model is configured/)
})
