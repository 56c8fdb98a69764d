// Public API of agent memory: threads, useChat-compatible message storage, working memory, semantic recall.
export { Memory } from './memory.js'
export type { MemoryConfig, MemoryOptions, MemoryRunOptions, SemanticRecallOptions, UIMessage, WorkingMemoryOptions } from './types.js'
export { modelToUIMessages, uiToModelMessages, truncate as truncateToolOutput, type UIMessageBody } from './ui-message.js'
export { checkTemplate, templateSkeleton, WORKING_MEMORY_TOOL } from './working-memory.js'
export { encodeSegment as encodeRecallSegment, decodeSegments as decodeRecallSegments, type RecallEntry, type RecallSegment } from './recall-segment.js'
export { estimateMessageTokens, trimHistory } from './history.js'
export type { MemoryTurn } from './turn.js'
