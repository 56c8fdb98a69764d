import { expect } from 'vitest'
import type { CaseContext, TestFn } from './context.js'

const SAMPLES = {
  emoji: '👩🏽‍💻 🇯🇵 🧑‍🤝‍🧑 😀',
  cjk: '漢字かなカナ한국어',
  combining: 'e\u0301 a\u0308 Z\u0335\u0321\u0330',
  rtl: 'שלום עולם مرحبا بالعالم',
  mixed: 'Zoë — “quotes” \u200d\u2028 tab\tnew\nline',
}
const ALL = Object.values(SAMPLES).join(' | ')

export function unicodeCases(test: TestFn, ctx: CaseContext): void {
  test('unicode everywhere: ids, titles, content, metadata keys, working memory, runs, blob keys', async () => {
    const { store } = ctx
    const resourceId = `user ${SAMPLES.rtl} ${SAMPLES.emoji}`
    const threadId = `thread ${SAMPLES.cjk} ${SAMPLES.combining}`
    const metadata = { [SAMPLES.emoji]: SAMPLES.cjk, [SAMPLES.rtl]: { [SAMPLES.combining]: [SAMPLES.mixed] }, plain: ALL }
    const thread = await store.createThread({ id: threadId, resourceId, title: ALL, metadata })
    expect(await store.getThread({ threadId, resourceId })).toEqual(thread)
    expect(thread.title).toBe(ALL)
    expect(thread.metadata).toEqual(metadata)

    const msgId = `msg ${SAMPLES.emoji} ${SAMPLES.rtl}`
    const content = { parts: [{ type: 'text', text: ALL }, { type: `data-${SAMPLES.cjk}`, data: { [SAMPLES.combining]: SAMPLES.emoji } }], metadata: { [SAMPLES.rtl]: true } }
    const [m] = await store.appendMessages({ threadId, resourceId, messages: [{ id: msgId, role: 'user', content }] })
    expect(m.content).toEqual(content)
    expect(await store.getMessages({ resourceId, ids: [msgId] })).toEqual([m])
    expect((await store.listMessages({ threadId, resourceId })).items).toEqual([m])

    await store.setWorkingMemory({ target: { scope: 'thread', threadId, resourceId }, value: `# ${ALL}` })
    await store.setWorkingMemory({ target: { scope: 'resource', resourceId }, value: ALL })
    const ctxLoaded = await store.loadContext({ threadId, resourceId, lastMessages: 5, workingMemory: 'thread' })
    expect(ctxLoaded.workingMemory).toBe(`# ${ALL}`)
    expect(await store.getWorkingMemory({ scope: 'resource', resourceId })).toBe(ALL)
    expect((await store.listThreads({ resourceId })).items.map((t) => t.id)).toEqual([threadId])

    const run = await store.putWorkflowRun({ workflowId: `wf ${SAMPLES.cjk}`, runId: `run ${SAMPLES.emoji}`, status: `état ${SAMPLES.combining}`, snapshot: { [SAMPLES.rtl]: ALL }, resourceId })
    expect(await store.getWorkflowRun({ workflowId: `wf ${SAMPLES.cjk}`, runId: `run ${SAMPLES.emoji}` })).toEqual(run)
    expect((await store.listWorkflowRuns({ workflowId: `wf ${SAMPLES.cjk}`, status: `état ${SAMPLES.combining}` })).items).toEqual([run])

    const key = `blobs/${SAMPLES.rtl}/${SAMPLES.emoji}`
    const bytes = new TextEncoder().encode(ALL)
    await store.putBlob(key, bytes)
    expect(new TextDecoder().decode((await store.getBlob(key)) ?? new Uint8Array())).toBe(ALL)
    expect((await store.listBlobs({ prefix: `blobs/${SAMPLES.rtl}` })).items.map((b) => b.key)).toEqual([key])

    // no Unicode normalisation: precomposed and decomposed ids are different threads
    await store.createThread({ id: 'caf\u00e9', resourceId, title: 'precomposed' })
    await store.createThread({ id: 'cafe\u0301', resourceId, title: 'decomposed' })
    expect((await store.getThread({ threadId: 'caf\u00e9', resourceId })).title).toBe('precomposed')
    expect((await store.getThread({ threadId: 'cafe\u0301', resourceId })).title).toBe('decomposed')
    await store.createThread({ id: 'owned', resourceId: 'Zo\u00eb' })
    await expect(store.getThread({ threadId: 'owned', resourceId: 'Zoe\u0308' })).rejects.toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
  })
}
