// Loads the Lumos Node entry. A missing or broken binding is a hard, readable error.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from './datasets.js'

export type Lumos = typeof import('../../adapters/node/index.js')

export const lumosEntry = path.join(repoRoot, 'adapters/node/index.ts')
export const lumosWasm = path.join(repoRoot, 'runtime/core/wasm/lumos-core.wasm')

let cached: Lumos | undefined

export async function loadLumos(): Promise<Lumos> {
  if (cached) return cached
  if (!existsSync(lumosEntry)) throw new Error(`Lumos binding not found at ${lumosEntry} (build it first, or pass --no-lumos to run the peers only)`)
  let mod: Lumos
  try {
    mod = (await import(pathToFileURL(lumosEntry).href)) as Lumos
    await mod.ready()
  } catch (e) {
    throw new Error(`Lumos binding failed to load from ${lumosEntry}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
  cached = mod
  return mod
}
