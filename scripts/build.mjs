// Builds dist/: compiles runtime/ and adapters/ with tsc and copies the committed .wasm beside them.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
mkdirSync('dist/runtime/core/wasm', { recursive: true })
copyFileSync('runtime/core/wasm/lumos-core.wasm', 'dist/runtime/core/wasm/lumos-core.wasm')
console.log(`dist/ built (wasm ${statSync('dist/runtime/core/wasm/lumos-core.wasm').size} bytes)`)
