// Minimal Worker on lumosai/workers, built by the real wrangler (../../workerd.test.ts): proves the
// .wasm import and the Durable Object store work with wrangler's default module rules and no nodejs_compat.
import { DurableObjectStore, KeywordIndex, ready, type DurableObjectSqlStorage } from '../../../../../adapters/workers/index.js'

interface Env {
  MEMORY: { idFromName(name: string): unknown; get(id: unknown): { fetch(req: Request): Promise<Response> } }
}

export class Memory {
  readonly store: DurableObjectStore
  constructor(state: { storage: DurableObjectSqlStorage }) {
    this.store = new DurableObjectStore(state.storage)
  }
  async fetch(request: Request): Promise<Response> {
    const text = new URL(request.url).searchParams.get('say') ?? ''
    await this.store.createThread({ id: 't', resourceId: 'u', ifExists: 'return' })
    await this.store.appendMessages({ threadId: 't', resourceId: 'u', messages: [{ role: 'user', content: { parts: [{ type: 'text', text }] } }] })
    const ctx = await this.store.loadContext({ threadId: 't', resourceId: 'u' })
    return Response.json(ctx.messages.map((m) => `${m.seq}:${(m.content.parts[0] as unknown as { text: string }).text}`))
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/memory') return env.MEMORY.get(env.MEMORY.idFromName('u')).fetch(request)
    await ready()
    const ki = new KeywordIndex()
    ki.upsert(['a', 'b'], ['edge agents on workers', 'unrelated text'])
    const ids = ki.search(url.searchParams.get('q') ?? '', { k: 2 }).ids
    ki.free()
    return Response.json(ids)
  },
}
