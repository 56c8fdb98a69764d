import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider'

export const userPrompt = (text: string): LanguageModelV3CallOptions['prompt'] => [{ role: 'user', content: [{ type: 'text', text }] }]

export async function collect(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = []
  const reader = stream.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value)
  return parts
}

export const textOf = (parts: LanguageModelV3StreamPart[]) =>
  parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('')

export const partTypes = (parts: LanguageModelV3StreamPart[]) => parts.map((p) => p.type)

/** The error carried by the stream's `error` part. */
export const streamError = (parts: LanguageModelV3StreamPart[]) => (parts.find((p) => p.type === 'error') as { error: unknown } | undefined)?.error

/** The rejection reason of `work`; fails the test if it resolves. */
export const failure = (work: PromiseLike<unknown>): Promise<any> =>
  Promise.resolve(work).then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`)
    },
    (error) => error,
  )
