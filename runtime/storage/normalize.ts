import { invalid, checkBytes, checkDate, checkId, checkIds, checkInt, checkOptionalText, checkString, MAX_KEY_LENGTH, toJson, toJsonObject } from './validate.js'
import type { JsonObject, JsonValue, MessageContent, MessageRole, StoreOp, WorkingMemoryScope } from './types.js'

/**
 * Ops after validation, with ids, times and defaults filled in and JSON deep-copied, so that a
 * backend that re-runs a transaction writes exactly the same values.
 */
export type NormalOp =
  | { type: 'createThread'; id: string; resourceId: string; title: string | null; metadata: JsonObject; createdAt: Date | null; ifExists: 'error' | 'return' }
  | { type: 'updateThread'; threadId: string; resourceId: string; title: string | null | undefined; metadata: JsonObject | undefined }
  | { type: 'deleteThread'; threadId: string; resourceId: string }
  | { type: 'appendMessages'; threadId: string; resourceId: string; messages: NormalMessage[] }
  | { type: 'deleteMessages'; threadId: string; resourceId: string; ids: string[] }
  | { type: 'setWorkingMemory'; target: WorkingMemoryScope; value: string | null }
  | { type: 'putWorkflowRun'; workflowId: string; runId: string; status: string; snapshot: JsonValue; resourceId: string | null | undefined; expectedVersion: number | undefined }
  | { type: 'deleteWorkflowRun'; workflowId: string; runId: string }
  | { type: 'putBlob' | 'appendBlob'; key: string; bytes: Uint8Array }
  | { type: 'deleteBlob'; key: string }

export interface NormalMessage {
  id: string
  role: MessageRole
  content: MessageContent
  createdAt: Date
}

const ROLES: ReadonlySet<string> = new Set(['system', 'user', 'assistant'])

export function checkKey(value: unknown, path: string): string {
  return checkId(value, path, MAX_KEY_LENGTH)
}

export function checkScope(value: unknown, path: string): WorkingMemoryScope {
  const t = value as WorkingMemoryScope | undefined
  if (typeof t !== 'object' || t === null) throw invalid(path, 'must be { scope: "thread", threadId, resourceId } or { scope: "resource", resourceId }.')
  if (t.scope === 'thread') return { scope: 'thread', threadId: checkId(t.threadId, `${path}.threadId`), resourceId: checkId(t.resourceId, `${path}.resourceId`) }
  if (t.scope === 'resource') return { scope: 'resource', resourceId: checkId(t.resourceId, `${path}.resourceId`) }
  throw invalid(`${path}.scope`, `must be "thread" or "resource", got ${JSON.stringify((t as { scope?: unknown }).scope)}.`)
}

function checkContent(value: unknown, path: string): MessageContent {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as MessageContent).parts)) throw invalid(path, 'must be { parts: [...] } (AI SDK UIMessage parts).')
  const json = toJson(value, path) as unknown as MessageContent
  json.parts.forEach((part, i) => {
    if (typeof part !== 'object' || part === null || Array.isArray(part) || typeof part.type !== 'string' || part.type === '') {
      throw invalid(`${path}.parts[${i}]`, 'must be an object with a non-empty string `type`.')
    }
  })
  return json
}

