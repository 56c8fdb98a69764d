// The test Worker run by ../workerd.test.ts in workerd (through Miniflare). It is bundled with
// `vitest` aliased to the portable harness, so the Store conformance suite runs here unchanged.
//   GET /conformance[?filter=...]  runs the suite inside a SQLite-backed Durable Object, returns TestResult[] as JSON
//   GET /smoke                     loads the wasm core through adapters/workers and queries both indexes
import { DurableObjectStore, KeywordIndex, ready, VectorIndex, type DurableObjectSqlStorage } from '../../../../adapters/workers/index.js'
import { runTests } from '../../../portable/index.js'
import { runStoreConformance } from '../../store/store.case.js'

interface DurableObjectState {
  storage: DurableObjectSqlStorage & { deleteAll(): Promise<void> }
}
interface Namespace {
  idFromName(name: string): unknown
  get(id: unknown): { fetch(req: Request): Promise<Response> }
}
interface Env {
  STORE_TEST: Namespace
}

let storage: (DurableObjectSqlStorage & { deleteAll(): Promise<void> }) | undefined

runStoreConformance({
  name: 'DurableObjectStore (workerd)',
  create: async () => {
    if (!storage) throw new Error('no Durable Object storage bound')
    await storage.deleteAll() // a fresh, empty database for each case
    return new DurableObjectStore(storage)
  },
})

export class StoreTestObject {
  constructor(readonly state: DurableObjectState) {}
  async fetch(request: Request): Promise<Response> {
    storage = this.state.storage
    const filter = new URL(request.url).searchParams.get('filter') ?? undefined
    return Response.json(await runTests({ filter }))
  }
}

export async function smoke(): Promise<Record<string, unknown>> {
  await ready()
  const vi = new VectorIndex({ dimensions: 3 })
  vi.upsert(['x', 'y', 'z'], [
    [1, 0, 0],
    [0, 1, 0],
    [0.7, 0.7, 0],
  ])
  const vector = vi.search([0.9, 0.1, 0], { k: 2 }).ids
  vi.free()
  const ki = new KeywordIndex()
  ki.upsert(['a', 'b'], ['Durable Objects keep state at the edge', 'Cats sleep all day'])
  const keyword = ki.search('durable state', { k: 2 }).ids
  ki.free()
  return { vector, keyword }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/smoke') return Response.json(await smoke())
    if (url.pathname === '/conformance') return env.STORE_TEST.get(env.STORE_TEST.idFromName('conformance')).fetch(request)
    return new Response('not found', { status: 404 })
  },
}
