//! Quality benchmark on BEIR ArguAna (ignored by default; run in release):
//!   cargo test --release arguana -- --ignored --nocapture
//! Reads TSVs from $LUMOS_ARGUANA_DIR (default /tmp/arguana), converted once from
//! /work/shared/data/arguana with tabs/newlines inside fields replaced by spaces:
//!   corpus.tsv  = id \t title \t text      queries.tsv = id \t text
//!   qrels.tsv   = query-id \t corpus-id \t score (with a header line; a copy of qrels/test.tsv)
//! (python3: gunzip + json.loads per line, write f"{_id}\t{title}\t{text}"). Skips with a message
//! when the files are missing. Documents are indexed "flat" (title + " " + text). BEIR rule: a
//! hit whose id equals the query id is dropped. Metrics: nDCG@10 with graded gains from the
//! qrels (trec_eval style, gain = rel), recall@100, averaged over the test queries.
//! Env: LUMOS_K1 / LUMOS_B override the defaults; LUMOS_GRID=1 sweeps k1 x b.

use super::bm25::KeywordIndex;
use super::Bm25Config;
use std::collections::HashMap;
use std::time::Instant;

/// The ArguAna test split as TSVs; shared with `embed/eval_arguana.rs`.
pub(crate) struct Data {
    pub(crate) doc_ids: Vec<String>,
    pub(crate) doc_texts: Vec<String>,
    pub(crate) queries: Vec<(String, String)>,
    pub(crate) qrels: HashMap<String, Vec<(String, u32)>>,
}

pub(crate) fn read(dir: &str) -> Option<Data> {
    let corpus = std::fs::read_to_string(format!("{}/corpus.tsv", dir)).ok()?;
    let queries = std::fs::read_to_string(format!("{}/queries.tsv", dir)).ok()?;
    let qrels_txt = std::fs::read_to_string(format!("{}/qrels.tsv", dir)).ok()?;
    let mut doc_ids = Vec::new();
    let mut doc_texts = Vec::new();
    for line in corpus.lines() {
        let mut it = line.splitn(3, '\t');
        let (id, title, text) = (it.next()?, it.next().unwrap_or(""), it.next().unwrap_or(""));
        doc_ids.push(id.to_string());
        doc_texts.push(format!("{} {}", title, text));
    }
    let mut qrels: HashMap<String, Vec<(String, u32)>> = HashMap::new();
    for line in qrels_txt.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 3 {
            let rel: u32 = f[2].trim().parse().unwrap_or(0);
            qrels.entry(f[0].to_string()).or_default().push((f[1].to_string(), rel));
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
    Some(Data { doc_ids, doc_texts, queries: qs, qrels })
}

/// nDCG@10 with graded gains (trec_eval style, gain = rel); 0 when the query has no relevant doc.
pub(crate) fn ndcg_at_10(ranked: &[&str], rels: &[(String, u32)]) -> f64 {
    let rel_of = |d: &str| rels.iter().find(|(id, _)| id == d).map(|r| r.1).unwrap_or(0);
    let dcg: f64 = ranked.iter().take(10).enumerate().map(|(i, d)| rel_of(d) as f64 / ((i + 2) as f64).log2()).sum();
    let mut ideal: Vec<u32> = rels.iter().map(|r| r.1).filter(|&r| r > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(10).enumerate().map(|(i, &r)| r as f64 / ((i + 2) as f64).log2()).sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

struct Scores {
    ndcg10: f64,
    recall100: f64,
    build_s: f64,
    qps: f64,
}

fn run(data: &Data, cfg: Bm25Config, count_dups: bool) -> Scores {
    let t0 = Instant::now();
    let mut idx = KeywordIndex::new(cfg).unwrap();
    let ids: Vec<&str> = data.doc_ids.iter().map(|s| s.as_str()).collect();
    let texts: Vec<&str> = data.doc_texts.iter().map(|s| s.as_str()).collect();
    idx.upsert(&ids, &texts).unwrap();
    let build_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let mut ndcg_sum = 0.0;
    let mut recall_sum = 0.0;
    for (qid, qtext) in &data.queries {
        let hits = idx.search_with(qtext, 101, None, count_dups).unwrap();
        let ranked: Vec<&str> = hits.slots.iter().filter_map(|&s| idx.ids().id_of(s)).filter(|id| *id != qid.as_str()).take(100).collect();
        let rels = &data.qrels[qid];
        let rel_of = |d: &str| rels.iter().find(|(id, _)| id == d).map(|r| r.1).unwrap_or(0);
        ndcg_sum += ndcg_at_10(&ranked, rels);
        let n_rel = rels.iter().filter(|r| r.1 > 0).count();
        if n_rel > 0 {
            let found = ranked.iter().filter(|d| rel_of(d) > 0).count();
            recall_sum += found as f64 / n_rel as f64;
        }
    }
    let search_s = t1.elapsed().as_secs_f64();
    let n = data.queries.len() as f64;
    Scores { ndcg10: ndcg_sum / n, recall100: recall_sum / n, build_s, qps: n / search_s }
}

#[test]
#[ignore]
fn arguana_bm25() {
    let dir = std::env::var("LUMOS_ARGUANA_DIR").unwrap_or_else(|_| "/tmp/arguana".to_string());
    let data = match read(&dir) {
        Some(d) => d,
        None => {
            println!("skipping ArguAna benchmark: {}/corpus.tsv, queries.tsv, qrels.tsv not found", dir);
            return;
        }
    };
    println!("ArguAna: {} docs, {} test queries", data.doc_ids.len(), data.queries.len());
    let t = Instant::now();
    let mut n_tokens = 0usize;
    for text in &data.doc_texts {
        super::for_each_token(text, &Default::default(), |_| n_tokens += 1);
    }
    println!("tokenize only: {} tokens in {:.3}s", n_tokens, t.elapsed().as_secs_f64());
    let mut cfg = Bm25Config::defaults();
    if let Some(k1) = std::env::var("LUMOS_K1").ok().and_then(|v| v.parse().ok()) {
        cfg.k1 = k1;
    }
    if let Some(b) = std::env::var("LUMOS_B").ok().and_then(|v| v.parse().ok()) {
        cfg.b = b;
    }
    if std::env::var("LUMOS_GRID").is_ok() {
        for &k1 in &[0.6f32, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0] {
            for &b in &[0.3f32, 0.4, 0.5, 0.6, 0.75, 0.9] {
                let c = Bm25Config { k1, b, ..cfg };
                let s = run(&data, c, true);
                println!("k1={:.2} b={:.2}  nDCG@10={:.4}  R@100={:.4}", k1, b, s.ndcg10, s.recall100);
            }
        }
        return;
    }
    for &dups in &[true, false] {
        let s = run(&data, cfg, dups);
        println!(
            "k1={} b={} tokenizer={:?} query-term duplicates {}: nDCG@10={:.4} R@100={:.4} build={:.3}s QPS={:.0}",
            cfg.k1,
            cfg.b,
            cfg.tokenizer,
            if dups { "counted" } else { "deduplicated" },
            s.ndcg10,
            s.recall100,
            s.build_s,
            s.qps
        );
    }
}
