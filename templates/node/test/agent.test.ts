import assert from 'node:assert/strict'
import { test } from 'node:test'
import { offlineAnswerer } from 'lumosai'
import { MockModel } from 'lumosai/test'
import { createAssistant } from '../src/agent.js'

test('the assistant calls the add tool and answers', async () => {
  const model = new MockModel({ responses: [{ toolCalls: [{ toolName: 'add', input: { a: 2, b: 3 } }] }, { text: '2 + 3 = 5' }] })
  const result = await createAssistant(model).generate('What is 2 + 3?')
  assert.deepEqual(result.toolResults.map((r) => r.output), [5])
  assert.equal(result.text, '2 + 3 = 5')
})

test('with no model configured the offline answerer says so', async () => {
  const result = await createAssistant(offlineAnswerer()).generate('Hello')
  assert.match(result.text, /No language model is configured/)
})
