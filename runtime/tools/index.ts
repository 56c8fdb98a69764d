export { createTool, isTool } from './tool.js'
export type { Tool, ToolConfig, ToolContext } from './tool.js'
export type { ToolCall, ToolResult } from './execute-tool.js'
