import type { LanguageModelV3, LanguageModelV3FunctionTool, LanguageModelV3Message, SharedV3Warning } from '@ai-sdk/provider'
import type { GenerateResult } from '../agent/types.js'
import { LumosError } from '../errors.js'
import type { JsonObject, LoadedContext, NewMessage, StoredMessage, StoreOp } from '../storage/types.js'
import type { Tool } from '../tools/tool.js'
import { usableVector } from './embed.js'
import { trimHistory } from './history.js'
import type { Memory } from './memory.js'
import type { RecallIndex } from './recall-index.js'
import { encodeSegment, type RecallEntry } from './recall-segment.js'
import { generateTitle } from './title.js'
import type { UIMessage } from './types.js'
import { messageText, modelToUIMessages, truncate, uiToModelMessages } from './ui-message.js'
import { createWorkingMemoryTool, workingMemoryInstructions } from './working-memory.js'

export interface TurnInput {
  threadId: string
  resourceId: string
  title?: string
  metadata?: JsonObject
  /** The new messages of this turn in UI form (ids kept; messages already stored are filtered out here). */
  messages: UIMessage[]
  abortSignal?: AbortSignal
}

/**
 * One agent turn against memory: `begin` did the reads (loadContext + at most one getMessages for
 * recall), the agent run happens outside, `commit` does the single batched write.
 */
export class MemoryTurn {
  readonly warnings: SharedV3Warning[] = []
  /** System messages to add after the agent's instructions (working memory, recalled messages). */
  readonly system: LanguageModelV3Message[] = []
  /** The trimmed history, as provider messages. */
  history: LanguageModelV3Message[] = []
  /** The turn's new messages after dropping ones already stored (useChat resends the whole chat). */
  input: UIMessage[] = []
  /** True when `input` differs from what the caller passed (the prompt must be rebuilt from it). */
  inputChanged = false
  tool: { tool: Tool; definition: LanguageModelV3FunctionTool } | undefined
  readonly #memory: Memory
  readonly #args: TurnInput
  #loaded!: LoadedContext
  #workingMemory: string | undefined
  #index: RecallIndex | undefined
  #queryVector: Float32Array | undefined
  #queryMessageId: string | undefined

  constructor(memory: Memory, args: TurnInput) {
    this.#memory = memory
    this.#args = args
  }

