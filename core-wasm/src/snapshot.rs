//! Versioned binary container shared by every index snapshot.
//!
//! Layout (all little-endian):
//! ```text
//! 0   magic "LUMOSNAP"            8 bytes
//! 8   format version (u32)        = FORMAT_VERSION
//! 12  kind (u32)                  1 = vector index, 2 = keyword index
//! 16  section count (u32)
//! 20  reserved (u32)              = 0
//! 24  section table: count x { tag u32, reserved u32, offset u64, len u64 }
//! ..  section payloads, each starting on an 8-byte boundary
//! end checksum (u64) of every byte before it
//! ```
//! Readers check magic, version, kind, bounds and checksum before any section is parsed, so a
//! truncated or corrupted snapshot never reaches index code. Bulk arrays are copied with
//! `from_le_bytes` over exact chunks, which compiles to a near-memcpy loop.

use crate::error::{fail, Code, CoreResult};

pub const MAGIC: &[u8; 8] = b"LUMOSNAP";
pub const FORMAT_VERSION: u32 = 1;
pub const KIND_VECTOR: u32 = 1;
pub const KIND_KEYWORD: u32 = 2;
const HEADER: usize = 24;
const ENTRY: usize = 24;

/// Fast non-cryptographic checksum: four independent multiply-rotate lanes over 8-byte words.
/// It detects truncation and bit flips; it is not meant to resist tampering.
pub fn checksum(bytes: &[u8]) -> u64 {
    const P1: u64 = 0x9E37_79B1_85EB_CA87;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let mut lanes = [P1, P2, P1 ^ P2, P1.wrapping_add(P2)];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (i, lane) in lanes.iter_mut().enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&block[i * 8..i * 8 + 8]);
            let v = u64::from_le_bytes(w);
            *lane = (*lane ^ v).wrapping_mul(P1).rotate_left(31);
        }
    }
    let mut h = (bytes.len() as u64).wrapping_mul(P2);
    for lane in lanes.iter() {
        h = (h ^ lane).wrapping_mul(P2).rotate_left(27);
    }
    for &b in blocks.remainder() {
        h = (h ^ b as u64).wrapping_mul(P1).rotate_left(11);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^ (h >> 29)
}

pub struct SnapshotWriter {
    kind: u32,
    sections: Vec<(u32, Vec<u8>)>,
}

impl SnapshotWriter {
    pub fn new(kind: u32) -> Self {
        SnapshotWriter { kind, sections: Vec::new() }
    }

    pub fn section(&mut self, tag: u32, payload: Vec<u8>) {
        self.sections.push((tag, payload));
    }

    pub fn finish(self) -> Vec<u8> {
        let table_end = HEADER + ENTRY * self.sections.len();
        let mut total = align8(table_end);
        for (_, p) in &self.sections {
            total = align8(total + p.len());
        }
        let mut out = Vec::with_capacity(total + 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.kind.to_le_bytes());
        out.extend_from_slice(&(self.sections.len() as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        let mut offset = align8(table_end);
        for (tag, p) in &self.sections {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&(offset as u64).to_le_bytes());
            out.extend_from_slice(&(p.len() as u64).to_le_bytes());
            offset = align8(offset + p.len());
        }
        for (_, p) in &self.sections {
            out.resize(align8(out.len()), 0);
            out.extend_from_slice(p);
        }
        out.resize(align8(out.len()), 0);
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }
}

fn align8(n: usize) -> usize {
    (n + 7) & !7
}

pub struct SnapshotReader<'a> {
    bytes: &'a [u8],
    table: Vec<(u32, usize, usize)>,
}

