//! Ignored native benchmarks: SIFT10K HNSW (recall@10, build time, QPS) and flat scan throughput.
//! Run: `cargo test --release -- --ignored --nocapture`. Real numbers come from the wasm build.

use super::tests::{random_vectors, Rng};
use super::*;
use std::path::PathBuf;
use std::time::Instant;

fn sift_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(d) = std::env::var("LUMOS_SIFT_DIR") {
        candidates.push(d.into());
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/siftsmall"));
    candidates.push(PathBuf::from("/work/shared/data/siftsmall"));
    candidates.into_iter().find(|d| d.join("siftsmall_base.fvecs").exists())
}

/// fvecs / ivecs: per vector an i32 dimension then that many 4-byte values.
fn read_vecs(path: &PathBuf) -> Option<(usize, Vec<[u8; 4]>)> {
    let bytes = std::fs::read(path).ok()?;
    let mut out = Vec::new();
    let mut dim = 0usize;
    let mut at = 0usize;
    while at + 4 <= bytes.len() {
        let d = i32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        if dim == 0 {
            dim = d;
        }
        if d != dim || at + 4 + 4 * d > bytes.len() {
            return None;
        }
        for c in bytes[at + 4..at + 4 + 4 * d].chunks_exact(4) {
            out.push([c[0], c[1], c[2], c[3]]);
        }
        at += 4 + 4 * d;
    }
    Some((dim, out))
}

fn qps<F: FnMut()>(mut f: F, per_call: usize) -> f64 {
    let start = Instant::now();
    let mut calls = 0usize;
    while calls == 0 || start.elapsed().as_secs_f64() < 0.5 {
        f();
        calls += 1;
    }
    (calls * per_call) as f64 / start.elapsed().as_secs_f64()
}

#[test]
#[ignore]
fn sift10k_hnsw_benchmark() {
    let dir = match sift_dir() {
        Some(d) => d,
        None => {
            println!("SIFT10K files not found (set LUMOS_SIFT_DIR); skipping");
            return;
        }
    };
    let (dim, base) = read_vecs(&dir.join("siftsmall_base.fvecs")).expect("base");
    let (_, queries) = read_vecs(&dir.join("siftsmall_query.fvecs")).expect("queries");
    let (gk, gt) = read_vecs(&dir.join("siftsmall_groundtruth.ivecs")).expect("groundtruth");
    let base: Vec<f32> = base.iter().map(|b| f32::from_le_bytes(*b)).collect();
    let queries: Vec<f32> = queries.iter().map(|b| f32::from_le_bytes(*b)).collect();
    let gt: Vec<u32> = gt.iter().map(|b| i32::from_le_bytes(*b) as u32).collect();
    let n = base.len() / dim;
    let nq = queries.len() / dim;
    let names: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    for &quant in &[Quantization::None, Quantization::Int8PerVector] {
        for &rescore in &[0usize, 4] {
            if quant == Quantization::None && rescore > 0 {
                continue;
            }
            let mut c = VectorConfig::defaults(dim);
            c.metric = Metric::L2;
            c.kind = IndexKind::Hnsw;
            c.quantization = quant;
            c.rescore = rescore;
            let mut idx = VectorIndex::new(c).unwrap();
            let t = Instant::now();
            idx.upsert(&refs, &base).unwrap();
            let build = t.elapsed().as_secs_f64();
            let snap = idx.save();
            let t = Instant::now();
            let loaded = VectorIndex::load(&snap).unwrap();
            let load_ms = t.elapsed().as_secs_f64() * 1e3;
            assert_eq!(loaded.len(), n);
            println!(
                "SIFT10K {}x{} L2 M=16 efC=200 {:?} rescore={}: build {:.3} s, memory {:.1} MB, snapshot {:.1} MB loads in {:.2} ms",
                n, dim, quant, rescore, build, idx.memory_bytes() as f64 / 1e6, snap.len() as f64 / 1e6, load_ms
            );
            for &ef in &[16usize, 32, 64, 128, 256] {
                let mut hit = 0usize;
                for (qi, q) in queries.chunks_exact(dim).enumerate() {
                    let h = idx.search(q, 10, None, Some(ef)).unwrap();
                    let truth = &gt[qi * gk..qi * gk + 10];
                    hit += h.slots.iter().filter(|s| truth.contains(s)).count();
                }
                let recall = hit as f64 / (nq * 10) as f64;
                let q = qps(
                    || {
                        for q in queries.chunks_exact(dim) {
                            let _ = idx.search(q, 10, None, Some(ef)).unwrap();
                        }
                    },
                    nq,
                );
                println!("  ef={:>3}: recall@10 {:.4}  QPS {:.0}", ef, recall, q);
            }
        }
    }
}

