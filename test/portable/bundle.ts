// Node-side helper: bundles a portable test entry for workerd, Deno or Chromium with esbuild.
// `vitest` is aliased to the portable harness, so suites written for vitest run there unchanged.
import { build, type Plugin } from 'esbuild'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const HARNESS = fileURLToPath(new URL('./index.ts', import.meta.url))
export const WASM_PATH = fileURLToPath(new URL('../../runtime/core/wasm/lumos-core.wasm', import.meta.url))

export interface BundleOptions {
  /** 'workerd': `.wasm` imports stay imports of `./lumos-core.wasm` (a CompiledWasm module); `cloudflare:*` is external. */
  target: 'workerd' | 'deno' | 'browser'
  /** Extra external specifiers (e.g. `npm:` imports). */
  external?: string[]
}

const wasmAsModule: Plugin = {
  name: 'wasm-compiled-module',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './lumos-core.wasm', external: true }))
  },
}

/** Returns the bundled ESM source of `entry` (one file, source maps inline). */
export async function bundlePortable(entry: string, options: BundleOptions): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: options.target === 'browser' ? 'browser' : 'neutral',
    mainFields: options.target === 'browser' ? ['browser', 'module', 'main'] : ['module', 'main'],
    conditions: options.target === 'workerd' ? ['workerd', 'worker', 'browser'] : options.target === 'deno' ? ['deno', 'node'] : ['browser'],
    alias: { vitest: HARNESS },
    external: ['cloudflare:*', ...(options.external ?? [])],
    plugins: options.target === 'workerd' ? [wasmAsModule] : [],
    sourcemap: 'inline',
    logLevel: 'silent',
  })
  return result.outputFiles[0].text
}
