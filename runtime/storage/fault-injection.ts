import type { Store, StoreOp } from './types.js'

/** Called inside the write transaction before op `index` runs; throwing aborts the whole batch. */
export type WriteFault = (info: { op: StoreOp; index: number }) => void | Promise<void>

const FAULT = Symbol.for('lumos.store.writeFault')

/**
 * Testing aid: injects a failure into the middle of a write transaction, to prove that nothing
 * half-written survives. The fault must not call the store itself (some backends run one
 * transaction at a time). Works on stores built on `BackendStore`; pass `undefined` to remove it.
 */
export function setWriteFault(store: Store, fault: WriteFault | undefined): void {
  ;(store as unknown as Record<symbol, unknown>)[FAULT] = fault
}

export function getWriteFault(store: object): WriteFault | undefined {
  return (store as Record<symbol, WriteFault | undefined>)[FAULT]
}
