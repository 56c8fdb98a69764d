import { LumosError } from '../errors.js'
import { splitChunks } from './blob-chunks.js'
import type { BlobRow, StoreWriter, ThreadRow } from './backend.js'
import type { WriteFault } from './fault-injection.js'
import type { NormalOp } from './normalize.js'
import type { BlobInfo, StoredMessage, StoreOp, Thread, WorkflowRun } from './types.js'

/** The write semantics of the Store port, run inside a backend transaction. */
export interface ApplyContext {
  now: Date
  maxValueBytes: number
  fault?: WriteFault
  /** The caller's ops, for the fault hook. */
  original: readonly StoreOp[]
}

export async function applyOps(tx: StoreWriter, ops: readonly NormalOp[], ctx: ApplyContext): Promise<unknown[]> {
  const results: unknown[] = []
  for (let i = 0; i < ops.length; i++) {
    if (ctx.fault) await ctx.fault({ op: ctx.original[i], index: i })
    results.push(await applyOp(tx, ops[i], ctx))
  }
  return results
}

/** Scoping rule shared by reads and writes. */
export function checkThreadAccess(row: ThreadRow | null, threadId: string, resourceId: string): ThreadRow {
  if (row === null) throw new LumosError('THREAD_NOT_FOUND', `Thread "${threadId}" does not exist.`, { details: { threadId, resourceId } })
  if (row.resourceId !== resourceId) {
    throw new LumosError('THREAD_ACCESS_DENIED', `Thread "${threadId}" does not belong to resource "${resourceId}".`, { details: { threadId, resourceId } })
  }
  return row
}

export function toThread(row: ThreadRow): Thread {
  return { id: row.id, resourceId: row.resourceId, title: row.title, metadata: row.metadata, createdAt: row.createdAt, updatedAt: row.updatedAt }
}

export function toBlobInfo(row: BlobRow): BlobInfo {
  return { key: row.key, size: row.size, segments: row.segments, updatedAt: row.updatedAt }
}

function conflict(workflowId: string, runId: string, expectedVersion: number | undefined, actualVersion: number): LumosError {
  return new LumosError(
    'STORE_VERSION_CONFLICT',
    `Workflow run "${workflowId}/${runId}" is at version ${actualVersion}, not the expected ${expectedVersion}.`,
    { details: { workflowId, runId, expectedVersion, actualVersion } },
  )
}

