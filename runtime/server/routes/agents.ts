import type { Agent } from '../../agent/agent.js'
import { LumosError } from '../../errors.js'
import { agentHasMemory, findAgent, parseAgentRequest, serializeToolResults, toAssistantUIMessage } from '../agent-input.js'
import { jsonResponse } from '../http-error.js'
import { ref } from '../schemas.js'
import type { RouteDef } from '../types.js'

function describeAgent(id: string, agent: Agent<any>) {
  return {
    id,
    name: agent.name,
    description: agent.description ?? null,
    tools: Object.entries(agent.tools).map(([key, t]) => ({ id: key, description: t.description, inputSchema: t.jsonSchema })),
    memory: agentHasMemory(agent),
  }
}

const idParam = 'id'

export const agentRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/agents',
    operationId: 'listAgents',
    summary: 'List the agents with their tools.',
    tag: 'agents',
    responses: { 200: { description: 'The agents.', schema: { type: 'object', properties: { agents: { type: 'array', items: ref('Agent') } }, required: ['agents'] } } },
    handler: ({ deps }) => jsonResponse(200, { agents: [...deps.agents].map(([id, a]) => describeAgent(id, a)) }),
  },
  {
    method: 'get',
    path: '/api/agents/:id',
    operationId: 'getAgent',
    summary: 'One agent.',
    tag: 'agents',
    responses: { 200: { description: 'The agent.', schema: ref('Agent') } },
    handler: ({ deps, params }) => jsonResponse(200, describeAgent(params[idParam], findAgent(deps, params[idParam]))),
  },
  {
    method: 'post',
    path: '/api/agents/:id/generate',
    operationId: 'generate',
    summary: 'Run the agent to completion.',
    tag: 'agents',
    body: ref('AgentRequest'),
    responses: { 200: { description: 'The run result.', schema: ref('GenerateResponse') } },
    handler: async ({ deps, params, req, json }) => {
      const agent = findAgent(deps, params[idParam])
      const { input, options, messageId } = parseAgentRequest(agent, await json(), req.signal)
      const result = await agent.generate(input, options)
      return jsonResponse(200, {
        text: result.text,
        toolCalls: result.toolCalls,
        toolResults: serializeToolResults(result.toolResults),
        usage: result.usage,
        finishReason: result.finishReason,
        runId: result.runId,
        steps: result.steps.length,
        messages: [toAssistantUIMessage(result, messageId ?? result.runId)],
      })
    },
  },
  {
    method: 'post',
    path: '/api/agents/:id/stream',
    operationId: 'stream',
    summary: 'Run the agent and stream it as an AI SDK UI message stream (SSE; works with useChat / DefaultChatTransport).',
    tag: 'agents',
    body: ref('AgentRequest'),
    responses: {
      200: {
        description: 'Server-Sent Events whose data lines are AI SDK UIMessageChunk JSON, ended by `data: [DONE]`; header `x-vercel-ai-ui-message-stream: v1`.',
        contentType: 'text/event-stream',
        schema: { type: 'string' },
      },
    },
    handler: async ({ deps, params, json }) => {
      const agent = findAgent(deps, params[idParam])
      // No request signal: the run is aborted when the client cancels the response body (disconnect).
      const { input, options, messageId } = parseAgentRequest(agent, await json(), undefined)
      const run = await agent.stream(input, options)
      return run.toResponse({
        ...(messageId ? { messageId } : {}),
        ...(deps.exposeErrors ? { onError: (e: unknown) => (LumosError.isInstance(e) ? `${e.code}: ${e.message}` : 'An error occurred.') } : {}),
      })
    },
  },
  {
    method: 'get',
    path: '/api/tools',
    operationId: 'listTools',
    summary: 'Every tool of every agent (with the agents that have it).',
    tag: 'agents',
    responses: {
      200: {
        description: 'The tools.',
        schema: {
          type: 'object',
          properties: { tools: { type: 'array', items: { allOf: [ref('Tool'), { type: 'object', properties: { agents: { type: 'array', items: { type: 'string' } } }, required: ['agents'] }] } } },
          required: ['tools'],
        },
      },
    },
    handler: ({ deps }) => {
      const byId = new Map<string, { id: string; description: string; inputSchema: unknown; agents: string[] }>()
      for (const [agentId, agent] of deps.agents) {
        for (const [key, t] of Object.entries(agent.tools)) {
          const entry = byId.get(key) ?? { id: key, description: t.description, inputSchema: t.jsonSchema, agents: [] }
          entry.agents.push(agentId)
          byId.set(key, entry)
        }
      }
      return jsonResponse(200, { tools: [...byId.values()] })
    },
  },
]
