//! A fixed, hand-written hash so feature indexes never depend on the platform or on std's
//! randomised hasher: FNV-1a (32-bit) over bytes, then murmur3's `fmix32` finaliser, because
//! FNV alone leaves the high bits poorly mixed for short keys and the bucket comes from them.

pub const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

/// Continues an FNV-1a state over `bytes`.
#[inline]
pub fn fnv1a(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// murmur3 32-bit finaliser (a bijection with full avalanche).
#[inline]
pub fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^= h >> 16;
    h
}

/// Combines two raw hashes into one (for word bigrams), order-sensitive.
#[inline]
pub fn combine(a: u32, b: u32) -> u32 {
    fmix32(a.wrapping_mul(0x9E37_79B1) ^ b.rotate_left(15) ^ 0x27D4_EB2F)
}

/// Maps a 32-bit hash to 0..n with Lemire's multiply-shift (uses the high bits, no modulo bias
/// worth mentioning for n << 2^32).
#[inline]
pub fn bucket(h: u32, n: usize) -> usize {
    ((h as u64 * n as u64) >> 32) as usize
}
