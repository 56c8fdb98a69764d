// Test doubles for memory: a deterministic bag-of-words embedder and a Store proxy that counts round trips.
import type { EmbeddingModelV3 } from '@ai-sdk/provider'
import type { Store } from '../../../runtime/storage/types.js'

const DIMS = 64

function hash(word: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193)
  return (h >>> 0) % DIMS
}

const STOP = new Set(['the', 'a', 'an', 'is', 'my', 'i', 'what', 'do', 'you', 'to', 'of', 'and', 'me', 'about', 'tell', 'it', 'that', 'ok', 'noted', 'like'])

/** Bag-of-words hashing embedder (64 dims): texts sharing content words are similar. */
export function bowVector(text: string): number[] {
  const v: number[] = new Array<number>(DIMS).fill(0)
  for (const w of text.toLowerCase().split(/[^a-z0-9]+/)) if (w && !STOP.has(w)) v[hash(w)] += 1
  if (!v.some((x) => x !== 0)) v[DIMS - 1] = 0.01
  return v
}

export interface FakeEmbedder extends EmbeddingModelV3 {
  calls: string[][]
  fail: Error | undefined
}

export function createBowEmbedder(): FakeEmbedder {
  const e: FakeEmbedder = {
    specificationVersion: 'v3',
    provider: 'test',
    modelId: 'bow-64',
    maxEmbeddingsPerCall: 256,
    supportsParallelCalls: true,
    calls: [],
    fail: undefined,
    async doEmbed({ values }) {
      e.calls.push(values)
      if (e.fail) throw e.fail
      return { embeddings: values.map(bowVector), warnings: [] }
    },
  }
  return e
}

export interface Counts {
  reads: number
  writes: number
  calls: string[]
}

const WRITES = new Set(['batch', 'createThread', 'updateThread', 'deleteThread', 'appendMessages', 'deleteMessages', 'setWorkingMemory', 'putWorkflowRun', 'deleteWorkflowRun', 'putBlob', 'appendBlob', 'deleteBlob'])

/** Every Store method call is one round trip (one transaction); internal calls of the store are not seen. */
export function countingStore(store: Store): { store: Store; counts: Counts; reset(): void } {
  const counts: Counts = { reads: 0, writes: 0, calls: [] }
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function' || prop === 'close' || typeof prop !== 'string') return value
      return (...args: unknown[]) => {
        counts.calls.push(prop)
        if (WRITES.has(prop)) counts.writes++
        else counts.reads++
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return {
    store: proxy,
    counts,
    reset() {
      counts.reads = 0
      counts.writes = 0
      counts.calls.length = 0
    },
  }
}
