//! BM25 inverted index.
//!
//! Layout: vocabulary `term -> term id`; per term a postings list of (slot, tf) in ascending
//! slot order (new documents always get the highest slot, so appending keeps lists sorted);
//! per slot the document length and a forward list of its term ids (CSR), which lets a delete
//! fix `df` and the total length in O(terms of that document).
//!
//! Deletes and replacements tombstone the slot: its postings stay until `compact`/`save`, but
//! `df`, the live document count and the total length are corrected immediately, so scores are
//! exactly those of an index freshly built over the live documents (same integer statistics,
//! same query-term order, same float operations).
//!
//! Scoring (Lucene's BM25 with the classic (k1 + 1) numerator):
//!   idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))
//!   score(d) = sum over query terms of qtf * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
//! where qtf is how often the term occurs in the query (Pyserini/Anserini weight repeated query
//! terms the same way; measured on ArguAna it beats de-duplication, see `eval_arguana.rs`).
//! Search is term-at-a-time into a dense score array, then a partial selection of the top k
//! (`fusion::select_top`, shared so the wasm carries one copy).
//! Updates live in `update.rs`.

use super::interner::Interner;
use super::{for_each_token, TokenizerOptions};
use crate::error::{fail, Code, CoreResult};
use crate::fusion::select_top;
use crate::idmap::IdMap;
use std::collections::HashMap;

/// Largest k a search accepts.
pub const MAX_K: usize = 1_000_000;
/// Slots are u32 and IdMap hands them out as `len as u32`.
pub(super) const MAX_SLOTS: usize = u32::MAX as usize - 1;
/// Repeated query terms add up (see the module comment).
pub(super) const COUNT_DUPLICATE_QUERY_TERMS: bool = true;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bm25Config {
    pub k1: f32,
    pub b: f32,
    pub tokenizer: TokenizerOptions,
}

impl Bm25Config {
    /// k1 = 1.2, b = 0.75 (Robertson's classic values, Lucene/Elasticsearch defaults).
    /// Measured on BEIR ArguAna (flat title + text, this analyzer; see `eval_arguana.rs`):
    /// nDCG@10 0.494 vs 0.421 with Pyserini's k1 = 0.9, b = 0.4. ArguAna alone peaks higher at
    /// b = 1.0, k1 = 2-3 (about 0.546), but full length normalisation is tuned to that test set
    /// (long argument queries) and over-favours short documents for short keyword queries, so
    /// the standard values are the default.
    pub fn defaults() -> Self {
        Bm25Config { k1: 1.2, b: 0.75, tokenizer: TokenizerOptions::default() }
    }

    pub(super) fn validate(&self) -> CoreResult<()> {
        if !self.k1.is_finite() || !(0.0..=10.0).contains(&self.k1) {
            // (No float in the message: float formatting would add ~20 KB to the wasm.)
            return fail(Code::InvalidArgument, "BM25 k1 must be a finite number in [0, 10]");
        }
        if !self.b.is_finite() || !(0.0..=1.0).contains(&self.b) {
            return fail(Code::InvalidArgument, "BM25 b must be a finite number in [0, 1]");
        }
        Ok(())
    }
}

impl Default for Bm25Config {
    fn default() -> Self {
        Bm25Config::defaults()
    }
}

/// Search results, best first; equal scores are ordered by lower slot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    pub slots: Vec<u32>,
    pub scores: Vec<f32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Posting {
    pub slot: u32,
    pub tf: u32,
}

pub struct KeywordIndex {
    pub(super) cfg: Bm25Config,
    pub(super) ids: IdMap,
    pub(super) vocab: Interner,
    /// Per term id; ascending slots; may hold tombstoned slots until compaction.
    pub(super) postings: Vec<Vec<Posting>>,
    /// Per term id: number of live documents containing it.
    pub(super) df: Vec<u32>,
    /// Per slot: token count (0 once tombstoned).
    pub(super) doc_len: Vec<u32>,
    /// Per slot: `fwd_terms[fwd_start[s]..fwd_start[s + 1]]` are its distinct term ids.
    pub(super) fwd_start: Vec<usize>,
    pub(super) fwd_terms: Vec<u32>,
    /// Sum of live document lengths.
    pub(super) total_len: u64,
}

impl KeywordIndex {
    pub fn new(cfg: Bm25Config) -> CoreResult<KeywordIndex> {
        cfg.validate()?;
        Ok(KeywordIndex {
            cfg,
            ids: IdMap::new(),
            vocab: Interner::new(),
            postings: Vec::new(),
            df: Vec::new(),
            doc_len: Vec::new(),
            fwd_start: vec![0],
            fwd_terms: Vec::new(),
            total_len: 0,
        })
    }