impl<'a> SnapshotReader<'a> {
    /// Validates the container and returns a reader over its sections.
    pub fn open(bytes: &'a [u8], expected_kind: u32) -> CoreResult<Self> {
        if bytes.len() < HEADER + 8 {
            return fail(Code::SnapshotCorrupt, format!("snapshot is truncated ({} bytes)", bytes.len()));
        }
        if &bytes[0..8] != MAGIC {
            return fail(Code::SnapshotCorrupt, "not a Lumos snapshot (bad magic bytes)");
        }
        let version = le_u32(&bytes[8..12]);
        if version != FORMAT_VERSION {
            return fail(
                Code::SnapshotVersion,
                format!("snapshot format version {} is not supported (this build reads version {})", version, FORMAT_VERSION),
            );
        }
        let kind = le_u32(&bytes[12..16]);
        if kind != expected_kind {
            return fail(
                Code::SnapshotKind,
                format!("snapshot holds index kind {} but kind {} was expected", kind_name(kind), kind_name(expected_kind)),
            );
        }
        let body_len = bytes.len() - 8;
        let stored = le_u64(&bytes[body_len..]);
        if checksum(&bytes[..body_len]) != stored {
            return fail(Code::SnapshotCorrupt, "snapshot checksum mismatch (truncated or corrupted)");
        }
        let count = le_u32(&bytes[16..20]) as usize;
        let table_end = count.checked_mul(ENTRY).and_then(|t| t.checked_add(HEADER));
        let table_end = match table_end {
            Some(t) if t <= body_len => t,
            _ => return fail(Code::SnapshotCorrupt, "snapshot section table is out of bounds"),
        };
        let mut table = Vec::with_capacity(count);
        let mut at = HEADER;
        while at < table_end {
            let tag = le_u32(&bytes[at..at + 4]);
            let off = le_u64(&bytes[at + 8..at + 16]);
            let len = le_u64(&bytes[at + 16..at + 24]);
            let end = off.checked_add(len);
            match end {
                Some(e) if off >= table_end as u64 && e <= body_len as u64 => {}
                _ => return fail(Code::SnapshotCorrupt, format!("snapshot section {} is out of bounds", tag)),
            }
            table.push((tag, off as usize, len as usize));
            at += ENTRY;
        }
        Ok(SnapshotReader { bytes, table })
    }

    pub fn section(&self, tag: u32) -> CoreResult<&'a [u8]> {
        for &(t, off, len) in &self.table {
            if t == tag {
                return Ok(&self.bytes[off..off + len]);
            }
        }
        fail(Code::SnapshotCorrupt, format!("snapshot is missing section {}", tag))
    }

    pub fn has_section(&self, tag: u32) -> bool {
        self.table.iter().any(|&(t, _, _)| t == tag)
    }
}

fn kind_name(kind: u32) -> &'static str {
    match kind {
        KIND_VECTOR => "vector",
        KIND_KEYWORD => "keyword",
        _ => "unknown",
    }
}

fn le_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u32::from_le_bytes(a)
}

fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

/// Appends little-endian primitives and arrays to a section payload.
#[derive(Default)]
pub struct ByteWriter {
    pub buf: Vec<u8>,
}

