import type { SharedV3Warning } from '@ai-sdk/provider'
import { LumosError } from '../errors.js'
import type { Memory } from '../memory/memory.js'
import type { MemoryTurn } from '../memory/turn.js'
import type { MemoryRunOptions, UIMessage } from '../memory/types.js'
import { modelToUIMessages } from '../memory/ui-message.js'
import { WORKING_MEMORY_TOOL } from '../memory/working-memory.js'
import type { MessagePart } from '../storage/types.js'
import { generateId } from './id.js'
import type { AgentInput, UIMessageLike } from './messages.js'
import { toPrompt } from './messages.js'
import type { RunSetup } from './run.js'
import type { GenerateResult } from './types.js'

/** Turns in flight, by their run setup (keeps RunSetup unchanged for the other agent features). */
const turns = new WeakMap<RunSetup, MemoryTurn>()

/**
 * Before the run: reads memory (history, working memory, recall) into `setup`.
 * - Agent without memory + `options.memory` -> MEMORY_CONFIG_INVALID (never silently stateless).
 * - `options.memory === false` -> a run without memory (the caller chose it).
 * - Agent with memory and no `options.memory` -> MEMORY_THREAD_REQUIRED, except for sub-agent runs
 *   started by a supervisor (they have no thread of their own and run statelessly).
 */
export async function prepareMemoryRun(memory: Memory | undefined, run: MemoryRunOptions | false | undefined, input: AgentInput, setup: RunSetup, nested: boolean): Promise<RunSetup> {
  if (run === false) return setup
  if (memory === undefined) {
    if (run !== undefined) throw new LumosError('MEMORY_CONFIG_INVALID', `Agent '${setup.agent.id}' has no memory: pass \`memory: new Memory({ store })\` to the Agent to use \`options.memory\`.`)
    return setup
  }
  if (run === undefined) {
    if (nested) return setup
    throw new LumosError('MEMORY_THREAD_REQUIRED', `Agent '${setup.agent.id}' has memory: pass \`memory: { thread, resource }\` to generate()/stream().`)
  }
  const thread = typeof run.thread === 'string' ? { id: run.thread } : run.thread
  if (typeof run !== 'object' || run === null || typeof thread?.id !== 'string' || thread.id === '' || typeof run.resource !== 'string' || run.resource === '') {
    throw new LumosError('MEMORY_THREAD_REQUIRED', '`memory` must be { thread: string | { id }, resource: string } with non-empty ids.')
  }
  const turn = await memory.beginTurn({
    threadId: thread.id,
    resourceId: run.resource,
    title: thread.title,
    metadata: thread.metadata,
    messages: toUIMessages(input),
    abortSignal: setup.signal,
  })
  let lead = 0
  while (lead < setup.messages.length && setup.messages[lead].role === 'system') lead++
  const inputPrompt = turn.inputChanged ? toPrompt(turn.input as unknown as UIMessageLike[], Number.MAX_SAFE_INTEGER) : setup.messages.slice(lead)
  setup.messages = [...setup.messages.slice(0, lead), ...turn.system, ...turn.history, ...inputPrompt]
  if (turn.tool !== undefined) {
    if (setup.tools[WORKING_MEMORY_TOOL] !== undefined) throw new LumosError('MEMORY_CONFIG_INVALID', `Agent '${setup.agent.id}' has a tool named '${WORKING_MEMORY_TOOL}', which working memory reserves.`)
    setup.tools = { ...setup.tools, [WORKING_MEMORY_TOOL]: turn.tool.tool }
    setup.modelTools = [...(setup.modelTools ?? []), turn.tool.definition]
  }
  turns.set(setup, turn)
  return setup
}

/** Runs the loop, then saves the turn in one batched write; memory warnings go to result.warnings and the stream. */
export async function runWithMemory(setup: RunSetup, loop: (s: RunSetup) => Promise<GenerateResult>): Promise<GenerateResult> {
  const turn = turns.get(setup)
  if (turn === undefined) return loop(setup)
  turns.delete(setup)
  const early = turn.warnings.length
  for (const w of turn.warnings) setup.emit?.({ type: 'warning', warning: w })
  const result = await loop(setup)
  await turn.commit(result, setup.runId, setup.model)
  const all: SharedV3Warning[] = turn.warnings
  for (let i = early; i < all.length; i++) setup.emit?.({ type: 'warning', warning: all[i] })
  result.warnings.push(...all)
  return result
}

function toUIMessages(input: AgentInput): UIMessage[] {
  if (typeof input === 'string') return [{ id: generateId('msg'), role: 'user', parts: [{ type: 'text', text: input }] }]
  const list = input as ReadonlyArray<UIMessageLike | { content: unknown }>
  if (list.every((m) => typeof m === 'object' && m !== null && 'parts' in m && Array.isArray(m.parts) && !('content' in m))) {
    return (list as Array<UIMessageLike & { metadata?: UIMessage['metadata'] }>).map((m) => {
      const out: UIMessage = { id: typeof m.id === 'string' && m.id !== '' ? m.id : generateId('msg'), role: m.role, parts: m.parts as MessagePart[] }
      if (m.metadata !== undefined) out.metadata = m.metadata
      return out
    })
  }
  return modelToUIMessages(toPrompt(input, Number.MAX_SAFE_INTEGER)).map((m) => ({ id: generateId('msg'), role: m.role, parts: m.parts }))
}
