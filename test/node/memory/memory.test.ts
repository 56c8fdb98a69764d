// Memory end to end with the scripted MockModel, on InMemoryStore and LibsqlStore (a file in a temp dir).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider'
import { convertToModelMessages, parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, validateUIMessages } from 'ai'
import type { UIMessage as AiUIMessage, UIMessageChunk } from 'ai'
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { Agent, createTool, InMemoryStore, LibsqlStore, Memory, setWriteFault, type Store } from '../../helpers/lumos.js'
import { MockModel, type MockResponse } from '../../../runtime/test/index.js'
import { bowVector, countingStore, createBowEmbedder } from './helpers.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const stores: Array<[string, () => Promise<Store>]> = [
  ['InMemoryStore', async () => new InMemoryStore()],
  [
    'LibsqlStore',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lumos-memory-'))
      dirs.push(dir)
      return LibsqlStore.open({ url: `file:${join(dir, 'memory.db')}` })
    },
  ],
]

const USER = 'user-1'

function promptText(call: LanguageModelV3CallOptions): string {
  return JSON.stringify(call.prompt)
}

function roles(prompt: LanguageModelV3Prompt): string[] {
  return prompt.map((m) => m.role)
}

function script(responses: MockResponse[]): MockModel {
  return new MockModel({ responses })
}