async function applyOp(tx: StoreWriter, op: NormalOp, ctx: ApplyContext): Promise<unknown> {
  const { now } = ctx
  switch (op.type) {
    case 'createThread': {
      const createdAt = op.createdAt ?? now
      const row: ThreadRow = { id: op.id, resourceId: op.resourceId, title: op.title, metadata: op.metadata, createdAt, updatedAt: createdAt, lastSeq: 0 }
      // A concurrent creator may win between the check and the insert: then treat it as existing.
      const existing = (await tx.getThread(op.id)) ?? ((await tx.insertThread(row)) ? null : await tx.getThread(op.id))
      if (existing === null) return toThread(row)
      checkThreadAccess(existing, op.id, op.resourceId)
      if (op.ifExists === 'return') return toThread(existing)
      throw new LumosError('THREAD_ALREADY_EXISTS', `Thread "${op.id}" already exists.`, { details: { threadId: op.id, resourceId: op.resourceId } })
    }
    case 'updateThread': {
      const row = checkThreadAccess(await tx.getThread(op.threadId), op.threadId, op.resourceId)
      const next: ThreadRow = { ...row, title: op.title === undefined ? row.title : op.title, metadata: op.metadata ?? row.metadata, updatedAt: now }
      await tx.updateThread(next)
      return toThread(next)
    }
    case 'deleteThread': {
      checkThreadAccess(await tx.getThread(op.threadId), op.threadId, op.resourceId)
      await tx.deleteThreadMessages(op.threadId)
      await tx.setWorkingMemory('thread', op.threadId, null, now)
      await tx.deleteThread(op.threadId)
      return undefined
    }
    case 'appendMessages': {
      const row = checkThreadAccess(await tx.getThread(op.threadId), op.threadId, op.resourceId)
      if (op.messages.length === 0) return []
      const taken = await tx.existingMessageIds(op.messages.map((m) => m.id))
      if (taken.length > 0) {
        throw new LumosError('MESSAGE_ALREADY_EXISTS', `Message id${taken.length > 1 ? 's' : ''} ${taken.map((id) => `"${id}"`).join(', ')} already stored.`, { details: { ids: taken, threadId: op.threadId } })
      }
      const rows: StoredMessage[] = op.messages.map((m, i) => ({
        id: m.id,
        threadId: op.threadId,
        resourceId: op.resourceId,
        role: m.role,
        content: m.content,
        createdAt: m.createdAt,
        seq: row.lastSeq + 1 + i,
      }))
      await tx.insertMessages(rows)
      await tx.updateThread({ ...row, lastSeq: row.lastSeq + rows.length, updatedAt: now })
      return rows
    }
    case 'deleteMessages': {
      const row = checkThreadAccess(await tx.getThread(op.threadId), op.threadId, op.resourceId)
      if (op.ids.length === 0) return 0
      const deleted = await tx.deleteMessages(op.threadId, op.ids)
      if (deleted > 0) await tx.updateThread({ ...row, updatedAt: now })
      return deleted
    }
    case 'setWorkingMemory': {
      const t = op.target
      if (t.scope === 'thread') checkThreadAccess(await tx.getThread(t.threadId), t.threadId, t.resourceId)
      await tx.setWorkingMemory(t.scope, t.scope === 'thread' ? t.threadId : t.resourceId, op.value, now)
      return undefined
    }
    case 'putWorkflowRun': {
      let current = await tx.getWorkflowRun(op.workflowId, op.runId)
      const actual = current?.version ?? 0
      if (op.expectedVersion !== undefined && op.expectedVersion !== actual) throw conflict(op.workflowId, op.runId, op.expectedVersion, actual)
      if (current === null) {
        const row: WorkflowRun = { workflowId: op.workflowId, runId: op.runId, resourceId: op.resourceId ?? null, status: op.status, snapshot: op.snapshot, version: 1, createdAt: now, updatedAt: now }
        if (await tx.insertWorkflowRun(row)) return row
        // A concurrent writer created it first: a conditional put lost; an unconditional one overwrites.
        current = await tx.getWorkflowRun(op.workflowId, op.runId)
        if (op.expectedVersion !== undefined || current === null) throw conflict(op.workflowId, op.runId, op.expectedVersion, current?.version ?? 1)
      }
      const row: WorkflowRun = {
        ...current,
        resourceId: op.resourceId === undefined ? current.resourceId : op.resourceId,
        status: op.status,
        snapshot: op.snapshot,
        version: current.version + 1,
        updatedAt: now,
      }
      if (!(await tx.updateWorkflowRun(row, current.version))) throw conflict(op.workflowId, op.runId, op.expectedVersion, current.version + 1)
      return row
    }
    case 'deleteWorkflowRun':
      return tx.deleteWorkflowRun(op.workflowId, op.runId)
    case 'putBlob':
    case 'appendBlob': {
      const current = await tx.getBlob(op.key)
      const chunks = splitChunks(op.bytes, ctx.maxValueBytes)
      let row: BlobRow
      if (op.type === 'appendBlob' && current !== null) {
        await tx.putBlobChunks(op.key, current.chunks, chunks)
        row = { key: op.key, size: current.size + op.bytes.byteLength, segments: current.segments + 1, chunks: current.chunks + chunks.length, updatedAt: now }
      } else {
        if (current !== null) await tx.deleteBlobChunks(op.key)
        await tx.putBlobChunks(op.key, 0, chunks)
        row = { key: op.key, size: op.bytes.byteLength, segments: 1, chunks: chunks.length, updatedAt: now }
      }
      await tx.putBlobRow(row)
      return toBlobInfo(row)
    }
    case 'deleteBlob': {
      if ((await tx.getBlob(op.key)) === null) return false
      await tx.deleteBlobChunks(op.key)
      await tx.deleteBlobRow(op.key)
      return true
    }
  }
}
