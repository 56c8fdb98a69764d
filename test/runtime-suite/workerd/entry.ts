// The test Worker run by ../workerd.test.ts in workerd (through Miniflare), bundled with `vitest`
// aliased to the portable harness. The runtime suite runs inside a SQLite-backed Durable Object on
// DurableObjectStore; the `lumos ingest` snapshot is bundled as a Data module (an ArrayBuffer).
//   GET /suite  runs the suite, returns TestResult[] as JSON
import snapshot from './docs.lumos'
import { DurableObjectStore, ready, type DurableObjectSqlStorage } from '../../../adapters/workers/index.js'
import { runTests } from '../../portable/index.js'
import { runRuntimeSuite } from '../suite.js'

type Storage = DurableObjectSqlStorage & { deleteAll(): Promise<void> }
interface Namespace {
  idFromName(name: string): unknown
  get(id: unknown): { fetch(req: Request): Promise<Response> }
}

let storage: Storage | undefined
const bound = (): Storage => {
  if (!storage) throw new Error('no Durable Object storage bound')
  return storage
}

runRuntimeSuite({
  runtime: 'workerd',
  async createStore() {
    await bound().deleteAll() // a fresh, empty database
    return new DurableObjectStore(bound())
  },
  reopenStore: async () => new DurableObjectStore(bound()),
  ready: () => ready(),
  snapshot: async () => new Uint8Array(snapshot),
})

export class RuntimeSuiteObject {
  constructor(readonly state: { storage: Storage }) {}
  async fetch(): Promise<Response> {
    storage = this.state.storage
    return Response.json(await runTests())
  }
}

export default {
  async fetch(request: Request, env: { SUITE: Namespace }): Promise<Response> {
    if (new URL(request.url).pathname === '/suite') return env.SUITE.get(env.SUITE.idFromName('runtime-suite')).fetch(request)
    return new Response('not found', { status: 404 })
  },
}
