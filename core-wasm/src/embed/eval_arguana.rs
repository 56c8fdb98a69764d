//! Quality check of lexical embeddings on BEIR ArguAna (ignored; run in release):
//!   cargo test --release lexical_arguana -- --ignored --nocapture
//! Same TSV files as `keyword/eval_arguana.rs` ($LUMOS_ARGUANA_DIR, default /tmp/arguana).
//! Env: LUMOS_DIMS (default 384), LUMOS_W="1,0.5,0.75" family weights, LUMOS_NOSTEM=1.
//! Exact (brute-force) cosine search; nDCG@10 with the query's own id dropped.

use super::lexical::{embed_batch, LexicalOptions};
use crate::keyword::eval_arguana::{ndcg_at_10, read};
use std::time::Instant;

#[test]
#[ignore]
fn lexical_arguana() {
    let dir = std::env::var("LUMOS_ARGUANA_DIR").unwrap_or_else(|_| "/tmp/arguana".to_string());
    let data = match read(&dir) {
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
    let (ids, texts, qs, qrels) = (&data.doc_ids, &data.doc_texts, &data.queries, &data.qrels);
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
        ndcg += ndcg_at_10(&ranked, &qrels[qid]);
    }
    println!("lexical dims={} weights={:?} stem={} nDCG@10={:.4} embed {:.1} MB in {:.2}s ({:.1} MB/s)", d, o.weights, o.tokenizer.stem, ndcg / qs.len() as f64, mb, secs, mb / secs);
}
