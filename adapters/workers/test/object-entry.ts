// Test Worker for ../worker-object.test.ts (bundled by esbuild, run in workerd through Miniflare):
// createWorkerHandler + a subclass of createAgentObject's class with two test-only routes.
//   /__obj/<name>/alarm  the object's scheduled alarm      /__obj/<name>/seed  a run left sleeping by an evicted object
//   /__snapshot?q=...    loads docs.lumos from the [assets] binding and queries it
import {
  Agent,
  createAgentObject,
  createStep,
  createWorkerHandler,
  createWorkflow,
  DurableObjectStore,
  InMemoryStore,
  lexicalEmbedder,
  loadSnapshotBytes,
  Memory,
  offlineAnswerer,
  Retriever,
  type DurableObjectNamespaceLike,
  type DurableObjectStateLike,
  type FetcherLike,
  type WorkerAppOptions,
} from '../index.js'

interface Env {
  LUMOS_OBJECT: DurableObjectNamespaceLike
  ASSETS: FetcherLike
}

let docs: Promise<Retriever> | undefined

const double = createStep({ id: 'double', execute: async ({ inputData }: { inputData: { n: number } }) => ({ n: inputData.n * 2 }) })
const addOne = createStep({ id: 'add-one', execute: async ({ inputData }: { inputData: { n: number } }) => ({ n: inputData.n + 1 }) })
const nap = createWorkflow({ id: 'nap' }).then(double).sleep(1500).then(addOne).commit()

const options: WorkerAppOptions<Env> = {
  agents: ({ store }) => ({ helper: new Agent({ id: 'helper', model: offlineAnswerer(), ...(store ? { memory: new Memory({ store }) } : {}) }) }),
  workflows: { nap },
}

const handler = createWorkerHandler(options)

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/__snapshot') {
      // cold start: read the snapshot once per isolate from the static assets
      docs ??= loadSnapshotBytes({ assets: env.ASSETS, path: '/docs.lumos' }).then((bytes) => Retriever.load(bytes, { embedder: lexicalEmbedder() }))
      return docs.then(async (r) => Response.json((await r.query(url.searchParams.get('q') ?? '', { topK: 3 })).map((h) => h.metadata.source)))
    }
    const m = /^\/__obj\/([^/]+)\//.exec(url.pathname)
    if (m) return env.LUMOS_OBJECT.get(env.LUMOS_OBJECT.idFromName(decodeURIComponent(m[1]))).fetch(request)
    return handler.fetch(request, env)
  },
}

const Base = createAgentObject(options)

export class LumosAgentObject extends Base {
  readonly state: DurableObjectStateLike
  constructor(ctx: DurableObjectStateLike, env: Env) {
    super(ctx, env)
    this.state = ctx
  }

  override async fetch(request: Request): Promise<Response> {
    const { pathname, searchParams } = new URL(request.url)
    if (pathname.endsWith('/alarm')) return Response.json({ alarm: await this.state.storage.getAlarm(), name: pathname })
    if (pathname.endsWith('/seed')) {
      // what an evicted object leaves behind: a 'running' snapshot with a wake time, and its alarm
      const runId = searchParams.get('runId') ?? 'seeded'
      const scratch = new InMemoryStore()
      const controller = new AbortController()
      const run = await nap.createRun({ store: scratch, runId })
      const started = run.start({ inputData: { n: 2 }, abortSignal: controller.signal }).catch(() => undefined)
      let stored = await scratch.getWorkflowRun({ workflowId: 'nap', runId })
      while (!stored || !JSON.stringify(stored.snapshot).includes('wakeAt')) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        stored = await scratch.getWorkflowRun({ workflowId: 'nap', runId })
      }
      const raw = new DurableObjectStore(this.state.storage)
      await raw.putWorkflowRun({ workflowId: 'nap', runId, status: stored.status, snapshot: stored.snapshot, resourceId: stored.resourceId })
      controller.abort()
      await started
      const wakeAt = Number(/"wakeAt":(\d+)/.exec(JSON.stringify(stored.snapshot))?.[1])
      await this.state.storage.setAlarm(wakeAt)
      return Response.json({ runId, status: stored.status, wakeAt })
    }
    return super.fetch(request)
  }
}
