import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, html, Json } from '../ui.js'

export function SearchView() {
  const [query, setQuery] = useState('')
  const [mode, setMode] = useState('hybrid')
  const [topK, setTopK] = useState(5)
  const [hits, setHits] = useState<any[] | undefined>()
  const [error, setError] = useState<unknown>()
  const search = async (e: Event) => {
    e.preventDefault()
    setError(undefined)
    try {
      setHits((await api('/api/retriever/query', { body: { query, topK, mode } })).hits ?? [])
    } catch (err) {
      setError(err)
    }
  }
  return html`<section>
    <form class="toolbar" onSubmit=${search}>
      <input data-testid="search-input" class="grow" placeholder="Search the retriever" value=${query} onInput=${(e: any) => setQuery(e.target.value)} />
      <select value=${mode} onChange=${(e: any) => setMode(e.target.value)}>${['hybrid', 'vector', 'keyword'].map((m) => html`<option>${m}</option>`)}</select>
      <label>topK <input type="number" min="1" max="50" value=${topK} onInput=${(e: any) => setTopK(Number(e.target.value))} style="width:4em" /></label>
      <button>Search</button>
    </form>
    <${ErrorBox} error=${error} />
    ${hits?.length === 0 && html`<p class="muted">No hits.</p>`}
    <ol class="hits" data-testid="hits">
      ${hits?.map((h) => html`<li>
        <div><span class="score">${typeof h.score === 'number' ? h.score.toFixed(4) : h.score}</span> <code>${h.id}</code> <span class="muted">${h.metadata?.source ?? ''}</span></div>
        <div class="chunk">${h.text}</div>
        ${h.metadata && html`<details><summary class="muted">metadata</summary><${Json} value=${h.metadata} /></details>`}
      </li>`)}
    </ol>
  </section>`
}
