import { h } from 'preact'
import htm from 'htm'

export const html = htm.bind(h)

export function Json({ value }: { value: unknown }) {
  return html`<pre class="json">${value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>`
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null
  return html`<div class="error" role="alert">${error instanceof Error ? error.message : String(error)}</div>`
}

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))
