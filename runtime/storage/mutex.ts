/** Runs async functions one at a time, in call order (for backends that serialise all access). */
export interface Mutex {
  run<T>(fn: () => Promise<T>): Promise<T>
}

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn)
      tail = result.then(
        () => undefined,
        () => undefined,
      )
      return result
    },
  }
}
