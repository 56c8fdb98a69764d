// Embedding port and helpers. Embedders (lexical, local, OpenAI-compatible) add their exports here.
export type { EmbeddingModel, EmbedderInput, EmbedManyOptions, EmbedManyResult } from './types.js'
export { resolveEmbedder, embedMany } from './embed.js'
export { openaiCompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from './openai-compatible-embedder.js'
export { localEmbedder, type LocalEmbedder, type LocalEmbedderOptions } from './local-embedder.js'
export { lexicalEmbedder, DEFAULT_LEXICAL_DIMENSIONS, type LexicalEmbedder, type LexicalEmbedderOptions } from './lexical-embedder.js'
