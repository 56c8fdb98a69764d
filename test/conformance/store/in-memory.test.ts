import { InMemoryStore } from '../../../runtime/storage/index.js'
import { runStoreConformance } from './store.case.js'

runStoreConformance({ name: 'InMemoryStore', create: async () => new InMemoryStore() })

// 64 KiB values, as Deno KV allows: every blob goes through the chunking path
runStoreConformance({ name: 'InMemoryStore (maxValueBytes 64 KiB)', create: async () => new InMemoryStore({ maxValueBytes: 64 * 1024 }) })
