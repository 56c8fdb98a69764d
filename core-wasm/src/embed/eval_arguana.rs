//! Quality check of lexical embeddings on BEIR ArguAna (ignored; run in release):
//!   cargo test --release lexical_arguana -- --ignored --nocapture
//! Same TSV files as `keyword/eval_arguana.rs` ($LUMOS_ARGUANA_DIR, default /tmp/arguana).
//! Env: LUMOS_DIMS (default 384), LUMOS_W="1,0.5,0.75" family weights, LUMOS_NOSTEM=1.
//! Exact (brute-force) cosine search; nDCG@10 with the query's own id dropped.

use super::lexical::{embed_batch, LexicalOptions};
use std::collections::HashMap;
use std::time::Instant;

fn load(dir: &str) -> Option<(Vec<String>, Vec<String>, Vec<(String, String)>, HashMap<String, Vec<(String, u32)>>)> {
    let corpus = std::fs::read_to_string(format!("{}/corpus.tsv", dir)).ok()?;
    let queries = std::fs::read_to_string(format!("{}/queries.tsv", dir)).ok()?;
    let qrels_txt = std::fs::read_to_string(format!("{}/qrels.tsv", dir)).ok()?;
    let (mut ids, mut texts) = (Vec::new(), Vec::new());
    for line in corpus.lines() {
        let mut it = line.splitn(3, '\t');
        let (id, title, text) = (it.next()?, it.next().unwrap_or(""), it.next().unwrap_or(""));
        ids.push(id.to_string());
        texts.push(format!("{} {}", title, text));
    }
    let mut qrels: HashMap<String, Vec<(String, u32)>> = HashMap::new();
    for line in qrels_txt.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 3 {
            qrels.entry(f[0].to_string()).or_default().push((f[1].to_string(), f[2].trim().parse().unwrap_or(0)));
        }
    }
    let mut qs = Vec::new();
    for line in queries.lines() {
        let mut it = line.splitn(2, '\t');
        let (id, text) = (it.next()?, it.next().unwrap_or(""));
        if qrels.contains_key(id) {
            qs.push((id.to_string(), text.to_string()));
        }
    }
    Some((ids, texts, qs, qrels))
}

#[test]
#[ignore]
fn lexical_arguana() {
    let dir = std::env::var("LUMOS_ARGUANA_DIR").unwrap_or_else(|_| "/tmp/arguana".to_string());
    let (ids, texts, qs, qrels) = match load(&dir) {
        Some(d) => d,
        None => {
            println!("skipping: ArguAna TSVs not found in {}", dir);
            return;
        }
    };
    let mut o = LexicalOptions::default();
    if let Some(d) = std::env::var("LUMOS_DIMS").ok().and_then(|v| v.parse().ok()) {
        o.dimensions = d;
    }
    if let Ok(w) = std::env::var("LUMOS_W") {
        let v: Vec<f32> = w.split(',').filter_map(|x| x.parse().ok()).collect();
        if v.len() == 3 {
            o.weights = [v[0], v[1], v[2]];
        }
    }
    if std::env::var("LUMOS_NOCHAR").is_ok() {
        o.char_ngrams = false;
    }
    if std::env::var("LUMOS_NOSTEM").is_ok() {
        o.tokenizer.stem = false;
    }
    let d = o.dimensions;
    let t0 = Instant::now();
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    let docs = embed_batch(&refs, &o).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let mb = refs.iter().map(|s| s.len()).sum::<usize>() as f64 / 1e6;
    let qrefs: Vec<&str> = qs.iter().map(|q| q.1.as_str()).collect();
    let qv = embed_batch(&qrefs, &o).unwrap();
    let mut ndcg = 0.0;
    let mut scores = vec![0f32; ids.len()];
    for (qi, (qid, _)) in qs.iter().enumerate() {
        let q = &qv[qi * d..(qi + 1) * d];
        for (j, s) in scores.iter_mut().enumerate() {
            *s = docs[j * d..(j + 1) * d].iter().zip(q).map(|(a, b)| a * b).sum();
        }
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_unstable_by(|&a, &b| scores[b].partial_cmp(&scores[a]).unwrap());
        let ranked: Vec<&str> = order.iter().map(|&i| ids[i].as_str()).filter(|id| *id != qid).take(10).collect();
        let rels = &qrels[qid];
        let rel_of = |x: &str| rels.iter().find(|(id, _)| id == x).map(|r| r.1).unwrap_or(0);
        let dcg: f64 = ranked.iter().enumerate().map(|(i, x)| rel_of(x) as f64 / ((i + 2) as f64).log2()).sum();
        let mut ideal: Vec<u32> = rels.iter().map(|r| r.1).filter(|&r| r > 0).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal.iter().take(10).enumerate().map(|(i, &r)| r as f64 / ((i + 2) as f64).log2()).sum();
        if idcg > 0.0 {
            ndcg += dcg / idcg;
        }
    }
    println!("lexical dims={} weights={:?} stem={} nDCG@10={:.4} embed {:.1} MB in {:.2}s ({:.1} MB/s)", d, o.weights, o.tokenizer.stem, ndcg / qs.len() as f64, mb, secs, mb / secs);
}
