import { jsonResponse } from '../http-error.js'
import type { RouteDef } from '../types.js'

export const healthRoute: RouteDef = {
  method: 'get',
  path: '/api/health',
  operationId: 'health',
  summary: 'Liveness check.',
  tag: 'meta',
  public: true,
  responses: { 200: { description: 'The server runs.', schema: { type: 'object', properties: { ok: { const: true }, version: { type: 'string' } }, required: ['ok', 'version'] } } },
  handler: ({ deps }) => jsonResponse(200, { ok: true, version: deps.version }),
}

export const playgroundRoute: RouteDef = {
  method: 'get',
  path: '/',
  operationId: 'playground',
  summary: 'The dev playground (only when createApp got `playground`).',
  tag: 'meta',
  // A static page without data: every call it makes still needs credentials.
  public: true,
  responses: { 200: { description: 'The playground HTML.', contentType: 'text/html', schema: { type: 'string' } } },
  handler: ({ deps }) =>
    new Response(deps.playground!.html, {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
    }),
}

/** The document is built once per app (see app.ts) and served as is. */
export function openApiRoute(getDocument: () => Record<string, unknown>): RouteDef {
  return {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This OpenAPI 3.1 document.',
    tag: 'meta',
    responses: { 200: { description: 'The document.', schema: { type: 'object' } } },
    handler: () => jsonResponse(200, getDocument()),
  }
}
