import { afterEach, describe, expect, it } from 'vitest'
import type { ServedApp } from '../../../adapters/node/serve.js'
import { createApp } from '../../../runtime/server/app.js'
import { createFixture, postJson, start } from './fixtures.js'

type Json = Record<string, any>

let served: ServedApp | undefined
afterEach(async () => {
  await served?.close()
  served = undefined
})

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
const TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer'])

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: any = doc
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined
    node = node[key]
  }
  return node
}

/** Structural checks of an OpenAPI 3.1 document; returns the problems found. */
function validateOpenApi(doc: Json): string[] {
  const problems: string[] = []
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push('openapi must be 3.1.x')
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') problems.push('info.title/version required')
  if (typeof doc.paths !== 'object' || doc.paths === null) problems.push('paths required')
  const operationIds = new Set<string>()
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`${path}: must start with /`)
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
    for (const [method, op] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${path}`
      if (!METHODS.has(method)) problems.push(`${where}: unknown method`)
      if (typeof op.operationId !== 'string') problems.push(`${where}: operationId missing`)
      else if (operationIds.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`)
      else operationIds.add(op.operationId)
      const responses = Object.entries<Json>(op.responses ?? {})
      if (responses.length === 0) problems.push(`${where}: no responses`)
      if (!responses.some(([s]) => /^2\d\d$/.test(s))) problems.push(`${where}: no 2xx response`)
      for (const [status, res] of responses) {
        if (!/^[1-5](\d\d|XX)$/.test(status) && status !== 'default') problems.push(`${where}: bad status ${status}`)
        if (typeof res.description !== 'string') problems.push(`${where} ${status}: description missing`)
        for (const [type, media] of Object.entries<Json>(res.content ?? {})) if (typeof media.schema !== 'object') problems.push(`${where} ${status} ${type}: schema missing`)
      }
      const params: Json[] = op.parameters ?? []
      const pathParams = params.filter((p) => p.in === 'path').map((p) => p.name)
      if (JSON.stringify([...pathParams].sort()) !== JSON.stringify([...templated].sort())) problems.push(`${where}: path params ${pathParams} != template ${templated}`)
      for (const p of params) {
        if (!['path', 'query', 'header', 'cookie'].includes(p.in)) problems.push(`${where}: parameter ${p.name} has bad 'in'`)
        if (p.in === 'path' && p.required !== true) problems.push(`${where}: path parameter ${p.name} must be required`)
        if (typeof p.schema !== 'object') problems.push(`${where}: parameter ${p.name} has no schema`)
      }
      if (op.requestBody && typeof op.requestBody.content?.['application/json']?.schema !== 'object') problems.push(`${where}: requestBody without a JSON schema`)
    }
  }
  // every $ref resolves; every `type` is a JSON Schema type
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`))
    if (node === null || typeof node !== 'object') return
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref') {
        if (typeof v !== 'string' || resolvePointer(doc, v) === undefined) problems.push(`${at}: unresolved $ref ${String(v)}`)
      } else if (k === 'type' && !at.endsWith('/properties') && !at.includes('/securitySchemes')) {
        const types = Array.isArray(v) ? v : [v]
        if (!types.every((t) => typeof t === 'string' && TYPES.has(t))) problems.push(`${at}: bad type ${JSON.stringify(v)}`)
      }
      walk(v, `${at}/${k}`)
    }
  }
  walk(doc, '#')
  return problems
}

/** Minimal JSON Schema check (type, properties, required, items, enum, const, $ref, oneOf, allOf) for responses. */
function schemaErrors(doc: Json, schema: Json, value: unknown, at = '$'): string[] {
  if (schema.$ref) return schemaErrors(doc, resolvePointer(doc, schema.$ref) as Json, value, at)
  const errors: string[] = []
  if (schema.allOf) for (const s of schema.allOf) errors.push(...schemaErrors(doc, s, value, at))
  if (schema.oneOf && !schema.oneOf.some((s: Json) => schemaErrors(doc, s, value, at).length === 0)) errors.push(`${at}: matches no oneOf branch`)
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push(`${at}: expected const ${JSON.stringify(schema.const)}`)
  if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) errors.push(`${at}: not in enum`)
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type]
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
    const ok = types.some((t) => t === actual || (t === 'integer' && Number.isInteger(value)) || (t === 'number' && typeof value === 'number'))
    if (!ok) return [...errors, `${at}: expected ${types.join('|')}, got ${actual}`]
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const r of schema.required ?? []) if (!(r in value)) errors.push(`${at}: missing ${r}`)
    for (const [k, s] of Object.entries<Json>(schema.properties ?? {})) if (k in value && (value as Json)[k] !== undefined) errors.push(...schemaErrors(doc, s, (value as Json)[k], `${at}.${k}`))
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...schemaErrors(doc, schema.items, v, `${at}[${i}]`)))
  return errors
}

function responseSchema(doc: Json, method: string, path: string, status: string): Json {
  return doc.paths[path][method].responses[status].content['application/json'].schema
}

describe('/openapi.json', () => {
  it('is a structurally valid OpenAPI 3.1 document (with and without auth)', async () => {
    served = await start({ ...createFixture().options, playground: { html: '<html></html>' } })
    const res = await fetch(`${served.url}/openapi.json`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as Json
    expect(validateOpenApi(doc)).toEqual([])
    const withAuth = createApp({ ...createFixture().options, auth: { tokens: ['0123456789'] } }).openapi() as Json
    expect(validateOpenApi(withAuth)).toEqual([])
    expect(withAuth.security).toEqual([{ bearer: [] }])
    expect(withAuth.paths['/api/health'].get.security).toEqual([])
    expect(withAuth.paths['/api/agents'].get.responses['401']).toBeDefined()
  })

  it('the validator catches broken documents (so the test above can fail)', () => {
    const doc = createApp(createFixture().options).openapi() as Json
    const broken = structuredClone(doc)
    broken.paths['/api/agents'].get.responses = {}
    broken.paths['/api/agents/{id}'].get.parameters = []
    broken.components.schemas.Agent.properties.tools.items = { $ref: '#/components/schemas/Nope' }
    const problems = validateOpenApi(broken)
    expect(problems).toEqual(
      expect.arrayContaining([
        'GET /api/agents: no responses',
        'GET /api/agents: no 2xx response',
        expect.stringMatching(/^GET \/api\/agents\/\{id\}: path params/),
        expect.stringMatching(/unresolved \$ref #\/components\/schemas\/Nope/),
      ]),
    )
  })

  it('documents every route the app serves, and nothing else', () => {
    const app = createApp({ ...createFixture().options, playground: { html: '<p>hi</p>' } })
    const doc = app.openapi() as Json
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
    )
    const documented = new Set(Object.entries<Json>(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)))
    expect([...served].sort()).toEqual([...documented].sort())
    // the contract's routes are all there
    for (const route of [
      'get /api/health',
      'get /api/agents',
      'get /api/agents/{id}',
      'post /api/agents/{id}/generate',
      'post /api/agents/{id}/stream',
      'get /api/tools',
      'get /api/threads',
      'post /api/threads',
      'get /api/threads/{threadId}',
      'patch /api/threads/{threadId}',
      'delete /api/threads/{threadId}',
      'get /api/threads/{threadId}/messages',
      'get /api/threads/{threadId}/working-memory',
      'put /api/threads/{threadId}/working-memory',
      'get /api/traces',
      'get /api/workflows',
      'get /api/workflows/{id}/graph',
      'post /api/workflows/{id}/runs',
      'post /api/workflows/{id}/runs/stream',
      'get /api/workflows/{id}/runs',
      'get /api/workflows/{id}/runs/{runId}',
      'post /api/workflows/{id}/runs/{runId}/resume',
      'post /api/retriever/query',
      'get /openapi.json',
      'get /v1/models',
      'post /v1/chat/completions',
      'get /',
    ]) {
      expect(documented.has(route), route).toBe(true)
    }
  })

  it('real responses match the documented schemas', async () => {
    const fx = createFixture()
    served = await start(fx.options)
    const doc = (await (await fetch(`${served.url}/openapi.json`)).json()) as Json
    const check = async (method: string, path: string, res: Response, status = '200') => {
      expect(String(res.status)).toBe(status)
      const errors = schemaErrors(doc, responseSchema(doc, method, path, status), await res.json())
      expect(errors, `${method} ${path}`).toEqual([])
    }
    await check('get', '/api/health', await fetch(`${served.url}/api/health`))
    await check('get', '/api/agents', await fetch(`${served.url}/api/agents`))
    await check('get', '/api/tools', await fetch(`${served.url}/api/tools`))
    await check('post', '/api/agents/{id}/generate', await postJson(`${served.url}/api/agents/assistant/generate`, { prompt: 'weather?' }))
    await check('post', '/api/threads', await postJson(`${served.url}/api/threads`, { resourceId: 'r', id: 't' }), '201')
    await check('get', '/api/threads', await fetch(`${served.url}/api/threads?resourceId=r`))
    await check('get', '/api/threads/{threadId}/messages', await fetch(`${served.url}/api/threads/t/messages?resourceId=r`))
    await check('get', '/api/traces', await fetch(`${served.url}/api/traces`))
    await check('get', '/v1/models', await fetch(`${served.url}/v1/models`))
    await check('post', '/v1/chat/completions', await postJson(`${served.url}/v1/chat/completions`, { model: 'assistant', messages: [{ role: 'user', content: 'weather?' }] }))
    await check('get', '/api/agents/{id}', await fetch(`${served.url}/api/agents/nope`), '404')
    await check('post', '/v1/chat/completions', await postJson(`${served.url}/v1/chat/completions`, { model: 'nope', messages: [] }), '404')
  })
})
