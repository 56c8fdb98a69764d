//! int8 scalar quantization and the integer kernels.
//!
//! Per-vector: v ≈ s * q with s = absmax(v) / 127 and q in [-127, 127] (never -128, so a pair of
//! i8 products always fits an i16 and a 65536-dim dot fits an i32).
//! Per-dimension: v[d] ≈ scale[d] * q[d]; scales come from the first upsert batch (see `Store`).
//!
//! Two ways to score a query against int8 rows:
//! - symmetric: the query is quantized too and the kernel is a pure i8·i8 -> i32 dot
//!   (wasm: i16 widening + `i32x4_dot_i16x8`), 4x fewer bytes and ~4x fewer ops than f32;
//! - asymmetric: f32 query weights times int8 rows (`fidot`), more accurate, f32-speed arithmetic.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

pub const QMAX: f32 = 127.0;

/// Clamps to [-127, 127] and rounds to nearest (ties to even) without a float->int conversion:
/// adding 1.5 * 2^23 leaves the rounded integer in the low mantissa bits. Compare-and-select
/// rather than `f32::max/min` (those become libm calls on wasm) keeps the loops vectorisable.
/// Inputs are finite (validated upstream); NaN would give an arbitrary code, never a panic.
#[inline(always)]
fn round_clamp(r: f32) -> i8 {
    let c = if r < -127.0 { -127.0 } else { r };
    let c = if c > 127.0 { 127.0 } else { c };
    ((c + 12_582_912.0).to_bits() as i32 - 0x4B40_0000) as i8
}

/// Largest |x| (compare-and-select for the same reason as `round_clamp`).
#[inline]
pub fn absmax(v: &[f32]) -> f32 {
    v.iter().fold(0f32, |m, x| {
        let a = x.abs();
        if a > m {
            a
        } else {
            m
        }
    })
}

/// Quantizes `v` with one scale; writes `out` (same length) and returns the scale
/// (0 for an all-zero vector, whose codes are all 0).
pub fn quantize_vec(v: &[f32], out: &mut [i8]) -> f32 {
    let absmax = absmax(v);
    if !(absmax > 0.0) || !absmax.is_finite() {
        for o in out.iter_mut() {
            *o = 0;
        }
        return 0.0;
    }
    let inv = 127.0 / absmax;
    if inv.is_finite() {
        for (o, &x) in out.iter_mut().zip(v) {
            *o = round_clamp(x * inv);
        }
    } else {
        // Subnormal absmax: the inverse only fits in f64.
        let inv = 127.0f64 / absmax as f64;
        for (o, &x) in out.iter_mut().zip(v) {
            *o = round_clamp((x as f64 * inv) as f32);
        }
    }
    absmax / QMAX
}

/// Quantizes with per-dimension inverse scales; out-of-range values clamp to ±127.
pub fn quantize_dims(v: &[f32], inv_scale: &[f32], out: &mut [i8]) {
    for ((o, &x), &inv) in out.iter_mut().zip(v).zip(inv_scale) {
        *o = round_clamp(x * inv);
    }
}

/// Per-dimension scales from the absolute maxima of the first batch. A dimension that was zero in
/// the whole batch borrows the largest scale (or 1/127 if everything was zero), so later
/// non-zero values there are not all clamped to ±1 code step.
pub fn scales_from_absmax(absmax: &[f32]) -> Vec<f32> {
    let global = absmax.iter().fold(0f32, |m, &x| if x.is_finite() { m.max(x) } else { m });
    let fallback = if global > 0.0 { global / QMAX } else { 1.0 / QMAX };
    absmax
        .iter()
        .map(|&a| if a.is_finite() && a > 0.0 { (a / QMAX).max(1e-30) } else { fallback })
        .collect()
}

/// Sum of i8 products (exact).
#[inline]
pub fn idot(a: &[i8], b: &[i8]) -> i32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: equal lengths; unaligned v128 loads.
        unsafe { simd::idot(a, b) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar::idot(a, b)
    }
}

