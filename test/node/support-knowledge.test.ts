// examples/support/knowledge.ts: which files are indexed, and the snapshot cache keyed by their content.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { docFiles, loadKnowledge } from '../../examples/support/knowledge.js'

const root = mkdtempSync(join(tmpdir(), 'lumos-kb-'))
const data = join(root, '.data')
afterAll(() => rmSync(root, { recursive: true, force: true }))

function write(rel: string, text: string) {
  mkdirSync(join(root, rel, '..'), { recursive: true })
  writeFileSync(join(root, rel), text)
}

write('README.md', '# Demo\n\nThe dev server listens on port 4111 by default.\n')
write('runtime/memory/README.md', '# Memory\n\nWorking memory keeps facts about the user.\n')
write('examples/support/README.md', '# Support\n\nRun npm start.\n')
write('bench/node_modules/pkg/README.md', '# not documentation\n')
write('runtime/memory/notes.md', '# not a README\n')
write('docs/README.md', '# outside the roots\n')
mkdirSync(data)

describe('support knowledge base', () => {
  it('indexes README.md and the READMEs under runtime/, bench/, examples/ (not node_modules)', () => {
    expect(docFiles(root).map((f) => f.slice(root.length + 1))).toEqual(['README.md', 'examples/support/README.md', 'runtime/memory/README.md'])
  })

  it('builds, then loads the snapshot; a changed doc or a damaged snapshot rebuilds', async () => {
    const first = await loadKnowledge(root, data)
    expect(first.stats).toMatchObject({ files: 3, chunks: 3, cached: false })
    const hits = await first.retriever.query('which port does the dev server use', { topK: 1 })
    expect(hits[0].metadata).toMatchObject({ source: 'README.md', title: 'Demo' })

    const again = await loadKnowledge(root, data)
    expect(again.stats).toMatchObject({ files: 3, chunks: 3, cached: true, snapshot: first.stats.snapshot })
    expect((await again.retriever.query('which port does the dev server use', { topK: 1 }))[0].id).toBe(hits[0].id)

    write('examples/support/README.md', '# Support\n\nRun npm start. It answers from the docs.\n')
    const changed = await loadKnowledge(root, data)
    expect(changed.stats.cached).toBe(false)
    expect(changed.stats.snapshot).not.toBe(first.stats.snapshot)
    // The stale snapshot is removed, only the current one stays.
    expect(readdirSync(data)).toEqual([changed.stats.snapshot.slice(data.length + 1)])

    writeFileSync(changed.stats.snapshot, 'garbage')
    const repaired = await loadKnowledge(root, data)
    expect(repaired.stats).toMatchObject({ cached: false, chunks: 3 })
    expect((await loadKnowledge(root, data)).stats.cached).toBe(true)
  })
})
