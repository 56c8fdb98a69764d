// What the benchmark imports from Lumos (bundled to .build/lumos.mjs by run.mjs, zod left external).
export { Agent } from '../../runtime/agent/index.js'
export { createTool } from '../../runtime/tools/index.js'
