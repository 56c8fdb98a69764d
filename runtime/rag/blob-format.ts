import { LumosError } from '../errors.js'

/**
 * A small versioned container for RAG snapshots (vector store, retriever):
 * `magic (8 bytes) | version u32 | header length u32 | header JSON | sections... | checksum u32`.
 * The header JSON carries the configuration, the records and the byte length of every binary
 * section (the engine's own snapshots, packed vectors), which follow in order, 8-byte aligned.
 */
export interface Container {
  header: Record<string, unknown>
  sections: Record<string, Uint8Array>
}

const enc = new TextEncoder()
const dec = new TextDecoder('utf-8', { fatal: true })
const pad8 = (n: number) => (8 - (n % 8)) % 8

export function packContainer(magic: string, version: number, c: Container): Uint8Array {
  const names = Object.keys(c.sections)
  const header = enc.encode(JSON.stringify({ ...c.header, sections: names.map((n) => [n, c.sections[n].byteLength]) }))
  let size = 16 + header.byteLength
  size += pad8(size)
  for (const n of names) size += c.sections[n].byteLength + pad8(c.sections[n].byteLength)
  const out = new Uint8Array(size + 4)
  const view = new DataView(out.buffer)
  out.set(enc.encode(magic.padEnd(8, ' ').slice(0, 8)), 0)
  view.setUint32(8, version, true)
  view.setUint32(12, header.byteLength, true)
  out.set(header, 16)
  let at = 16 + header.byteLength
  at += pad8(at)
  for (const n of names) {
    out.set(c.sections[n], at)
    at += c.sections[n].byteLength + pad8(c.sections[n].byteLength)
  }
  view.setUint32(size, checksum(out, size), true)
  return out
}

export function unpackContainer(bytes: Uint8Array, magic: string, version: number, what: string): Container {
  const corrupt = (why: string) => new LumosError('SNAPSHOT_CORRUPT', `${what} snapshot is corrupt: ${why}`)
  if (!(bytes instanceof Uint8Array)) throw new LumosError('SNAPSHOT_CORRUPT', `${what}.load expects a Uint8Array`)
  if (bytes.byteLength < 20) throw corrupt('too short')
  const m = new TextDecoder().decode(bytes.subarray(0, 8))
  if (m !== magic.padEnd(8, ' ').slice(0, 8)) {
    throw new LumosError('SNAPSHOT_KIND_MISMATCH', `these bytes are not a ${what} snapshot (magic "${m.replace(/[^\x20-\x7e]/g, '?')}")`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const v = view.getUint32(8, true)
  if (v !== version) throw new LumosError('SNAPSHOT_VERSION_UNSUPPORTED', `${what} snapshot version ${v}, this Lumos reads version ${version}`, { details: { found: v, supported: version } })
  const end = bytes.byteLength - 4
  if (view.getUint32(end, true) !== checksum(bytes, end)) throw corrupt('checksum mismatch (truncated or modified)')
  const hlen = view.getUint32(12, true)
  if (16 + hlen > end) throw corrupt('header length out of range')
  let header: Record<string, unknown>
  try {
    header = JSON.parse(dec.decode(bytes.subarray(16, 16 + hlen)))
  } catch (e) {
    throw new LumosError('SNAPSHOT_CORRUPT', `${what} snapshot header is not JSON`, { cause: e })
  }
  const list = header.sections
  if (!Array.isArray(list)) throw corrupt('no section table')
  const sections: Record<string, Uint8Array> = {}
  let at = 16 + hlen
  at += pad8(at)
  for (const entry of list) {
    const [name, len] = entry as [string, number]
    if (typeof name !== 'string' || !Number.isInteger(len) || len < 0 || at + len > end) throw corrupt('section table out of range')
    sections[name] = bytes.subarray(at, at + len)
    at += len + pad8(len)
  }
  delete header.sections
  return { header, sections }
}

/** FNV-1a over 32-bit words (+ tail bytes): catches truncation and bit flips; not a MAC. */
function checksum(bytes: Uint8Array, len: number): number {
  let h = 0x811c9dc5
  const words = Math.floor(len / 4)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view.getUint32(i * 4, true), 0x01000193)
  for (let i = words * 4; i < len; i++) h = Math.imul(h ^ bytes[i], 0x01000193)
  return h >>> 0
}
