#!/usr/bin/env node
// The `lumos` command (package.json "bin"). Commands live in ./cli/, one file each.
import { main } from './cli/main.js'

process.exitCode = await main(process.argv.slice(2))
// tsx's module loader (registered by `lumos dev` to import lumos.config.ts) keeps a message port
// open after the command finished: give output a moment to flush, then leave.
setTimeout(() => process.exit(), 200).unref()
