//! Index updates: upsert (tokenise + append postings), remove (tombstone + fix statistics)
//! and compaction. See `bm25.rs` for the data layout and the scoring.

use super::bm25::{KeywordIndex, Posting, MAX_SLOTS};
use super::interner::Interner;
use super::tokenizer::{analyse, analysis_enabled, for_each_piece, Piece};
use super::TokenizerOptions;
use crate::error::{fail, Code, CoreResult};
use crate::idmap::IdMap;

impl KeywordIndex {
    /// Adds or replaces documents. Atomic: everything is validated before anything changes.
    pub fn upsert(&mut self, ids: &[&str], texts: &[&str]) -> CoreResult<Vec<u32>> {
        if ids.len() != texts.len() {
            return fail(Code::InvalidArgument, format!("{} ids but {} texts", ids.len(), texts.len()));
        }
        IdMap::validate_batch(ids)?;
        let slots_after = self.ids.slot_count().checked_add(ids.len());
        if !matches!(slots_after, Some(n) if n <= MAX_SLOTS) {
            return fail(Code::TooLarge, "keyword index cannot hold more than 2^32 - 2 document slots");
        }
        // Each token needs at least one byte of text, so this bounds new term ids and every
        // per-document count by u32.
        let mut budget = self.vocab.len() as u64;
        for t in texts {
            budget = budget.saturating_add(t.len() as u64);
        }
        if budget > u32::MAX as u64 {
            return fail(Code::TooLarge, "keyword batch is too large (more than 4 GiB of text or terms)");
        }

        let mut out = Vec::with_capacity(ids.len());
        // Surface word -> term id (NO_TERM for stop words), valid for this batch only: text
        // repeats words heavily, and one lookup here replaces stop-word check + Porter + a
        // vocabulary lookup.
        let mut memo = Memo { words: Interner::new(), tids: Vec::new(), scratch: String::new() };
        let opts = self.cfg.tokenizer;
        let analysing = analysis_enabled(&opts);
        for (id, text) in ids.iter().zip(texts.iter()) {
            let (slot, prev) = self.ids.insert(id);
            if let Some(p) = prev {
                self.forget(p);
            }
            let mut dl: u32 = 0;
            let mut terms = Terms { vocab: &mut self.vocab, postings: &mut self.postings, df: &mut self.df };
            let fwd_terms = &mut self.fwd_terms;
            for_each_piece(text, &opts, &mut |piece| {
                let tid = match piece {
                    Piece::Cjk(t) => terms.intern(t),
                    Piece::Plain(w) if analysing => memo.term(w, &opts, &mut terms),
                    Piece::Plain(w) => terms.intern(w),
                    Piece::Word { word, full } if analysing && full => memo.term(word, &opts, &mut terms),
                    Piece::Word { word, .. } => terms.intern(word),
                };
                if tid == NO_TERM {
                    return;
                }
                dl += 1;
                // Postings are appended in slot order, so "already counted in this document"
                // is "the term's last posting is this slot".
                if let Some(list) = terms.postings.get_mut(tid as usize) {
                    match list.last_mut() {
                        Some(p) if p.slot == slot => p.tf += 1,
                        _ => {
                            list.push(Posting { slot, tf: 1 });
                            if let Some(d) = terms.df.get_mut(tid as usize) {
                                *d += 1;
                            }
                            fwd_terms.push(tid);
                        }
                    }
                }
            });
            self.fwd_start.push(self.fwd_terms.len());
            self.doc_len.push(dl);
            self.total_len += dl as u64;
            out.push(slot);
        }
        Ok(out)
    }

    /// Removes documents by id; unknown ids are ignored. Returns how many were removed.
    pub fn remove(&mut self, ids: &[&str]) -> usize {
        let mut n = 0;
        for id in ids {
            if let Some(slot) = self.ids.remove(id) {
                self.forget(slot);
                n += 1;
            }
        }
        n
    }