#[test]
#[ignore]
fn flat_scan_throughput() {
    let (n, dim) = (100_000usize, 384usize);
    let data = random_vectors(n, dim, 40);
    let names: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let queries = random_vectors(32, dim, 41);
    // Memory bandwidth reference: one pass summing the same number of bytes.
    let mut r = Rng::new(1);
    let big: Vec<f32> = (0..n * dim).map(|_| r.f()).collect();
    let bw = qps(
        || {
            let s: f32 = big.chunks_exact(16).fold([0f32; 16], |mut acc, c| {
                for i in 0..16 {
                    acc[i] += c[i];
                }
                acc
            }).iter().sum();
            assert!(s.is_finite());
        },
        1,
    ) * (n * dim * 4) as f64
        / 1e9;
    println!("memory read bandwidth (sum loop): {:.1} GB/s", bw);
    drop(big);
    for &(quant, rescore) in &[(Quantization::None, 0usize), (Quantization::Int8PerVector, 0), (Quantization::Int8PerDimension, 0), (Quantization::Int8PerVector, 4)] {
        let mut c = VectorConfig::defaults(dim);
        c.quantization = quant;
        c.rescore = rescore;
        let mut idx = VectorIndex::new(c).unwrap();
        let t = Instant::now();
        idx.upsert(&refs, &data).unwrap();
        let build = t.elapsed().as_secs_f64();
        let mut qi = 0;
        let single = qps(
            || {
                let q = &queries[(qi % 32) * dim..(qi % 32 + 1) * dim];
                qi += 1;
                let _ = idx.search(q, 10, None, None).unwrap();
            },
            1,
        );
        let batch = qps(
            || {
                let _ = idx.search_batch(&queries, 10, None, None).unwrap();
            },
            32,
        );
        let bytes_per_q = (n * dim * if quant == Quantization::None { 4 } else { 1 }) as f64;
        println!(
            "flat {}x{} {:?} rescore={}: insert {:.2} s, memory {:.1} MB, QPS single {:.1} ({:.1} GB/s), batch-32 {:.1}",
            n, dim, quant, rescore, build, idx.memory_bytes() as f64 / 1e6, single, single * bytes_per_q / 1e9, batch
        );
    }
}

#[test]
#[ignore]
fn snapshot_load_speed_10k_384_int8_hnsw() {
    let (n, dim) = (10_000usize, 384usize);
    let data = random_vectors(n, dim, 42);
    let names: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut c = VectorConfig::defaults(dim);
    c.quantization = Quantization::Int8PerVector;
    c.kind = IndexKind::Hnsw;
    c.ef_construction = 32; // graph size does not depend on efC; keeps this benchmark quick
    let mut idx = VectorIndex::new(c).unwrap();
    let t = Instant::now();
    idx.upsert(&refs, &data).unwrap();
    println!("10k x 384 int8 HNSW build {:.2} s", t.elapsed().as_secs_f64());
    let snap = idx.save();
    let t = Instant::now();
    let mut loads = 0;
    while t.elapsed().as_secs_f64() < 3.0 {
        let l = VectorIndex::load(&snap).unwrap();
        assert_eq!(l.len(), n);
        loads += 1;
    }
    println!("snapshot {:.1} MB, load {:.2} ms", snap.len() as f64 / 1e6, t.elapsed().as_secs_f64() * 1e3 / loads as f64);
    // Breakdown: container checks (checksum) and the id table are shared code.
    let t = Instant::now();
    for _ in 0..20 {
        let r = crate::snapshot::SnapshotReader::open(&snap, crate::snapshot::KIND_VECTOR).unwrap();
        assert!(r.has_section(2));
    }
    let open_ms = t.elapsed().as_secs_f64() * 1e3 / 20.0;
    let r = crate::snapshot::SnapshotReader::open(&snap, crate::snapshot::KIND_VECTOR).unwrap();
    let ids = r.section(2).unwrap();
    let t = Instant::now();
    for _ in 0..20 {
        let m = crate::idmap::IdMap::read(&mut crate::snapshot::ByteReader::new(ids)).unwrap();
        assert_eq!(m.len(), n);
    }
    println!("  of which container open + checksum {:.2} ms, IdMap::read {:.2} ms", open_ms, t.elapsed().as_secs_f64() * 1e3 / 20.0);
}