export function normalizeOp(op: StoreOp, path: string, now: Date, newId: () => string): NormalOp {
  if (typeof op !== 'object' || op === null) throw invalid(path, 'must be an op object with a `type`.')
  switch (op.type) {
    case 'createThread':
      return {
        type: op.type,
        id: op.id === undefined ? newId() : checkId(op.id, `${path}.id`),
        resourceId: checkId(op.resourceId, `${path}.resourceId`),
        title: checkOptionalText(op.title, `${path}.title`),
        metadata: toJsonObject(op.metadata, `${path}.metadata`),
        createdAt: op.createdAt === undefined ? null : checkDate(op.createdAt, `${path}.createdAt`),
        ifExists: op.ifExists === undefined || op.ifExists === 'error' ? 'error' : op.ifExists === 'return' ? 'return' : fail(`${path}.ifExists`, 'must be "error" or "return".'),
      }
    case 'updateThread':
      return {
        type: op.type,
        threadId: checkId(op.threadId, `${path}.threadId`),
        resourceId: checkId(op.resourceId, `${path}.resourceId`),
        title: op.title === undefined ? undefined : checkOptionalText(op.title, `${path}.title`),
        metadata: op.metadata === undefined ? undefined : toJsonObject(op.metadata, `${path}.metadata`),
      }
    case 'deleteThread':
      return { type: op.type, threadId: checkId(op.threadId, `${path}.threadId`), resourceId: checkId(op.resourceId, `${path}.resourceId`) }
    case 'appendMessages': {
      if (!Array.isArray(op.messages)) throw invalid(`${path}.messages`, 'must be an array of messages.')
      const seen = new Set<string>()
      const messages = op.messages.map((m, i): NormalMessage => {
        const p = `${path}.messages[${i}]`
        if (typeof m !== 'object' || m === null) throw invalid(p, 'must be a message object.')
        const id = m.id === undefined ? newId() : checkId(m.id, `${p}.id`)
        if (seen.has(id)) throw invalid(`${p}.id`, `repeats id "${id}" within the same op.`)
        seen.add(id)
        if (!ROLES.has(m.role)) throw invalid(`${p}.role`, `must be "system", "user" or "assistant", got ${JSON.stringify(m.role)}.`)
        return { id, role: m.role, content: checkContent(m.content, `${p}.content`), createdAt: m.createdAt === undefined ? now : checkDate(m.createdAt, `${p}.createdAt`) }
      })
      return { type: op.type, threadId: checkId(op.threadId, `${path}.threadId`), resourceId: checkId(op.resourceId, `${path}.resourceId`), messages }
    }
    case 'deleteMessages':
      return { type: op.type, threadId: checkId(op.threadId, `${path}.threadId`), resourceId: checkId(op.resourceId, `${path}.resourceId`), ids: checkIds(op.ids, `${path}.ids`) }
    case 'setWorkingMemory':
      return { type: op.type, target: checkScope(op.target, `${path}.target`), value: op.value === null ? null : checkString(op.value, `${path}.value`) }
    case 'putWorkflowRun':
      return {
        type: op.type,
        workflowId: checkId(op.workflowId, `${path}.workflowId`),
        runId: checkId(op.runId, `${path}.runId`),
        status: checkId(op.status, `${path}.status`, 64),
        snapshot: op.snapshot === undefined ? fail(`${path}.snapshot`, 'is required (JSON).') : toJson(op.snapshot, `${path}.snapshot`),
        resourceId: op.resourceId === undefined ? undefined : op.resourceId === null ? null : checkId(op.resourceId, `${path}.resourceId`),
        expectedVersion: op.expectedVersion === undefined ? undefined : checkInt(op.expectedVersion, `${path}.expectedVersion`, 0, Number.MAX_SAFE_INTEGER),
      }
    case 'deleteWorkflowRun':
      return { type: op.type, workflowId: checkId(op.workflowId, `${path}.workflowId`), runId: checkId(op.runId, `${path}.runId`) }
    case 'putBlob':
    case 'appendBlob':
      // copied now: the caller may reuse its buffer while the write waits for its turn
      return { type: op.type, key: checkKey(op.key, `${path}.key`), bytes: checkBytes(op.bytes, `${path}.bytes`).slice() }
    case 'deleteBlob':
      return { type: op.type, key: checkKey(op.key, `${path}.key`) }
    default:
      throw invalid(`${path}.type`, `is not a store op: ${JSON.stringify((op as { type?: unknown }).type)}.`)
  }
}

function fail(path: string, message: string): never {
  throw invalid(path, message)
}
