//! Chunking options and their validation (every error is `ChunkOptionsInvalid` with a fix-it).

use crate::error::{fail, Code, CoreResult};

/// Largest accepted `max_size`: bigger values are almost certainly a unit mix-up (bytes vs chars).
pub const MAX_SIZE_LIMIT: usize = 100_000_000;
/// Most custom separators accepted (the recursion depth is one level per separator).
pub const MAX_SEPARATORS: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strategy {
    Recursive = 0,
    Markdown = 1,
    Sentence = 2,
    Token = 3,
    Json = 4,
}

impl Strategy {
    pub fn from_u32(v: u32) -> CoreResult<Strategy> {
        match v {
            0 => Ok(Strategy::Recursive),
            1 => Ok(Strategy::Markdown),
            2 => Ok(Strategy::Sentence),
            3 => Ok(Strategy::Token),
            4 => Ok(Strategy::Json),
            _ => fail(
                Code::ChunkOptionsInvalid,
                format!(
                    "unknown chunk strategy {}; use 0 recursive, 1 markdown, 2 sentence, 3 token or 4 json",
                    v
                ),
            ),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeUnit {
    /// UTF-16 code units: what JavaScript's `string.length` reports.
    Chars = 0,
    /// `estimate_tokens` (a table-free approximation of GPT-style tokenisers).
    Tokens = 1,
}

impl SizeUnit {
    pub fn from_u32(v: u32) -> CoreResult<SizeUnit> {
        match v {
            0 => Ok(SizeUnit::Chars),
            1 => Ok(SizeUnit::Tokens),
            _ => fail(
                Code::ChunkOptionsInvalid,
                format!(
                    "unknown size unit {}; use 0 for chars (UTF-16 code units) or 1 for tokens",
                    v
                ),
            ),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ChunkOptions {
    pub strategy: Strategy,
    pub max_size: usize,
    pub overlap: usize,
    pub min_size: usize,
    pub unit: SizeUnit,
    /// Recursive strategy only (ignored by the others, but still validated).
    pub separators: Option<Vec<String>>,
    /// Markdown only: remove the chunk's own header lines from its text (text is then `Some`).
    pub strip_headers: bool,
}

impl Default for ChunkOptions {
    fn default() -> Self {
        ChunkOptions {
            strategy: Strategy::Recursive,
            max_size: 1000,
            overlap: 0,
            min_size: 0,
            unit: SizeUnit::Chars,
            separators: None,
            strip_headers: false,
        }
    }
}

impl ChunkOptions {
    pub fn validate(&self) -> CoreResult<()> {
        let bad = |m: String| fail(Code::ChunkOptionsInvalid, m);
        if self.max_size == 0 {
            return bad(
                "maxSize must be at least 1 (got 0); a typical value is 1000 chars or 256 tokens"
                    .into(),
            );
        }
        if self.max_size > MAX_SIZE_LIMIT {
            return bad(format!(
                "maxSize {} is larger than the limit {}; sizes are in chars (UTF-16 units) or tokens, not bytes",
                self.max_size, MAX_SIZE_LIMIT
            ));
        }
        if self.overlap >= self.max_size {
            return bad(format!(
                "overlap ({}) must be smaller than maxSize ({}); e.g. overlap: {}",
                self.overlap,
                self.max_size,
                self.max_size / 5
            ));
        }
        if self.min_size > self.max_size {
            return bad(format!(
                "minSize ({}) must not be larger than maxSize ({}); lower minSize or raise maxSize",
                self.min_size, self.max_size
            ));
        }
        if let Some(seps) = &self.separators {
            if seps.is_empty() {
                return bad(
                    "separators must not be an empty list; omit it to use the default hierarchy"
                        .into(),
                );
            }
            if seps.len() > MAX_SEPARATORS {
                return bad(format!(
                    "at most {} separators are supported (got {})",
                    MAX_SEPARATORS,
                    seps.len()
                ));
            }
            if let Some(i) = seps.iter().position(|s| s.is_empty()) {
                return bad(format!(
                    "separators[{}] is an empty string; remove it (a character-level split is always the last resort)",
                    i
                ));
            }
        }
        Ok(())
    }
}
