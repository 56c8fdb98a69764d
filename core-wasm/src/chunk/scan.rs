//! Byte searches used by the splitters: wasm simd128 (16 bytes per step) when compiled with
//! it, else portable SWAR (8 bytes per step, also what native tests exercise).

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod simd {
    pub(crate) use core::arch::wasm32::*;

    /// 16 bytes at b[i..i + 16] (bounds-checked slice, unaligned load).
    #[inline]
    pub(crate) fn load16(b: &[u8], i: usize) -> v128 {
        let s = &b[i..i + 16];
        // SAFETY: `s` has exactly 16 readable bytes; v128_load has no alignment requirement.
        unsafe { v128_load(s.as_ptr() as *const v128) }
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

#[inline]
fn load(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

/// First index >= from where b[i] == n.
#[inline]
pub(crate) fn memchr(n: u8, b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use simd::*;
        let nv = u8x16_splat(n);
        while i + 16 <= b.len() {
            let m = i8x16_bitmask(i8x16_eq(load16(b, i), nv));
            if m != 0 {
                return Some(i + m.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    let rep = LO.wrapping_mul(n as u64);
    while i + 8 <= b.len() {
        let x = load(b, i) ^ rep;
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i < b.len() {
        if b[i] == n {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// First index >= from whose byte is flagged in `set`.
#[inline]
pub(crate) fn find_in_set(set: &[bool; 256], b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    // Unrolled by 4: one table load per byte, little branching.
    while i + 4 <= b.len() {
        if set[b[i] as usize] {
            return Some(i);
        }
        if set[b[i + 1] as usize] {
            return Some(i + 1);
        }
        if set[b[i + 2] as usize] {
            return Some(i + 2);
        }
        if set[b[i + 3] as usize] {
            return Some(i + 3);
        }
        i += 4;
    }
    while i < b.len() {
        if set[b[i] as usize] {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// First index >= from whose byte is flagged in `set`, where every flagged byte is one of
/// `xs` or non-ASCII: 8 bytes per step through text that has none of them.
#[inline]
pub(crate) fn find_set4(set: &[bool; 256], xs: [u8; 4], b: &[u8], from: usize) -> Option<usize> {
    let r0 = LO.wrapping_mul(xs[0] as u64);
    let r1 = LO.wrapping_mul(xs[1] as u64);
    let r2 = LO.wrapping_mul(xs[2] as u64);
    let r3 = LO.wrapping_mul(xs[3] as u64);
    let mut i = from;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use simd::*;
        let (n0, n1, n2, n3) = (
            u8x16_splat(xs[0]),
            u8x16_splat(xs[1]),
            u8x16_splat(xs[2]),
            u8x16_splat(xs[3]),
        );
        while i + 16 <= b.len() {
            let v = load16(b, i);
            let eq = v128_or(
                v128_or(i8x16_eq(v, n0), i8x16_eq(v, n1)),
                v128_or(i8x16_eq(v, n2), i8x16_eq(v, n3)),
            );
            // Sign bit: the needles, plus every non-ASCII byte.
            let mut m = i8x16_bitmask(v128_or(eq, v)) as u32;
            while m != 0 {
                let k = i + m.trailing_zeros() as usize;
                if set[b[k] as usize] {
                    return Some(k);
                }
                m &= m - 1;
            }
            i += 16;
        }
    }
    // Exact per-byte zero test: high bit set only in bytes that are 0.
    let zero = |x: u64| !((((x & !HI).wrapping_add(!HI)) | x) & HI) & HI;
    while i + 8 <= b.len() {
        let w = load(b, i);
        let mut m = zero(w ^ r0) | zero(w ^ r1) | zero(w ^ r2) | zero(w ^ r3) | (w & HI);
        while m != 0 {
            let k = i + (m.trailing_zeros() / 8) as usize;
            if set[b[k] as usize] {
                return Some(k);
            }
            m &= m - 1;
        }
        i += 8;
    }
    find_in_set(set, b, i)
}

/// First index >= from where `needle` occurs.
pub(crate) fn find_str(needle: &[u8], b: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while let Some(j) = memchr(first, b, i) {
        if b.len() - j >= needle.len() && &b[j..j + needle.len()] == needle {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memchr_matches_naive() {
        let b: Vec<u8> = (0..300u32).map(|i| (i * 7 % 13) as u8).collect();
        for n in 0..14u8 {
            for from in [0usize, 1, 5, 8, 9, 100, 299, 300] {
                let naive = (from..b.len()).find(|&i| b[i] == n);
                assert_eq!(memchr(n, &b, from), naive);
            }
        }
        assert_eq!(
            memchr(0x80, &[0x7f, 0x80, 0x81, 0, 0, 0, 0, 0, 0x80], 0),
            Some(1)
        );
    }

    #[test]
    fn find_str_and_set() {
        let s = b"ab\n\ncd\n\n\nx";
        assert_eq!(find_str(b"\n\n", s, 0), Some(2));
        assert_eq!(find_str(b"\n\n", s, 3), Some(6));
        assert_eq!(find_str(b"\n\n\n\n", s, 0), None);
        let set = byte_set(b".!?");
        assert_eq!(find_in_set(&set, b"hello world! yes.", 0), Some(11));
        assert_eq!(find_in_set(&set, b"hello world! yes.", 12), Some(16));
        let set = byte_set(b".!?\xE3");
        let text = "abcdefgh ijklmnop qrs\u{e9}tu vwxyz! ok。 end. tail".as_bytes();
        for from in 0..text.len() {
            assert_eq!(
                find_set4(&set, *b".!??", text, from),
                find_in_set(&set, text, from),
                "{}",
                from
            );
        }
    }
}
