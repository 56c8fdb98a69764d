//! Keyword index snapshots (container kind `KIND_KEYWORD`).
//!
//! Sections (little-endian, see `snapshot.rs` for the container):
//! ```text
//! 1 CONFIG    u32 analyzer version, f32 k1, f32 b, u32 tokenizer option bits
//! 2 IDS       IdMap::write (tombstones included, so slots survive a round trip)
//! 3 VOCAB     u64 term count, then per term a length-prefixed UTF-8 string (term id = position)
//! 4 POSTINGS  per term: u64 n, n x u32 slots (strictly ascending), n x u32 term frequencies
//! 5 DOCLENS   u64 slot count, then u32 per slot (0 for tombstoned slots)
//! ```
//! Only live postings are written and terms without live documents are dropped, so a snapshot
//! is compact even when the index is not. Loading re-derives df, the forward lists and the
//! total length, and checks every cross-reference (slots in range and live, lengths equal to the
//! sum of term frequencies, unique non-empty terms), so garbage is rejected, never trusted.

use super::bm25::{Bm25Config, KeywordIndex, Posting};
use super::interner::Interner;
use super::{TokenizerOptions, MAX_TOKEN_BYTES};
use crate::error::{fail, Code, CoreResult};
use crate::idmap::IdMap;
use crate::snapshot::{ByteReader, ByteWriter, SnapshotReader, SnapshotWriter, KIND_KEYWORD};

/// Bump whenever tokenization changes: an index built by another analyzer would silently stop
/// matching queries, so such snapshots are refused with `SnapshotVersion`.
pub const ANALYZER_VERSION: u32 = 1;

const SEC_CONFIG: u32 = 1;
const SEC_IDS: u32 = 2;
const SEC_VOCAB: u32 = 3;
const SEC_POSTINGS: u32 = 4;
const SEC_DOCLENS: u32 = 5;

fn corrupt<T>(msg: &str) -> CoreResult<T> {
    fail(Code::SnapshotCorrupt, format!("keyword snapshot: {}", msg))
}

fn finish(r: &ByteReader, what: &str) -> CoreResult<()> {
    if r.remaining() != 0 {
        return corrupt(&format!("{} section has trailing bytes", what));
    }
    Ok(())
}

impl KeywordIndex {
    pub fn save(&self) -> Vec<u8> {
        let mut cfg = ByteWriter::new();
        cfg.u32(ANALYZER_VERSION);
        cfg.f32(self.cfg.k1);
        cfg.f32(self.cfg.b);
        cfg.u32(self.cfg.tokenizer.to_bits());

        let mut ids = ByteWriter::new();
        self.ids.write(&mut ids);

        // Terms in id order, skipping those without live documents.
        let mut vocab = ByteWriter::new();
        let mut post = ByteWriter::new();
        let mut kept = 0u64;
        let mut slots = Vec::new();
        let mut tfs = Vec::new();
        for tid in 0..self.postings.len() {
            let name = match self.vocab.resolve(tid as u32) {
                Some(n) => n,
                None => continue,
            };
            slots.clear();
            tfs.clear();
            if let Some(list) = self.postings.get(tid) {
                for p in list {
                    if self.ids.is_live(p.slot) {
                        slots.push(p.slot);
                        tfs.push(p.tf);
                    }
                }
            }
            if slots.is_empty() {
                continue;
            }
            vocab.str(name);
            post.u64(slots.len() as u64);
            post.u32s(&slots);
            post.u32s(&tfs);
            kept += 1;
        }
        let mut vocab_sec = ByteWriter::new();
        vocab_sec.u64(kept);
        vocab_sec.bytes(&vocab.into_inner());

        let mut lens = ByteWriter::new();
        lens.u64(self.doc_len.len() as u64);
        let live_lens: Vec<u32> = self.doc_len.iter().enumerate().map(|(s, &d)| if self.ids.is_live(s as u32) { d } else { 0 }).collect();
        lens.u32s(&live_lens);

        let mut w = SnapshotWriter::new(KIND_KEYWORD);
        w.section(SEC_CONFIG, cfg.into_inner());
        w.section(SEC_IDS, ids.into_inner());
        w.section(SEC_VOCAB, vocab_sec.into_inner());
        w.section(SEC_POSTINGS, post.into_inner());
        w.section(SEC_DOCLENS, lens.into_inner());
        w.finish()
    }

