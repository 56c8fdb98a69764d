//! Rank fusion: merges several ranked lists (e.g. BM25 and vector hits) into one.
//!
//! Keys are u32 (the TypeScript side interns string ids before calling). Every input list is
//! best first. Within one list only the first (best-ranked) occurrence of a key counts. All
//! entries are sorted by (key, list, position) once, which de-duplicates and groups them without
//! hashing; sums are accumulated in f64 in list order. Outputs are f32, ordered by score
//! descending, equal scores by smaller key.
//!
//! - `rrf`: Reciprocal Rank Fusion, score(key) = sum_i w_i / (k_const + rank_i), rank from 1.
//! - `weighted`: score(key) = sum_i w_i * norm_i(score), where a key missing from a list
//!   contributes 0 for it. MinMax maps a list to [0, 1] (all 1 when every score is equal); ZScore
//!   maps to (s - mean) / std with the population std (all 0 when std is 0). Normalisation uses
//!   the de-duplicated entries of each list.

use crate::error::{fail, Code, CoreResult};
use std::cmp::Ordering;

/// The usual RRF constant (Cormack et al. 2009).
pub const DEFAULT_RRF_K: f32 = 60.0;

/// One ranked input list: `keys[i]` has score `scores[i]`, best first.
#[derive(Clone, Copy, Debug)]
pub struct RankedList<'a> {
    pub keys: &'a [u32],
    pub scores: &'a [f32],
}

/// Fused ranking, best first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fused {
    pub keys: Vec<u32>,
    pub scores: Vec<f32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Normalization {
    None = 0,
    MinMax = 1,
    ZScore = 2,
}

impl Normalization {
    /// For the ABI: 0 = None, 1 = MinMax, 2 = ZScore.
    pub fn from_u32(v: u32) -> CoreResult<Normalization> {
        match v {
            0 => Ok(Normalization::None),
            1 => Ok(Normalization::MinMax),
            2 => Ok(Normalization::ZScore),
            _ => fail(Code::InvalidArgument, format!("unknown score normalization {} (0 none, 1 min-max, 2 z-score)", v)),
        }
    }
}

/// Checks the lists and weights; returns the weights as f64 (all 1 when none are given).
fn validate(lists: &[RankedList], weights: Option<&[f32]>, top: usize) -> CoreResult<Vec<f64>> {
    for (i, l) in lists.iter().enumerate() {
        if l.keys.len() != l.scores.len() {
            return fail(Code::InvalidArgument, format!("list {} has {} keys but {} scores", i, l.keys.len(), l.scores.len()));
        }
        if let Some(p) = l.scores.iter().position(|s| !s.is_finite()) {
            return fail(Code::InvalidArgument, format!("list {} has a non-finite score at position {}", i, p));
        }
    }
    let w = match weights {
        None => vec![1.0; lists.len()],
        Some(w) => {
            if w.len() != lists.len() {
                return fail(Code::InvalidArgument, format!("{} weights for {} lists", w.len(), lists.len()));
            }
            if let Some(p) = w.iter().position(|x| !x.is_finite()) {
                return fail(Code::InvalidArgument, format!("weight {} is not finite", p));
            }
            w.iter().map(|&x| x as f64).collect()
        }
    };
    if top == 0 {
        return fail(Code::InvalidK, "top must be at least 1");
    }
    Ok(w)
}

/// One input entry; sorting by (key, list, pos) groups a key's entries in list order with the
/// best-ranked occurrence first, which gives de-duplication and deterministic sums without
/// hashing.
#[derive(Clone, Copy)]
struct Entry {
    key: u32,
    list: u32,
    pos: u32,
    score: f32,
}

/// First (best-ranked) occurrence of each key in each list, grouped by key, lists in order.
fn entries(lists: &[RankedList]) -> CoreResult<Vec<Entry>> {
    let total: usize = lists.iter().map(|l| l.keys.len()).sum();
    if total > u32::MAX as usize || lists.len() > u32::MAX as usize {
        return fail(Code::TooLarge, "too many ranked entries to fuse");
    }
    let mut all = Vec::with_capacity(total);
    for (li, l) in lists.iter().enumerate() {
        for (pos, (&key, &score)) in l.keys.iter().zip(l.scores.iter()).enumerate() {
            all.push(Entry { key, list: li as u32, pos: pos as u32, score });
        }
    }
    all.sort_unstable_by_key(|e| (e.key, e.list, e.pos));
    all.dedup_by(|b, a| a.key == b.key && a.list == b.list);
    Ok(all)
}