impl ByteWriter {
    pub fn new() -> Self {
        ByteWriter { buf: Vec::new() }
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32s(&mut self, v: &[f32]) {
        self.buf.reserve(v.len() * 4);
        for x in v {
            self.buf.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub fn u32s(&mut self, v: &[u32]) {
        self.buf.reserve(v.len() * 4);
        for x in v {
            self.buf.extend_from_slice(&x.to_le_bytes());
        }
    }
    pub fn i8s(&mut self, v: &[i8]) {
        self.buf.extend(v.iter().map(|&x| x as u8));
    }
    pub fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }
    /// Length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.buf.extend_from_slice(s.as_bytes());
    }
    pub fn into_inner(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads what `ByteWriter` wrote; every overrun is a `SnapshotCorrupt` error, never a panic.
pub struct ByteReader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> ByteReader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        ByteReader { buf, at: 0 }
    }
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.at
    }
    pub fn take(&mut self, n: usize) -> CoreResult<&'a [u8]> {
        match self.at.checked_add(n) {
            Some(end) if end <= self.buf.len() => {
                let s = &self.buf[self.at..end];
                self.at = end;
                Ok(s)
            }
            _ => fail(Code::SnapshotCorrupt, "snapshot section ends early"),
        }
    }
    pub fn u8(&mut self) -> CoreResult<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> CoreResult<u32> {
        Ok(le_u32(self.take(4)?))
    }
    pub fn u64(&mut self) -> CoreResult<u64> {
        Ok(le_u64(self.take(8)?))
    }
    pub fn f32(&mut self) -> CoreResult<f32> {
        Ok(f32::from_bits(self.u32()?))
    }
    /// Reads a count that must fit the remaining bytes at `unit` bytes per item.
    pub fn count(&mut self, unit: usize) -> CoreResult<usize> {
        let n = self.u64()? as usize;
        if unit > 0 && n > self.remaining() / unit {
            return fail(Code::SnapshotCorrupt, "snapshot array length exceeds its section");
        }
        Ok(n)
    }
    pub fn f32s(&mut self, n: usize) -> CoreResult<Vec<f32>> {
        let b = self.take(n.checked_mul(4).unwrap_or(usize::MAX))?;
        Ok(b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
    pub fn u32s(&mut self, n: usize) -> CoreResult<Vec<u32>> {
        let b = self.take(n.checked_mul(4).unwrap_or(usize::MAX))?;
        Ok(b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
    pub fn i8s(&mut self, n: usize) -> CoreResult<Vec<i8>> {
        Ok(self.take(n)?.iter().map(|&b| b as i8).collect())
    }
    pub fn str(&mut self) -> CoreResult<&'a str> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        std::str::from_utf8(b).map_err(|_| crate::error::CoreError::new(Code::SnapshotCorrupt, "snapshot string is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = SnapshotWriter::new(KIND_VECTOR);
        let mut a = ByteWriter::new();
        a.u32(7);
        a.f32s(&[1.5, -2.0]);
        a.str("héllo");
        w.section(1, a.into_inner());
        w.section(2, vec![9; 13]);
        w.finish()
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let r = SnapshotReader::open(&bytes, KIND_VECTOR).unwrap();
        let mut a = ByteReader::new(r.section(1).unwrap());
        assert_eq!(a.u32().unwrap(), 7);
        assert_eq!(a.f32s(2).unwrap(), vec![1.5, -2.0]);
        assert_eq!(a.str().unwrap(), "héllo");
        assert_eq!(r.section(2).unwrap(), &[9u8; 13][..]);
        assert!(r.section(3).is_err());
    }

    #[test]
    fn rejects_every_truncation_and_bit_flip() {
        let bytes = sample();
        for n in 0..bytes.len() {
            assert!(SnapshotReader::open(&bytes[..n], KIND_VECTOR).is_err(), "truncated at {}", n);
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            assert!(SnapshotReader::open(&b, KIND_VECTOR).is_err(), "flip at {}", i);
        }
    }

    #[test]
    fn rejects_wrong_kind_and_version() {
        let bytes = sample();
        assert_eq!(SnapshotReader::open(&bytes, KIND_KEYWORD).err().unwrap().code, Code::SnapshotKind);
        let mut b = bytes.clone();
        b[8] = 2;
        let body = b.len() - 8;
        let sum = checksum(&b[..body]);
        b[body..].copy_from_slice(&sum.to_le_bytes());
        assert_eq!(SnapshotReader::open(&b, KIND_VECTOR).err().unwrap().code, Code::SnapshotVersion);
    }

    #[test]
    fn reader_overrun_is_an_error() {
        let mut r = ByteReader::new(&[1, 2, 3]);
        assert!(r.u32().is_err());
        let mut r = ByteReader::new(&[255, 255, 255, 255, 255, 255, 255, 255]);
        assert!(r.count(4).is_err());
    }
}
