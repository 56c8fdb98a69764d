// Public API of the Store port: the interface, the in-memory default, and the SPI for new backends.
export type * from './types.js'
export type {
  StoreBackend,
  StoreReader,
  StoreWriter,
  ThreadRow,
  BlobRow,
  MessageQuery,
  RunQuery,
  ThreadPosition,
  RunPosition,
  WorkingMemoryKind,
} from './backend.js'
export { BackendStore, type BackendStoreOptions } from './backend-store.js'
export { InMemoryStore, type InMemoryStoreOptions } from './in-memory-store.js'
export { blobSegmentKey } from './blob-chunks.js'
export { compareKeys, prefixUpperBound } from './key-order.js'
export { createMutex, type Mutex } from './mutex.js'
export { setWriteFault, type WriteFault } from './fault-injection.js'