describe.each(stores)('Memory on %s', (_name, open) => {
  let store: Store
  beforeEach(async () => {
    store = await open()
  })
  afterEach(async () => {
    await store.close()
  })

  test('two turns: the second prompt contains the first turn', async () => {
    const memory = new Memory({ store })
    const model = script([{ text: 'Nice to meet you, Ada.' }, { text: 'Your name is Ada.' }])
    const agent = new Agent({ id: 'a', model, instructions: 'Be brief.', memory })
    const r1 = await agent.generate('My name is Ada', { memory: { thread: 't1', resource: USER } })
    const r = await agent.generate('What is my name?', { memory: { thread: 't1', resource: USER } })
    expect(r.text).toBe('Your name is Ada.')
    const second = model.calls[1].prompt
    expect(roles(second)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(second[0]).toEqual({ role: 'system', content: 'Be brief.' })
    expect(second[1]).toMatchObject({ role: 'user', content: [{ type: 'text', text: 'My name is Ada' }] })
    expect(second[2]).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'Nice to meet you, Ada.' }] })
    const ui = await memory.getUIMessages({ threadId: 't1', resourceId: USER })
    expect(ui.map((m) => [m.role, m.parts.filter((p) => p.type === 'text').map((p) => p.text)])).toEqual([
      ['user', ['My name is Ada']],
      ['assistant', ['Nice to meet you, Ada.']],
      ['user', ['What is my name?']],
      ['assistant', ['Your name is Ada.']],
    ])
    expect(ui[1].id).toBe(r1.runId) // assistant id = the run id (what the UI stream sends as messageId)
    const thread = await memory.getThread({ threadId: 't1', resourceId: USER })
    expect(thread).toMatchObject({ id: 't1', resourceId: USER, title: null })
  })

  test('stream(): history is loaded and the turn is saved before finish', async () => {
    const memory = new Memory({ store })
    const model = script([{ text: 'Hello Ada' }, { text: 'Ada' }])
    const agent = new Agent({ id: 'a', model, memory })
    const s1 = await agent.stream('My name is Ada', { memory: { thread: 's1', resource: USER } })
    const parts: string[] = []
    for await (const p of s1.fullStream) parts.push(p.type)
    expect(parts.at(-1)).toBe('finish')
    // by the time 'finish' is seen, the turn is stored
    expect((await store.listMessages({ threadId: 's1', resourceId: USER })).items.length).toBe(2)
    const s2 = await agent.stream('Who am I?', { memory: { thread: 's1', resource: USER } })
    expect(await s2.text).toBe('Ada')
    expect(promptText(model.calls[1])).toContain('My name is Ada')
    expect(promptText(model.calls[1])).toContain('Hello Ada')
  })

  test('ModelMessage input is stored as UI messages; an aborted run stores nothing', async () => {
    const memory = new Memory({ store })
    const model = new MockModel({ responses: [{ text: 'fine thanks' }, { text: 'a b c d e f g h' }], chunkDelayMs: 5 })
    const agent = new Agent({ id: 'a', model, memory })
    await agent.generate([{ role: 'system', content: 'per-call rule' }, { role: 'user', content: 'how are you?' }], { memory: { thread: 'mm', resource: USER } })
    const ui = await memory.getUIMessages({ threadId: 'mm', resourceId: USER })
    expect(ui.map((m) => [m.role, m.parts])).toEqual([
      ['user', [{ type: 'text', text: 'how are you?' }]],
      ['assistant', [{ type: 'step-start' }, { type: 'text', text: 'fine thanks', state: 'done' }]],
    ])
    const s = await agent.stream('tell me more', { memory: { thread: 'mm', resource: USER } })
    const reader = s.fullStream.getReader()
    while ((await reader.read()).value?.type !== 'text-delta') {}
    s.abort()
    await expect(s.result).rejects.toMatchObject({ code: 'AGENT_ABORTED' })
    expect((await memory.getUIMessages({ threadId: 'mm', resourceId: USER })).length).toBe(2)
  })

  test('history is trimmed oldest-first to the token budget', async () => {
    // each message: 4 + ceil(40 / 4) = 14 tokens
    const memory = new Memory({ store, options: { messageHistory: { maxTokens: 30 } } })
    const words = (n: number) => `m${n}`.padEnd(40, '.')
    const model = new MockModel({ responses: (_o, i) => ({ text: words(100 + i) }) })
    const agent = new Agent({ id: 'a', model, memory })
    for (let i = 0; i < 3; i++) await agent.generate(words(i), { memory: { thread: 'trim', resource: USER } })
    // third call: budget 30 fits the 2 newest stored messages (turn 2: user m1 + assistant m101)
    const third = model.calls[2].prompt
    expect(roles(third)).toEqual(['user', 'assistant', 'user'])
    expect(third[0]).toMatchObject({ content: [{ text: words(1) }] })
    expect(third[1]).toMatchObject({ content: [{ text: words(101) }] })
    expect(third[2]).toMatchObject({ content: [{ text: words(2) }] })
    expect((await store.listMessages({ threadId: 'trim', resourceId: USER })).items.length).toBe(6)
  })

  test('lastMessages bounds the loaded history', async () => {
    const memory = new Memory({ store, options: { lastMessages: 1 } })
    const model = new MockModel({ responses: (_o, i) => ({ text: `answer ${i}` }), repeatLast: true })
    const agent = new Agent({ id: 'a', model, memory })
    await agent.generate('q0', { memory: { thread: 'lm', resource: USER } })
    await agent.generate('q1', { memory: { thread: 'lm', resource: USER } })
    expect(roles(model.calls[1].prompt)).toEqual(['assistant', 'user'])
    expect(model.calls[1].prompt[0]).toMatchObject({ content: [{ text: 'answer 0' }] })
  })

  test('tool calls are stored merged with their results and replayed as pairs; big outputs truncated in the prompt', async () => {
    const memory = new Memory({ store })
    const big = 'x'.repeat(10_000)
    const lookup = createTool({ id: 'lookup', description: 'Look up', inputSchema: z.object({ q: z.string() }), execute: async () => big })
    const fail = createTool({ id: 'fail', description: 'Fails', execute: async () => { throw new Error('boom') } })
    const model = script([
      { toolCalls: [{ toolName: 'lookup', input: { q: 'weather' }, toolCallId: 'c1' }, { toolName: 'fail', input: {}, toolCallId: 'c2' }] },
      { text: 'It is sunny.' },
      { text: 'Yes.' },
    ])
    const agent = new Agent({ id: 'a', model, tools: { lookup, fail }, memory })
    await agent.generate('Weather?', { memory: { thread: 'tools', resource: USER } })
    const ui = await memory.getUIMessages({ threadId: 'tools', resourceId: USER })
    expect(ui.length).toBe(2)
    expect(ui[1].role).toBe('assistant')
    expect(ui[1].parts).toEqual([
      { type: 'step-start' },
      { type: 'tool-lookup', toolCallId: 'c1', state: 'output-available', input: { q: 'weather' }, output: big },
      { type: 'tool-fail', toolCallId: 'c2', state: 'output-error', input: {}, errorText: "Tool 'fail' failed: boom" },
      { type: 'step-start' },
      { type: 'text', text: 'It is sunny.', state: 'done' },
    ])
    await agent.generate('Sure?', { memory: { thread: 'tools', resource: USER } })
    const prompt = model.calls[2].prompt
    expect(roles(prompt)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user'])
    expect(prompt[1]).toMatchObject({ content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { q: 'weather' } }, { type: 'tool-call', toolCallId: 'c2' }] })
    const results = (prompt[2] as { content: Array<{ toolCallId: string; output: { type: string; value: string } }> }).content
    expect(results[0].toolCallId).toBe('c1')
    expect(results[0].output).toEqual({ type: 'text', value: `${'x'.repeat(8000)}\n[truncated 2000 chars]` })
    expect(results[1].output).toEqual({ type: 'error-text', value: "Tool 'fail' failed: boom" })
    // stored whole
    const stored = await memory.getUIMessages({ threadId: 'tools', resourceId: USER })
    expect(String(stored[1].parts[1].output).length).toBe(10_000)
  })

  test('trimming never splits a tool call from its result', async () => {
    // The assistant message with the call+result is ~2000 tokens: it is dropped as a whole, never half.
    const memory = new Memory({ store, options: { messageHistory: { maxTokens: 100 } } })
    const lookup = createTool({ id: 'lookup', description: 'Look up', execute: async () => 'y'.repeat(7000) })
    const model = script([{ toolCalls: [{ toolName: 'lookup', input: {}, toolCallId: 'k1' }] }, { text: 'done' }, { text: 'ok' }, { text: 'ok2' }])
    const agent = new Agent({ id: 'a', model, tools: { lookup }, memory })
    await agent.generate('go', { memory: { thread: 'pair', resource: USER } })
    await agent.generate('again', { memory: { thread: 'pair', resource: USER } })
    const prompt = model.calls[2].prompt
    expect(roles(prompt)).toEqual(['user'])
    expect(prompt.some((m) => m.role === 'tool')).toBe(false)
  })

  test('useChat round trip: getUIMessages -> ai convertToModelMessages matches the run messages; saveUIMessages dedups by id', async () => {
    const memory = new Memory({ store })
    const add = createTool({ id: 'add', description: 'Add', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => ({ sum: a + b }) })
    const model = script([{ toolCalls: [{ toolName: 'add', input: { a: 1, b: 2 }, toolCallId: 'c9' }] }, { text: 'The sum is 3.' }])
    const agent = new Agent({ id: 'a', model, tools: { add }, memory })
    const r = await agent.generate('1+2?', { memory: { thread: 'ui', resource: USER } })
    const ui = await memory.getUIMessages({ threadId: 'ui', resourceId: USER })
    const converted = await convertToModelMessages(ui as never)
    expect(converted).toEqual([
      { role: 'user', content: [{ type: 'text', text: '1+2?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c9', toolName: 'add', input: { a: 1, b: 2 }, providerExecuted: undefined }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c9', toolName: 'add', output: { type: 'json', value: { sum: 3 } } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'The sum is 3.' }] },
    ])
    expect(r.response.messages.map((m) => m.role)).toEqual(['assistant', 'tool', 'assistant'])
    // saveUIMessages: the resent chat + one new message -> only the new one is stored
    const saved = await memory.saveUIMessages({ threadId: 'ui', resourceId: USER, messages: [...ui, { id: 'u-new', role: 'user', parts: [{ type: 'text', text: 'thanks' }] }] })
    expect(saved).toEqual({ saved: 1 })
    expect((await memory.getUIMessages({ threadId: 'ui', resourceId: USER })).map((m) => m.id)).toEqual([...ui.map((m) => m.id), 'u-new'])
    // a new thread through saveUIMessages; message ids are unique store-wide
    await memory.saveUIMessages({ threadId: 'ui2', resourceId: USER, messages: [{ id: 'fresh-1', role: 'user', parts: [{ type: 'text', text: 'new chat' }] }] })
    expect((await memory.getUIMessages({ threadId: 'ui2', resourceId: USER })).map((m) => m.id)).toEqual(['fresh-1'])
    await expect(memory.saveUIMessages({ threadId: 'ui3', resourceId: USER, messages: ui })).rejects.toMatchObject({ code: 'MESSAGE_ALREADY_EXISTS' })
  })

  test('what useChat builds from the UI stream equals what memory stores (id and parts); stored messages pass ai validateUIMessages', async () => {
    const memory = new Memory({ store })
    const add = createTool({ id: 'add', description: 'Add', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b })
    const model = script([{ reasoning: 'sum it', toolCalls: [{ toolName: 'add', input: { a: 20, b: 22 }, toolCallId: 'c42' }] }, { text: 'It is 42.' }])
    const agent = new Agent({ id: 'a', model, tools: { add }, memory })
    const s = await agent.stream('20+22?', { memory: { thread: 'uc', resource: USER } })
    const chunks = parseJsonEventStream({ stream: s.toResponse().body!, schema: uiMessageChunkSchema }).pipeThrough(
      new TransformStream({
        transform(result, controller) {
          if (!result.success) throw result.error
          controller.enqueue(result.value as UIMessageChunk)
        },
      }),
    )
    let client: AiUIMessage | undefined
    for await (const m of readUIMessageStream({ stream: chunks, terminateOnError: true })) client = m
    const stored = await memory.getUIMessages({ threadId: 'uc', resourceId: USER })
    expect(stored[1].id).toBe(client!.id)
    const strip = (parts: readonly object[]) => parts.map((p) => Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== undefined && k !== 'providerMetadata' && k !== 'callProviderMetadata' && k !== 'id')))
    expect(strip(stored[1].parts)).toEqual(strip(client!.parts))
    await expect(validateUIMessages({ messages: stored as never })).resolves.toHaveLength(2)
  })

  test('useChat input (the whole chat as UI messages) stores only the new messages', async () => {
    const memory = new Memory({ store })
    const model = script([{ text: 'hi!' }, { text: 'fine' }])
    const agent = new Agent({ id: 'a', model, memory })
    const m1 = { id: 'ui-1', role: 'user' as const, parts: [{ type: 'text', text: 'hello' }] }
    await agent.generate([m1], { memory: { thread: 'chat', resource: USER } })
    const stored = await memory.getUIMessages({ threadId: 'chat', resourceId: USER })
    const m2 = { id: 'ui-2', role: 'user' as const, parts: [{ type: 'text', text: 'how are you' }] }
    await agent.generate([...stored, m2], { memory: { thread: 'chat', resource: USER } })
    const all = await memory.getUIMessages({ threadId: 'chat', resourceId: USER })
    expect(all.map((m) => m.id)).toEqual(['ui-1', stored[1].id, 'ui-2', all[3].id])
    expect(roles(model.calls[1].prompt)).toEqual(['user', 'assistant', 'user'])
  })

  test('useChat input longer than the history window: older resent messages are not stored twice', async () => {
    const memory = new Memory({ store, options: { lastMessages: 2 } })
    const model = new MockModel({ responses: (_o, i) => ({ text: `reply ${i}` }) })
    const agent = new Agent({ id: 'a', model, memory })
    let chat: Array<{ id: string; role: 'user' | 'assistant' | 'system'; parts: Array<{ type: string; [k: string]: unknown }> }> = []
    for (let i = 0; i < 4; i++) {
      chat = [...chat, { id: `u${i}`, role: 'user', parts: [{ type: 'text', text: `question ${i}` }] }]
      await agent.generate(chat, { memory: { thread: 'long', resource: USER } })
      chat = await memory.getUIMessages({ threadId: 'long', resourceId: USER })
    }
    expect(chat.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant'])
    expect(chat.filter((m) => m.role === 'user').map((m) => m.id)).toEqual(['u0', 'u1', 'u2', 'u3'])
    // the last prompt: the 2-message window + the new question, not the whole resent chat
    expect(roles(model.calls[3].prompt)).toEqual(['user', 'assistant', 'user'])
  })

  test('working memory (template): invalid update goes back to the model, valid retry is stored in the turn batch', async () => {
    const template = '# User\n- Name:\n- City:\n'
    const memory = new Memory({ store, options: { workingMemory: { enabled: true, template } } })
    const model = script([
      { toolCalls: [{ toolName: 'updateWorkingMemory', input: { memory: '- Name: Ada' }, toolCallId: 'w1' }] },
      { toolCalls: [{ toolName: 'updateWorkingMemory', input: { memory: '# User\n- Name: Ada\n- City: London\n' }, toolCallId: 'w2' }] },
      { text: 'Noted.' },
      { text: 'You are Ada from London.' },
    ])
    const agent = new Agent({ id: 'a', model, memory })
    const r = await agent.generate('I am Ada from London', { memory: { thread: 'wm', resource: USER } })
    expect(r.toolResults[0]).toMatchObject({ toolName: 'updateWorkingMemory', isError: true, error: { code: 'WORKING_MEMORY_INVALID' } })
    expect(r.toolResults[0].error!.message).toContain('"# User"')
    expect(r.toolResults[1]).toMatchObject({ isError: false, output: 'Working memory updated.' })
    // the tool was offered to the model, and the system prompt showed the template
    expect(model.calls[0].tools?.map((t) => t.name)).toEqual(['updateWorkingMemory'])
    expect(promptText(model.calls[0])).toContain('- City:')
    expect(await store.getWorkingMemory({ scope: 'resource', resourceId: USER })).toBe('# User\n- Name: Ada\n- City: London\n')
    // next turn, another thread of the same resource: the value is in the system prompt
    await agent.generate('Where am I from?', { memory: { thread: 'wm-2', resource: USER } })
    const sys = model.calls[3].prompt.find((m) => m.role === 'system') as { content: string }
    expect(sys.content).toContain('- City: London')
  })

  test('working memory (schema, thread scope): validated with the Standard Schema', async () => {
    const schema = z.object({ name: z.string(), age: z.number().int() })
    const memory = new Memory({ store, options: { workingMemory: { enabled: true, schema, scope: 'thread' } } })
    const model = script([
      { toolCalls: [{ toolName: 'updateWorkingMemory', input: { memory: { name: 'Ada', age: 'old' } }, toolCallId: 'w1' }] },
      { toolCalls: [{ toolName: 'updateWorkingMemory', input: { memory: { name: 'Ada', age: 36 } }, toolCallId: 'w2' }] },
      { text: 'ok' },
    ])
    const agent = new Agent({ id: 'a', model, memory })
    const r = await agent.generate('I am Ada, 36', { memory: { thread: 'wms', resource: USER } })
    expect(r.toolResults.map((x) => x.isError)).toEqual([true, false])
    expect(r.toolResults[0].error).toMatchObject({ code: 'WORKING_MEMORY_INVALID', details: { issues: [{ path: 'age' }] } })
    expect(JSON.parse((await store.getWorkingMemory({ scope: 'thread', threadId: 'wms', resourceId: USER }))!)).toEqual({ name: 'Ada', age: 36 })
    expect(await store.getWorkingMemory({ scope: 'resource', resourceId: USER })).toBeNull()
  })

  test('title generation: one short model call, written in the same batch as the turn', async () => {
    const counting = countingStore(store)
    const memory = new Memory({ store: counting.store, options: { generateTitle: true } })
    const model = script([{ text: 'Hello Ada!' }, { text: '"Ada introduces herself."' }, { text: 'again' }])
    const agent = new Agent({ id: 'a', model, memory })
    await agent.generate('My name is Ada', { memory: { thread: 'tt', resource: USER } })
    expect(counting.counts.calls).toEqual(['loadContext', 'batch'])
    expect(model.calls.length).toBe(2)
    expect(promptText(model.calls[1])).toContain('My name is Ada')
    expect((await store.getThread({ threadId: 'tt', resourceId: USER })).title).toBe('Ada introduces herself')
    await agent.generate('more', { memory: { thread: 'tt', resource: USER } })
    expect(model.calls.length).toBe(3) // no second title call
  })

  test('thread given as an object sets title and metadata on creation', async () => {
    const memory = new Memory({ store, options: { generateTitle: true } })
    const agent = new Agent({ id: 'a', model: script([{ text: 'x' }]), memory })
    await agent.generate('hi', { memory: { thread: { id: 'obj', title: 'Fixed', metadata: { plan: 'pro' } }, resource: USER } })
    expect(await memory.getThread({ threadId: 'obj', resourceId: USER })).toMatchObject({ title: 'Fixed', metadata: { plan: 'pro' } })
  })

  test('thread API: create, get, list, update, delete', async () => {
    const memory = new Memory({ store })
    await memory.createThread({ id: 'a1', resourceId: USER, title: 'First' })
    await memory.createThread({ id: 'a2', resourceId: USER })
    await memory.createThread({ id: 'b1', resourceId: 'user-2' })
    expect((await memory.listThreads({ resourceId: USER })).items.map((t) => t.id).sort()).toEqual(['a1', 'a2'])
    const updated = await memory.updateThread({ threadId: 'a2', resourceId: USER, title: 'Second', metadata: { k: 1 } })
    expect(updated).toMatchObject({ title: 'Second', metadata: { k: 1 } })
    await expect(memory.getThread({ threadId: 'b1', resourceId: USER })).rejects.toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    await memory.deleteThread({ threadId: 'a1', resourceId: USER })
    await expect(memory.getThread({ threadId: 'a1', resourceId: USER })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
    expect((await memory.listThreads({ resourceId: USER })).items.map((t) => t.id)).toEqual(['a2'])
  })

  test('faults: a thread of another resource is denied before the model is called', async () => {
    const memory = new Memory({ store })
    await memory.createThread({ id: 'theirs', resourceId: 'user-2' })
    const model = script([{ text: 'never' }])
    const agent = new Agent({ id: 'a', model, memory })
    await expect(agent.generate('hi', { memory: { thread: 'theirs', resource: USER } })).rejects.toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    await expect(agent.stream('hi', { memory: { thread: 'theirs', resource: USER } })).rejects.toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    expect(model.calls.length).toBe(0)
  })

  test('faults: the store failing at the final write -> MEMORY_TURN_FAILED and nothing of the turn is stored', async () => {
    const embedder = createBowEmbedder()
    const memory = new Memory({ store, embedder, options: { semanticRecall: true, workingMemory: { enabled: true }, generateTitle: true } })
    const model = script([
      { toolCalls: [{ toolName: 'updateWorkingMemory', input: { memory: '# User\n- Name: Ada\n- Preferences:\n- Goals:\n' } }] },
      { text: 'hi Ada' },
      { text: 'Title' },
    ])
    const agent = new Agent({ id: 'a', model, memory })
    const storeError = new Error('disk on fire')
    // fail at the 3rd op of the batch (after createThread + appendMessages ran inside the transaction)
    setWriteFault(store, ({ index }) => {
      if (index === 2) throw storeError
    })
    const err = await agent.generate('I am Ada', { memory: { thread: 'ff', resource: USER } }).catch((e: unknown) => e)
    setWriteFault(store, undefined)
    expect(err).toMatchObject({ code: 'MEMORY_TURN_FAILED' })
    const cause = (err as { cause: { code?: string; cause?: unknown } }).cause
    expect(cause === storeError || cause?.cause === storeError || (cause as { code?: string })?.code === 'STORE_UNAVAILABLE').toBe(true)
    await expect(store.getThread({ threadId: 'ff', resourceId: USER })).rejects.toMatchObject({ code: 'THREAD_NOT_FOUND' })
    expect(await store.getWorkingMemory({ scope: 'resource', resourceId: USER })).toBeNull()
    expect((await store.listBlobs()).items).toEqual([])
    // the store works again: the next turn is stored whole
    const model2 = script([{ text: 'hello' }, { text: 'T' }])
    await new Agent({ id: 'a', model: model2, memory }).generate('I am Ada', { memory: { thread: 'ff', resource: USER } })
    expect((await store.listMessages({ threadId: 'ff', resourceId: USER })).items.length).toBe(2)
  })

  test('faults: the stream ends with an error part when the final write fails', async () => {
    const memory = new Memory({ store })
    const agent = new Agent({ id: 'a', model: script([{ text: 'x' }]), memory })
    setWriteFault(store, () => {
      throw new Error('nope')
    })
    const s = await agent.stream('hi', { memory: { thread: 'fs', resource: USER } })
    const parts: Array<{ type: string; error?: unknown }> = []
    for await (const p of s.fullStream) parts.push(p)
    setWriteFault(store, undefined)
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'MEMORY_TURN_FAILED' } })
    await expect(s.result).rejects.toMatchObject({ code: 'MEMORY_TURN_FAILED' })
  })

  test('faults: an embedder that throws -> history still works, recall skipped with a warning (result and stream)', async () => {
    const embedder = createBowEmbedder()
    const memory = new Memory({ store, embedder, options: { semanticRecall: { topK: 2 } } })
    const model = script([{ text: 'Hello Ada' }, { text: 'Ada' }])
    const agent = new Agent({ id: 'a', model, memory })
    embedder.fail = new Error('embedding service down')
    const r1 = await agent.generate('My name is Ada', { memory: { thread: 'emb', resource: USER } })
    expect(r1.warnings.map((w) => (w as { message: string }).message)).toEqual([
      expect.stringContaining('Semantic recall skipped: EMBEDDER_FAILED'),
      expect.stringContaining('stored without recall embeddings'),
    ])
    const s = await agent.stream('Who am I?', { memory: { thread: 'emb', resource: USER } })
    const warnings: unknown[] = []
    for await (const p of s.fullStream) if (p.type === 'warning') warnings.push(p.warning)
    expect(warnings.length).toBe(2)
    expect(promptText(model.calls[1])).toContain('My name is Ada')
    expect((await s.result).warnings.length).toBe(2)
  })

  test('oversized messages are stored whole', async () => {
    const memory = new Memory({ store })
    const huge = 'z'.repeat(300_000)
    const agent = new Agent({ id: 'a', model: script([{ text: huge }]), memory })
    await agent.generate(huge, { memory: { thread: 'huge', resource: USER } })
    const ui = await memory.getUIMessages({ threadId: 'huge', resourceId: USER })
    expect(ui.map((m) => String(m.parts.find((p) => p.type === 'text')?.text).length)).toEqual([300_000, 300_000])
  })

  test('semantic recall (thread scope): an old message outside the history window is recalled with its neighbours', async () => {
    const embedder = createBowEmbedder()
    const memory = new Memory({ store, embedder, options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: { before: 0, after: 1 } } } })
    const facts = ['My favourite colour is teal', 'I work as a carpenter', 'My dog is called Biscuit', 'I live in Lisbon', 'I play the cello']
    const answers = ['Teal is lovely.', 'Carpentry is great.', 'Biscuit is a good name.', 'Lisbon is sunny.', 'The cello sounds warm.']
    const model = new MockModel({ responses: (_o, i) => ({ text: answers[i] ?? 'Your dog is Biscuit.' }) })
    const agent = new Agent({ id: 'a', model, memory })
    for (const f of facts) await agent.generate(f, { memory: { thread: 'rec', resource: USER } })
    embedder.calls.length = 0
    await agent.generate('What is my dog called?', { memory: { thread: 'rec', resource: USER } })
    const sys = model.calls[5].prompt.filter((m) => m.role === 'system').map((m) => m.content as string)
    expect(sys.length).toBe(1)
    expect(sys[0]).toContain('user: My dog is called Biscuit')
    expect(sys[0]).toContain('assistant: Biscuit is a good name.') // the `after: 1` neighbour
    expect(sys[0]).not.toContain('Lisbon') // in the history window (lastMessages 2), not recalled
    // one embedder call for the query, one batch for the new messages after the turn
    expect(embedder.calls).toEqual([['What is my dog called?'], ['Your dog is Biscuit.']])
  })

  test('semantic recall (resource scope) searches every thread of the resource; deleteThread removes its vectors', async () => {
    const embedder = createBowEmbedder()
    const memory = new Memory({ store, embedder, options: { lastMessages: 0, semanticRecall: { topK: 1, messageRange: 0, scope: 'resource' } } })
    const model = new MockModel({ responses: [{ text: 'Noted.' }, { text: 'Noted too.' }, { text: 'a' }, { text: 'b' }], repeatLast: true })
    const agent = new Agent({ id: 'a', model, memory })
    await agent.generate('My passport number is X123', { memory: { thread: 'r1', resource: USER } })
    await agent.generate('I prefer window seats', { memory: { thread: 'r2', resource: USER } })
    await agent.generate('My passport number is Y999 for user two', { memory: { thread: 'other', resource: 'user-2' } })
    await agent.generate('what passport number?', { memory: { thread: 'r3', resource: USER } })
    const sys = model.calls[3].prompt.filter((m) => m.role === 'system').map((m) => m.content as string).join('\n')
    expect(sys).toContain('thread r1')
    expect(sys).toContain('X123')
    expect(sys).not.toContain('Y999')
    await memory.deleteThread({ threadId: 'r1', resourceId: USER })
    await agent.generate('what passport number?', { memory: { thread: 'r4', resource: USER } })
    expect(promptText(model.calls[4])).not.toContain('X123')
    // a fresh process (new Memory) loads the index from the blob segments, tombstone included
    const memory2 = new Memory({ store, embedder, options: { lastMessages: 0, semanticRecall: { topK: 1, messageRange: 0, scope: 'resource' } } })
    const model2 = script([{ text: 'c' }])
    await new Agent({ id: 'a', model: model2, memory: memory2 }).generate('passport number', { memory: { thread: 'r5', resource: USER } })
    const text2 = promptText(model2.calls[0])
    expect(text2).not.toContain('X123')
    expect(text2).toContain('passport number?') // r3/r4 questions are the closest now
  })

  test('round trips: <= 2 reads + 1 write per turn with a warm recall cache; a cold process adds one getBlob', async () => {
    const counting = countingStore(store)
    const embedder = createBowEmbedder()
    const options = { semanticRecall: { topK: 2 }, workingMemory: { enabled: true }, lastMessages: 2 }
    const memory = new Memory({ store: counting.store, embedder, options })
    const model = new MockModel({ responses: (_o, i) => ({ text: `reply number ${i} about topic ${i}` }) })
    const agent = new Agent({ id: 'a', model, memory })
    await agent.generate('first topic zebra', { memory: { thread: 'rt', resource: USER } })
    expect(counting.counts.calls).toEqual(['loadContext', 'getBlob', 'batch']) // cold: the index blob is read once
    for (let i = 0; i < 4; i++) {
      counting.reset()
      await agent.generate(`topic ${i} zebra again`, { memory: { thread: 'rt', resource: USER } })
      expect(counting.counts.writes).toBe(1)
      expect(counting.counts.reads).toBeLessThanOrEqual(2)
      expect(counting.counts.calls[0]).toBe('loadContext')
      expect(counting.counts.calls.at(-1)).toBe('batch')
    }
    // the recall read happened (old messages exist outside the 2-message window)
    expect(counting.counts.calls).toEqual(['loadContext', 'getMessages', 'batch'])
    // a new Memory (cold process) pays one getBlob on its first turn only
    const memory2 = new Memory({ store: counting.store, embedder, options })
    const agent2 = new Agent({ id: 'a', model, memory: memory2 })
    counting.reset()
    await agent2.generate('zebra once more', { memory: { thread: 'rt', resource: USER } })
    expect(counting.counts.calls).toEqual(['loadContext', 'getBlob', 'getMessages', 'batch'])
    counting.reset()
    await agent2.generate('zebra and again', { memory: { thread: 'rt', resource: USER } })
    expect(counting.counts.calls).toEqual(['loadContext', 'getMessages', 'batch'])
  })

  test('recall blob: one appended segment per turn, compacted into a base with putBlob every N segments', async () => {
    const embedder = createBowEmbedder()
    const counting = countingStore(store)
    const options = { lastMessages: 0, semanticRecall: { topK: 1, messageRange: 0, compactEvery: 3 } }
    const memory = new Memory({ store: counting.store, embedder, options })
    const model = new MockModel({ responses: (_o, i) => ({ text: `ack ${i}` }) })
    const agent = new Agent({ id: 'a', model, memory })
    const key = 'lumos/memory/recall/t/user-1/cmp'
    const segments: number[] = []
    const facts = ['alpha apples', 'bravo bananas', 'charlie cherries', 'delta dates', 'echo elderberries']
    for (const f of facts) {
      counting.reset()
      await agent.generate(f, { memory: { thread: 'cmp', resource: USER } })
      expect([counting.counts.writes, counting.counts.calls.at(-1)]).toEqual([1, 'batch'])
      segments.push((await store.getBlobInfo(key))!.segments)
    }
    // store segments after each turn: appends 1, 2, 3; the 4th turn rewrites base + turn with putBlob (1); then appends again
    expect(segments).toEqual([1, 2, 3, 1, 2])
    // a fresh process sees all 10 messages
    const model2 = script([{ text: 'x' }])
    await new Agent({ id: 'a', model: model2, memory: new Memory({ store, embedder, options }) }).generate('cherries please', { memory: { thread: 'cmp', resource: USER } })
    expect(promptText(model2.calls[0])).toContain('charlie cherries')
  })

  test('compaction drops tombstoned threads (resource scope); saveUIMessages messages are recallable', async () => {
    const embedder = createBowEmbedder()
    const options = { lastMessages: 0, semanticRecall: { topK: 1, messageRange: 0, scope: 'resource' as const, compactEvery: 2 } }
    const memory = new Memory({ store, embedder, options })
    await memory.saveUIMessages({ threadId: 'k1', resourceId: USER, messages: [{ id: 'k1-a', role: 'user', parts: [{ type: 'text', text: 'locker combination 1234' }] }] })
    await memory.saveUIMessages({ threadId: 'k2', resourceId: USER, messages: [{ id: 'k2-a', role: 'user', parts: [{ type: 'text', text: 'bicycle lock code 9876' }] }] })
    await memory.deleteThread({ threadId: 'k1', resourceId: USER })
    const key = 'lumos/memory/recall/r/user-1'
    const before = (await store.getBlob(key))!.length
    const model = new MockModel({ responses: (_o, i) => ({ text: `ok ${i}` }) })
    const agent = new Agent({ id: 'a', model, memory })
    await agent.generate('what is the bicycle lock code', { memory: { thread: 'k3', resource: USER } })
    expect(promptText(model.calls[0])).toContain('9876')
    // that turn compacted (3 segments > 2): the base no longer holds k1's entry
    const info = (await store.getBlobInfo(key))!
    expect(info.segments).toBe(1)
    const text = new TextDecoder().decode((await store.getBlob(key))!)
    expect(text).toContain('k2-a')
    expect(text).not.toContain('k1-a')
    expect(info.size).toBeLessThan(before + 1000)
    const fresh = new Memory({ store, embedder, options })
    const model2 = script([{ text: 'x' }])
    await new Agent({ id: 'a', model: model2, memory: fresh }).generate('locker combination', { memory: { thread: 'k4', resource: USER } })
    expect(promptText(model2.calls[0])).not.toContain('1234')
  })

  test('a damaged blob tail is detected: a warning, the good segments are used, the next write rewrites the blob', async () => {
    const embedder = createBowEmbedder()
    const options = { lastMessages: 0, semanticRecall: { topK: 1, messageRange: 0 } }
    const model = new MockModel({ responses: (_o, i) => ({ text: `ack ${i}` }) })
    await new Agent({ id: 'a', model, memory: new Memory({ store, embedder, options }) }).generate('the vault code is 4711', { memory: { thread: 'dmg', resource: USER } })
    const key = 'lumos/memory/recall/t/user-1/dmg'
    await store.appendBlob(key, new Uint8Array([0x4c, 0x4d, 0x52, 0x53, 1, 0, 0, 0, 9])) // a torn segment
    const r = await new Agent({ id: 'a', model, memory: new Memory({ store, embedder, options }) }).generate('what is the vault code', { memory: { thread: 'dmg', resource: USER } })
    expect(r.warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('damaged tail') })])
    expect(promptText(model.calls[1])).toContain('4711')
    const info = await store.getBlobInfo(key)
    expect(info!.segments).toBe(1) // rewritten with putBlob (base + this turn in one value)
    const r3 = await new Agent({ id: 'a', model, memory: new Memory({ store, embedder, options }) }).generate('vault code again', { memory: { thread: 'dmg', resource: USER } })
    expect(r3.warnings).toEqual([])
  })

  test('a process that missed writes of another process reloads the thread index once', async () => {
    const embedder = createBowEmbedder()
    const options = { semanticRecall: { topK: 1, messageRange: 0 }, lastMessages: 1 }
    const counting = countingStore(store)
    const a = new Memory({ store: counting.store, embedder, options })
    const b = new Memory({ store, embedder, options })
    const model = new MockModel({ responses: (_o, i) => ({ text: `ok ${i}` }) })
    await new Agent({ id: 'a', model, memory: a }).generate('hello there', { memory: { thread: 'x', resource: USER } })
    // process b writes the fact (a's cached index does not have it), then more turns
    await new Agent({ id: 'a', model, memory: b }).generate('the secret word is marmalade', { memory: { thread: 'x', resource: USER } })
    await new Agent({ id: 'a', model, memory: b }).generate('unrelated words here', { memory: { thread: 'x', resource: USER } })
    counting.reset()
    await new Agent({ id: 'a', model, memory: a }).generate('what is the secret word', { memory: { thread: 'x', resource: USER } })
    expect(counting.counts.calls).toEqual(['loadContext', 'getBlob', 'getMessages', 'batch'])
    expect(promptText(model.calls[3])).toContain('marmalade')
    counting.reset()
    await new Agent({ id: 'a', model, memory: a }).generate('and again', { memory: { thread: 'x', resource: USER } })
    expect(counting.counts.calls).not.toContain('getBlob')
  })
})

