import { useState } from 'preact/hooks'
import { html } from './ui.js'

/** Form fields generated from a JSON Schema object (strings, numbers, booleans, enums; JSON for the rest). */
export function SchemaForm({ schema, submitLabel, onSubmit, testId }: { schema: any; submitLabel: string; onSubmit: (value: unknown) => void; testId?: string }) {
  const props: Record<string, any> | undefined = schema?.type === 'object' || schema?.properties ? schema.properties ?? {} : undefined
  const [values, setValues] = useState<Record<string, any>>(() => (props ? Object.fromEntries(Object.entries(props).map(([k, p]) => [k, initial(p)])) : { $json: '{}' }))
  const [error, setError] = useState('')
  const submit = (e: Event) => {
    e.preventDefault()
    try {
      onSubmit(props ? Object.fromEntries(Object.entries(props).map(([k, p]) => [k, coerce(p, values[k])]).filter(([, v]) => v !== undefined)) : JSON.parse(values.$json))
      setError('')
    } catch (err) {
      setError((err as Error).message)
    }
  }
  const set = (k: string, v: unknown) => setValues({ ...values, [k]: v })
  return html`<form class="schema-form" data-testid=${testId} onSubmit=${submit}>
    ${props
      ? Object.entries(props).map(([k, p]) => html`<label class="field"><span>${k}${schema.required?.includes(k) ? ' *' : ''}${p.description ? html` <i class="muted">${p.description}</i>` : ''}</span>${field(k, p, values[k], set)}</label>`)
      : html`<textarea rows="4" name="$json" value=${values.$json} onInput=${(e: any) => set('$json', e.target.value)}></textarea>`}
    ${error && html`<div class="error">${error}</div>`}
    <button type="submit">${submitLabel}</button>
  </form>`
}

function field(k: string, p: any, value: any, set: (k: string, v: unknown) => void) {
  if (Array.isArray(p.enum)) return html`<select name=${k} value=${value} onChange=${(e: any) => set(k, e.target.value)}>${p.enum.map((o: any) => html`<option value=${String(o)}>${String(o)}</option>`)}</select>`
  if (p.type === 'boolean') return html`<input type="checkbox" name=${k} checked=${value} onChange=${(e: any) => set(k, e.target.checked)} />`
  if (p.type === 'number' || p.type === 'integer') return html`<input type="number" name=${k} step=${p.type === 'integer' ? 1 : 'any'} value=${value} onInput=${(e: any) => set(k, e.target.value)} />`
  if (p.type === 'string') return html`<input name=${k} value=${value} onInput=${(e: any) => set(k, e.target.value)} />`
  return html`<textarea name=${k} rows="3" value=${value} onInput=${(e: any) => set(k, e.target.value)}></textarea>`
}

function initial(p: any): any {
  if (p.default !== undefined) return p.type === 'object' || p.type === 'array' ? JSON.stringify(p.default) : p.default
  if (Array.isArray(p.enum)) return p.enum[0]
  if (p.type === 'boolean') return false
  return ''
}

function coerce(p: any, v: any): unknown {
  if (Array.isArray(p.enum)) return p.enum.find((o: any) => String(o) === String(v))
  if (p.type === 'boolean') return Boolean(v)
  if (p.type === 'number' || p.type === 'integer') return v === '' ? undefined : Number(v)
  if (p.type === 'string') return v
  return v === '' ? undefined : JSON.parse(v)
}
