import { afterEach, describe, expect, it } from 'vitest'
import { Agent, InMemoryStore, lexicalEmbedder, Memory } from '../../../adapters/node/index.js'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { MockModel } from '../../../runtime/test/mock-model.js'
import { postJson, start } from './fixtures.js'

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

async function setup(semanticRecall: boolean) {
  const store = new InMemoryStore()
  const model = new MockModel({ responses: () => ({ text: 'noted' }) })
  const memory = new Memory({ store, embedder: lexicalEmbedder(), options: semanticRecall ? { semanticRecall: { topK: 1, messageRange: 0 } } : {} })
  const support = new Agent({ id: 'support', model, memory })
  served = await start({ agents: { plain: new Agent({ id: 'plain', model }), support }, store })
  for (const prompt of ['My cat is called Miso and loves tuna', 'Deploy target is Cloudflare Workers', 'The invoice total was 420 euros']) {
    const res = await postJson(`${served.url}/api/agents/support/generate`, { prompt, threadId: 't1', resourceId: 'r1' })
    expect(res.status).toBe(200)
  }
  return served.url
}

describe('GET /api/threads/:threadId/recall', () => {
  it('returns the messages semantic recall finds for the query', async () => {
    const base = await setup(true)
    const res = await fetch(`${base}/api/threads/t1/recall?resourceId=r1&query=${encodeURIComponent('what does the cat Miso eat?')}`)
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.agentId).toBe('support')
    expect(body.items).toHaveLength(1)
    expect(body.items[0]).toMatchObject({ threadId: 't1', resourceId: 'r1', role: 'user', content: { parts: [{ type: 'text', text: 'My cat is called Miso and loves tuna' }] } })
    const two = await (await fetch(`${base}/api/threads/t1/recall?resourceId=r1&agentId=support&topK=2&query=Cloudflare%20Workers%20deploy`)).json()
    // Hits come back in conversation order, not by score.
    expect(two.items).toHaveLength(2)
    expect(two.items.map((m: { content: { parts: { text: string }[] } }) => m.content.parts[0].text)).toContain('Deploy target is Cloudflare Workers')
    expect(two.items[0].seq).toBeLessThan(two.items[1].seq)
  })

  it('bad input: no query (400), another resource (403), no agent with recall (404)', async () => {
    const base = await setup(true)
    const noQuery = await fetch(`${base}/api/threads/t1/recall?resourceId=r1`)
    expect(noQuery.status).toBe(400)
    expect((await noQuery.json()).error).toMatchObject({ code: 'REQUEST_INVALID', details: { param: 'query' } })
    const other = await fetch(`${base}/api/threads/t1/recall?resourceId=intruder&query=cat`)
    expect(other.status).toBe(403)
    expect((await other.json()).error.code).toBe('THREAD_ACCESS_DENIED')
    const plain = await fetch(`${base}/api/threads/t1/recall?resourceId=r1&query=cat&agentId=plain`)
    expect(plain.status).toBe(404)
    expect((await plain.json()).error.code).toBe('FEATURE_NOT_CONFIGURED')
  })

  it('memory without semantic recall: 404 FEATURE_NOT_CONFIGURED; Memory.recall throws MEMORY_CONFIG_INVALID', async () => {
    const base = await setup(false)
    const res = await fetch(`${base}/api/threads/t1/recall?resourceId=r1&query=cat`)
    expect(res.status).toBe(404)
    expect((await res.json()).error.code).toBe('FEATURE_NOT_CONFIGURED')
    await expect(new Memory({ store: new InMemoryStore() }).recall({ threadId: 't', resourceId: 'r', query: 'x' })).rejects.toMatchObject({ code: 'MEMORY_CONFIG_INVALID' })
  })
})
