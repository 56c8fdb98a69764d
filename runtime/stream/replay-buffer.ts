/**
 * Records every part of a run so any number of readers (fullStream, textStream, toResponse, the
 * result promises) can start at any time and see the whole run. The run never waits for readers.
 */
export interface ReplayBuffer<T> {
  push(part: T): void
  close(): void
  readonly closed: boolean
  /** A fresh stream from the first part; `onCancel` runs when its reader cancels. */
  stream(onCancel?: (reason: unknown) => void): ReadableStream<T>
}

export function createReplayBuffer<T>(): ReplayBuffer<T> {
  const parts: T[] = []
  let closed = false
  let waiters: Array<() => void> = []
  const wake = () => {
    const w = waiters
    waiters = []
    for (const f of w) f()
  }
  return {
    push(part) {
      if (closed) return
      parts.push(part)
      if (waiters.length > 0) wake()
    },
    close() {
      if (closed) return
      closed = true
      wake()
    },
    get closed() {
      return closed
    },
    stream(onCancel) {
      let i = 0
      let cancelled = false
      const drain = (controller: ReadableStreamDefaultController<T>): boolean => {
        if (cancelled) return true
        while (i < parts.length) controller.enqueue(parts[i++])
        if (closed) {
          controller.close()
          return true
        }
        return false
      }
      return new ReadableStream<T>({
        pull(controller) {
          if (i < parts.length || closed) {
            drain(controller)
            return
          }
          return new Promise<void>((resolve) => waiters.push(resolve)).then(() => void drain(controller))
        },
        cancel(reason) {
          cancelled = true
          onCancel?.(reason)
        },
      })
    },
  }
}
