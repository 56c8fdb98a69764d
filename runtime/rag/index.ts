// RAG: documents → chunks → embeddings → vector/keyword/hybrid retrieval → cited context.
export type { VectorStore, VectorRecord, VectorQuery, VectorHit, VectorMetric } from './vector-store.js'
export type { MetadataFilter, FieldOperators, FilterScalar } from './filter-types.js'
export { validateFilter, matchesFilter, compileFilter, compareCodePoints } from './filter.js'
export { validateRecords, isStorableString } from './validate-records.js'
export { WasmVectorStore, type WasmVectorStoreOptions } from './wasm-vector-store.js'
export { Document, type DocumentChunk, type DocumentFormat, type DocumentOptions } from './document.js'
export { htmlToText } from './html-to-text.js'
export { extractMetadata, type ExtractMetadataOptions, type MetadataField } from './extract-metadata.js'
export { Retriever, type RetrieverOptions, type RetrieverQueryOptions, type RetrievalHit, type RetrievalMode, type AddOptions } from './retriever.js'
export { llmReranker, type Reranker, type LlmRerankerOptions } from './reranker.js'
export { buildContext, type BuildContextOptions, type RetrievalContext, type Citation, type ContextHit } from './context.js'
export {
  createVectorQueryTool,
  createRetrievalContext,
  type VectorQueryToolOptions,
  type VectorQueryToolInput,
  type VectorQueryToolOutput,
  type RetrievalContextOptions,
} from './vector-query-tool.js'
