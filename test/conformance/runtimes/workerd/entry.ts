// The test Worker run by ../workerd.test.ts in workerd (through Miniflare). It is bundled with
// `vitest` aliased to the portable harness, so the Store conformance suite runs here unchanged.
//   GET /conformance[?filter=...]  runs the suite inside a SQLite-backed Durable Object, returns TestResult[] as JSON
//   GET /smoke                     loads the wasm core through adapters/workers and queries both indexes
import { DurableObjectStore, ready, type DurableObjectSqlStorage } from '../../../../adapters/workers/index.js'
import { runTests } from '../../../portable/index.js'
import { runStoreConformance } from '../../store/store.case.js'
import { queryBothIndexes } from '../wasm-smoke.js'

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
  return queryBothIndexes('Durable Objects keep state at the edge', 'durable state')
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/smoke') return Response.json(await smoke())
    if (url.pathname === '/conformance') return env.STORE_TEST.get(env.STORE_TEST.idFromName('conformance')).fetch(request)
    return new Response('not found', { status: 404 })
  },
}
