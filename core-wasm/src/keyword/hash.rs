//! A fast deterministic hasher for the vocabulary (short strings, one lookup per token).
//! std's SipHash costs ~4x more per token; SipHash's flood resistance buys little here because
//! the index only holds the caller's own documents in the caller's own process. Output is
//! mixed at the end because hashbrown takes bucket bits from the low end and tag bits from the
//! high end.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x9E37_79B9_7F4A_7C15;

#[derive(Default, Clone, Copy)]
pub struct WordHasher {
    h: u64,
}

impl WordHasher {
    #[inline]
    fn mix(&mut self, v: u64) {
        self.h = (self.h.rotate_left(23) ^ v).wrapping_mul(K);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.mix(u64::from_le_bytes(w));
        }
        let rem = chunks.remainder();
        if !rem.is_empty() {
            let mut w = [0u8; 8];
            w[..rem.len()].copy_from_slice(rem);
            self.mix(u64::from_le_bytes(w) ^ ((rem.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64 | 0x100);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.h;
        h ^= h >> 32;
        h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        h ^ (h >> 32)
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn h<T: Hash + ?Sized>(t: &T) -> u64 {
        let b = BuildHasherDefault::<WordHasher>::default();
        let mut s = b.build_hasher();
        t.hash(&mut s);
        s.finish()
    }

    #[test]
    fn distinguishes_similar_keys_and_spreads_buckets() {
        let words = ["", "a", "b", "ab", "ba", "abcdefgh", "abcdefghi", "abcdefgh\u{1}", "tokenize", "tokenizer"];
        let mut seen = std::collections::HashSet::new();
        for w in words.iter() {
            assert!(seen.insert(h(*w)), "collision on {:?}", w);
        }
        // Low bits (bucket index) of sequential short keys are well spread.
        let mut buckets = [0u32; 64];
        for i in 0..6400u32 {
            buckets[(h(&format!("w{}", i)) & 63) as usize] += 1;
        }
        assert!(buckets.iter().all(|&c| c > 50 && c < 150), "{:?}", buckets);
        let mut m: FastMap<String, u32> = FastMap::default();
        m.insert("x".to_string(), 1);
        assert_eq!(m.get("x"), Some(&1));
    }
}