describe('Memory options and agent wiring', () => {
  test('invalid options -> MEMORY_CONFIG_INVALID', () => {
    const store = new InMemoryStore()
    expect(() => new Memory({ store, options: { lastMessages: -1 } })).toThrow(expect.objectContaining({ code: 'MEMORY_CONFIG_INVALID' }))
    expect(() => new Memory({ store, options: { semanticRecall: { topK: 2 } } })).toThrow(expect.objectContaining({ code: 'MEMORY_CONFIG_INVALID', details: { path: 'embedder' } }))
    expect(() => new Memory({ store, options: { workingMemory: { enabled: true, template: '# x', schema: z.object({}) } } })).toThrow(expect.objectContaining({ code: 'MEMORY_CONFIG_INVALID' }))
    expect(() => new Memory({ store, options: { messageHistory: { maxTokens: 0 } } })).toThrow(expect.objectContaining({ code: 'MEMORY_CONFIG_INVALID' }))
    expect(() => new Memory({ store: {} as Store })).toThrow(expect.objectContaining({ code: 'MEMORY_CONFIG_INVALID' }))
  })

  test('an agent with memory needs { thread, resource }; an agent without memory rejects options.memory', async () => {
    const store = new InMemoryStore()
    const model = script([{ text: 'x' }])
    const agent = new Agent({ id: 'a', model, memory: new Memory({ store }) })
    await expect(agent.generate('hi')).rejects.toMatchObject({ code: 'MEMORY_THREAD_REQUIRED' })
    await expect(agent.generate('hi', { memory: { thread: '', resource: USER } })).rejects.toMatchObject({ code: 'MEMORY_THREAD_REQUIRED' })
    const plain = new Agent({ id: 'b', model })
    await expect(plain.generate('hi', { memory: { thread: 't', resource: USER } })).rejects.toMatchObject({ code: 'MEMORY_CONFIG_INVALID' })
    expect(model.calls.length).toBe(0)
  })

  test('embedding vectors are what the fake embedder says (sanity of the test double)', () => {
    expect(bowVector('dog dog').filter((x) => x > 0)).toEqual([2])
  })
})