  /** Reads: one loadContext, plus one getMessages when recall finds something (plus a cold index load). */
  async begin(): Promise<void> {
    const m = this.#memory
    const o = m.resolved
    const { threadId, resourceId } = this.#args
    const loaded = await m.store.loadContext({ threadId, resourceId, lastMessages: o.lastMessages, workingMemory: o.workingMemory?.scope ?? 'none' })
    this.#loaded = loaded
    const storedIds = new Set(loaded.messages.map((x) => x.id))
    // useChat resends the whole chat. The newest stored message (the last assistant reply, whose id
    // is the run id the client also got) is in the loaded window, so everything up to the last input
    // message found there is old, even messages older than the window.
    let lastStored = -1
    this.#args.messages.forEach((x, i) => {
      if (storedIds.has(x.id)) lastStored = i
    })
    this.input = this.#args.messages.slice(lastStored + 1).filter((x) => !storedIds.has(x.id))
    this.inputChanged = this.input.length !== this.#args.messages.length
    const kept = trimHistory(loaded.messages, o.maxTokens, o.maxToolOutputChars)
    this.history = uiToModelMessages(
      kept.map((x) => ({ role: x.role, parts: x.content.parts })),
      { maxToolOutputChars: o.maxToolOutputChars },
    )

    const wm = o.workingMemory
    if (wm !== undefined) {
      this.system.push({ role: 'system', content: workingMemoryInstructions(wm, loaded.workingMemory) })
      this.tool = createWorkingMemoryTool(wm, (value) => {
        this.#workingMemory = value
      })
    }

    if (o.recall !== undefined) await this.#recall(kept, loaded.messages)
  }

  async #recall(kept: StoredMessage[], loadedMessages: StoredMessage[]): Promise<void> {
    const m = this.#memory
    const r = m.resolved.recall!
    const { threadId, resourceId } = this.#args
    const lastUser = [...this.input].reverse().find((x) => x.role === 'user')
    try {
      this.#index = await m.recallIndex(r.scope, resourceId, threadId, loadedMessages)
    } catch (error) {
      this.warnings.push({ type: 'other', message: `Semantic recall skipped: the recall index could not be loaded (${errorText(error)}).` })
      return
    }
    if (this.#index.corruptAt !== undefined) {
      this.warnings.push({ type: 'other', message: `The recall index blob '${this.#index.key}' has a damaged tail at byte ${this.#index.corruptAt}; messages indexed after it are not recalled, and the blob is rewritten by this turn.` })
    }
    const text = lastUser ? messageText(lastUser.parts) : ''
    if (text === '') return
    let vector: Float32Array
    try {
      ;[vector] = await m.embed([text], this.#args.abortSignal)
    } catch (error) {
      this.warnings.push({ type: 'other', message: `Semantic recall skipped: ${errorText(error)}` })
      return
    }
    if (!usableVector(vector)) return
    this.#queryVector = vector
    this.#queryMessageId = lastUser!.id
    const exclude = new Set(kept.map((x) => x.id))
    const ids = this.#index.search(vector, r.topK, r.before, r.after, exclude)
    if (ids.length === 0) return
    let found: StoredMessage[]
    try {
      found = await m.store.getMessages({ resourceId, threadId: r.scope === 'thread' ? threadId : undefined, ids })
    } catch (error) {
      this.warnings.push({ type: 'other', message: `Semantic recall skipped: reading the recalled messages failed (${errorText(error)}).` })
      return
    }
    if (found.length === 0) return
    const byId = new Map(found.map((x) => [x.id, x]))
    const lines: string[] = []
    for (const id of ids) {
      const msg = byId.get(id)
      if (msg === undefined) continue
      const body = renderForRecall(msg, m.resolved.maxToolOutputChars)
      if (body !== '') lines.push(`[${msg.createdAt.toISOString()}${msg.threadId !== threadId ? ` · thread ${msg.threadId}` : ''}] ${msg.role}: ${body}`)
    }
    if (lines.length > 0) {
      this.system.push({ role: 'system', content: `Messages recalled from earlier in the conversation history (by relevance to the user's message; use them if helpful):\n${lines.join('\n')}` })
    }
  }

  /** The one write of the turn. Throws MEMORY_TURN_FAILED (cause = the store error) and stores nothing then. */
  async commit(result: GenerateResult, assistantId: string, model: LanguageModelV3): Promise<void> {
    const m = this.#memory
    const o = m.resolved
    const { threadId, resourceId } = this.#args
    const loaded = this.#loaded
    const response = modelToUIMessages(result.response.messages)
    // System messages of the input are per-call instructions, not conversation: not stored.
    const newMessages: UIMessage[] = this.input.filter((x) => x.role !== 'system')
    response.forEach((x, i) => newMessages.push({ id: i === 0 ? assistantId : `${assistantId}_${i}`, role: x.role, parts: x.parts }))

    let title: string | undefined
    if (o.title !== undefined && (loaded.thread === null || loaded.thread.title === null) && loaded.messages.length === 0 && this.#args.title === undefined) {
      const userText = this.input.map((x) => (x.role === 'user' ? messageText(x.parts) : '')).join('\n').trim()
      if (userText !== '') {
        try {
          title = await generateTitle(o.title.model ?? model, userText, o.title.instructions, this.#args.abortSignal)
        } catch (error) {
          this.warnings.push({ type: 'other', message: `Thread title not generated: ${errorText(error)}` })
        }
      }
    }

    // Recall entries: the query vector is reused for the user message; the rest is embedded in one batch.
    let segment: { entries: RecallEntry[]; bytes: Uint8Array; compact: boolean } | undefined
    const index = this.#index
    if (index !== undefined) {
      const entries: RecallEntry[] = newMessages.map((x) => ({ id: x.id, threadId }))
      const todo: number[] = []
      newMessages.forEach((x, i) => {
        if (x.id === this.#queryMessageId && this.#queryVector) entries[i].vector = this.#queryVector
        else if (messageText(x.parts) !== '') todo.push(i)
      })
      if (todo.length > 0) {
        try {
          const vectors = await m.embed(todo.map((i) => messageText(newMessages[i].parts)), this.#args.abortSignal)
          todo.forEach((i, j) => {
            if (usableVector(vectors[j])) entries[i].vector = vectors[j]
          })
        } catch (error) {
          this.warnings.push({ type: 'other', message: `New messages were stored without recall embeddings: ${errorText(error)}` })
        }
      }
      let dims = index.dims
      for (const e of entries) {
        if (e.vector === undefined) continue
        if (dims === 0) dims = e.vector.length
        if (e.vector.length !== dims) e.vector = undefined
      }
      const bytes = encodeSegment({ kind: 'entries', dims, entries })
      let base: Uint8Array | undefined
      if (index.corruptAt !== undefined || index.segments + 1 > o.recall!.compactEvery) {
        // Compaction re-reads the blob (one extra read every `compactEvery` turns) instead of keeping
        // every vector in JS memory; if that read fails, this turn just appends.
        try {
          base = index.compact(await m.store.getBlob(index.key))
        } catch {
          base = undefined
        }
      }
      segment = { entries, bytes: base ? concat(base, bytes) : bytes, compact: base !== undefined }
    }

    const ops: StoreOp[] = []
    if (loaded.thread === null) {
      ops.push({ type: 'createThread', id: threadId, resourceId, title: this.#args.title ?? title ?? null, metadata: this.#args.metadata ?? {}, ifExists: 'return' })
    }
    if (newMessages.length > 0) ops.push({ type: 'appendMessages', threadId, resourceId, messages: newMessages.map(toNewMessage) })
    if (loaded.thread !== null && title !== undefined) ops.push({ type: 'updateThread', threadId, resourceId, title })
    if (this.#workingMemory !== undefined && this.#workingMemory !== loaded.workingMemory) {
      const scope = o.workingMemory!.scope
      ops.push({ type: 'setWorkingMemory', target: scope === 'thread' ? { scope: 'thread', threadId, resourceId } : { scope: 'resource', resourceId }, value: this.#workingMemory })
    }
    if (segment !== undefined && index !== undefined) ops.push({ type: segment.compact ? 'putBlob' : 'appendBlob', key: index.key, bytes: segment.bytes })
    try {
      await m.store.batch(ops)
    } catch (cause) {
      throw new LumosError('MEMORY_TURN_FAILED', `Saving the turn to thread '${threadId}' failed; nothing of it was stored: ${errorText(cause)}`, { cause, details: { threadId, resourceId } })
    }
    if (segment !== undefined && index !== undefined) {
      index.apply({ kind: 'entries', dims: index.dims || firstDims(segment.entries), entries: segment.entries })
      index.segments = segment.compact ? 2 : index.segments + 1
      index.corruptAt = undefined
    }
  }
}

function firstDims(entries: RecallEntry[]): number {
  return entries.find((e) => e.vector)?.vector?.length ?? 0
}

function toNewMessage(x: UIMessage): NewMessage {
  const content: NewMessage['content'] = { parts: x.parts }
  if (x.metadata !== undefined) content.metadata = x.metadata
  return { id: x.id, role: x.role, content }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function renderForRecall(msg: StoredMessage, maxToolOutputChars: number): string {
  const out: string[] = []
  for (const p of msg.content.parts) {
    if (p.type === 'text' && typeof p.text === 'string') out.push(p.text)
    else if ((p.type.startsWith('tool-') || p.type === 'dynamic-tool') && (p.state === 'output-available' || p.state === 'output-error')) {
      const name = p.type === 'dynamic-tool' ? String(p.toolName) : p.type.slice(5)
      const result = p.state === 'output-error' ? `error: ${String(p.errorText)}` : typeof p.output === 'string' ? p.output : JSON.stringify(p.output)
      out.push(`(tool ${name}(${JSON.stringify(p.input ?? {})}) -> ${truncate(result, Math.min(maxToolOutputChars, 2000))})`)
    }
  }
  return out.join(' ')
}

function errorText(error: unknown): string {
  if (LumosError.isInstance(error)) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}
