//! Monomorphic scorers: one small Copy struct per (representation, metric) so graph walks are
//! compiled once per kernel with the kernel inlined, instead of matching on the view per node.
//! `with_scorer!(store, view, |s| expr)` dispatches once and evaluates `expr` with a concrete `s`.

use super::metric::{dot, l2sq};
use super::quant::{fidot, idot, idot16};
use super::store::{Store, View};
use super::{Metric, Quantization};

pub(crate) trait Scorer: Copy {
    /// Internal score (higher is better) of row `i`.
    fn score(&self, i: u32) -> f32;
    /// Hint that row `i` is scored next (native x86_64 only; wasm has no prefetch).
    fn prefetch(&self, i: u32);
}

/// Asks the CPU to start loading up to 512 bytes at `p` (no-op where unsupported).
#[inline(always)]
#[allow(unused_variables)]
fn prefetch_bytes<T>(base: &[T], index: usize, bytes: usize) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = base.as_ptr().wrapping_add(index) as *const i8;
        let mut off = 0;
        while off < bytes.min(512) {
            // SAFETY: prefetch never faults, even on an invalid address.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(off)) };
            off += 64;
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) struct F32Dot<'a> {
    q: &'a [f32],
    data: &'a [f32],
    dim: usize,
}

#[derive(Clone, Copy)]
pub(crate) struct F32L2<'a> {
    q: &'a [f32],
    data: &'a [f32],
    dim: usize,
}

/// int8 rows: score = q_scale * row_scale(i) * (q . row), finished for L2 with the norms trick.
#[derive(Clone, Copy)]
pub(crate) struct I8Sym<'a> {
    q: &'a [i8],
    q_scale: f32,
    q_norm2: f32,
    codes: &'a [i8],
    vscale: &'a [f32],
    norm2: &'a [f32],
    dim: usize,
    per_vector: bool,
    l2: bool,
}

/// As `I8Sym` with the query widened to i16 (search queries).
#[derive(Clone, Copy)]
pub(crate) struct I8Sym16<'a> {
    q: &'a [i16],
    q_scale: f32,
    q_norm2: f32,
    codes: &'a [i8],
    vscale: &'a [f32],
    norm2: &'a [f32],
    dim: usize,
    per_vector: bool,
    l2: bool,
}

#[derive(Clone, Copy)]
pub(crate) struct I8Asym<'a> {
    w: &'a [f32],
    q_norm2: f32,
    codes: &'a [i8],
    vscale: &'a [f32],
    norm2: &'a [f32],
    dim: usize,
    per_vector: bool,
    l2: bool,
}

impl<'a> Scorer for F32Dot<'a> {
    #[inline(always)]
    fn score(&self, i: u32) -> f32 {
        let st = i as usize * self.dim;
        match self.data.get(st..st + self.dim) {
            Some(x) => dot(self.q, x),
            None => f32::NEG_INFINITY,
        }
    }
    #[inline(always)]
    fn prefetch(&self, i: u32) {
        prefetch_bytes(self.data, i as usize * self.dim, self.dim * 4);
    }
}

impl<'a> Scorer for F32L2<'a> {
    #[inline(always)]
    fn score(&self, i: u32) -> f32 {
        let st = i as usize * self.dim;
        match self.data.get(st..st + self.dim) {
            Some(x) => -l2sq(self.q, x),
            None => f32::NEG_INFINITY,
        }
    }
    #[inline(always)]
    fn prefetch(&self, i: u32) {
        prefetch_bytes(self.data, i as usize * self.dim, self.dim * 4);
    }
}

#[inline(always)]
fn finish(d: f32, l2: bool, q_norm2: f32, norm2: &[f32], i: usize) -> f32 {
    if l2 {
        -(q_norm2 + norm2.get(i).copied().unwrap_or(0.0) - 2.0 * d)
    } else {
        d
    }
}

impl<'a> Scorer for I8Sym<'a> {
    #[inline(always)]
    fn score(&self, i: u32) -> f32 {
        let iu = i as usize;
        let st = iu * self.dim;
        let row = match self.codes.get(st..st + self.dim) {
            Some(x) => x,
            None => return f32::NEG_INFINITY,
        };
        let rs = if self.per_vector { self.vscale.get(iu).copied().unwrap_or(0.0) } else { 1.0 };
        let d = self.q_scale * rs * idot(self.q, row) as f32;
        finish(d, self.l2, self.q_norm2, self.norm2, iu)
    }
    #[inline(always)]
    fn prefetch(&self, i: u32) {
        prefetch_bytes(self.codes, i as usize * self.dim, self.dim);
    }
}

