import { useEffect, useState } from 'preact/hooks'
import { api } from './api.js'
import { ErrorBox, html } from './ui.js'
import { ChatView } from './views/chat.js'
import { SearchView } from './views/search.js'
import { ThreadsView } from './views/threads.js'
import { TracesView } from './views/traces.js'
import { WorkflowsView } from './views/workflows.js'

const TABS = ['chat', 'threads', 'workflows', 'traces', 'search'] as const
type Tab = (typeof TABS)[number]

export function App() {
  const [tab, setTab] = useState<Tab>(() => (TABS as readonly string[]).includes(location.hash.slice(1)) ? (location.hash.slice(1) as Tab) : 'chat')
  const [agents, setAgents] = useState<any[] | undefined>()
  const [workflows, setWorkflows] = useState<any[]>([])
  const [version, setVersion] = useState('')
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    api('/api/agents').then((r) => setAgents(r.agents ?? []), (e) => (setError(e), setAgents([])))
    api('/api/workflows').then((r) => setWorkflows(r.workflows ?? []), () => {})
    api('/api/health').then((r) => setVersion(r.version ?? ''), () => {})
  }, [])
  const go = (t: Tab) => ((location.hash = t), setTab(t))
  return html`<div class="app">
    <header>
      <span class="logo">✦ Lumos</span> <span class="muted">playground ${version}</span>
      <nav>${TABS.map((t) => html`<button class=${t === tab ? 'tab active' : 'tab'} data-tab=${t} onClick=${() => go(t)}>${t[0].toUpperCase() + t.slice(1)}</button>`)}</nav>
      <a class="muted" href="/openapi.json" target="_blank">openapi.json</a>
    </header>
    <main>
      <${ErrorBox} error=${error} />
      ${agents === undefined ? html`<p class="muted">Loading…</p>` : tab === 'chat' ? html`<${ChatView} agents=${agents} />` : tab === 'threads' ? html`<${ThreadsView} />` : tab === 'workflows' ? html`<${WorkflowsView} workflows=${workflows} />` : tab === 'traces' ? html`<${TracesView} />` : html`<${SearchView} />`}
    </main>
  </div>`
}