    pub fn config(&self) -> &Bm25Config {
        &self.cfg
    }

    /// Number of live documents.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &IdMap {
        &self.ids
    }

    pub fn search(&self, query: &str, k: usize, allow: Option<&[u32]>) -> CoreResult<Hits> {
        self.search_with(query, k, allow, COUNT_DUPLICATE_QUERY_TERMS)
    }

    pub(super) fn search_with(&self, query: &str, k: usize, allow: Option<&[u32]>, count_dups: bool) -> CoreResult<Hits> {
        if k == 0 || k > MAX_K {
            return fail(Code::InvalidK, format!("k must be between 1 and {}, got {}", MAX_K, k));
        }
        let n_live = self.ids.len();
        if n_live == 0 || self.total_len == 0 {
            return Ok(Hits::default());
        }
        // Query terms in first-occurrence order (fixed order keeps float sums reproducible).
        let mut qterms: Vec<(u32, u32)> = Vec::new();
        let mut pos: HashMap<u32, usize> = HashMap::new();
        for_each_token(query, &self.cfg.tokenizer, |tok| {
            if let Some(tid) = self.vocab.get(tok) {
                match pos.get(&tid) {
                    Some(&p) => {
                        if count_dups {
                            if let Some(q) = qterms.get_mut(p) {
                                q.1 = q.1.saturating_add(1);
                            }
                        }
                    }
                    None => {
                        pos.insert(tid, qterms.len());
                        qterms.push((tid, 1));
                    }
                }
            }
        });
        if qterms.is_empty() {
            return Ok(Hits::default());
        }

        let n = n_live as f64;
        let avgdl = self.total_len as f64 / n;
        let k1 = self.cfg.k1 as f64;
        let b = self.cfg.b as f64;
        let c0 = (k1 * (1.0 - b)) as f32;
        let c1 = (k1 * b / avgdl) as f32;
        let mut scores = vec![0f32; self.doc_len.len()];
        for &(tid, qtf) in &qterms {
            let df = match self.df.get(tid as usize) {
                Some(&d) if d > 0 => d as f64,
                _ => continue,
            };
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let w = (idf * (k1 + 1.0) * qtf as f64) as f32;
            let list = match self.postings.get(tid as usize) {
                Some(l) => l,
                None => continue,
            };
            for p in list {
                let s = p.slot as usize;
                if let (Some(acc), Some(&dl)) = (scores.get_mut(s), self.doc_len.get(s)) {
                    let tf = p.tf as f32;
                    *acc += w * tf / (tf + c0 + c1 * dl as f32);
                }
            }
        }

        // Candidates: live, scored (> 0 means at least one query term matched), allowed.
        let mut cand: Vec<(u32, f32)> = Vec::new();
        match allow {
            Some(list) => {
                let mut seen = vec![false; scores.len()];
                for &s in list {
                    let i = s as usize;
                    if let (Some(&sc), Some(flag)) = (scores.get(i), seen.get_mut(i)) {
                        if !*flag && sc > 0.0 && self.ids.is_live(s) {
                            *flag = true;
                            cand.push((s, sc));
                        }
                    }
                }
            }
            None => {
                for (i, &sc) in scores.iter().enumerate() {
                    if sc > 0.0 && self.ids.is_live(i as u32) {
                        cand.push((i as u32, sc));
                    }
                }
            }
        }
        Ok(top_k(cand, k))
    }

    /// Approximate heap bytes held by the index.
    pub fn memory_bytes(&self) -> usize {
        let mut bytes = std::mem::size_of::<KeywordIndex>();
        bytes += self.vocab.memory_bytes();
        bytes += self.postings.capacity() * std::mem::size_of::<Vec<Posting>>();
        bytes += self.postings.iter().map(|l| l.capacity() * std::mem::size_of::<Posting>()).sum::<usize>();
        bytes += self.df.capacity() * 4 + self.doc_len.capacity() * 4;
        bytes += self.fwd_start.capacity() * std::mem::size_of::<usize>() + self.fwd_terms.capacity() * 4;
        // IdMap: slot table (Option<String>) plus, per live id, the two copies of the id and
        // the hash entry.
        bytes += self.ids.slot_count() * std::mem::size_of::<Option<String>>();
        bytes += self.ids.live().map(|(_, id)| 2 * id.len() + std::mem::size_of::<String>() + 4 + 1).sum::<usize>();
        bytes
    }
}

fn top_k(cand: Vec<(u32, f32)>, k: usize) -> Hits {
    let (slots, scores) = select_top(cand, k);
    Hits { slots, scores }
}
