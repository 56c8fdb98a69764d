//! Contiguous vector storage and the one scoring entry point every search path uses.
//!
//! Layout: `f32s` is rows*dim floats (kept for Quantization::None, or for int8 with rescoring),
//! `codes` is rows*dim i8 (int8 modes), plus per-row `vscale` (per-vector int8) and `norm2`
//! (int8 + L2: squared norm of the dequantized row, for the |q|^2 + |x|^2 - 2 q.x trick).
//! Row r always belongs to slot r of the owning index's IdMap.
//!
//! Internal scores are "higher is better": dot / cosine (rows are unit length), and for L2 the
//! negated squared distance. The index converts L2 to -sqrt(d^2) only when returning hits.

use super::metric::{dot, l2sq, norm_f64};
use super::quant::{fidot, idot, idot16, quantize_dims, quantize_vec, scales_from_absmax, sq_sum};
use super::{Metric, Quantization};
use crate::error::{Code, CoreError, CoreResult};

/// A query (or a stored node used as one) in the form its scoring kernel wants.
#[derive(Clone, Copy, Debug)]
pub(crate) enum View<'a> {
    /// Exact space: scored against `f32s`.
    F32(&'a [f32]),
    /// Symmetric int8: `scale * row_scale * (codes . row_codes)`.
    Codes { codes: &'a [i8], scale: f32, norm2: f32 },
    /// The same with the query codes pre-widened to i16 (search queries).
    Codes16 { codes: &'a [i16], scale: f32, norm2: f32 },
    /// Asymmetric int8: `row_scale * (w . row_codes)`.
    Weights { w: &'a [f32], norm2: f32 },
}

/// Reusable per-query buffers.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prepared {
    /// The query as stored vectors are (unit length for cosine).
    pub exact: Vec<f32>,
    /// Weights against int8 codes (per-dimension: exact[d] * scale[d]).
    pub w: Vec<f32>,
    pub codes: Vec<i8>,
    pub codes16: Vec<i16>,
    pub scale: f32,
    pub norm2: f32,
}

#[derive(Clone, Debug)]
pub(crate) struct Store {
    pub dim: usize,
    pub metric: Metric,
    pub quant: Quantization,
    /// int8 with rescoring keeps the f32 originals as well.
    pub keep_f32: bool,
    /// Symmetric (int8 query) or asymmetric (f32 query) scoring of int8 rows.
    pub symmetric: bool,
    pub rows: usize,
    pub f32s: Vec<f32>,
    pub codes: Vec<i8>,
    pub vscale: Vec<f32>,
    /// Per-dimension scales, fixed by the first upsert batch (empty until then).
    pub dscale: Vec<f32>,
    pub inv_dscale: Vec<f32>,
    pub norm2: Vec<f32>,
}

pub(crate) fn oom() -> CoreError {
    CoreError::new(Code::OutOfMemory, "not enough memory to grow the vector index")
}

/// Reserves room for `extra` more items with at most 1/8 headroom: a big first batch gets an
/// exact allocation, many small batches still amortise (no 2x slack of push-doubling).
pub(crate) fn grow<T>(v: &mut Vec<T>, extra: usize) -> CoreResult<()> {
    let need = v.len().checked_add(extra).ok_or_else(oom)?;
    if need <= v.capacity() {
        return Ok(());
    }
    let target = need.max(v.capacity().saturating_add(v.capacity() / 8));
    if v.try_reserve_exact(target - v.len()).is_ok() {
        return Ok(());
    }
    v.try_reserve_exact(extra).map_err(|_| oom())
}

impl Store {
    pub fn new(dim: usize, metric: Metric, quant: Quantization, keep_f32: bool) -> Self {
        Store {
            dim,
            metric,
            quant,
            keep_f32: keep_f32 && quant != Quantization::None,
            symmetric: super::SYMMETRIC_INT8,
            rows: 0,
            f32s: Vec::new(),
            codes: Vec::new(),
            vscale: Vec::new(),
            dscale: Vec::new(),
            inv_dscale: Vec::new(),
            norm2: Vec::new(),
        }
    }

    #[inline]
    pub fn has_f32(&self) -> bool {
        self.quant == Quantization::None || self.keep_f32
    }

    #[inline]
    pub fn is_quant(&self) -> bool {
        self.quant != Quantization::None
    }

    fn has_vscale(&self) -> bool {
        self.quant == Quantization::Int8PerVector
    }

    fn has_norm2(&self) -> bool {
        self.is_quant() && self.metric == Metric::L2
    }

    pub fn try_reserve(&mut self, extra: usize) -> CoreResult<()> {
        let cells = extra.checked_mul(self.dim).ok_or_else(oom)?;
        if self.has_f32() {
            grow(&mut self.f32s, cells)?;
        }
        if self.is_quant() {
            grow(&mut self.codes, cells)?;
        }
        if self.has_vscale() {
            grow(&mut self.vscale, extra)?;
        }
        if self.has_norm2() {
            grow(&mut self.norm2, extra)?;
        }
        Ok(())
    }

    pub fn needs_dscale(&self) -> bool {
        self.quant == Quantization::Int8PerDimension && self.dscale.len() != self.dim
    }

    /// Fixes per-dimension scales from a batch (rows already validated).
    pub fn init_dscale(&mut self, batch: &[f32]) {
        let dim = self.dim;
        let mut absmax = vec![0f32; dim];
        let mut tmp = Vec::with_capacity(dim);
        for v in batch.chunks_exact(dim) {
            self.normalized_into(v, &mut tmp);
            for (m, x) in absmax.iter_mut().zip(&tmp) {
                let a = x.abs();
                if a > *m {
                    *m = a;
                }
            }
        }
        self.set_dscale(scales_from_absmax(&absmax));
    }

    pub fn set_dscale(&mut self, scales: Vec<f32>) {
        self.inv_dscale = scales.iter().map(|&s| 1.0 / s).collect();
        self.dscale = scales;
    }

    /// Copies `v` into `out`, unit-normalised for cosine (norm computed in f64).
    pub fn normalized_into(&self, v: &[f32], out: &mut Vec<f32>) {
        out.clear();
        if self.metric == Metric::Cosine {
            let n = norm_f64(v);
            if n > 0.0 && n.is_finite() {
                let inv = 1.0 / n;
                out.extend(v.iter().map(|&x| (x as f64 * inv) as f32));
                return;
            }
        }
        out.extend_from_slice(v);
    }

    /// Appends one validated vector as row `self.rows`. Room was reserved by `try_reserve`.
    pub fn push(&mut self, v: &[f32], tmp: &mut Vec<f32>) {
        self.normalized_into(v, tmp);
        let dim = self.dim;
        if tmp.len() != dim {
            return;
        }
        if self.has_f32() {
            self.f32s.extend_from_slice(tmp);
        }
        if self.is_quant() {
            let per_vector = self.quant == Quantization::Int8PerVector;
            let with_norm = self.has_norm2();
            let start = self.codes.len();
            self.codes.resize(start + dim, 0);
            let row = &mut self.codes[start..];
            let mut scale = 1.0f32;
            if per_vector {
                scale = quantize_vec(tmp, row);
                self.vscale.push(scale);
            } else {
                quantize_dims(tmp, &self.inv_dscale, row);
            }
            if with_norm {
                let n2 = if per_vector {
                    (scale as f64) * (scale as f64) * sq_sum(row) as f64
                } else {
                    row.iter().zip(&self.dscale).map(|(&c, &s)| (c as f64 * s as f64).powi(2)).sum::<f64>()
                };
                self.norm2.push(n2 as f32);
            }
        }
        self.rows += 1;
    }

    #[inline]
    pub fn row_f32(&self, i: usize) -> &[f32] {
        let d = self.dim;
        self.f32s.get(i * d..i * d + d).unwrap_or(&[])
    }

    #[inline]
    pub fn row_codes(&self, i: usize) -> &[i8] {
        let d = self.dim;
        self.codes.get(i * d..i * d + d).unwrap_or(&[])
    }

    #[inline]
    pub fn row_scale(&self, i: usize) -> f32 {
        if self.quant == Quantization::Int8PerVector {
            self.vscale.get(i).copied().unwrap_or(0.0)
        } else {
            1.0
        }
    }

    /// Turns a quantized dot into the internal score.
    #[inline]
    pub fn finish(&self, d: f32, qnorm2: f32, i: usize) -> f32 {
        if self.metric == Metric::L2 {
            -(qnorm2 + self.norm2.get(i).copied().unwrap_or(0.0) - 2.0 * d)
        } else {
            d
        }
    }

    /// Internal score of row `i` against `v`.
    #[inline]
    pub fn score(&self, v: View, i: u32) -> f32 {
        let i = i as usize;
        match v {
            View::F32(q) => {
                let x = self.row_f32(i);
                if self.metric == Metric::L2 {
                    -l2sq(q, x)
                } else {
                    dot(q, x)
                }
            }
            View::Codes { codes, scale, norm2 } => {
                let d = scale * self.row_scale(i) * idot(codes, self.row_codes(i)) as f32;
                self.finish(d, norm2, i)
            }
            View::Codes16 { codes, scale, norm2 } => {
                let d = scale * self.row_scale(i) * idot16(codes, self.row_codes(i)) as f32;
                self.finish(d, norm2, i)
            }
            View::Weights { w, norm2 } => {
                let d = self.row_scale(i) * fidot(w, self.row_codes(i));
                self.finish(d, norm2, i)
            }
        }
    }

    /// Row `i` viewed as a query (for graph construction): exact if asked and available,
    /// else its own int8 codes (per-dimension needs weights codes[d]*scale[d]^2 in `buf`).
    pub fn node_view<'a>(&'a self, i: u32, exact: bool, buf: &'a mut Vec<f32>) -> View<'a> {
        let iu = i as usize;
        if exact || !self.is_quant() {
            return View::F32(self.row_f32(iu));
        }
        let norm2 = self.norm2.get(iu).copied().unwrap_or(0.0);
        if self.quant == Quantization::Int8PerVector {
            return View::Codes { codes: self.row_codes(iu), scale: self.row_scale(iu), norm2 };
        }
        buf.clear();
        buf.extend(self.row_codes(iu).iter().zip(&self.dscale).map(|(&c, &s)| c as f32 * s * s));
        View::Weights { w: buf, norm2 }
    }

    /// Fills `p` for a validated query.
    pub fn prepare(&self, q: &[f32], p: &mut Prepared) {
        self.normalized_into(q, &mut p.exact);
        p.norm2 = dot(&p.exact, &p.exact);
        if !self.is_quant() {
            return;
        }
        p.w.clear();
        if self.quant == Quantization::Int8PerDimension && self.dscale.len() == self.dim {
            p.w.extend(p.exact.iter().zip(&self.dscale).map(|(&x, &s)| x * s));
        } else {
            p.w.extend_from_slice(&p.exact);
        }
        if self.symmetric {
            p.codes.clear();
            p.codes.resize(p.w.len(), 0);
            p.scale = quantize_vec(&p.w, &mut p.codes);
            p.codes16.clear();
            p.codes16.extend(p.codes.iter().map(|&c| c as i16));
        }
    }

    /// The view used to traverse / scan (int8 when quantized).
    pub fn search_view<'a>(&self, p: &'a Prepared) -> View<'a> {
        if !self.is_quant() {
            View::F32(&p.exact)
        } else if self.symmetric {
            View::Codes16 { codes: &p.codes16, scale: p.scale, norm2: p.norm2 }
        } else {
            View::Weights { w: &p.w, norm2: p.norm2 }
        }
    }

    /// Internal score -> public score (L2: negated Euclidean distance).
    #[inline]
    pub fn public_score(&self, s: f32) -> f32 {
        if self.metric == Metric::L2 {
            -(-s).max(0.0).sqrt()
        } else {
            s
        }
    }

    /// Moves kept rows down (`remap[old] = Some(new)`, new <= old) and drops the rest.
    pub fn compact(&mut self, remap: &[Option<u32>]) {
        let d = self.dim;
        let mut kept = 0usize;
        for (old, r) in remap.iter().enumerate() {
            let new = match r {
                Some(n) => *n as usize,
                None => continue,
            };
            if new > old || old >= self.rows {
                continue;
            }
            if self.has_f32() && new != old {
                self.f32s.copy_within(old * d..old * d + d, new * d);
            }
            if self.is_quant() && new != old {
                self.codes.copy_within(old * d..old * d + d, new * d);
            }
            if self.has_vscale() {
                self.vscale[new] = self.vscale[old];
            }
            if self.has_norm2() {
                self.norm2[new] = self.norm2[old];
            }
            kept = new + 1;
        }
        self.rows = kept;
        let (f, q, v, n2) = (self.has_f32(), self.is_quant(), self.has_vscale(), self.has_norm2());
        shrink(&mut self.f32s, if f { kept * d } else { 0 });
        shrink(&mut self.codes, if q { kept * d } else { 0 });
        shrink(&mut self.vscale, if v { kept } else { 0 });
        shrink(&mut self.norm2, if n2 { kept } else { 0 });
    }

    pub fn memory_bytes(&self) -> usize {
        self.f32s.capacity() * 4
            + self.codes.capacity()
            + (self.vscale.capacity() + self.dscale.capacity() + self.inv_dscale.capacity() + self.norm2.capacity()) * 4
    }
}

/// Truncates and gives memory back when more than a quarter would be slack.
fn shrink<T>(v: &mut Vec<T>, len: usize) {
    v.truncate(len);
    if v.capacity() - v.len() > v.len() / 4 {
        v.shrink_to_fit();
    }
}
