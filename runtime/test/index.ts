// `lumosai/test`: test doubles that ship with the package (like `ai/test`).
export { MockModel } from './mock-model.js'
export type { MockModelOptions, MockResponse, MockToolCall } from './mock-model.js'
