import type { JsonSchema } from '../schema/standard-schema.js'
import { COMPONENT_SCHEMAS } from './schemas.js'
import type { RouteDef } from './types.js'

/** `/api/agents/:id` -> `/api/agents/{id}` and the path parameter names. */
export function toOpenApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = []
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    params.push(name)
    return `{${name}}`
  })
  return { path: converted, params }
}

const STATUS_TEXT: Record<string, string> = {
  400: 'Invalid request (REQUEST_INVALID, REQUEST_JSON_INVALID, *_INVALID).',
  401: 'Missing or invalid credentials (AUTH_REQUIRED).',
  403: 'The thread belongs to another resource (THREAD_ACCESS_DENIED).',
  404: 'Not found (AGENT_NOT_FOUND, THREAD_NOT_FOUND, ROUTE_NOT_FOUND, FEATURE_NOT_CONFIGURED).',
  409: 'Conflict (*_ALREADY_EXISTS, *_CONFLICT).',
  413: 'Body larger than the server bodyLimit (REQUEST_TOO_LARGE).',
  415: 'The body is not application/json (REQUEST_CONTENT_TYPE_INVALID).',
  500: 'Internal error (INTERNAL or a server configuration code); never a stack trace.',
  502: 'The model or embedder failed (AGENT_MODEL_ERROR, MODEL_*).',
}

/** The OpenAPI 3.1 document of the routes, generated from the same table the app registers. */
export function createOpenApiDocument(routes: readonly RouteDef[], info: { version: string; auth: boolean }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const { path, params } = toOpenApiPath(r.path)
    const errorSchema: JsonSchema = { $ref: r.openaiErrors ? '#/components/schemas/OpenAIError' : '#/components/schemas/Error' }
    const parameters = [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(r.query ?? []).map((q) => ({ name: q.name, in: 'query', required: q.required === true, schema: q.schema, ...(q.description ? { description: q.description } : {}) })),
    ]
    const responses: Record<string, unknown> = {}
    for (const [status, res] of Object.entries(r.responses)) {
      responses[status] = { description: res.description, ...(res.schema ? { content: { [res.contentType ?? 'application/json']: { schema: res.schema } } } : {}) }
    }
    const errorStatuses = ['400', '404', '500', ...(r.body ? ['413', '415'] : []), ...(info.auth && !r.public ? ['401'] : []), ...(r.tag === 'memory' ? ['403', '409'] : []), ...(r.tag === 'agents' || r.tag === 'openai' ? ['502'] : [])]
    for (const s of errorStatuses) responses[s] ??= { description: STATUS_TEXT[s], content: { 'application/json': { schema: errorSchema } } }
    const op: Record<string, unknown> = { operationId: r.operationId, summary: r.summary, tags: [r.tag], responses }
    if (parameters.length > 0) op.parameters = parameters
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.body } } }
    if (r.public) op.security = []
    ;(paths[path] ??= {})[r.method] = op
  }
  const doc: Record<string, unknown> = {
    openapi: '3.1.0',
    info: { title: 'Lumos agent server', version: info.version, description: 'REST, AI SDK UI message stream and OpenAI-compatible endpoints of a Lumos app.' },
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      ...(info.auth ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {}),
    },
  }
  if (info.auth) doc.security = [{ bearer: [] }]
  return doc
}
