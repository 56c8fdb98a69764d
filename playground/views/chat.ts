import { useEffect, useRef, useState } from 'preact/hooks'
import { applyPart, emptyAssistant, toUiMessage, type AssistantView, type PartView } from '../chat-state.js'
import { readSse } from '../sse.js'
import { ErrorBox, html, Json } from '../ui.js'

interface UserView {
  id: string
  role: 'user'
  text: string
}
type Message = UserView | AssistantView

const newId = () => Math.random().toString(36).slice(2, 10)

export function ChatView({ agents }: { agents: any[] }) {
  const [agentId, setAgentId] = useState<string>(agents[0]?.id ?? '')
  const [messages, setMessages] = useState<Message[]>([])
  const [input, setInput] = useState('')
  const [resourceId, setResourceId] = useState('playground')
  const [threadId, setThreadId] = useState(() => `thread-${newId()}`)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const abort = useRef<AbortController | undefined>(undefined)
  const end = useRef<HTMLDivElement>(null)
  const agent = agents.find((a) => a.id === agentId)
  useEffect(() => end.current?.scrollIntoView?.({ block: 'end' }), [messages])

  const send = async (e: Event) => {
    e.preventDefault()
    const text = input.trim()
    if (!text || busy || !agentId) return
    const user: UserView = { id: newId(), role: 'user', text }
    const history = [...messages, user]
    let view = emptyAssistant(newId())
    setMessages([...history, view])
    setInput('')
    setBusy(true)
    setError(undefined)
    const controller = (abort.current = new AbortController())
    try {
      const body = {
        id: threadId,
        threadId,
        resourceId,
        trigger: 'submit-message',
        messages: history.map((m) => (m.role === 'user' ? { id: m.id, role: 'user', parts: [{ type: 'text', text: m.text }] } : toUiMessage(m))),
      }
      const res = await fetch(`/api/agents/${encodeURIComponent(agentId)}/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal })
      if (!res.ok || !res.body) {
        const j = await res.json().catch(() => undefined)
        throw new Error(j?.error?.message ?? `HTTP ${res.status}`)
      }
      for await (const part of readSse(res.body, controller.signal)) {
        view = applyPart(view, part)
        setMessages([...history, view])
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError(err)
      else setMessages([...history, applyPart(view, { type: 'abort' })])
    } finally {
      setBusy(false)
    }
  }

  return html`<section class="chat">
    <div class="toolbar">
      <label>Agent <select data-testid="agent-select" value=${agentId} onChange=${(e: any) => (setAgentId(e.target.value), setMessages([]))}>
        ${agents.map((a) => html`<option value=${a.id}>${a.name ?? a.id}</option>`)}
      </select></label>
      <label>Resource <input value=${resourceId} onInput=${(e: any) => setResourceId(e.target.value)} size="12" /></label>
      <label>Thread <input value=${threadId} onInput=${(e: any) => setThreadId(e.target.value)} size="16" /></label>
      <button type="button" onClick=${() => (setMessages([]), setThreadId(`thread-${newId()}`))}>New thread</button>
    </div>
    ${agent && html`<p class="muted">${agent.description ?? ''} ${agent.tools?.length ? html`<span>Tools: ${agent.tools.map((t: any) => t.id).join(', ')}</span>` : ''}</p>`}
    <div class="messages" data-testid="messages">
      ${messages.map((m) => (m.role === 'user' ? html`<div class="msg user"><div class="bubble">${m.text}</div></div>` : html`<${AssistantMessage} m=${m} />`))}
      <div ref=${end}></div>
    </div>
    <${ErrorBox} error=${error} />
    <form class="composer" onSubmit=${send}>
      <textarea data-testid="chat-input" rows="2" placeholder=${agents.length ? 'Message the agent (Enter to send, Shift+Enter for a new line)' : 'No agents configured'} value=${input}
        onInput=${(e: any) => setInput(e.target.value)}
        onKeyDown=${(e: KeyboardEvent) => e.key === 'Enter' && !e.shiftKey && send(e)}></textarea>
      ${busy ? html`<button type="button" onClick=${() => abort.current?.abort()}>Stop</button>` : html`<button type="submit" data-testid="send" disabled=${!agentId}>Send</button>`}
    </form>
  </section>`
}

function AssistantMessage({ m }: { m: AssistantView }) {
  return html`<div class="msg assistant" data-testid="assistant-message">
    <div class="bubble">
      ${m.parts.map((p: PartView) => {
        if (p.type === 'text') return html`<div class="text">${p.text}</div>`
        if (p.type === 'reasoning') return html`<details class="reasoning"><summary>Reasoning</summary><div class="text">${p.text}</div></details>`
        if (p.type === 'step') return html`<div class="step">step ${p.n}</div>`
        const t = p.tool
        return html`<details class=${`tool ${t.state}`} data-testid="tool-call">
          <summary><span class="badge">tool</span> ${t.toolName} <span class="muted">${t.state === 'output-available' ? '✓' : t.state === 'output-error' ? '✖' : '…'}</span></summary>
          <div class="kv"><b>input</b><${Json} value=${t.input ?? t.inputText} /></div>
          ${t.state === 'output-available' && html`<div class="kv"><b>output</b><${Json} value=${t.output} /></div>`}
          ${t.error && html`<div class="kv"><b>error</b><span class="err">${t.error}</span></div>`}
        </details>`
      })}
      ${!m.done && !m.error && html`<span class="cursor">▍</span>`}
      ${m.error && html`<div class="error">${m.error}</div>`}
    </div>
    ${m.done && html`<div class="meta" data-testid="usage">${m.steps} step${m.steps === 1 ? '' : 's'} · ${m.finishReason ?? ''}${m.usage ? ` · ${m.usage.inputTokens ?? '?'} in / ${m.usage.outputTokens ?? '?'} out tokens` : ''}</div>`}
  </div>`
}
