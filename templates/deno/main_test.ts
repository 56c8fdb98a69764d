import { createDenoApp } from './main.ts'

Deno.test('answers offline without a model', async () => {
  const res = await createDenoApp({}).fetch(new Request('http://deno/api/agents/assistant/generate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'hi' }) }))
  const body = await res.json()
  if (!/No language model is configured/.test(body.text)) throw new Error(`unexpected answer: ${body.text}`)
})
