import type { LanguageModelV3 } from '@ai-sdk/provider'
import type { EmbedderInput } from '../embeddings/types.js'
import type { StandardSchemaV1 } from '../schema/standard-schema.js'
import type { JsonObject, JsonValue, MessagePart, Store } from '../storage/types.js'

export interface SemanticRecallOptions {
  /** How many similar messages to recall (default 4). */
  topK?: number
  /** Neighbours fetched around each hit, in the same thread (default { before: 1, after: 1 }). */
  messageRange?: number | { before?: number; after?: number }
  /** Search this thread only (default) or every thread of the resource. */
  scope?: 'thread' | 'resource'
  /** Rewrite the index blob as one base snapshot after this many appended segments (default 64). */
  compactEvery?: number
  /**
   * In-memory vector precision: 'int8' (default: 1 byte per dimension, ~4x less wasm memory and ~3x
   * faster scans; 100k x 384-dim searched in single-digit ms) or 'none' (exact f32 scores).
   * The blob always stores f32, so this can change at any time.
   */
  quantization?: 'int8' | 'none'
}

export interface WorkingMemoryOptions {
  enabled: boolean
  /** Markdown the model keeps filled in; its headings and `- Field:` lines must survive every update. */
  template?: string
  /** A Standard Schema (zod, valibot, jsonSchema()) the value must satisfy; stored as JSON. */
  schema?: StandardSchemaV1
  /** Per thread, or shared by all threads of the resource (default 'resource'). */
  scope?: 'thread' | 'resource'
}

export interface MemoryOptions {
  /** Newest messages loaded per turn (default 20; 0 = no history). */
  lastMessages?: number
  /** Token budget of the loaded history (estimate: ceil(chars / 4)); oldest messages are dropped first. */
  messageHistory?: { maxTokens?: number }
  /** Needs an `embedder`. `true` = defaults. */
  semanticRecall?: boolean | SemanticRecallOptions
  workingMemory?: WorkingMemoryOptions
  /** Generate a thread title after the first turn (with the agent's model, or `model`). */
  generateTitle?: boolean | { model?: LanguageModelV3; instructions?: string }
  /** Tool outputs longer than this are truncated in the prompt (stored whole). Default 8000 chars. */
  maxToolOutputChars?: number
}

export interface MemoryConfig {
  store: Store
  embedder?: EmbedderInput
  options?: MemoryOptions
}

/** An AI SDK `UIMessage` (what `useChat` keeps): id, role, parts, metadata. */
export interface UIMessage {
  id: string
  role: 'system' | 'user' | 'assistant'
  parts: MessagePart[]
  metadata?: JsonValue
}

/** `memory` option of generate()/stream(). */
export interface MemoryRunOptions {
  /** Thread id, or an object whose title/metadata are used when the thread is created. */
  thread: string | { id: string; title?: string; metadata?: JsonObject }
  /** The owner of the thread (user, org). */
  resource: string
}