/// Sum of products of a query pre-widened to i16 and i8 codes: the query side needs no
/// per-row sign extension (about a third fewer SIMD ops than `idot` on wasm).
#[inline]
pub fn idot16(q: &[i16], c: &[i8]) -> i32 {
    let n = q.len().min(c.len());
    let (q, c) = (&q[..n], &c[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: equal lengths; unaligned v128 loads.
        unsafe { simd::idot16(q, c) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar::idot16(q, c)
    }
}

/// Sum of f32 weight times i8 code.
#[inline]
pub fn fidot(w: &[f32], c: &[i8]) -> f32 {
    let n = w.len().min(c.len());
    let (w, c) = (&w[..n], &c[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: equal lengths; unaligned v128 loads.
        unsafe { simd::fidot(w, c) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar::fidot(w, c)
    }
}

/// Sum of squares of the codes (for norms of dequantized vectors).
pub fn sq_sum(c: &[i8]) -> i64 {
    c.iter().map(|&x| (x as i64) * (x as i64)).sum()
}

#[allow(dead_code)]
pub(crate) mod scalar {
    //! Same fixed-array shape as `metric::scalar` so LLVM vectorises (pmaddwd for i8 x i8).
    const L: usize = 16;

    #[inline]
    pub fn idot(a: &[i8], b: &[i8]) -> i32 {
        let mut acc = [0i32; L];
        let ca = a.chunks_exact(L);
        let cb = b.chunks_exact(L);
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (x, y) in ca.zip(cb) {
            let x: &[i8; L] = x.try_into().unwrap_or(&[0; L]);
            let y: &[i8; L] = y.try_into().unwrap_or(&[0; L]);
            for j in 0..L {
                acc[j] += x[j] as i32 * y[j] as i32;
            }
        }
        let mut s: i32 = acc.iter().sum();
        for (x, y) in ra.iter().zip(rb) {
            s += *x as i32 * *y as i32;
        }
        s
    }

    #[inline]
    pub fn idot16(q: &[i16], c: &[i8]) -> i32 {
        let mut acc = [0i32; L];
        let cq = q.chunks_exact(L);
        let cc = c.chunks_exact(L);
        let (rq, rc) = (cq.remainder(), cc.remainder());
        for (x, y) in cq.zip(cc) {
            let x: &[i16; L] = x.try_into().unwrap_or(&[0; L]);
            let y: &[i8; L] = y.try_into().unwrap_or(&[0; L]);
            for j in 0..L {
                acc[j] += x[j] as i32 * y[j] as i32;
            }
        }
        let mut s: i32 = acc.iter().sum();
        for (x, y) in rq.iter().zip(rc) {
            s += *x as i32 * *y as i32;
        }
        s
    }

    #[inline]
    pub fn fidot(w: &[f32], c: &[i8]) -> f32 {
        let mut acc = [0f32; L];
        let cw = w.chunks_exact(L);
        let cc = c.chunks_exact(L);
        let (rw, rc) = (cw.remainder(), cc.remainder());
        for (x, y) in cw.zip(cc) {
            let x: &[f32; L] = x.try_into().unwrap_or(&[0.0; L]);
            let y: &[i8; L] = y.try_into().unwrap_or(&[0; L]);
            for j in 0..L {
                acc[j] += x[j] * y[j] as f32;
            }
        }
        let mut s: f32 = acc.iter().sum();
        for (x, y) in rw.iter().zip(rc) {
            s += x * *y as f32;
        }
        s
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::*;

    #[inline]
    unsafe fn ld<T>(p: *const T) -> v128 {
        v128_load(p as *const v128)
    }

    #[inline]
    pub unsafe fn idot(a: &[i8], b: &[i8]) -> i32 {
        let n = a.len();
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let z = i32x4_splat(0);
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        let mut i = 0;
        while i + 32 <= n {
            let (x0, y0) = (ld(pa.add(i)), ld(pb.add(i)));
            let (x1, y1) = (ld(pa.add(i + 16)), ld(pb.add(i + 16)));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x0), i16x8_extend_low_i8x16(y0)));
            s1 = i32x4_add(s1, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x0), i16x8_extend_high_i8x16(y0)));
            s2 = i32x4_add(s2, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x1), i16x8_extend_low_i8x16(y1)));
            s3 = i32x4_add(s3, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x1), i16x8_extend_high_i8x16(y1)));
            i += 32;
        }
        while i + 16 <= n {
            let (x0, y0) = (ld(pa.add(i)), ld(pb.add(i)));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x0), i16x8_extend_low_i8x16(y0)));
            s1 = i32x4_add(s1, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x0), i16x8_extend_high_i8x16(y0)));
            i += 16;
        }
        let s = i32x4_add(i32x4_add(s0, s1), i32x4_add(s2, s3));
        let mut r = (i32x4_extract_lane::<0>(s) + i32x4_extract_lane::<1>(s))
            + (i32x4_extract_lane::<2>(s) + i32x4_extract_lane::<3>(s));
        while i < n {
            r += *pa.add(i) as i32 * *pb.add(i) as i32;
            i += 1;
        }
        r
    }

    #[inline]
    pub unsafe fn idot16(q: &[i16], c: &[i8]) -> i32 {
        let n = q.len();
        let (pq, pc) = (q.as_ptr(), c.as_ptr());
        let z = i32x4_splat(0);
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        let mut i = 0;
        while i + 32 <= n {
            let (x0, x1) = (ld(pc.add(i)), ld(pc.add(i + 16)));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x0), ld(pq.add(i))));
            s1 = i32x4_add(s1, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x0), ld(pq.add(i + 8))));
            s2 = i32x4_add(s2, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x1), ld(pq.add(i + 16))));
            s3 = i32x4_add(s3, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x1), ld(pq.add(i + 24))));
            i += 32;
        }
        while i + 16 <= n {
            let x0 = ld(pc.add(i));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x0), ld(pq.add(i))));
            s1 = i32x4_add(s1, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x0), ld(pq.add(i + 8))));
            i += 16;
        }
        let s = i32x4_add(i32x4_add(s0, s1), i32x4_add(s2, s3));
        let mut r = (i32x4_extract_lane::<0>(s) + i32x4_extract_lane::<1>(s))
            + (i32x4_extract_lane::<2>(s) + i32x4_extract_lane::<3>(s));
        while i < n {
            r += *pq.add(i) as i32 * *pc.add(i) as i32;
            i += 1;
        }
        r
    }

    /// i32 lanes (|x| < 2^22) to f32 without `convert`: LLVM 14 fuses sext+sitofp into a
    /// scalarised conversion on wasm, so build the float from its bits instead:
    /// bits(1.5 * 2^23 + x) = 0x4B40_0000 + x.
    #[inline]
    unsafe fn to_f32(x: v128) -> v128 {
        f32x4_sub(i32x4_add(x, i32x4_splat(0x4B40_0000)), f32x4_splat(12_582_912.0))
    }

    #[inline]
    pub unsafe fn fidot(w: &[f32], c: &[i8]) -> f32 {
        let n = w.len();
        let (pw, pc) = (w.as_ptr(), c.as_ptr());
        let z = f32x4_splat(0.0);
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        let mut i = 0;
        while i + 16 <= n {
            let q = ld(pc.add(i));
            let lo = i16x8_extend_low_i8x16(q);
            let hi = i16x8_extend_high_i8x16(q);
            let c0 = to_f32(i32x4_extend_low_i16x8(lo));
            let c1 = to_f32(i32x4_extend_high_i16x8(lo));
            let c2 = to_f32(i32x4_extend_low_i16x8(hi));
            let c3 = to_f32(i32x4_extend_high_i16x8(hi));
            s0 = f32x4_add(s0, f32x4_mul(ld(pw.add(i)), c0));
            s1 = f32x4_add(s1, f32x4_mul(ld(pw.add(i + 4)), c1));
            s2 = f32x4_add(s2, f32x4_mul(ld(pw.add(i + 8)), c2));
            s3 = f32x4_add(s3, f32x4_mul(ld(pw.add(i + 12)), c3));
            i += 16;
        }
        let s = f32x4_add(f32x4_add(s0, s1), f32x4_add(s2, s3));
        let mut r = (f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s))
            + (f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s));
        while i < n {
            r += *pw.add(i) * *pc.add(i) as f32;
            i += 1;
        }
        r
    }
}
