// `lumosai/test` on Node: the runtime test doubles plus Node-only fakes (real local servers).
export * from '../../runtime/test/index.js'
export * from './test/index.js'
