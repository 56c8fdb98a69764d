//! Exact scans. The hot loops walk the contiguous rows with `chunks_exact` and compare each score
//! against the top-k floor, so per-row overhead is one compare; liveness / allow-list bits are only
//! checked for rows that would enter the heap.

use super::bits::Bits;
use super::heap::{Cand, TopK};
use super::store::{Store, View};
use super::Metric;

/// Scans every row; `ok` says which rows may be returned.
pub(crate) fn scan_all(store: &Store, view: View, ok: &Bits, top: &mut TopK) {
    let dim = store.dim;
    let l2 = store.metric == Metric::L2;
    match view {
        View::F32(q) => {
            if l2 {
                for (i, row) in store.f32s.chunks_exact(dim).enumerate() {
                    let s = -super::metric::l2sq(q, row);
                    if s >= top.floor() {
                        admit(top, ok, s, i);
                    }
                }
            } else {
                for (i, row) in store.f32s.chunks_exact(dim).enumerate() {
                    let s = super::metric::dot(q, row);
                    if s >= top.floor() {
                        admit(top, ok, s, i);
                    }
                }
            }
        }
        View::Codes { codes, scale, norm2 } => {
            for (i, row) in store.codes.chunks_exact(dim).enumerate() {
                let d = scale * store.row_scale(i) * super::quant::idot(codes, row) as f32;
                let s = store.finish(d, norm2, i);
                if s >= top.floor() {
                    admit(top, ok, s, i);
                }
            }
        }
        View::Codes16 { codes, scale, norm2 } => {
            for (i, row) in store.codes.chunks_exact(dim).enumerate() {
                let d = scale * store.row_scale(i) * super::quant::idot16(codes, row) as f32;
                let s = store.finish(d, norm2, i);
                if s >= top.floor() {
                    admit(top, ok, s, i);
                }
            }
        }
        View::Weights { w, norm2 } => {
            for (i, row) in store.codes.chunks_exact(dim).enumerate() {
                let d = store.row_scale(i) * super::quant::fidot(w, row);
                let s = store.finish(d, norm2, i);
                if s >= top.floor() {
                    admit(top, ok, s, i);
                }
            }
        }
    }
}

#[inline]
fn admit(top: &mut TopK, ok: &Bits, s: f32, i: usize) {
    let slot = i as u32;
    if ok.get(slot) {
        top.push(Cand::new(s, slot));
    }
}

/// Scores only the given (eligible) slots.
pub(crate) fn scan_slots<I: Iterator<Item = u32>>(store: &Store, view: View, slots: I, top: &mut TopK) {
    for slot in slots {
        let s = store.score(view, slot);
        if s >= top.floor() {
            top.push(Cand::new(s, slot));
        }
    }
}

/// Many queries in one pass: rows are visited in cache-sized blocks and every query scores a
/// block while it is hot, so memory traffic is shared by the whole batch.
pub(crate) fn scan_batch(store: &Store, views: &[View], ok: &Bits, tops: &mut [TopK]) {
    let row_bytes = store.dim * if matches!(views.first(), Some(View::F32(_))) { 4 } else { 1 };
    let block = (96 * 1024 / row_bytes.max(1)).max(1);
    let rows = store.rows;
    let mut start = 0;
    while start < rows {
        let end = (start + block).min(rows);
        for (view, top) in views.iter().zip(tops.iter_mut()) {
            for i in start..end {
                let s = store.score(*view, i as u32);
                if s >= top.floor() {
                    admit(top, ok, s, i);
                }
            }
        }
        start = end;
    }
}
