//! String interner for the vocabulary: term <-> dense u32 id.
//!
//! All strings live in one byte arena (no per-term allocation or String header), and the hash
//! table is an open-addressing array of (hash tag, id), so a lookup is one hash, usually one
//! probe and one byte compare. Indexing does one lookup per token, so this is on the hot path.

const EMPTY: u32 = u32::MAX;
const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hash of a byte string (multiply-rotate over 8-byte words, then a final avalanche).
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rem = chunks.remainder();
    if !rem.is_empty() {
        let mut w = [0u8; 8];
        w[..rem.len()].copy_from_slice(rem);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

#[derive(Clone, Debug, Default)]
pub struct Interner {
    /// Concatenated strings; id i spans `ends[i - 1]..ends[i]` (`0..ends[0]` for id 0).
    arena: Vec<u8>,
    ends: Vec<usize>,
    /// Open addressing with linear probing. Entry = (high 32 hash bits << 32) | id, or EMPTY
    /// in the low half; the tag lets a probe skip non-matching ids without touching the arena.
    /// Length is 0 or a power of two, at most half full.
    table: Vec<u64>,
}

impl Interner {
    pub fn new() -> Self {
        Interner::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        let mut t = Interner::default();
        t.ends.reserve(n);
        t.rehash(n.saturating_mul(2).next_power_of_two().max(16));
        t
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    fn bytes_of(&self, id: usize) -> &[u8] {
        let start = if id == 0 { 0 } else { self.ends.get(id - 1).copied().unwrap_or(0) };
        let end = self.ends.get(id).copied().unwrap_or(start);
        self.arena.get(start..end).unwrap_or(&[])
    }

    /// The string of `id`.
    pub fn resolve(&self, id: u32) -> Option<&str> {
        if id as usize >= self.len() {
            return None;
        }
        std::str::from_utf8(self.bytes_of(id as usize)).ok()
    }

    /// Table position holding `s`, or the empty position where it would go. The table is
    /// non-empty and never full (callers ensure both), so the probe ends.
    #[inline]
    fn find(&self, s: &[u8], h: u64) -> (usize, Option<u32>) {
        let mask = self.table.len().wrapping_sub(1);
        let tag = h >> 32;
        let mut pos = (h as usize) & mask;
        for _ in 0..self.table.len() {
            let e = self.table[pos];
            let id = e as u32;
            if id == EMPTY {
                return (pos, None);
            }
            if e >> 32 == tag && self.bytes_of(id as usize) == s {
                return (pos, Some(id));
            }
            pos = (pos + 1) & mask;
        }
        (pos, None)
    }

    #[inline]
    pub fn get(&self, s: &str) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let b = s.as_bytes();
        self.find(b, hash_bytes(b)).1
    }

    /// Id of `s`, adding it if new. Returns (id, whether it was added). Callers keep the number
    /// of ids below u32::MAX.
    pub fn intern(&mut self, s: &str) -> (u32, bool) {
        if (self.len() + 1) * 2 > self.table.len() {
            self.rehash((self.table.len() * 2).max(16));
        }
        let b = s.as_bytes();
        let h = hash_bytes(b);
        let (pos, found) = self.find(b, h);
        if let Some(id) = found {
            return (id, false);
        }
        let id = self.len() as u32;
        self.arena.extend_from_slice(b);
        self.ends.push(self.arena.len());
        if let Some(slot) = self.table.get_mut(pos) {
            *slot = (h >> 32) << 32 | id as u64;
        }
        (id, true)
    }

    fn rehash(&mut self, size: usize) {
        let mut table = vec![EMPTY as u64; size];
        let mask = size - 1;
        for id in 0..self.len() {
            let h = hash_bytes(self.bytes_of(id));
            let mut pos = (h as usize) & mask;
            while table[pos] as u32 != EMPTY {
                pos = (pos + 1) & mask;
            }
            table[pos] = (h >> 32) << 32 | id as u64;
        }
        self.table = table;
    }

    pub fn memory_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * std::mem::size_of::<usize>() + self.table.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_and_resolves() {
        let mut t = Interner::new();
        assert_eq!(t.get("a"), None);
        let words: Vec<String> = (0..5000).map(|i| format!("w{}x{}", i, "y".repeat(i % 20))).collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.intern(w), (i as u32, true));
        }
        assert_eq!(t.intern(""), (5000, true));
        assert_eq!(t.intern("w1x"), (5001, true));
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), Some(i as u32));
            assert_eq!(t.intern(w), (i as u32, false));
            assert_eq!(t.resolve(i as u32), Some(w.as_str()));
        }
        assert_eq!(t.get(""), Some(5000));
        assert_eq!(t.resolve(5000), Some(""));
        assert_eq!(t.get("w1"), None);
        assert_eq!(t.get("w1xy"), Some(1));
        assert_eq!(t.resolve(99_999), None);
        assert_eq!(t.len(), 5002);
        assert!(t.table.len() >= 2 * t.len());
        let u = Interner::with_capacity(10);
        assert_eq!(u.get("x"), None);
    }

    #[test]
    fn hash_separates_lengths() {
        assert_ne!(hash_bytes(b"ab"), hash_bytes(b"ab\0"));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
    }
}
