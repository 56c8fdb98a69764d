import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { afterAll, describe, expect, it } from 'vitest'
import { LibsqlStore } from '../../../adapters/node/stores/index.js'
import { runStoreConformance } from './store.case.js'

const dir = mkdtempSync(join(tmpdir(), 'lumos-libsql-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

runStoreConformance({ name: 'LibsqlStore (file)', create: () => LibsqlStore.open({ url: `file:${join(dir, `store-${n++}.db`)}` }) })

// 64 KiB chunks: a 10 MB blob becomes 160 rows
runStoreConformance({ name: 'LibsqlStore (file, 64 KiB chunks)', create: () => LibsqlStore.open({ url: `file:${join(dir, `chunked-${n++}.db`)}`, maxValueBytes: 64 * 1024 }) })

describe('LibsqlStore specifics', () => {
  it('data survives close and reopen; the schema is migrated once', async () => {
    const url = `file:${join(dir, 'reopen.db')}`
    const first = await LibsqlStore.open({ url })
    await first.createThread({ id: 't', resourceId: 'r', title: 'persisted' })
    await first.appendMessages({ threadId: 't', resourceId: 'r', messages: [{ id: 'm', role: 'user', content: { parts: [{ type: 'text', text: 'hi' }] } }] })
    await first.putBlob('b', new Uint8Array([1, 2, 3]))
    await first.close()
    const second = await LibsqlStore.open({ url })
    try {
      expect((await second.getThread({ threadId: 't', resourceId: 'r' })).title).toBe('persisted')
      expect((await second.listMessages({ threadId: 't', resourceId: 'r' })).items.map((m) => [m.id, m.seq])).toEqual([['m', 1]])
      expect(Array.from((await second.getBlob('b')) ?? [])).toEqual([1, 2, 3])
    } finally {
      await second.close()
    }
    const raw = createClient({ url })
    try {
      expect((await raw.execute("SELECT value FROM lumos_meta WHERE key = 'schema_version'")).rows[0][0]).toBe('1')
      expect((await raw.execute('PRAGMA journal_mode')).rows[0][0]).toBe('wal')
      await raw.execute("UPDATE lumos_meta SET value = '99' WHERE key = 'schema_version'")
    } finally {
      raw.close()
    }
    await expect(LibsqlStore.open({ url })).rejects.toMatchObject({ code: 'STORE_SCHEMA_UNSUPPORTED', details: { found: 99, supported: 1 } })
  })

  it('an unusable location fails with STORE_UNAVAILABLE', async () => {
    await expect(LibsqlStore.open({ url: `file:${join(dir, 'missing-dir', 'x', 'db.sqlite')}` })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    await expect(LibsqlStore.open({ url: '' })).rejects.toMatchObject({ code: 'STORE_INPUT_INVALID' })
  })
})
