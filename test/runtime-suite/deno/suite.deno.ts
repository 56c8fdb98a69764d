// Deno entry (not a vitest file): `deno test` runs the runtime suite on DenoKvStore (a KV file per
// store, so a second handle can reopen it), the wasm core via Deno.readFile, and the `lumos ingest`
// snapshot read from the file named by LUMOS_RUNTIME_SNAPSHOT; KV files go to LUMOS_RUNTIME_TMP (a folder
// the vitest runner deletes) or a new temp folder. `vitest` maps to the portable harness
// through ./deno.json. Spawned by ../deno.test.ts; by hand (after building a snapshot with the CLI):
//   LUMOS_RUNTIME_SNAPSHOT=/tmp/docs.lumos node_modules/.bin/deno test -A --no-check --config test/runtime-suite/deno/deno.json test/runtime-suite/deno/suite.deno.ts
import { registerDenoTests } from '../../portable/index.js'
import { DenoKvStore, ready } from '../../../adapters/deno/index.js'
import { runRuntimeSuite } from '../suite.js'

interface DenoApi {
  env: { get(name: string): string | undefined }
  readFile(path: string): Promise<Uint8Array>
  makeTempDir(options?: { prefix?: string }): Promise<string>
}
const deno = (globalThis as unknown as { Deno: DenoApi }).Deno

const file = deno.env.get('LUMOS_RUNTIME_SNAPSHOT')
if (!file) throw new Error('set LUMOS_RUNTIME_SNAPSHOT to a snapshot built by `lumos ingest test/runtime-suite/fixtures/docs`')
const tmp = deno.env.get('LUMOS_RUNTIME_TMP')
let dir: Promise<string> | undefined
let n = 0
let last = ''

runRuntimeSuite({
  runtime: 'deno',
  async createStore() {
    last = `${await (dir ??= tmp ? Promise.resolve(tmp) : deno.makeTempDir({ prefix: 'lumos-runtime-deno-' }))}/store-${n++}.kv`
    return DenoKvStore.open({ path: last })
  },
  reopenStore: () => DenoKvStore.open({ path: last }),
  ready: () => ready(),
  snapshot: () => deno.readFile(file),
})

registerDenoTests()
