/** An unbounded async queue of events: push from the run, `for await` from the caller. */
export class EventQueue<T> implements AsyncIterable<T> {
  #items: T[] = []
  #waiting: ((r: IteratorResult<T>) => void) | undefined
  #closed = false

  push(item: T): void {
    if (this.#closed) return
    const w = this.#waiting
    if (w) {
      this.#waiting = undefined
      w({ value: item, done: false })
    } else this.#items.push(item)
  }

  close(): void {
    this.#closed = true
    const w = this.#waiting
    this.#waiting = undefined
    w?.({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift()!, done: false })
        if (this.#closed) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => (this.#waiting = resolve))
      },
      return: () => {
        this.#closed = true
        this.#items.length = 0
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }
}
