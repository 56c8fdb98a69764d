import { useEffect, useState } from 'preact/hooks'
import { api, qs } from '../api.js'
import { ErrorBox, html, Json } from '../ui.js'

export function ThreadsView() {
  const [resourceId, setResourceId] = useState('playground')
  const [threads, setThreads] = useState<any[]>([])
  const [selected, setSelected] = useState<any>()
  const [error, setError] = useState<unknown>()
  const load = async () => {
    setError(undefined)
    try {
      setThreads((await api(`/api/threads?${qs({ resourceId, limit: 100 })}`)).items ?? [])
    } catch (e) {
      setError(e)
      setThreads([])
    }
  }
  useEffect(() => void load(), [])
  return html`<section class="split">
    <div class="side">
      <form class="toolbar" onSubmit=${(e: Event) => (e.preventDefault(), load())}>
        <label>Resource <input value=${resourceId} onInput=${(e: any) => setResourceId(e.target.value)} size="12" /></label>
        <button>List threads</button>
      </form>
      <${ErrorBox} error=${error} />
      <ul class="list" data-testid="thread-list">
        ${threads.map((t) => html`<li class=${selected?.id === t.id ? 'active' : ''} onClick=${() => setSelected(t)}>
          <b>${t.title || t.id}</b><br /><span class="muted">${t.updatedAt ? new Date(t.updatedAt).toLocaleString() : ''}</span></li>`)}
        ${threads.length === 0 && !error && html`<li class="muted">No threads for this resource.</li>`}
      </ul>
    </div>
    <div class="main">${selected ? html`<${MemoryInspector} thread=${selected} resourceId=${resourceId} key=${selected.id} />` : html`<p class="muted">Select a thread to inspect its messages and working memory.</p>`}</div>
  </section>`
}

function MemoryInspector({ thread, resourceId }: { thread: any; resourceId: string }) {
  const [messages, setMessages] = useState<any[]>([])
  const [wm, setWm] = useState<Record<string, string>>({ thread: '', resource: '' })
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState('')
  const base = `/api/threads/${encodeURIComponent(thread.id)}`
  useEffect(() => {
    ;(async () => {
      try {
        setMessages((await api(`${base}/messages?${qs({ resourceId, limit: 200 })}`)).items ?? [])
        const [t, r] = await Promise.all(['thread', 'resource'].map((scope) => api(`${base}/working-memory?${qs({ resourceId, scope })}`).catch(() => ({ value: null }))))
        setWm({ thread: t.value ?? '', resource: r.value ?? '' })
      } catch (e) {
        setError(e)
      }
    })()
  }, [thread.id])
  const save = async (scope: string) => {
    try {
      await api(`${base}/working-memory`, { method: 'PUT', body: { resourceId, scope, value: wm[scope] } })
      setSaved(`${scope} working memory saved`)
    } catch (e) {
      setError(e)
    }
  }
  return html`<div>
    <h3>${thread.title || thread.id}</h3>
    <${ErrorBox} error=${error} />
    <h4>Working memory</h4>
    ${['thread', 'resource'].map((scope) => html`<div class="wm">
      <label>${scope}</label>
      <textarea rows="4" value=${wm[scope]} onInput=${(e: any) => setWm({ ...wm, [scope]: e.target.value })}></textarea>
      <button onClick=${() => save(scope)}>Save</button>
    </div>`)}
    ${saved && html`<p class="ok">${saved}</p>`}
    <${RecallSearch} base=${base} resourceId=${resourceId} threadId=${thread.id} />
    <h4>Messages (${messages.length})</h4>
    <div class="messages">
      ${messages.map((m) => html`<div class=${`msg ${m.role}`}><div class="bubble">
        <span class="badge">${m.role}</span> ${textOf(m)}
        <details><summary class="muted">raw</summary><${Json} value=${m} /></details>
      </div></div>`)}
    </div>
  </div>`
}

function textOf(m: any): string {
  if (typeof m.content === 'string') return m.content
  const parts = m.parts ?? m.content?.parts ?? m.content ?? []
  return Array.isArray(parts) ? parts.map((p: any) => (p.type === 'text' ? p.text : p.type?.startsWith('tool') ? `[${p.toolName ?? p.type}]` : '')).join(' ') : ''
}

/** What semantic recall finds for a query in this thread's scope (GET /api/threads/:id/recall). */
function RecallSearch({ base, resourceId, threadId }: { base: string; resourceId: string; threadId: string }) {
  const [query, setQuery] = useState('')
  const [result, setResult] = useState<{ agentId: string; items: any[] } | undefined>()
  const [error, setError] = useState<unknown>()
  const search = async (e: Event) => {
    e.preventDefault()
    if (!query.trim()) return
    setError(undefined)
    try {
      setResult(await api(`${base}/recall?${qs({ resourceId, query })}`))
    } catch (err) {
      setResult(undefined)
      setError(err)
    }
  }
  return html`<div class="recall" data-testid="recall">
    <h4>Recalled messages</h4>
    <form class="toolbar" onSubmit=${search}>
      <input placeholder="What would semantic recall find for…" value=${query} onInput=${(e: any) => setQuery(e.target.value)} size="40" />
      <button type="submit">Recall</button>
    </form>
    <${ErrorBox} error=${error} />
    ${result && html`<p class="muted">${result.items.length} message${result.items.length === 1 ? '' : 's'} from the memory of agent ${result.agentId}</p>`}
    ${result && html`<div class="messages recalled">${result.items.map((m) => html`<div class=${`msg ${m.role}`}><div class="bubble">
      <span class="badge">${m.role}</span> ${m.threadId !== threadId && html`<span class="badge">thread ${m.threadId}</span> `}${textOf(m)}
    </div></div>`)}</div>`}
  </div>`
}
