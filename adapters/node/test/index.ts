// `lumosai/test` helpers that need Node: real local servers for offline tests.
export {
  startFakeOpenAIServer,
  type FakeFault,
  type FakeHttpError,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type FakeReply,
  type FakeScript,
  type FakeToolCall,
  type RecordedRequest,
} from './fake-openai-server.js'
