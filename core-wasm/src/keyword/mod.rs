//! Keyword search: a Unicode-aware analyzer (lowercase, ASCII folding, English stop words, Porter
//! stemming, CJK bigrams) and a BM25 inverted index with tombstone deletes and snapshots.
//!
//! Files: `tokenizer` (the analyzer), `lower` (compact case table), `fold` (accent folding
//! table), `stopwords`, `stemmer` (Porter 1980), `bm25` (the index and scoring), `update`
//! (upsert/remove/compact), `persist` (snapshot format), `interner` (compact term table).

mod bm25;
mod fold;
mod interner;
mod lower;
mod persist;
mod stemmer;
mod stopwords;
mod tokenizer;
mod update;

#[cfg(test)]
pub(crate) mod eval_arguana;
#[cfg(test)]
mod tests;

pub use bm25::{Bm25Config, Hits, KeywordIndex};
pub use stemmer::stem as porter_stem;
pub use tokenizer::MAX_TOKEN_BYTES;

/// Analyzer switches. Every one is on by default (English-tuned search that still handles
/// accented Latin text and CJK). Stored in keyword snapshots because queries must be analysed
/// exactly as the documents were.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenizerOptions {
    /// Lowercase words (Unicode simple case mapping, see `lower.rs`).
    pub lowercase: bool,
    /// Fold accented Latin letters to ASCII (é -> e, ß -> ss) and drop combining marks.
    pub fold_ascii: bool,
    /// Drop English stop words (the Snowball list; see `stopwords.rs`).
    pub stop_words: bool,
    /// Porter-stem pure a-z words and strip the English possessive "'s".
    pub stem: bool,
    /// Split CJK runs into overlapping bigrams (otherwise one token per CJK char).
    pub cjk_bigrams: bool,
}

impl Default for TokenizerOptions {
    fn default() -> Self {
        TokenizerOptions { lowercase: true, fold_ascii: true, stop_words: true, stem: true, cjk_bigrams: true }
    }
}

impl TokenizerOptions {
    /// Bit set used by snapshots (and handy for the ABI): bit 0 lowercase, 1 fold, 2 stop words,
    /// 3 stem, 4 CJK bigrams.
    pub fn to_bits(&self) -> u32 {
        (self.lowercase as u32)
            | (self.fold_ascii as u32) << 1
            | (self.stop_words as u32) << 2
            | (self.stem as u32) << 3
            | (self.cjk_bigrams as u32) << 4
    }

    /// Inverse of `to_bits`; `None` when unknown bits are set.
    pub fn from_bits(bits: u32) -> Option<TokenizerOptions> {
        if bits & !0x1F != 0 {
            return None;
        }
        Some(TokenizerOptions {
            lowercase: bits & 1 != 0,
            fold_ascii: bits & 2 != 0,
            stop_words: bits & 4 != 0,
            stem: bits & 8 != 0,
            cjk_bigrams: bits & 16 != 0,
        })
    }
}

/// Splits `text` into normalised tokens (see `tokenizer.rs` for the exact rules).
pub fn tokenize(text: &str, opts: &TokenizerOptions) -> Vec<String> {
    let mut out = Vec::new();
    tokenizer::for_each_token(text, opts, |t| out.push(t.to_string()));
    out
}

/// Same tokens as `tokenize`, passed to a callback without allocating per token.
pub fn for_each_token<F: FnMut(&str)>(text: &str, opts: &TokenizerOptions, emit: F) {
    tokenizer::for_each_token(text, opts, emit)
}
