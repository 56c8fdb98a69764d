import { beforeAll } from 'vitest'
import { ready } from '../../helpers/lumos.js'
import { WasmVectorStore } from '../../../runtime/rag/wasm-vector-store.js'
import type { VectorStore } from '../../../runtime/rag/vector-store.js'
import { runVectorStoreConformance } from './vector-store.case.js'

beforeAll(async () => {
  await ready()
})

runVectorStoreConformance('WasmVectorStore', ({ metric, dimensions }) => new WasmVectorStore({ metric, dimensions }))

/** Every store the suite builds is saved and loaded before use: the snapshot must carry everything. */
class Reloading implements VectorStore {
  readonly kind = 'wasm'
  constructor(public inner: WasmVectorStore) {}
  get metric() { return this.inner.metric }
  dimensions() { return this.inner.dimensions() }
  async upsert(records: Parameters<VectorStore['upsert']>[0]) {
    await this.inner.upsert(records)
    const bytes = this.inner.save()
    await this.inner.close()
    this.inner = WasmVectorStore.load(bytes)
  }
  query(q: Parameters<VectorStore['query']>[0]) { return this.inner.query(q) }
  get(ids: string[]) { return this.inner.get(ids) }
  delete(ids: string[]) { return this.inner.delete(ids) }
  deleteWhere(f: Parameters<VectorStore['deleteWhere']>[0]) { return this.inner.deleteWhere(f) }
  count() { return this.inner.count() }
  close() { return this.inner.close() }
}

runVectorStoreConformance('WasmVectorStore (save/load after every upsert)', ({ metric, dimensions }) => new Reloading(new WasmVectorStore({ metric, dimensions })))