impl<'a> Scorer for I8Sym16<'a> {
    #[inline(always)]
    fn score(&self, i: u32) -> f32 {
        let iu = i as usize;
        let st = iu * self.dim;
        let row = match self.codes.get(st..st + self.dim) {
            Some(x) => x,
            None => return f32::NEG_INFINITY,
        };
        let rs = if self.per_vector { self.vscale.get(iu).copied().unwrap_or(0.0) } else { 1.0 };
        let d = self.q_scale * rs * idot16(self.q, row) as f32;
        finish(d, self.l2, self.q_norm2, self.norm2, iu)
    }
    #[inline(always)]
    fn prefetch(&self, i: u32) {
        prefetch_bytes(self.codes, i as usize * self.dim, self.dim);
    }
}

impl<'a> Scorer for I8Asym<'a> {
    #[inline(always)]
    fn score(&self, i: u32) -> f32 {
        let iu = i as usize;
        let st = iu * self.dim;
        let row = match self.codes.get(st..st + self.dim) {
            Some(x) => x,
            None => return f32::NEG_INFINITY,
        };
        let rs = if self.per_vector { self.vscale.get(iu).copied().unwrap_or(0.0) } else { 1.0 };
        let d = rs * fidot(self.w, row);
        finish(d, self.l2, self.q_norm2, self.norm2, iu)
    }
    #[inline(always)]
    fn prefetch(&self, i: u32) {
        prefetch_bytes(self.codes, i as usize * self.dim, self.dim);
    }
}

pub(crate) enum AnyScorer<'a> {
    F32Dot(F32Dot<'a>),
    F32L2(F32L2<'a>),
    I8Sym(I8Sym<'a>),
    I8Sym16(I8Sym16<'a>),
    I8Asym(I8Asym<'a>),
}

impl Store {
    pub(crate) fn scorer<'a>(&'a self, v: View<'a>) -> AnyScorer<'a> {
        let l2 = self.metric == Metric::L2;
        let per_vector = self.quant == Quantization::Int8PerVector;
        match v {
            View::F32(q) if l2 => AnyScorer::F32L2(F32L2 { q, data: &self.f32s, dim: self.dim }),
            View::F32(q) => AnyScorer::F32Dot(F32Dot { q, data: &self.f32s, dim: self.dim }),
            View::Codes { codes, scale, norm2 } => AnyScorer::I8Sym(I8Sym {
                q: codes,
                q_scale: scale,
                q_norm2: norm2,
                codes: &self.codes,
                vscale: &self.vscale,
                norm2: &self.norm2,
                dim: self.dim,
                per_vector,
                l2,
            }),
            View::Codes16 { codes, scale, norm2 } => AnyScorer::I8Sym16(I8Sym16 {
                q: codes,
                q_scale: scale,
                q_norm2: norm2,
                codes: &self.codes,
                vscale: &self.vscale,
                norm2: &self.norm2,
                dim: self.dim,
                per_vector,
                l2,
            }),
            View::Weights { w, norm2 } => AnyScorer::I8Asym(I8Asym {
                w,
                q_norm2: norm2,
                codes: &self.codes,
                vscale: &self.vscale,
                norm2: &self.norm2,
                dim: self.dim,
                per_vector,
                l2,
            }),
        }
    }
}

/// `with_scorer!(store, view, |s| body)`: dispatches once, `body` is compiled per scorer type.
macro_rules! with_scorer {
    ($store:expr, $view:expr, |$s:ident| $body:expr) => {
        match $store.scorer($view) {
            $crate::vector::scorer::AnyScorer::F32Dot($s) => $body,
            $crate::vector::scorer::AnyScorer::F32L2($s) => $body,
            $crate::vector::scorer::AnyScorer::I8Sym($s) => $body,
            $crate::vector::scorer::AnyScorer::I8Sym16($s) => $body,
            $crate::vector::scorer::AnyScorer::I8Asym($s) => $body,
        }
    };
}
pub(crate) use with_scorer;
