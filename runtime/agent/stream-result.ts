import type { AgentStreamPart } from '../stream/parts.js'
import type { ReplayBuffer } from '../stream/replay-buffer.js'
import type { UIMessageStreamResponseInit } from '../stream/ui-message-stream.js'
import { createUIMessageStreamResponse } from '../stream/ui-message-stream.js'
import type { GenerateResult, StepResult } from './types.js'
import type { FinishReason, Usage } from './usage.js'

const noop = () => {}

/**
 * What `agent.stream()` returns. The run proceeds on its own; every stream getter replays it from the
 * start. Cancelling a derived stream (e.g. the HTTP client of toResponse() disconnecting) aborts the run.
 */
export class AgentStreamResult<OUTPUT = unknown> {
  readonly runId: string
  /** The full result; rejects with the run's error (AGENT_ABORTED on abort). */
  readonly result: Promise<GenerateResult<OUTPUT>>
  readonly #buffer: ReplayBuffer<AgentStreamPart>
  readonly #abort: (reason?: unknown) => void

  constructor(runId: string, buffer: ReplayBuffer<AgentStreamPart>, result: Promise<GenerateResult<OUTPUT>>, abort: (reason?: unknown) => void) {
    this.runId = runId
    this.#buffer = buffer
    this.result = result
    this.#abort = abort
    // Unobserved failures surface through the stream's 'error' part, not as unhandled rejections.
    result.catch(noop)
  }

  /** Every typed event of the run, including sub-agent events wrapped as 'agent-part'. */
  get fullStream(): ReadableStream<AgentStreamPart> {
    return this.#buffer.stream((reason) => this.#abort(reason))
  }

  /** This agent's text deltas (sub-agent text is not included). */
  get textStream(): ReadableStream<string> {
    return this.fullStream.pipeThrough(
      new TransformStream<AgentStreamPart, string>({
        transform(part, controller) {
          if (part.type === 'text-delta') controller.enqueue(part.delta)
        },
      }),
    )
  }

  get text(): Promise<string> {
    return this.result.then((r) => r.text)
  }
  get object(): Promise<OUTPUT> {
    return this.result.then((r) => r.object)
  }
  get usage(): Promise<Usage> {
    return this.result.then((r) => r.usage)
  }
  get finishReason(): Promise<FinishReason> {
    return this.result.then((r) => r.finishReason)
  }
  get steps(): Promise<StepResult[]> {
    return this.result.then((r) => r.steps)
  }
  get toolCalls(): Promise<GenerateResult['toolCalls']> {
    return this.result.then((r) => r.toolCalls)
  }
  get toolResults(): Promise<GenerateResult['toolResults']> {
    return this.result.then((r) => r.toolResults)
  }
  get response(): Promise<GenerateResult['response']> {
    return this.result.then((r) => r.response)
  }

  /** Cancels the run: tools see their abortSignal fire and the stream ends with an 'abort' part. */
  abort(reason?: unknown): void {
    this.#abort(reason)
  }

  /** Waits for the run to end without reading it; never rejects. */
  async consumeStream(): Promise<void> {
    await this.result.catch(noop)
  }

  /** An SSE Response in the AI SDK UI message stream protocol, for `useChat`. */
  toResponse(init: UIMessageStreamResponseInit = {}): Response {
    return createUIMessageStreamResponse(this.fullStream, init, this.runId)
  }

  /** A plain `text/plain` streaming Response of this agent's text. */
  toTextResponse(init: { status?: number; headers?: Record<string, string> } = {}): Response {
    return new Response(this.textStream.pipeThrough(new TextEncoderStream()), {
      status: init.status ?? 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...init.headers },
    })
  }
}
