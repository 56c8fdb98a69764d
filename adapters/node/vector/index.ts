// Node vector stores. The `postgres` driver is imported inside connect(), so importing lumosai/node does not load it.
export { PgVectorStore, type PgVectorHnswOptions, type PgVectorStoreOptions } from './pgvector-store.js'
