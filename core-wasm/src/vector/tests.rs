//! Native tests: brute-force oracles, recall floors, error codes, snapshots, edge cases.

use super::*;

pub(crate) struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [-1, 1).
    pub fn f(&mut self) -> f32 {
        ((self.next() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}

pub(crate) fn random_vectors(n: usize, dim: usize, seed: u64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    (0..n * dim).map(|_| r.f()).collect()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("v{}", i)).collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(|s| s.as_str()).collect()
}

fn cfg(dim: usize, metric: Metric, quant: Quantization, kind: IndexKind) -> VectorConfig {
    let mut c = VectorConfig::defaults(dim);
    c.metric = metric;
    c.quantization = quant;
    c.kind = kind;
    c
}

fn build(c: VectorConfig, data: &[f32]) -> VectorIndex {
    let n = data.len() / c.dimensions;
    let names = ids(n);
    let mut idx = VectorIndex::new(c).unwrap();
    let slots = idx.upsert(&refs(&names), data).unwrap();
    assert_eq!(slots, (0..n as u32).collect::<Vec<_>>());
    idx
}

/// Exact public score in f64 from the original (un-normalised) vectors.
fn exact_score(metric: Metric, q: &[f32], x: &[f32]) -> f64 {
    let dot: f64 = q.iter().zip(x).map(|(a, b)| *a as f64 * *b as f64).sum();
    match metric {
        Metric::Dot => dot,
        Metric::Cosine => {
            let nq: f64 = q.iter().map(|a| (*a as f64).powi(2)).sum::<f64>().sqrt();
            let nx: f64 = x.iter().map(|a| (*a as f64).powi(2)).sum::<f64>().sqrt();
            dot / (nq * nx)
        }
        Metric::L2 => -q.iter().zip(x).map(|(a, b)| (*a as f64 - *b as f64).powi(2)).sum::<f64>().sqrt(),
    }
}

/// Brute-force top k over `data` rows for which `ok(slot)`; ties -> lower slot.
fn oracle<F: Fn(u32) -> bool>(metric: Metric, data: &[f32], dim: usize, q: &[f32], k: usize, ok: F) -> Vec<(u32, f64)> {
    let mut all: Vec<(u32, f64)> = data
        .chunks_exact(dim)
        .enumerate()
        .filter(|(i, _)| ok(*i as u32))
        .map(|(i, x)| (i as u32, exact_score(metric, q, x)))
        .collect();
    all.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

fn recall(got: &[u32], truth: &[(u32, f64)]) -> f64 {
    let hit = got.iter().filter(|s| truth.iter().any(|t| t.0 == **s)).count();
    hit as f64 / truth.len().max(1) as f64
}

const METRICS: [Metric; 3] = [Metric::Cosine, Metric::Dot, Metric::L2];

#[test]
fn flat_matches_brute_force_for_every_metric() {
    let (n, dim) = (300, 17);
    let data = random_vectors(n, dim, 1);
    let queries = random_vectors(8, dim, 2);
    for &metric in &METRICS {
        let idx = build(cfg(dim, metric, Quantization::None, IndexKind::Flat), &data);
        for q in queries.chunks_exact(dim) {
            let hits = idx.search(q, 10, None, None).unwrap();
            let truth = oracle(metric, &data, dim, q, 10, |_| true);
            assert_eq!(hits.slots, truth.iter().map(|t| t.0).collect::<Vec<_>>(), "{:?}", metric);
            for (s, t) in hits.scores.iter().zip(&truth) {
                assert!((*s as f64 - t.1).abs() < 1e-4, "{:?}: {} vs {}", metric, s, t.1);
            }
        }
    }
}

#[test]
fn exact_scores_and_tie_order() {
    let data = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 0.0];
    let idx = build(cfg(2, Metric::Cosine, Quantization::None, IndexKind::Flat), &data);
    let h = idx.search(&[3.0, 0.0], 4, None, None).unwrap();
    // cosine: slots 0 and 3 tie at 1.0 -> lower slot first.
    assert_eq!(h.slots, vec![0, 3, 2, 1]);
    assert!((h.scores[0] - 1.0).abs() < 1e-6 && (h.scores[2] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    assert!(h.scores[3].abs() < 1e-6);

    let idx = build(cfg(2, Metric::L2, Quantization::None, IndexKind::Flat), &data);
    let h = idx.search(&[0.0, 0.0], 4, None, None).unwrap();
    assert_eq!(h.slots, vec![0, 1, 2, 3]);
    assert_eq!(h.scores, vec![-1.0, -1.0, -std::f32::consts::SQRT_2, -2.0]);

    let idx = build(cfg(2, Metric::Dot, Quantization::None, IndexKind::Hnsw), &data);
    let h = idx.search(&[1.0, 2.0], 2, None, None).unwrap();
    assert_eq!(h.slots, vec![2, 1]);
    assert_eq!(h.scores, vec![3.0, 2.0]);
}

#[test]
fn kernels_match_scalar_reference() {
    for dim in [1usize, 3, 4, 15, 16, 17, 33, 100, 384] {
        let a = random_vectors(1, dim, dim as u64);
        let b = random_vectors(1, dim, dim as u64 + 7);
        let d: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
        let l: f64 = a.iter().zip(&b).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum();
        assert!((metric::dot(&a, &b) as f64 - d).abs() < 1e-4);
        assert!((metric::l2sq(&a, &b) as f64 - l).abs() < 1e-4);
        let mut qa = vec![0i8; dim];
        let mut qb = vec![0i8; dim];
        let sa = quant::quantize_vec(&a, &mut qa);
        quant::quantize_vec(&b, &mut qb);
        let id: i32 = qa.iter().zip(&qb).map(|(x, y)| *x as i32 * *y as i32).sum();
        assert_eq!(quant::idot(&qa, &qb), id);
        let fd: f64 = a.iter().zip(&qb).map(|(x, y)| *x as f64 * *y as f64).sum();
        assert!((quant::fidot(&a, &qb) as f64 - fd).abs() < 1e-2);
        // The portable fallback agrees with whichever kernel is active (SIMD on wasm).
        assert!((metric::scalar::dot(&a, &b) - metric::dot(&a, &b)).abs() < 1e-4);
        assert!((metric::scalar::l2sq(&a, &b) - metric::l2sq(&a, &b)).abs() < 1e-4);
        assert_eq!(quant::scalar::idot(&qa, &qb), quant::idot(&qa, &qb));
        let qa16: Vec<i16> = qa.iter().map(|&x| x as i16).collect();
        assert_eq!(quant::idot16(&qa16, &qb), id);
        assert_eq!(quant::scalar::idot16(&qa16, &qb), id);
        assert!((quant::scalar::fidot(&a, &qb) - quant::fidot(&a, &qb)).abs() < 1e-3);
        // Reconstruction error of per-vector int8 is at most half a step per component.
        for (x, q) in a.iter().zip(&qa) {
            assert!((x - sa * *q as f32).abs() <= sa * 0.5 + 1e-6);
        }
        assert!(qa.iter().all(|&q| q != -128));
    }
}

fn recall_at_10(idx: &VectorIndex, data: &[f32], queries: &[f32], metric: Metric, ef: Option<usize>) -> f64 {
    let dim = idx.config().dimensions;
    let mut total = 0.0;
    let nq = queries.len() / dim;
    for q in queries.chunks_exact(dim) {
        let h = idx.search(q, 10, None, ef).unwrap();
        total += recall(&h.slots, &oracle(metric, data, dim, q, 10, |_| true));
    }
    total / nq as f64
}

fn unit_vectors(n: usize, dim: usize, seed: u64) -> Vec<f32> {
    let mut v = random_vectors(n, dim, seed);
    for row in v.chunks_exact_mut(dim) {
        let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
        row.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

#[test]
fn int8_recall() {
    let (n, dim) = (2000, 64);
    let data = unit_vectors(n, dim, 3);
    let queries = unit_vectors(30, dim, 4);
    for &quant in &[Quantization::Int8PerVector, Quantization::Int8PerDimension] {
        for &metric in &METRICS {
            let idx = build(cfg(dim, metric, quant, IndexKind::Flat), &data);
            let r = recall_at_10(&idx, &data, &queries, metric, None);
            assert!(r >= 0.85, "{:?} {:?} no rescoring: recall {}", quant, metric, r);
            let mut c = cfg(dim, metric, quant, IndexKind::Flat);
            c.rescore = 4;
            let idx = build(c, &data);
            let r = recall_at_10(&idx, &data, &queries, metric, None);
            assert!(r >= 0.99, "{:?} {:?} rescore 4: recall {}", quant, metric, r);
            // Rescored scores are exact.
            let q = &queries[..dim];
            let h = idx.search(q, 3, None, None).unwrap();
            for (s, slot) in h.scores.iter().zip(&h.slots) {
                let x = &data[*slot as usize * dim..(*slot as usize + 1) * dim];
                assert!((*s as f64 - exact_score(metric, q, x)).abs() < 1e-4);
            }
        }
    }
}

/// Prints symmetric vs asymmetric int8 recall (run with --nocapture to see the numbers).
#[test]
fn int8_recall_report() {
    let (n, dim) = (4000, 384);
    let data = unit_vectors(n, dim, 5);
    let queries = unit_vectors(40, dim, 6);
    for &quant in &[Quantization::Int8PerVector, Quantization::Int8PerDimension] {
        let mut idx = build(cfg(dim, Metric::Cosine, quant, IndexKind::Flat), &data);
        let sym = recall_at_10(&idx, &data, &queries, Metric::Cosine, None);
        idx.store.symmetric = false;
        idx.pool.get_mut().clear();
        let asym = recall_at_10(&idx, &data, &queries, Metric::Cosine, None);
        println!("int8 {:?} {}x{} cosine recall@10 without rescoring: symmetric {:.4}, asymmetric {:.4}", quant, n, dim, sym, asym);
        assert!(sym >= 0.85 && asym >= 0.9);
    }
}

#[test]
fn hnsw_recall_random() {
    let (n, dim) = (2000, 32);
    let data = random_vectors(n, dim, 7);
    let queries = random_vectors(50, dim, 8);
    for &metric in &METRICS {
        let idx = build(cfg(dim, metric, Quantization::None, IndexKind::Hnsw), &data);
        let r = recall_at_10(&idx, &data, &queries, metric, Some(100));
        assert!(r >= 0.95, "{:?}: recall {}", metric, r);
    }
    for &quant in &[Quantization::Int8PerVector, Quantization::Int8PerDimension] {
        let idx = build(cfg(dim, Metric::L2, quant, IndexKind::Hnsw), &data);
        let r = recall_at_10(&idx, &data, &queries, Metric::L2, Some(100));
        assert!(r >= 0.85, "{:?} hnsw no rescoring: recall {}", quant, r);
        let mut c = cfg(dim, Metric::L2, quant, IndexKind::Hnsw);
        c.rescore = 3;
        let idx = build(c, &data);
        let r = recall_at_10(&idx, &data, &queries, Metric::L2, Some(100));
        assert!(r >= 0.95, "{:?} hnsw rescore: recall {}", quant, r);
    }
}

#[test]
fn hnsw_graph_invariants_and_determinism() {
    let (n, dim) = (600, 8);
    let data = random_vectors(n, dim, 9);
    let a = build(cfg(dim, Metric::L2, Quantization::None, IndexKind::Hnsw), &data);
    let b = build(cfg(dim, Metric::L2, Quantization::None, IndexKind::Hnsw), &data);
    assert_eq!(a.save(), b.save(), "same inserts must give the same graph");
    let g = a.graph.as_ref().unwrap();
    for i in 0..n as u32 {
        let l0 = g.neighbors(i, 0);
        assert!(!l0.is_empty() && l0.len() <= 2 * 16);
        assert!(l0.iter().all(|&x| x != i && (x as usize) < n));
        for lv in 1..=g.levels[i as usize] as usize {
            assert!(g.neighbors(i, lv).len() <= 16);
        }
    }
    assert_eq!(g.levels[g.entry as usize] as usize, g.max_level);
    assert!(g.max_level >= 1);
}

#[test]
fn upsert_replaces_existing_id() {
    for &kind in &[IndexKind::Flat, IndexKind::Hnsw] {
        let mut idx = VectorIndex::new(cfg(3, Metric::Cosine, Quantization::None, kind)).unwrap();
        assert_eq!(idx.upsert(&["a", "b"], &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]).unwrap(), vec![0, 1]);
        assert_eq!(idx.upsert(&["a"], &[0.0, 0.0, 1.0]).unwrap(), vec![2]);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.ids().get("a"), Some(2));
        assert!(!idx.ids().is_live(0));
        let h = idx.search(&[1.0, 0.0, 0.0], 10, None, None).unwrap();
        assert_eq!(h.slots.len(), 2);
        assert!(!h.slots.contains(&0));
        let h = idx.search(&[0.0, 0.0, 1.0], 1, None, None).unwrap();
        assert_eq!(h.slots, vec![2]);
        assert!((h.scores[0] - 1.0).abs() < 1e-6);
    }
}

#[test]
fn deleted_vectors_are_never_returned() {
    let (n, dim) = (500, 12);
    let data = random_vectors(n, dim, 10);
    for &kind in &[IndexKind::Flat, IndexKind::Hnsw] {
        for &quant in &[Quantization::None, Quantization::Int8PerVector] {
            let mut idx = build(cfg(dim, Metric::Dot, quant, kind), &data);
            let names = ids(n);
            let del: Vec<&str> = names.iter().step_by(3).map(|s| s.as_str()).collect();
            assert_eq!(idx.delete(&del), del.len());
            assert_eq!(idx.delete(&["v0", "nope"]), 0);
            assert_eq!(idx.len(), n - del.len());
            for q in random_vectors(10, dim, 11).chunks_exact(dim) {
                let h = idx.search(q, 1_000_000, None, Some(500)).unwrap();
                assert!(h.slots.iter().all(|s| s % 3 != 0));
                if kind == IndexKind::Flat {
                    assert_eq!(h.len(), n - del.len());
                }
                let mut seen = h.slots.clone();
                seen.sort_unstable();
                seen.dedup();
                assert_eq!(seen.len(), h.len(), "duplicates in results");
            }
        }
    }
}

#[test]
fn compaction_keeps_results() {
    let (n, dim) = (1500, 16);
    let data = random_vectors(n, dim, 12);
    let queries = random_vectors(20, dim, 13);
    // 10% deleted -> graph repair; 60% deleted -> rebuild.
    for &(step, kind) in &[(10usize, IndexKind::Flat), (10, IndexKind::Hnsw), (1, IndexKind::Hnsw)] {
        let mut idx = build(cfg(dim, Metric::L2, Quantization::None, kind), &data);
        let names = ids(n);
        let del: Vec<&str> = if step == 1 {
            names.iter().enumerate().filter(|(i, _)| i % 5 < 3).map(|(_, s)| s.as_str()).collect()
        } else {
            names.iter().step_by(step).map(|s| s.as_str()).collect()
        };
        idx.delete(&del);
        let dead: Vec<bool> = (0..n).map(|i| !idx.ids().is_live(i as u32)).collect();
        let before: Vec<Vec<String>> = queries
            .chunks_exact(dim)
            .map(|q| idx.search(q, 10, None, Some(100)).unwrap().slots.iter().map(|s| idx.ids().id_of(*s).unwrap().to_string()).collect())
            .collect();
        idx.compact();
        assert_eq!(idx.len(), n - del.len());
        assert_eq!(idx.ids().slot_count(), n - del.len());
        let mut agree = 0.0;
        let mut rec = 0.0;
        for (q, b) in queries.chunks_exact(dim).zip(&before) {
            let h = idx.search(q, 10, None, Some(100)).unwrap();
            let after: Vec<String> = h.slots.iter().map(|s| idx.ids().id_of(*s).unwrap().to_string()).collect();
            agree += after.iter().filter(|x| b.contains(x)).count() as f64 / 10.0;
            let truth = oracle(Metric::L2, &data, dim, q, 10, |s| !dead[s as usize]);
            let truth_ids: Vec<String> = truth.iter().map(|t| format!("v{}", t.0)).collect();
            rec += after.iter().filter(|x| truth_ids.contains(x)).count() as f64 / 10.0;
        }
        let (agree, rec) = (agree / 20.0, rec / 20.0);
        if kind == IndexKind::Flat {
            assert_eq!(agree, 1.0);
        }
        assert!(rec >= 0.95, "step {} {:?}: recall after compaction {}", step, kind, rec);
        // Still usable for inserts after compaction.
        idx.upsert(&["new"], &data[..dim]).unwrap();
        let h = idx.search(&data[..dim], 1, None, None).unwrap();
        assert_eq!(idx.ids().id_of(h.slots[0]), Some("new"));
    }
}

#[test]
fn allow_list_small_and_large() {
    let (n, dim) = (3000, 16);
    let data = random_vectors(n, dim, 14);
    for &kind in &[IndexKind::Flat, IndexKind::Hnsw] {
        for &quant in &[Quantization::None, Quantization::Int8PerVector] {
            let mut idx = build(cfg(dim, Metric::Cosine, quant, kind), &data);
            idx.delete(&["v5", "v6"]);
            // Small list with stale (deleted), out-of-range and duplicate slots.
            let small: Vec<u32> = vec![5, 6, 7, 7, 100, 2999, 3000, u32::MAX, 42, 100];
            let q = &random_vectors(1, dim, 15)[..];
            let h = idx.search(q, 10, Some(&small), None).unwrap();
            let mut got = h.slots.clone();
            got.sort_unstable();
            assert_eq!(got, vec![7, 42, 100, 2999]);
            if quant == Quantization::None {
                let truth = oracle(Metric::Cosine, &data, dim, q, 10, |s| [7, 42, 100, 2999].contains(&s));
                assert_eq!(h.slots, truth.iter().map(|t| t.0).collect::<Vec<_>>());
            }
            // Large list: every other slot.
            let large: Vec<u32> = (0..n as u32).filter(|s| s % 2 == 0).collect();
            let mut rec = 0.0;
            for q in random_vectors(10, dim, 16).chunks_exact(dim) {
                let h = idx.search(q, 10, Some(&large), Some(100)).unwrap();
                assert!(h.slots.iter().all(|s| s % 2 == 0 && *s != 6));
                assert_eq!(h.len(), 10);
                let truth = oracle(Metric::Cosine, &data, dim, q, 10, |s| s % 2 == 0 && s != 6);
                rec += recall(&h.slots, &truth);
            }
            assert!(rec / 10.0 >= 0.85, "{:?} {:?} large allow-list recall {}", kind, quant, rec / 10.0);
            assert!(idx.search(q, 10, Some(&[]), None).unwrap().is_empty());
            assert!(idx.search(q, 10, Some(&[5, 6, 9999]), None).unwrap().is_empty());
        }
    }
}

#[test]
fn hnsw_selective_filter_walks_the_graph() {
    // 8000 eligible of 40000 is above SMALL_ALLOW and too big for the scan rule at ef=16,
    // so the filtered graph walk runs; results must still be allowed and good.
    let (n, dim) = (40000, 4);
    let data = random_vectors(n, dim, 30);
    let mut c = cfg(dim, Metric::L2, Quantization::None, IndexKind::Hnsw);
    c.ef_construction = 40;
    c.m = 8;
    let idx = build(c, &data);
    let allow: Vec<u32> = (0..n as u32).filter(|s| s % 5 == 0).collect();
    assert!(!idx.small_allow(allow.len(), 16));
    let mut rec = 0.0;
    for q in random_vectors(5, dim, 31).chunks_exact(dim) {
        let h = idx.search(q, 10, Some(&allow), Some(16)).unwrap();
        assert!(h.slots.iter().all(|s| s % 5 == 0));
        rec += recall(&h.slots, &oracle(Metric::L2, &data, dim, q, 10, |s| s % 5 == 0));
    }
    assert!(rec / 5.0 >= 0.8, "filtered walk recall {}", rec / 5.0);
}

fn code<T>(r: CoreResult<T>) -> Code {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code,
    }
}

#[test]
fn every_bad_input_has_its_code() {
    let bad = |f: fn(&mut VectorConfig)| {
        let mut c = VectorConfig::defaults(4);
        f(&mut c);
        code(VectorIndex::new(c))
    };
    assert_eq!(bad(|c| c.dimensions = 0), Code::InvalidArgument);
    assert_eq!(bad(|c| c.dimensions = 65537), Code::InvalidArgument);
    assert_eq!(bad(|c| c.m = 1), Code::InvalidArgument);
    assert_eq!(bad(|c| c.m = 257), Code::InvalidArgument);
    assert_eq!(bad(|c| c.ef_construction = 0), Code::InvalidArgument);
    assert_eq!(bad(|c| c.ef_search = 0), Code::InvalidArgument);
    assert_eq!(bad(|c| c.rescore = 101), Code::InvalidArgument);
    assert!(VectorIndex::new(VectorConfig::defaults(65536)).is_ok());
    assert_eq!(code(Metric::from_u32(3)), Code::InvalidArgument);
    assert_eq!(code(Quantization::from_u32(3)), Code::InvalidArgument);
    assert_eq!(code(IndexKind::from_u32(2)), Code::InvalidArgument);
    assert_eq!(Metric::from_u32(2).unwrap(), Metric::L2);
    assert_eq!(Quantization::from_u32(2).unwrap(), Quantization::Int8PerDimension);
    assert_eq!(IndexKind::from_u32(1).unwrap(), IndexKind::Hnsw);

    let mut idx = VectorIndex::new(VectorConfig::defaults(2)).unwrap();
    idx.upsert(&["keep"], &[1.0, 2.0]).unwrap();
    let snapshot = idx.save();
    assert_eq!(code(idx.upsert(&["a"], &[1.0])), Code::DimensionMismatch);
    assert_eq!(code(idx.upsert(&["a", "b"], &[1.0, 1.0])), Code::DimensionMismatch);
    assert_eq!(code(idx.upsert(&["a", "b"], &[1.0, 1.0, f32::NAN, 0.0])), Code::VectorNotFinite);
    let e = idx.upsert(&["a", "b"], &[1.0, 1.0, 0.0, f32::INFINITY]).err().unwrap();
    assert_eq!(e.code, Code::VectorNotFinite);
    assert!(e.message.contains("position 1"), "{}", e.message);
    assert_eq!(code(idx.upsert(&["a", "b"], &[1.0, 1.0, 0.0, 0.0])), Code::ZeroVector);
    assert_eq!(code(idx.upsert(&["a", "a"], &[1.0, 1.0, 1.0, 0.0])), Code::DuplicateId);
    assert_eq!(code(idx.upsert(&["a", ""], &[1.0, 1.0, 1.0, 0.0])), Code::EmptyId);
    // Nothing above changed the index.
    assert_eq!(idx.save(), snapshot);
    assert_eq!(idx.len(), 1);

    assert_eq!(code(idx.search(&[1.0, 0.0], 0, None, None)), Code::InvalidK);
    assert_eq!(code(idx.search(&[1.0, 0.0], 1_000_001, None, None)), Code::InvalidK);
    assert_eq!(code(idx.search(&[1.0], 1, None, None)), Code::DimensionMismatch);
    assert_eq!(code(idx.search(&[f32::NAN, 0.0], 1, None, None)), Code::VectorNotFinite);
    assert_eq!(code(idx.search(&[f32::NEG_INFINITY, 0.0], 1, None, None)), Code::VectorNotFinite);
    assert_eq!(code(idx.search(&[0.0, 0.0], 1, None, None)), Code::ZeroVector);
    assert_eq!(code(idx.search(&[1.0, 0.0], 1, None, Some(0))), Code::InvalidArgument);
    assert_eq!(code(idx.search_batch(&[1.0, 0.0, 1.0], 1, None, None)), Code::DimensionMismatch);
    assert_eq!(code(idx.search_batch(&[1.0, 0.0, 0.0, 0.0], 1, None, None)), Code::ZeroVector);
    assert_eq!(code(idx.search_batch(&[1.0, 0.0], 0, None, None)), Code::InvalidK);

    // Zero vectors are fine for dot and L2.
    let mut l2 = VectorIndex::new(cfg(2, Metric::L2, Quantization::Int8PerVector, IndexKind::Hnsw)).unwrap();
    l2.upsert(&["z", "x"], &[0.0, 0.0, 3.0, 4.0]).unwrap();
    let h = l2.search(&[0.0, 0.0], 2, None, None).unwrap();
    assert_eq!(h.slots, vec![0, 1]);
    assert!((h.scores[1] + 5.0).abs() < 0.05);
}

#[test]
fn edge_cases_do_not_panic() {
    for &kind in &[IndexKind::Flat, IndexKind::Hnsw] {
        for &quant in &[Quantization::None, Quantization::Int8PerVector, Quantization::Int8PerDimension] {
            // n = 0
            let mut idx = VectorIndex::new(cfg(1, Metric::L2, quant, kind)).unwrap();
            assert!(idx.search(&[1.0], 1_000_000, None, None).unwrap().is_empty());
            assert!(idx.search(&[1.0], 5, Some(&[0, 1]), None).unwrap().is_empty());
            assert!(idx.search_batch(&[], 3, None, None).unwrap().is_empty());
            assert_eq!(idx.search_batch(&[1.0, 2.0], 3, None, None).unwrap(), vec![Hits::default(), Hits::default()]);
            assert_eq!(idx.upsert(&[], &[]).unwrap(), Vec::<u32>::new());
            idx.compact();
            assert!(VectorIndex::load(&idx.save()).unwrap().is_empty());
            // dim 1, k huge
            let vals: Vec<f32> = (0..20).map(|i| i as f32 - 10.0).collect();
            let names = ids(20);
            idx.upsert(&refs(&names), &vals).unwrap();
            let h = idx.search(&[0.2], 1_000_000, None, Some(1_000_000)).unwrap();
            assert_eq!(h.len(), 20);
            assert_eq!(h.slots[0], 10);
            assert_eq!(idx.search(&[0.2], 1_000_000, Some(&[3, 3, 4]), None).unwrap().slots.len(), 2);
            // delete everything, compact, reuse
            idx.delete(&refs(&names));
            assert!(idx.search(&[1.0], 3, None, None).unwrap().is_empty());
            idx.compact();
            assert_eq!(idx.ids().slot_count(), 0);
            idx.upsert(&["again"], &[1.0]).unwrap();
            assert_eq!(idx.search(&[1.0], 3, None, None).unwrap().slots, vec![0]);
        }
    }
    // Huge magnitudes: no panic, finite scores where representable.
    let mut idx = VectorIndex::new(cfg(2, Metric::Dot, Quantization::None, IndexKind::Hnsw)).unwrap();
    idx.upsert(&["a", "b"], &[f32::MAX, -f32::MAX, f32::MIN_POSITIVE, 1.0]).unwrap();
    let h = idx.search(&[f32::MAX, f32::MAX], 2, None, None).unwrap();
    assert_eq!(h.len(), 2);
    let mut cos = VectorIndex::new(VectorConfig::defaults(2)).unwrap();
    cos.upsert(&["tiny"], &[1e-40, 0.0]).unwrap();
    let h = cos.search(&[1e-45, 0.0], 1, None, None).unwrap();
    assert!((h.scores[0] - 1.0).abs() < 1e-6);
}

#[test]
fn batch_search_equals_single_searches() {
    let (n, dim) = (700, 24);
    let data = random_vectors(n, dim, 17);
    let queries = random_vectors(9, dim, 18);
    for &kind in &[IndexKind::Flat, IndexKind::Hnsw] {
        for &quant in &[Quantization::None, Quantization::Int8PerVector] {
            let mut c = cfg(dim, Metric::L2, quant, kind);
            c.rescore = 2;
            let mut idx = build(c, &data);
            idx.delete(&["v1", "v2"]);
            let allow: Vec<u32> = (0..400).collect();
            for allow in [None, Some(&allow[..])] {
                let batch = idx.search_batch(&queries, 7, allow, None).unwrap();
                assert_eq!(batch.len(), 9);
                for (q, b) in queries.chunks_exact(dim).zip(&batch) {
                    assert_eq!(&idx.search(q, 7, allow, None).unwrap(), b);
                }
            }
        }
    }
}

fn all_configs() -> Vec<VectorConfig> {
    let mut out = Vec::new();
    for &kind in &[IndexKind::Flat, IndexKind::Hnsw] {
        for &quant in &[Quantization::None, Quantization::Int8PerVector, Quantization::Int8PerDimension] {
            for &metric in &METRICS {
                for &rescore in &[0usize, 3] {
                    let mut c = cfg(6, metric, quant, kind);
                    c.rescore = rescore;
                    c.m = 4;
                    out.push(c);
                }
            }
        }
    }
    out
}

#[test]
fn snapshot_round_trip_is_identity() {
    let data = random_vectors(120, 6, 19);
    let queries = random_vectors(5, 6, 20);
    for c in all_configs() {
        let mut idx = build(c, &data);
        idx.delete(&["v3", "v50"]);
        let bytes = idx.save();
        let back = VectorIndex::load(&bytes).unwrap();
        assert_eq!(back.save(), bytes, "{:?}", c);
        assert_eq!(back.len(), idx.len());
        assert_eq!(back.ids().slot_count(), idx.ids().slot_count());
        assert_eq!(back.ids().get("v7"), Some(7));
        assert!(!back.ids().is_live(3));
        for q in queries.chunks_exact(6) {
            assert_eq!(back.search(q, 5, None, None).unwrap(), idx.search(q, 5, None, None).unwrap());
        }
        // Loaded index keeps working identically for new inserts.
        let mut a = back;
        idx.upsert(&["n1", "v3"], &queries[..12]).unwrap();
        a.upsert(&["n1", "v3"], &queries[..12]).unwrap();
        assert_eq!(a.save(), idx.save());
    }
}

#[test]
fn snapshot_rejects_truncation_bit_flips_and_wrong_kind() {
    let data = random_vectors(12, 3, 21);
    for c in all_configs().into_iter().filter(|c| c.rescore == 3 && c.metric == Metric::L2) {
        let idx = build(c, &data);
        let bytes = idx.save();
        for n in 0..bytes.len() {
            assert!(VectorIndex::load(&bytes[..n]).is_err());
        }
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut b = bytes.clone();
                b[i] ^= bit;
                assert!(VectorIndex::load(&b).is_err(), "flip at {}", i);
            }
        }
    }
    let idx = build(VectorConfig::defaults(3), &data);
    let mut b = idx.save();
    b[12] = 2;
    let body = b.len() - 8;
    let sum = crate::snapshot::checksum(&b[..body]);
    b[body..].copy_from_slice(&sum.to_le_bytes());
    assert_eq!(code(VectorIndex::load(&b)), Code::SnapshotKind);
    assert_eq!(code(VectorIndex::load(b"not a snapshot at all, definitely not")), Code::SnapshotCorrupt);
}

