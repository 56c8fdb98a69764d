//! Text chunking: recursive, markdown, sentence, token and json strategies.
//!
//! Input is UTF-8 produced by `TextEncoder.encodeInto` from a JS string; `start`/`end` are
//! offsets in UTF-16 code units of that JS string (`text.slice(start, end)`), end exclusive.
//!
//! Guarantees for every strategy (tested over random text in `prop_tests`):
//! - `measure(chunk text, unit) <= max_size`, overlap included;
//! - chunks are non-empty, not all-whitespace, in bounds, `start < end`, and in order
//!   (starts and ends each non-decreasing);
//! - chunk edges are grapheme-safe (see boundaries.rs), unless one grapheme cluster is
//!   longer than max_size: then it is cut between code points (never inside a surrogate pair);
//! - consecutive chunks touch, overlap, or are separated by whitespace only (markdown with
//!   strip_headers may also drop chunks holding nothing but header lines);
//! - `start[i+1] >= end[i] - overlap` (UTF-16 units for chars; for tokens the overlapping
//!   text estimates <= overlap);
//! - empty or whitespace-only text gives no chunks; text measuring <= max_size gives one
//!   chunk (the whole text; trimmed for sentence and markdown).
//!
//! Per strategy (details in each file):
//! - recursive/token: chunks tile the text exactly (no trimming, `text: None`), except that
//!   all-whitespace chunks are dropped; overlap per overlap.rs.
//! - sentence: chunks trimmed of whitespace; overlap in whole sentences.
//! - markdown: leading blank lines and trailing whitespace trimmed; `headers` = header path;
//!   `text: Some` only with strip_headers.
//! - json: `text: Some(valid JSON)`; overlap and min_size do not apply.
//!
//! min_size (all but json): after overlap, a chunk measuring < min_size is merged into the
//! previous chunk, or else the next, when the union measures <= max_size.

mod boundaries;
mod json;
mod json_parse;
mod markdown;
#[rustfmt::skip]
mod marks;
mod options;
mod overlap;
mod recursive;
mod scan;
mod sentence;
mod spans;
mod token;
mod units;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;

pub use options::{ChunkOptions, SizeUnit, Strategy, MAX_SEPARATORS, MAX_SIZE_LIMIT};
pub use units::{estimate_tokens, measure};

use crate::error::CoreResult;
use spans::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// UTF-16 offsets into the original JS string, end exclusive.
    pub start: u32,
    pub end: u32,
    /// None: the chunk text is `text.slice(start, end)`. Some for json and markdown+strip_headers.
    pub text: Option<String>,
    /// Markdown: header path (plus a fence line for code continuations). Json: the JSON path.
    pub headers: Vec<String>,
}

pub fn chunk(text: &str, opts: &ChunkOptions) -> CoreResult<Vec<Chunk>> {
    opts.validate()?;
    let b = text.as_bytes();
    if boundaries::all_ws(b, 0, b.len()) {
        return Ok(Vec::new());
    }
    let o = opts;
    match o.strategy {
        Strategy::Recursive => windowed(text, o, |budget| {
            recursive::spans(text, o.separators.as_ref(), o.unit, budget, o.max_size)
        }),
        Strategy::Token => windowed(text, o, |budget| {
            token::spans(text, o.unit, budget, o.max_size)
        }),
        Strategy::Markdown => markdown::chunk(text, o),
        Strategy::Json => json::chunk(text, o),
        Strategy::Sentence => {
            let mut s = match units::measure_capped(text, o.unit, o.max_size) {
                Some(size) => vec![Span {
                    start: 0,
                    end: b.len(),
                    size,
                }],
                None => sentence::spans(text, o.unit, o.max_size, o.overlap)?,
            };
            spans::trim_all(text, &mut s, o.unit, false);
            let s = spans::merge_small(text, s, o.unit, o.min_size, o.max_size);
            spans::to_chunks(b, &s)
        }
    }
}

/// Recursive and token: base spans within max_size - overlap, then overlap, then min_size.
fn windowed<F>(t: &str, o: &ChunkOptions, base: F) -> CoreResult<Vec<Chunk>>
where
    F: FnOnce(usize) -> CoreResult<Vec<Span>>,
{
    let b = t.as_bytes();
    let mut s = match units::measure_capped(t, o.unit, o.max_size) {
        Some(size) => vec![Span {
            start: 0,
            end: b.len(),
            size,
        }],
        None => base(o.max_size - o.overlap)?,
    };
    spans::drop_blank(b, &mut s);
    overlap::apply(t, &mut s, o.unit, o.overlap, o.max_size, |_| 0);
    let s = spans::merge_small(t, s, o.unit, o.min_size, o.max_size);
    spans::to_chunks(b, &s)
}
