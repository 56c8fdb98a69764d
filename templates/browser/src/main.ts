// A Lumos agent running entirely in the browser; the model is any OpenAI-compatible endpoint or the offline answerer.
import { Agent, offlineAnswerer, openaiCompatible } from 'lumosai'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

$('form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const base = $<HTMLInputElement>('base').value.trim()
  const model = base ? openaiCompatible({ baseURL: base, model: $<HTMLInputElement>('model').value }) : offlineAnswerer()
  const agent = new Agent({ id: 'assistant', instructions: 'You are a helpful assistant.', model })
  const out = $('out')
  out.textContent = ''
  const result = await agent.stream($<HTMLInputElement>('prompt').value)
  for await (const chunk of result.textStream as unknown as AsyncIterable<string>) out.textContent += chunk
})