/// Re-packs a valid snapshot with one section edited (valid checksum), to reach the semantic checks.
fn repack(bytes: &[u8], tag: u32, edit: &dyn Fn(&mut Vec<u8>)) -> Vec<u8> {
    use crate::snapshot::{SnapshotReader, SnapshotWriter, KIND_VECTOR};
    let r = SnapshotReader::open(bytes, KIND_VECTOR).unwrap();
    let mut w = SnapshotWriter::new(KIND_VECTOR);
    for t in 1..=8u32 {
        if r.has_section(t) {
            let mut s = r.section(t).unwrap().to_vec();
            if t == tag {
                edit(&mut s);
            }
            w.section(t, s);
        }
    }
    w.finish()
}

#[test]
fn snapshot_semantic_corruption_is_rejected() {
    let data = random_vectors(40, 4, 22);
    let mut c = cfg(4, Metric::L2, Quantization::Int8PerVector, IndexKind::Hnsw);
    c.m = 4;
    c.rescore = 2;
    let idx = build(c, &data);
    let bytes = idx.save();
    assert!(VectorIndex::load(&repack(&bytes, 99, &|_| {})).is_ok());
    let corrupt = |tag: u32, edit: &dyn Fn(&mut Vec<u8>)| code(VectorIndex::load(&repack(&bytes, tag, edit)));
    // graph: rng(8) entry(4) max_level(4) levels(40) links0(40*9*4)...
    let links0 = 16 + 40;
    assert_eq!(corrupt(8, &|s| s[links0 + 4..links0 + 8].copy_from_slice(&40u32.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(8, &|s| s[links0..links0 + 4].copy_from_slice(&9u32.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(8, &|s| s[8..12].copy_from_slice(&40u32.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(8, &|s| s[12..16].copy_from_slice(&7u32.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(8, &|s| s[16] = 99), Code::SnapshotCorrupt);
    assert_eq!(corrupt(8, &|s| s.truncate(s.len() - 4)), Code::SnapshotCorrupt);
    assert_eq!(corrupt(8, &|s| s.push(0)), Code::SnapshotCorrupt);
    // data sections
    assert_eq!(corrupt(4, &|s| s[5] = 0x80), Code::SnapshotCorrupt);
    assert_eq!(corrupt(4, &|s| s.truncate(s.len() - 1)), Code::SnapshotCorrupt);
    assert_eq!(corrupt(5, &|s| s[0..4].copy_from_slice(&f32::NAN.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(3, &|s| s[0..4].copy_from_slice(&f32::INFINITY.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(7, &|s| s.clear()), Code::SnapshotCorrupt);
    // meta: dims 0, unknown metric, row count mismatch, missing section
    assert_eq!(corrupt(1, &|s| s[4..8].copy_from_slice(&0u32.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(1, &|s| s[8..12].copy_from_slice(&9u32.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(1, &|s| s[36..44].copy_from_slice(&41u64.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(1, &|s| s[36..44].copy_from_slice(&u64::MAX.to_le_bytes())), Code::SnapshotCorrupt);
    assert_eq!(corrupt(1, &|s| s[16..20].copy_from_slice(&0u32.to_le_bytes())), Code::SnapshotCorrupt);
}

#[test]
fn memory_stays_close_to_raw_size() {
    let (n, dim) = (2000, 384);
    let data = random_vectors(n, dim, 23);
    let raw = n * dim * 4;
    let f = build(cfg(dim, Metric::Cosine, Quantization::None, IndexKind::Flat), &data);
    assert!(f.memory_bytes() as f64 <= 1.3 * raw as f64, "{} vs raw {}", f.memory_bytes(), raw);
    let q = build(cfg(dim, Metric::Cosine, Quantization::Int8PerVector, IndexKind::Flat), &data);
    assert!(q.memory_bytes() as f64 <= 0.3 * f.memory_bytes() as f64, "int8 {} vs f32 {}", q.memory_bytes(), f.memory_bytes());
    // Many small batches: headroom stays bounded (1/8 growth, no doubling).
    let mut s = VectorIndex::new(cfg(dim, Metric::Cosine, Quantization::None, IndexKind::Flat)).unwrap();
    let names = ids(n);
    for (i, v) in data.chunks_exact(dim).enumerate() {
        s.upsert(&[names[i].as_str()], v).unwrap();
    }
    assert!(s.memory_bytes() as f64 <= 1.3 * raw as f64, "{} vs raw {}", s.memory_bytes(), raw);
}

#[test]
fn reserve_then_sliced_upserts_keep_memory_exact_and_results() {
    let mut cfg = VectorConfig::defaults(8);
    cfg.metric = Metric::Dot;
    let mut v = VectorIndex::new(cfg).unwrap();
    assert_eq!(v.reserve(usize::MAX / 2).err().unwrap().code, Code::OutOfMemory);
    assert_eq!(v.len(), 0);
    v.reserve(100).unwrap();
    let before = v.memory_bytes();
    for batch in 0..10 {
        let ids: Vec<String> = (0..10).map(|i| format!("v{}", batch * 10 + i)).collect();
        let refs: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let data: Vec<f32> = (0..80).map(|i| ((batch * 80 + i) % 13) as f32 + 1.0).collect();
        v.upsert(&refs, &data).unwrap();
    }
    assert_eq!(v.len(), 100);
    // vector storage did not grow past the reservation (ids and bitsets may add a little)
    assert!(v.memory_bytes() < before + 100 * 8 * 4 / 2 + 100 * 64, "{} vs {}", v.memory_bytes(), before);
    assert_eq!(v.search(&[1.0; 8], 1, None, None).unwrap().len(), 1);
}