    /// Takes a (just tombstoned) slot out of the statistics.
    fn forget(&mut self, slot: u32) {
        let s = slot as usize;
        let (a, b) = match (self.fwd_start.get(s), self.fwd_start.get(s + 1)) {
            (Some(&a), Some(&b)) if a <= b && b <= self.fwd_terms.len() => (a, b),
            _ => return,
        };
        for &tid in &self.fwd_terms[a..b] {
            if let Some(d) = self.df.get_mut(tid as usize) {
                *d = d.saturating_sub(1);
            }
        }
        if let Some(dl) = self.doc_len.get_mut(s) {
            self.total_len = self.total_len.saturating_sub(*dl as u64);
            *dl = 0;
        }
    }

    /// Drops tombstones: postings of deleted documents, unused terms; slots are renumbered
    /// through `IdMap::compact` (relative order kept).
    pub fn compact(&mut self) {
        let remap = self.ids.compact();
        let mut term_map: Vec<Option<u32>> = Vec::with_capacity(self.postings.len());
        let mut postings = Vec::new();
        let mut df = Vec::new();
        let mut vocab = Interner::new();
        for (tid, list) in self.postings.iter().enumerate() {
            let live: Vec<Posting> = list
                .iter()
                .filter_map(|p| match remap.get(p.slot as usize) {
                    Some(&Some(ns)) => Some(Posting { slot: ns, tf: p.tf }),
                    _ => None,
                })
                .collect();
            let name = self.vocab.resolve(tid as u32);
            match name {
                Some(name) if self.df.get(tid).copied().unwrap_or(0) > 0 && !live.is_empty() => {
                    term_map.push(Some(vocab.intern(name).0));
                    df.push(live.len() as u32);
                    postings.push(live);
                }
                _ => term_map.push(None),
            }
        }
        self.vocab = vocab;
        let mut doc_len = Vec::new();
        let mut fwd_start = vec![0usize];
        let mut fwd_terms = Vec::new();
        for (slot, r) in remap.iter().enumerate() {
            if r.is_none() {
                continue;
            }
            let (a, b) = (self.fwd_start.get(slot).copied().unwrap_or(0), self.fwd_start.get(slot + 1).copied().unwrap_or(0));
            if let Some(ts) = self.fwd_terms.get(a..b) {
                for &t in ts {
                    if let Some(Some(nt)) = term_map.get(t as usize) {
                        fwd_terms.push(*nt);
                    }
                }
            }
            fwd_start.push(fwd_terms.len());
            doc_len.push(self.doc_len.get(slot).copied().unwrap_or(0));
        }
        self.postings = postings;
        self.df = df;
        self.doc_len = doc_len;
        self.fwd_start = fwd_start;
        self.fwd_terms = fwd_terms;
        self.total_len = self.doc_len.iter().map(|&d| d as u64).sum();
    }
}

/// Marks a stop word in the upsert memo.
const NO_TERM: u32 = u32::MAX;
/// Upper bound on memoised distinct words per upsert batch.
const MEMO_MAX: usize = 100_000;

/// Surface word -> term id for one upsert batch.
struct Memo {
    words: Interner,
    tids: Vec<u32>,
    scratch: String,
}

impl Memo {
    /// Term id of a complete surface word after analysis (NO_TERM for a stop word).
    fn term(&mut self, surface: &str, opts: &TokenizerOptions, terms: &mut Terms) -> u32 {
        if let Some(t) = self.words.get(surface).and_then(|i| self.tids.get(i as usize).copied()) {
            return t;
        }
        self.scratch.clear();
        self.scratch.push_str(surface);
        analyse(opts, &mut self.scratch, true);
        let t = if self.scratch.is_empty() { NO_TERM } else { terms.intern(&self.scratch) };
        if self.words.len() < MEMO_MAX {
            let (i, added) = self.words.intern(surface);
            if added && i as usize == self.tids.len() {
                self.tids.push(t);
            }
        }
        t
    }
}

/// Mutable view of the term tables used while indexing one batch.
struct Terms<'a> {
    vocab: &'a mut Interner,
    postings: &'a mut Vec<Vec<Posting>>,
    df: &'a mut Vec<u32>,
}

impl<'a> Terms<'a> {
    /// Term id of `tok`, adding it to the vocabulary if new.
    fn intern(&mut self, tok: &str) -> u32 {
        let (t, added) = self.vocab.intern(tok);
        if added {
            self.postings.push(Vec::new());
            self.df.push(0);
        }
        t
    }
}