/// Sums `value(entry)` per key (entries are grouped by key) and keeps the best `top`.
fn fuse(all: &[Entry], top: usize, mut value: impl FnMut(&Entry) -> f64) -> CoreResult<Fused> {
    let mut items: Vec<(u32, f32)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let key = all[i].key;
        let mut sum = 0.0f64;
        while i < all.len() && all[i].key == key {
            sum += value(&all[i]);
            i += 1;
        }
        let f = sum as f32;
        if !f.is_finite() {
            return fail(Code::InvalidArgument, "fused score overflows f32 (weights or scores too large)");
        }
        items.push((key, f));
    }
    let (keys, scores) = select_top(items, top);
    Ok(Fused { keys, scores })
}

/// Best first: score descending, equal scores by smaller key.
fn order(a: &(u32, f32), b: &(u32, f32)) -> Ordering {
    b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal).then(a.0.cmp(&b.0))
}

/// The best `top` of (key, score) pairs, best first, ties by smaller key (partial selection,
/// then a sort of the kept part). Also used by BM25 search. `top` 0 returns nothing.
pub fn select_top(mut items: Vec<(u32, f32)>, top: usize) -> (Vec<u32>, Vec<f32>) {
    if top == 0 {
        return (Vec::new(), Vec::new());
    }
    if items.len() > top {
        items.select_nth_unstable_by(top - 1, order);
        items.truncate(top);
    }
    items.sort_unstable_by(order);
    (items.iter().map(|x| x.0).collect(), items.iter().map(|x| x.1).collect())
}

/// Reciprocal Rank Fusion. `k_const` must be finite and >= 0 (use `DEFAULT_RRF_K`).
pub fn rrf(lists: &[RankedList], weights: Option<&[f32]>, k_const: f32, top: usize) -> CoreResult<Fused> {
    let w = validate(lists, weights, top)?;
    if !k_const.is_finite() || k_const < 0.0 {
        // (No float in the message: float formatting would add ~20 KB to the wasm.)
        return fail(Code::InvalidArgument, "RRF k must be a finite number >= 0");
    }
    let all = entries(lists)?;
    let k = k_const as f64;
    fuse(&all, top, |e| w.get(e.list as usize).copied().unwrap_or(0.0) / (k + e.pos as f64 + 1.0))
}

/// Per-list normalisation as (center, divisor, value when the divisor is 0):
/// norm(s) = (s - center) / divisor.
fn norm_params(all: &[Entry], n_lists: usize, norm: Normalization) -> Vec<(f64, f64, f64)> {
    let mut count = vec![0usize; n_lists];
    let mut sum = vec![0.0f64; n_lists];
    let mut min = vec![f64::INFINITY; n_lists];
    let mut max = vec![f64::NEG_INFINITY; n_lists];
    for e in all {
        let (l, v) = (e.list as usize, e.score as f64);
        if l < n_lists {
            count[l] += 1;
            sum[l] += v;
            min[l] = min[l].min(v);
            max[l] = max[l].max(v);
        }
    }
    match norm {
        Normalization::None => vec![(0.0, 1.0, 0.0); n_lists],
        // Every score 1 when they are all equal.
        Normalization::MinMax => (0..n_lists).map(|l| (min[l], max[l] - min[l], 1.0)).collect(),
        // Population std; every score 0 when std is 0.
        Normalization::ZScore => {
            let mean: Vec<f64> = (0..n_lists).map(|l| if count[l] > 0 { sum[l] / count[l] as f64 } else { 0.0 }).collect();
            let mut ss = vec![0.0f64; n_lists];
            for e in all {
                let l = e.list as usize;
                if l < n_lists {
                    let d = e.score as f64 - mean[l];
                    ss[l] += d * d;
                }
            }
            (0..n_lists).map(|l| (mean[l], if count[l] > 0 { (ss[l] / count[l] as f64).sqrt() } else { 0.0 }, 0.0)).collect()
        }
    }
}

