//! f32 distance kernels. On wasm32 with simd128 they use f32x4 with four independent
//! accumulators (16 floats per iteration) so the loop is bound by loads, not by add latency.
//! The portable fallback keeps 16 scalar lanes, which LLVM turns into SSE/NEON on native targets.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// Dot product over the common prefix of `a` and `b`.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: both slices have exactly n elements; loads are unaligned-tolerant v128 loads.
        unsafe { simd::dot(a, b) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar::dot(a, b)
    }
}

/// Squared Euclidean distance over the common prefix.
#[inline]
pub fn l2sq(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        // SAFETY: as in `dot`.
        unsafe { simd::l2sq(a, b) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        scalar::l2sq(a, b)
    }
}

/// Euclidean norm accumulated in f64, so tiny or huge components neither underflow nor overflow.
pub fn norm_f64(v: &[f32]) -> f64 {
    let mut acc = [0f64; 4];
    let chunks = v.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..4 {
            let x = c[i] as f64;
            acc[i] += x * x;
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for &x in rest {
        s += (x as f64) * (x as f64);
    }
    s.sqrt()
}

#[allow(dead_code)]
pub(crate) mod scalar {
    //! 16 lanes in a fixed-size array per step: LLVM's SLP pass emits packed loads and four
    //! independent vector accumulators. (A tree-shaped final reduction made it pick a scalar
    //! gather layout instead, so the lanes are summed in order.)
    const L: usize = 16;
    const Z: [f32; L] = [0.0; L];

    #[inline]
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0f32; L];
        let ca = a.chunks_exact(L);
        let cb = b.chunks_exact(L);
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (x, y) in ca.zip(cb) {
            let x: &[f32; L] = x.try_into().unwrap_or(&Z);
            let y: &[f32; L] = y.try_into().unwrap_or(&Z);
            for j in 0..L {
                acc[j] += x[j] * y[j];
            }
        }
        let mut s: f32 = acc.iter().sum();
        for (x, y) in ra.iter().zip(rb) {
            s += x * y;
        }
        s
    }

    #[inline]
    pub fn l2sq(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0f32; L];
        let ca = a.chunks_exact(L);
        let cb = b.chunks_exact(L);
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (x, y) in ca.zip(cb) {
            let x: &[f32; L] = x.try_into().unwrap_or(&Z);
            let y: &[f32; L] = y.try_into().unwrap_or(&Z);
            for j in 0..L {
                let d = x[j] - y[j];
                acc[j] += d * d;
            }
        }
        let mut s: f32 = acc.iter().sum();
        for (x, y) in ra.iter().zip(rb) {
            let d = x - y;
            s += d * d;
        }
        s
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::*;

    #[inline]
    unsafe fn ld(p: *const f32) -> v128 {
        v128_load(p as *const v128)
    }

    #[inline]
    unsafe fn hsum(v: v128) -> f32 {
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v)) + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
    }

    /// Caller guarantees a.len() == b.len().
    #[inline]
    pub unsafe fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len();
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let z = f32x4_splat(0.0);
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        let mut i = 0;
        while i + 16 <= n {
            s0 = f32x4_add(s0, f32x4_mul(ld(pa.add(i)), ld(pb.add(i))));
            s1 = f32x4_add(s1, f32x4_mul(ld(pa.add(i + 4)), ld(pb.add(i + 4))));
            s2 = f32x4_add(s2, f32x4_mul(ld(pa.add(i + 8)), ld(pb.add(i + 8))));
            s3 = f32x4_add(s3, f32x4_mul(ld(pa.add(i + 12)), ld(pb.add(i + 12))));
            i += 16;
        }
        while i + 4 <= n {
            s0 = f32x4_add(s0, f32x4_mul(ld(pa.add(i)), ld(pb.add(i))));
            i += 4;
        }
        let mut s = hsum(f32x4_add(f32x4_add(s0, s1), f32x4_add(s2, s3)));
        while i < n {
            s += *pa.add(i) * *pb.add(i);
            i += 1;
        }
        s
    }

    #[inline]
    pub unsafe fn l2sq(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len();
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let z = f32x4_splat(0.0);
        let (mut s0, mut s1, mut s2, mut s3) = (z, z, z, z);
        let mut i = 0;
        while i + 16 <= n {
            let d0 = f32x4_sub(ld(pa.add(i)), ld(pb.add(i)));
            let d1 = f32x4_sub(ld(pa.add(i + 4)), ld(pb.add(i + 4)));
            let d2 = f32x4_sub(ld(pa.add(i + 8)), ld(pb.add(i + 8)));
            let d3 = f32x4_sub(ld(pa.add(i + 12)), ld(pb.add(i + 12)));
            s0 = f32x4_add(s0, f32x4_mul(d0, d0));
            s1 = f32x4_add(s1, f32x4_mul(d1, d1));
            s2 = f32x4_add(s2, f32x4_mul(d2, d2));
            s3 = f32x4_add(s3, f32x4_mul(d3, d3));
            i += 16;
        }
        while i + 4 <= n {
            let d = f32x4_sub(ld(pa.add(i)), ld(pb.add(i)));
            s0 = f32x4_add(s0, f32x4_mul(d, d));
            i += 4;
        }
        let mut s = hsum(f32x4_add(f32x4_add(s0, s1), f32x4_add(s2, s3)));
        while i < n {
            let d = *pa.add(i) - *pb.add(i);
            s += d * d;
            i += 1;
        }
        s
    }
}
