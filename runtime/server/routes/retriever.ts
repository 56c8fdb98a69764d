import { LumosError } from '../../errors.js'
import { jsonResponse } from '../http-error.js'
import type { RouteDef } from '../types.js'
import { optionalEnum, optionalNumber, optionalObject, requireString } from '../validate.js'

const hit = {
  type: 'object',
  properties: { id: { type: 'string' }, score: { type: 'number' }, text: { type: 'string' }, metadata: { type: 'object' }, vectorScore: { type: 'number' }, keywordScore: { type: 'number' } },
  required: ['id', 'score', 'text', 'metadata'],
}

export const retrieverRoutes: RouteDef[] = [
  {
    method: 'post',
    path: '/api/retriever/query',
    operationId: 'retrieverQuery',
    summary: 'Search the configured retriever.',
    tag: 'retriever',
    body: {
      type: 'object',
      properties: { query: { type: 'string' }, topK: { type: 'integer', minimum: 1, maximum: 1000 }, mode: { enum: ['vector', 'keyword', 'hybrid'] }, filter: { type: 'object', description: 'Metadata filter ($eq, $in, $and, ...).' } },
      required: ['query'],
    },
    responses: { 200: { description: 'The hits, best first.', schema: { type: 'object', properties: { hits: { type: 'array', items: hit } }, required: ['hits'] } } },
    handler: async ({ deps, json, req }) => {
      if (deps.retriever === undefined) throw new LumosError('FEATURE_NOT_CONFIGURED', 'This server has no retriever: pass `retriever` to createApp.', { details: { option: 'retriever' } })
      const body = await json()
      const query = requireString(body.query, 'query')
      const options: Record<string, unknown> = { abortSignal: req.signal }
      const topK = optionalNumber(body.topK, 'topK', 1, 1000, true)
      if (topK !== undefined) options.topK = topK
      const mode = optionalEnum(body.mode, 'mode', ['vector', 'keyword', 'hybrid'] as const)
      if (mode !== undefined) options.mode = mode
      const filter = optionalObject(body.filter, 'filter')
      if (filter !== undefined) options.filter = filter
      let hits: unknown
      try {
        hits = await deps.retriever.query(query, options)
      } catch (error) {
        // e.g. mode 'keyword' on a retriever built without a keyword index: the request asked for it.
        if (LumosError.isInstance(error) && error.code === 'RETRIEVER_CONFIG_INVALID') throw new LumosError('REQUEST_INVALID', error.message, { details: { param: 'mode' }, cause: error })
        throw error
      }
      const list = Array.isArray(hits) ? (hits as Array<Record<string, unknown>>) : []
      return jsonResponse(200, {
        hits: list.map((h) => ({
          id: h.id,
          score: h.score,
          text: h.text,
          metadata: h.metadata ?? {},
          ...(h.vectorScore !== undefined ? { vectorScore: h.vectorScore } : {}),
          ...(h.keywordScore !== undefined ? { keywordScore: h.keywordScore } : {}),
        })),
      })
    },
  },
]