/// Weighted sum of (optionally normalised) scores.
pub fn weighted(lists: &[RankedList], weights: Option<&[f32]>, norm: Normalization, top: usize) -> CoreResult<Fused> {
    let w = validate(lists, weights, top)?;
    let all = entries(lists)?;
    let params = norm_params(&all, lists.len(), norm);
    fuse(&all, top, |e| {
        let l = e.list as usize;
        let (center, divisor, flat) = params.get(l).copied().unwrap_or((0.0, 1.0, 0.0));
        let v = if divisor > 0.0 { (e.score as f64 - center) / divisor } else { flat };
        w.get(l).copied().unwrap_or(0.0) * v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list<'a>(keys: &'a [u32], scores: &'a [f32]) -> RankedList<'a> {
        RankedList { keys, scores }
    }

    fn f(x: f64) -> f32 {
        x as f32
    }

    #[test]
    fn rrf_exact_scores_and_order() {
        let (a, b) = ([1u32, 2, 3], [3u32, 1, 4]);
        let s = [0f32; 3];
        let got = rrf(&[list(&a, &s), list(&b, &s)], None, DEFAULT_RRF_K, 10).unwrap();
        assert_eq!(got.keys, vec![1, 3, 2, 4]);
        assert_eq!(got.scores, vec![f(1.0 / 61.0 + 1.0 / 62.0), f(1.0 / 63.0 + 1.0 / 61.0), f(1.0 / 62.0), f(1.0 / 63.0)]);
        let top2 = rrf(&[list(&a, &s), list(&b, &s)], None, 60.0, 2).unwrap();
        assert_eq!(top2.keys, vec![1, 3]);
        // k_const = 0 and weights.
        let got = rrf(&[list(&a, &s), list(&b, &s)], Some(&[2.0, 0.5]), 0.0, 10).unwrap();
        assert_eq!(got.keys, vec![1, 3, 2, 4]);
        assert_eq!(got.scores, vec![f(2.0 / 1.0 + 0.5 / 2.0), f(2.0 / 3.0 + 0.5 / 1.0), f(2.0 / 2.0), f(0.5 / 3.0)]);
    }

    #[test]
    fn rrf_ties_duplicates_and_empty() {
        let s = [0f32; 3];
        let got = rrf(&[list(&[7, 5], &s[..2]), list(&[5, 7], &s[..2])], None, 60.0, 10).unwrap();
        assert_eq!(got.keys, vec![5, 7]);
        assert_eq!(got.scores[0], got.scores[1]);
        // A duplicate keeps its best (first) rank; later entries keep their positions.
        let got = rrf(&[list(&[9, 9, 8], &s)], None, 60.0, 10).unwrap();
        assert_eq!(got.keys, vec![9, 8]);
        assert_eq!(got.scores, vec![f(1.0 / 61.0), f(1.0 / 63.0)]);
        assert_eq!(rrf(&[], None, 60.0, 5).unwrap(), Fused::default());
        assert_eq!(rrf(&[list(&[], &[])], None, 60.0, 5).unwrap(), Fused::default());
    }

    #[test]
    fn weighted_none_minmax_zscore() {
        let (ka, sa) = ([1u32, 2], [10f32, 5.0]);
        let (kb, sb) = ([2u32, 3], [0.5f32, 0.25]);
        let lists = [list(&ka, &sa), list(&kb, &sb)];

        let got = weighted(&lists, None, Normalization::None, 10).unwrap();
        assert_eq!(got.keys, vec![1, 2, 3]);
        assert_eq!(got.scores, vec![10.0, 5.5, 0.25]);

        let got = weighted(&lists, None, Normalization::MinMax, 10).unwrap();
        assert_eq!(got.keys, vec![1, 2, 3]); // 1 and 2 tie at 1.0: smaller key first
        assert_eq!(got.scores, vec![1.0, 1.0, 0.0]);

        let got = weighted(&lists, Some(&[1.0, 3.0]), Normalization::ZScore, 10).unwrap();
        // list a: mean 7.5, std 2.5 -> 1: +1, 2: -1; list b: mean 0.375, std 0.125 -> 2: +1, 3: -1
        assert_eq!(got.keys, vec![2, 1, 3]);
        assert_eq!(got.scores, vec![2.0, 1.0, -3.0]);

        let got = weighted(&lists, Some(&[0.25, 2.0]), Normalization::None, 2).unwrap();
        assert_eq!(got.keys, vec![1, 2]);
        assert_eq!(got.scores, vec![2.5, f(0.25 * 5.0 + 2.0 * 0.5)]);
    }

    #[test]
    fn weighted_degenerate_lists_and_duplicates() {
        let one = weighted(&[list(&[4], &[3.0])], None, Normalization::MinMax, 5).unwrap();
        assert_eq!((one.keys, one.scores), (vec![4], vec![1.0]));
        let z = weighted(&[list(&[4, 6], &[3.0, 3.0])], None, Normalization::ZScore, 5).unwrap();
        assert_eq!((z.keys, z.scores), (vec![4, 6], vec![0.0, 0.0]));
        // Duplicate: first (best-ranked) score counts, the later one is ignored for min/max too.
        let d = weighted(&[list(&[1, 2, 1, 3], &[9.0, 5.0, -100.0, 1.0])], None, Normalization::MinMax, 5).unwrap();
        assert_eq!(d.keys, vec![1, 2, 3]);
        assert_eq!(d.scores, vec![1.0, 0.5, 0.0]);
    }

    #[test]
    fn errors() {
        let k = [1u32, 2];
        let s = [1f32, 2.0];
        let good = list(&k, &s);
        let code = |r: CoreResult<Fused>| r.err().unwrap().code;
        for norm in [Normalization::None, Normalization::MinMax, Normalization::ZScore] {
            assert_eq!(code(weighted(&[list(&k, &s[..1])], None, norm, 5)), Code::InvalidArgument);
            assert_eq!(code(weighted(&[good], Some(&[1.0, 2.0]), norm, 5)), Code::InvalidArgument);
            assert_eq!(code(weighted(&[good], Some(&[]), norm, 5)), Code::InvalidArgument);
            assert_eq!(code(weighted(&[good], Some(&[f32::NAN]), norm, 5)), Code::InvalidArgument);
            assert_eq!(code(weighted(&[list(&k, &[1.0, f32::INFINITY])], None, norm, 5)), Code::InvalidArgument);
            assert_eq!(code(weighted(&[good], None, norm, 0)), Code::InvalidK);
        }
        assert_eq!(code(rrf(&[list(&k, &s[..1])], None, 60.0, 5)), Code::InvalidArgument);
        assert_eq!(code(rrf(&[good, good], Some(&[1.0]), 60.0, 5)), Code::InvalidArgument);
        assert_eq!(code(rrf(&[good], Some(&[f32::INFINITY]), 60.0, 5)), Code::InvalidArgument);
        assert_eq!(code(rrf(&[list(&k, &[f32::NAN, 1.0])], None, 60.0, 5)), Code::InvalidArgument);
        assert_eq!(code(rrf(&[good], None, -1.0, 5)), Code::InvalidArgument);
        assert_eq!(code(rrf(&[good], None, f32::NAN, 5)), Code::InvalidArgument);
        assert_eq!(code(rrf(&[good], None, 60.0, 0)), Code::InvalidK);
        // Overflow of the fused score is reported, not returned as infinity.
        assert_eq!(code(weighted(&[good, good], Some(&[3e38, 3e38]), Normalization::None, 5)), Code::InvalidArgument);
        assert_eq!(Normalization::from_u32(2).unwrap(), Normalization::ZScore);
        assert_eq!(Normalization::from_u32(3).err().unwrap().code, Code::InvalidArgument);
    }

    #[test]
    fn large_lists_agree_with_full_sort() {
        let keys: Vec<u32> = (0..500).map(|i| (i * 7919) % 1000).collect();
        let scores: Vec<f32> = (0..500).map(|i| ((i * 31) % 17) as f32).collect();
        let keys2: Vec<u32> = (0..300).map(|i| (i * 13) % 600).collect();
        let scores2: Vec<f32> = (0..300).map(|i| 300.0 - i as f32).collect();
        let lists = [list(&keys, &scores), list(&keys2, &scores2)];
        for norm in [Normalization::None, Normalization::MinMax, Normalization::ZScore] {
            let all = weighted(&lists, None, norm, usize::MAX).unwrap();
            for w in all.keys.iter().zip(all.scores.iter()).collect::<Vec<_>>().windows(2) {
                assert!(w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0));
            }
            let top = weighted(&lists, None, norm, 37).unwrap();
            assert_eq!(top.keys[..], all.keys[..37]);
        }
        let all = rrf(&lists, None, 60.0, usize::MAX).unwrap();
        let top = rrf(&lists, None, 60.0, 10).unwrap();
        assert_eq!(top.keys[..], all.keys[..10]);
    }
}
