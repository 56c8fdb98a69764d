import { LumosError } from '../../errors.js'
import type { JsonObject, Store, WorkingMemoryScope } from '../../storage/types.js'
import { jsonResponse } from '../http-error.js'
import { ref } from '../schemas.js'
import type { AppDeps, QueryParam, RouteDef } from '../types.js'
import { optionalEnum, optionalObject, optionalString, queryInt, queryString, requireString } from '../validate.js'

function storeOf(deps: AppDeps): Store {
  if (deps.store === undefined) throw new LumosError('FEATURE_NOT_CONFIGURED', 'This server has no store: threads, messages and working memory are unavailable.', { details: { option: 'store' } })
  return deps.store
}

const resourceQuery: QueryParam = { name: 'resourceId', required: true, schema: { type: 'string' }, description: 'The owner of the thread (threads are scoped per resource).' }
const pageQuery: QueryParam[] = [
  { name: 'cursor', schema: { type: 'string' } },
  { name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
]
const scopeSchema = { enum: ['thread', 'resource'] }
const thread = ref('Thread')

function metadataOf(body: Record<string, unknown>): JsonObject | undefined {
  return optionalObject(body.metadata, 'metadata') as JsonObject | undefined
}

function titleOf(body: Record<string, unknown>): string | null | undefined {
  if (body.title === null) return null
  if (body.title === undefined) return undefined
  if (typeof body.title !== 'string') throw new LumosError('REQUEST_INVALID', '`title` must be a string or null.', { details: { param: 'title' } })
  return body.title
}

function scopeTarget(scope: 'thread' | 'resource' | undefined, threadId: string, resourceId: string): WorkingMemoryScope {
  return scope === 'resource' ? { scope: 'resource', resourceId } : { scope: 'thread', threadId, resourceId }
}

export const threadRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/threads',
    operationId: 'listThreads',
    summary: "A resource's threads, most recently updated first.",
    tag: 'memory',
    query: [resourceQuery, ...pageQuery],
    responses: { 200: { description: 'A page of threads.', schema: ref('ThreadPage') } },
    handler: async ({ deps, query }) =>
      jsonResponse(200, await storeOf(deps).listThreads({ resourceId: queryString(query, 'resourceId', true), cursor: queryString(query, 'cursor'), limit: queryInt(query, 'limit', 1, 1000) })),
  },
  {
    method: 'post',
    path: '/api/threads',
    operationId: 'createThread',
    summary: 'Create a thread.',
    tag: 'memory',
    body: { type: 'object', properties: { resourceId: { type: 'string' }, id: { type: 'string' }, title: { type: ['string', 'null'] }, metadata: { type: 'object' } }, required: ['resourceId'] },
    responses: { 201: { description: 'The new thread.', schema: thread } },
    handler: async ({ deps, json }) => {
      const body = await json()
      const created = await storeOf(deps).createThread({ resourceId: requireString(body.resourceId, 'resourceId'), id: optionalString(body.id, 'id'), title: titleOf(body), metadata: metadataOf(body) })
      return jsonResponse(201, created)
    },
  },
  {
    method: 'get',
    path: '/api/threads/:threadId',
    operationId: 'getThread',
    summary: 'One thread.',
    tag: 'memory',
    query: [resourceQuery],
    responses: { 200: { description: 'The thread.', schema: thread } },
    handler: async ({ deps, params, query }) => jsonResponse(200, await storeOf(deps).getThread({ threadId: params.threadId, resourceId: queryString(query, 'resourceId', true) })),
  },
  {
    method: 'patch',
    path: '/api/threads/:threadId',
    operationId: 'updateThread',
    summary: 'Change the title or replace the metadata of a thread.',
    tag: 'memory',
    body: { type: 'object', properties: { resourceId: { type: 'string' }, title: { type: ['string', 'null'] }, metadata: { type: 'object' } }, required: ['resourceId'] },
    responses: { 200: { description: 'The updated thread.', schema: thread } },
    handler: async ({ deps, params, json }) => {
      const body = await json()
      const updated = await storeOf(deps).updateThread({ threadId: params.threadId, resourceId: requireString(body.resourceId, 'resourceId'), title: titleOf(body), metadata: metadataOf(body) })
      return jsonResponse(200, updated)
    },
  },
  {
    method: 'delete',
    path: '/api/threads/:threadId',
    operationId: 'deleteThread',
    summary: 'Delete a thread, its messages and its thread working memory.',
    tag: 'memory',
    query: [resourceQuery],
    responses: { 200: { description: 'Deleted.', schema: { type: 'object', properties: { deleted: { const: true } }, required: ['deleted'] } } },
    handler: async ({ deps, params, query }) => {
      await storeOf(deps).deleteThread({ threadId: params.threadId, resourceId: queryString(query, 'resourceId', true) })
      return jsonResponse(200, { deleted: true })
    },
  },
  {
    method: 'get',
    path: '/api/threads/:threadId/messages',
    operationId: 'listMessages',
    summary: "A page of a thread's messages (ascending by seq; `backward` starts at the newest).",
    tag: 'memory',
    query: [resourceQuery, ...pageQuery, { name: 'direction', schema: { enum: ['forward', 'backward'] } }],
    responses: { 200: { description: 'A page of messages.', schema: ref('MessagePage') } },
    handler: async ({ deps, params, query }) =>
      jsonResponse(
        200,
        await storeOf(deps).listMessages({
          threadId: params.threadId,
          resourceId: queryString(query, 'resourceId', true),
          cursor: queryString(query, 'cursor'),
          limit: queryInt(query, 'limit', 1, 1000),
          direction: optionalEnum(query.get('direction'), 'direction', ['forward', 'backward'] as const),
        }),
      ),
  },
  {
    method: 'get',
    path: '/api/threads/:threadId/recall',
    operationId: 'recallMessages',
    summary: "Messages semantic recall finds for `query` in the thread's recall scope (the memory of `agentId`, default: the first agent with recall).",
    tag: 'memory',
    query: [
      resourceQuery,
      { name: 'query', required: true, schema: { type: 'string' } },
      { name: 'agentId', schema: { type: 'string' } },
      { name: 'topK', schema: { type: 'integer', minimum: 1, maximum: 100 } },
    ],
    responses: { 200: { description: 'The agent whose memory was searched and the recalled messages.', schema: { type: 'object', properties: { agentId: { type: 'string' }, items: { type: 'array', items: ref('StoredMessage') } }, required: ['agentId', 'items'] } } },
    handler: async ({ req, deps, params, query }) => {
      const resourceId = queryString(query, 'resourceId', true)
      const text = queryString(query, 'query', true)
      const agentId = queryString(query, 'agentId')
      const withRecall = [...deps.agents.values()].filter((a) => a.memory?.resolved.recall !== undefined)
      const agent = agentId === undefined ? withRecall[0] : withRecall.find((a) => a.id === agentId)
      if (agent === undefined) {
        throw new LumosError('FEATURE_NOT_CONFIGURED', agentId === undefined ? 'No agent of this server has memory with semantic recall.' : `Agent '${agentId}' does not exist or has no semantic recall.`, { details: { option: 'semanticRecall', agentId } })
      }
      const memory = agent.memory!
      // Tenant check first: a thread of another resource is THREAD_ACCESS_DENIED, not an empty result.
      await memory.getThread({ threadId: params.threadId, resourceId })
      const items = await memory.recall({ threadId: params.threadId, resourceId, query: text, topK: queryInt(query, 'topK', 1, 100), abortSignal: req.signal })
      return jsonResponse(200, { agentId: agent.id, items })
    },
  },
  {
    method: 'get',
    path: '/api/threads/:threadId/working-memory',
    operationId: 'getWorkingMemory',
    summary: 'The working memory of the thread (or of its resource with scope=resource).',
    tag: 'memory',
    query: [resourceQuery, { name: 'scope', schema: scopeSchema }],
    responses: { 200: { description: 'The value (null when unset).', schema: ref('WorkingMemory') } },
    handler: async ({ deps, params, query }) => {
      const scope = optionalEnum(query.get('scope'), 'scope', ['thread', 'resource'] as const)
      const value = await storeOf(deps).getWorkingMemory(scopeTarget(scope, params.threadId, queryString(query, 'resourceId', true)))
      return jsonResponse(200, { value })
    },
  },
  {
    method: 'put',
    path: '/api/threads/:threadId/working-memory',
    operationId: 'setWorkingMemory',
    summary: 'Set (or with null, delete) the working memory.',
    tag: 'memory',
    body: { type: 'object', properties: { resourceId: { type: 'string' }, scope: scopeSchema, value: { type: ['string', 'null'] } }, required: ['resourceId', 'value'] },
    responses: { 200: { description: 'The stored value.', schema: ref('WorkingMemory') } },
    handler: async ({ deps, params, json }) => {
      const body = await json()
      const resourceId = requireString(body.resourceId, 'resourceId')
      const scope = optionalEnum(body.scope, 'scope', ['thread', 'resource'] as const)
      if (body.value !== null && typeof body.value !== 'string') throw new LumosError('REQUEST_INVALID', '`value` must be a string or null.', { details: { param: 'value' } })
      const store = storeOf(deps)
      // A resource-scoped write still goes through a thread URL: check the thread belongs to the resource.
      if (scope === 'resource') await store.getThread({ threadId: params.threadId, resourceId })
      await store.setWorkingMemory({ target: scopeTarget(scope, params.threadId, resourceId), value: body.value })
      return jsonResponse(200, { value: body.value })
    },
  },
]