    pub fn load(bytes: &[u8]) -> CoreResult<KeywordIndex> {
        let snap = SnapshotReader::open(bytes, KIND_KEYWORD)?;

        let mut r = ByteReader::new(snap.section(SEC_CONFIG)?);
        let version = r.u32()?;
        if version != ANALYZER_VERSION {
            return fail(
                Code::SnapshotVersion,
                format!("keyword snapshot was built with analyzer version {} (this build uses {})", version, ANALYZER_VERSION),
            );
        }
        let k1 = r.f32()?;
        let b = r.f32()?;
        let tokenizer = match TokenizerOptions::from_bits(r.u32()?) {
            Some(t) => t,
            None => return corrupt("unknown tokenizer option bits"),
        };
        finish(&r, "config")?;
        let cfg = Bm25Config { k1, b, tokenizer };
        if cfg.validate().is_err() {
            return corrupt("BM25 parameters out of range");
        }

        let mut r = ByteReader::new(snap.section(SEC_IDS)?);
        let ids = IdMap::read(&mut r)?;
        finish(&r, "id")?;
        let slot_count = ids.slot_count();
        if slot_count > u32::MAX as usize - 1 {
            return corrupt("too many slots");
        }

        let mut r = ByteReader::new(snap.section(SEC_VOCAB)?);
        let n_terms = r.count(4)?;
        let mut vocab = Interner::with_capacity(n_terms);
        for _ in 0..n_terms {
            let t = r.str()?;
            if t.is_empty() || t.len() > MAX_TOKEN_BYTES {
                return corrupt("term is empty or too long");
            }
            if !vocab.intern(t).1 {
                return corrupt("duplicate term");
            }
        }
        finish(&r, "vocabulary")?;

        let mut r = ByteReader::new(snap.section(SEC_POSTINGS)?);
        let mut postings: Vec<Vec<Posting>> = Vec::with_capacity(n_terms);
        let mut tf_sum = vec![0u64; slot_count];
        let mut terms_per_slot = vec![0usize; slot_count];
        for _ in 0..n_terms {
            let n = r.count(8)?;
            if n == 0 {
                return corrupt("term without documents");
            }
            let slots = r.u32s(n)?;
            let tfs = r.u32s(n)?;
            let mut list = Vec::with_capacity(n);
            let mut prev: Option<u32> = None;
            for (&s, &tf) in slots.iter().zip(tfs.iter()) {
                if matches!(prev, Some(p) if p >= s) {
                    return corrupt("postings are not strictly ascending");
                }
                prev = Some(s);
                if tf == 0 || !ids.is_live(s) {
                    return corrupt("posting has zero frequency or a dead or out-of-range slot");
                }
                let i = s as usize;
                match (tf_sum.get_mut(i), terms_per_slot.get_mut(i)) {
                    (Some(sum), Some(cnt)) => {
                        *sum += tf as u64;
                        *cnt += 1;
                    }
                    _ => return corrupt("posting slot out of range"),
                }
                list.push(Posting { slot: s, tf });
            }
            postings.push(list);
        }
        finish(&r, "postings")?;

        let mut r = ByteReader::new(snap.section(SEC_DOCLENS)?);
        let n = r.count(4)?;
        if n != slot_count {
            return corrupt("document length table does not match the id table");
        }
        let doc_len = r.u32s(n)?;
        finish(&r, "document length")?;
        let mut total_len = 0u64;
        for (s, (&dl, &sum)) in doc_len.iter().zip(tf_sum.iter()).enumerate() {
            let live = ids.is_live(s as u32);
            if (!live && dl != 0) || dl as u64 != sum {
                return corrupt("document length disagrees with its postings");
            }
            total_len += dl as u64;
        }

        // Forward lists (term ids ascending per slot, as upsert builds them).
        let mut fwd_start = Vec::with_capacity(slot_count + 1);
        let mut acc = 0usize;
        fwd_start.push(0);
        for &c in &terms_per_slot {
            acc += c;
            fwd_start.push(acc);
        }
        let mut fill: Vec<usize> = fwd_start[..slot_count].to_vec();
        let mut fwd_terms = vec![0u32; acc];
        for (tid, list) in postings.iter().enumerate() {
            for p in list {
                if let Some(at) = fill.get_mut(p.slot as usize) {
                    if let Some(dst) = fwd_terms.get_mut(*at) {
                        *dst = tid as u32;
                    }
                    *at += 1;
                }
            }
        }
        let df = postings.iter().map(|l| l.len() as u32).collect();

        Ok(KeywordIndex { cfg, ids, vocab, postings, df, doc_len, fwd_start, fwd_terms, total_len })
    }
}
