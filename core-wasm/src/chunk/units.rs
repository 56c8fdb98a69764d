//! Sizes: UTF-16 code units (JS `.length`), the token estimate, and byte -> UTF-16 offsets.
//!
//! Token estimate (`estimate_tokens`), table-free, tuned on English prose (BEIR ArguAna,
//! 9 MB): 0.95 x chars/4 and 1.18 x the cl100k_base / o200k_base token counts (GPT-4 /
//! GPT-4o), i.e. deliberately a little above GPT counts, close to WordPiece (BERT-style
//! embedding models) which split words more finely. Code and rare long words are the
//! weakest spots (camelCase is not split).
//! The text is cut into maximal runs of one character class; each run costs:
//! - word run (ASCII letters and `'`, weight 1 each; other 2-byte UTF-8 letters such as
//!   accented Latin, Greek, Cyrillic, Hebrew, Arabic, weight 2 each): ceil(weight / 6)
//!   (most English words are one token; ceil(w/6) is the best-fitting subadditive form)
//! - digit run (ASCII 0-9): ceil(len / 3)            (GPT-4 tokenisers group digits by 3)
//! - punctuation/symbol run (other ASCII, U+0080..U+00BF, × ÷): ceil(len / 2)
//! - whitespace run (ASCII whitespace, U+00A0): 1 if it contains a line break, else free
//!   (a space is absorbed by the next word, as in " the")
//! - every other character (3-byte UTF-8: CJK, kana, Hangul, Indic, general punctuation,
//!   ZWJ, variation selectors) costs 1; 4-byte UTF-8 (emoji, rare CJK) costs 2.
//! Every run cost is monotone in the run and subadditive (ceil(a+b) <= ceil(a)+ceil(b)), and
//! runs are the same read left-to-right or right-to-left, so: (1) the estimate of a
//! concatenation is <= the sum of the estimates of its parts, (2) a substring never
//! estimates more than the whole, (3) `estimate(text[s..p])` can be computed incrementally
//! while p grows (or s shrinks). The chunkers rely on these three facts to guarantee
//! `estimate_tokens(chunk) <= max_size`.

use super::options::SizeUnit;

/// UTF-16 code units of UTF-8 bytes: 1 per sequence start, +1 more for 4-byte sequences.
#[inline]
pub fn utf16_len(bytes: &[u8]) -> usize {
    let mut n = 0usize;
    let mut chunks = bytes.chunks_exact(64);
    for c in &mut chunks {
        // At most 2 per byte, 128 per block: a u8 accumulator vectorises well.
        let mut acc: u8 = 0;
        for &x in c {
            acc = acc.wrapping_add(((x as i8) >= -64) as u8 + (x >= 0xF0) as u8);
        }
        n += acc as usize;
    }
    for &x in chunks.remainder() {
        n += ((x as i8) >= -64) as usize + (x >= 0xF0) as usize;
    }
    n
}

/// Size of `text` in `unit`.
pub fn measure(text: &str, unit: SizeUnit) -> usize {
    match unit {
        SizeUnit::Chars => utf16_len(text.as_bytes()),
        SizeUnit::Tokens => estimate_tokens(text),
    }
}

/// Size of `t[a..b]` (byte range on char boundaries; clamped, never panics).
pub(crate) fn measure_range(t: &str, a: usize, b: usize, unit: SizeUnit) -> usize {
    let bytes = t.as_bytes();
    let b = b.min(bytes.len());
    let a = a.min(b);
    match unit {
        SizeUnit::Chars => utf16_len(&bytes[a..b]),
        SizeUnit::Tokens => estimate_bytes(&bytes[a..b]),
    }
}

/// See the module comment for the model.
pub fn estimate_tokens(text: &str) -> usize {
    estimate_bytes(text.as_bytes())
}

pub(crate) fn estimate_bytes(b: &[u8]) -> usize {
    let mut tc = TokenCounter::new();
    let mut i = 0;
    let n = b.len();
    while i < n {
        // Fast path: the rest of a run of one ASCII class only grows the run.
        let cls = tc.class;
        let mut j = i;
        while j < n && b[j] < 0x80 && ASCII_CLASS[b[j] as usize] == cls {
            j += 1;
        }
        tc.run += j - i;
        i = j;
        if i >= n {
            break;
        }
        let x = b[i];
        if x < 0x80 {
            tc.push_ascii(x);
            i += 1;
        } else {
            let (c, len) = super::boundaries::decode_at(b, i);
            tc.push(c);
            i += len.max(1);
        }
    }
    tc.value()
}

const C_NONE: u8 = 0;
const C_WORD: u8 = 1;
const C_DIGIT: u8 = 2;
const C_PUNCT: u8 = 3;
const C_SPACE: u8 = 4;
const C_NEWLINE: u8 = 5; // whitespace that breaks a line; joins space runs
const C_SINGLE: u8 = 6; // costs `weight` on its own, never forms runs

/// Class of an ASCII byte.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [C_PUNCT; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_alphabetic() || c == b'\'' {
            C_WORD
        } else if c.is_ascii_digit() {
            C_DIGIT
        } else if c == b' ' || c == b'\t' {
            C_SPACE
        } else if c == b'\n' || c == b'\r' || c == 0x0B || c == 0x0C {
            C_NEWLINE
        } else {
            C_PUNCT
        };
        i += 1;
    }
    t
};

/// (class, weight) of any character.
#[inline]
fn class_of(c: u32) -> (u8, usize) {
    if c < 0x80 {
        (ASCII_CLASS[c as usize], 1)
    } else if c < 0x800 {
        if c == 0xA0 {
            (C_SPACE, 1)
        } else if c < 0xC0 || c == 0xD7 || c == 0xF7 {
            (C_PUNCT, 1)
        } else {
            (C_WORD, 2)
        }
    } else if c < 0x10000 {
        (C_SINGLE, 1)
    } else {
        (C_SINGLE, 2)
    }
}

/// Incremental token estimate of a growing string (grow on either side, not both).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenCounter {
    done: usize,
    class: u8,
    run: usize,
}

impl TokenCounter {
    pub(crate) fn new() -> Self {
        TokenCounter { done: 0, class: C_NONE, run: 0 }
    }

    #[inline]
    fn run_cost(class: u8, run: usize) -> usize {
        match class {
            C_WORD => (run + 5) / 6,
            C_DIGIT => (run + 2) / 3,
            C_PUNCT => (run + 1) / 2,
            C_NEWLINE => 1,
            _ => 0, // spaces, none; singles are added to `done` directly
        }
    }

    #[inline]
    fn add(&mut self, class: u8, w: usize) {
        if class == C_SINGLE {
            self.done += Self::run_cost(self.class, self.run) + w;
            self.class = C_NONE;
            self.run = 0;
            return;
        }
        let same = class == self.class
            || (class == C_SPACE && self.class == C_NEWLINE)
            || (class == C_NEWLINE && self.class == C_SPACE);
        if same {
            self.run += w;
            if class == C_NEWLINE {
                self.class = C_NEWLINE; // a whitespace run with a line break costs 1
            }
        } else {
            self.done += Self::run_cost(self.class, self.run);
            self.class = class;
            self.run = w;
        }
    }

    #[inline]
    pub(crate) fn push_ascii(&mut self, b: u8) {
        self.add(ASCII_CLASS[(b & 0x7F) as usize], 1);
    }

    #[inline]
    pub(crate) fn push(&mut self, c: u32) {
        let (class, w) = class_of(c);
        self.add(class, w);
    }

    /// Estimate of everything pushed so far.
    #[inline]
    pub(crate) fn value(&self) -> usize {
        self.done + Self::run_cost(self.class, self.run)
    }
}

/// Incremental size of a growing string in either unit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Meter {
    unit: SizeUnit,
    units: usize,
    tokens: TokenCounter,
}

impl Meter {
    pub(crate) fn new(unit: SizeUnit) -> Self {
        Meter { unit, units: 0, tokens: TokenCounter::new() }
    }

    #[inline]
    pub(crate) fn push(&mut self, c: u32) {
        match self.unit {
            SizeUnit::Chars => self.units += if c >= 0x10000 { 2 } else { 1 },
            SizeUnit::Tokens => self.tokens.push(c),
        }
    }

    #[inline]
    pub(crate) fn value(&self) -> usize {
        match self.unit {
            SizeUnit::Chars => self.units,
            SizeUnit::Tokens => self.tokens.value(),
        }
    }
}

/// Converts increasing byte offsets to UTF-16 offsets in one pass (restarts if asked to go back).
pub(crate) struct Utf16Cursor {
    byte: usize,
    unit: usize,
}

impl Utf16Cursor {
    pub(crate) fn new() -> Self {
        Utf16Cursor { byte: 0, unit: 0 }
    }

    pub(crate) fn to_unit(&mut self, bytes: &[u8], b: usize) -> usize {
        let b = b.min(bytes.len());
        if b < self.byte {
            self.byte = 0;
            self.unit = 0;
        }
        self.unit += utf16_len(&bytes[self.byte..b]);
        self.byte = b;
        self.unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js_len(s: &str) -> usize {
        s.encode_utf16().count()
    }

    #[test]
    fn utf16_len_matches_std() {
        let samples = ["", "a", "é", "€", "😀", "a😀b€é\u{301}", &"x😀é".repeat(100)];
        for s in samples.iter() {
            assert_eq!(utf16_len(s.as_bytes()), js_len(s), "{:?}", s);
            assert_eq!(measure(s, SizeUnit::Chars), js_len(s));
        }
    }

    #[test]
    fn token_estimate_hand_examples() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("the"), 1);
        assert_eq!(estimate_tokens("the cat sat"), 3); // spaces are free
        assert_eq!(estimate_tokens("tokenisation"), 2); // 12 letters / 6
        assert_eq!(estimate_tokens("internationalisation"), 4); // 20 letters / 6, rounded up
        assert_eq!(estimate_tokens("Hello, world!"), 1 + 1 + 1 + 1);
        assert_eq!(estimate_tokens("1234567"), 3); // digits by 3
        assert_eq!(estimate_tokens("a\n\nb"), 3); // line break run costs 1
        assert_eq!(estimate_tokens("日本語"), 3);
        assert_eq!(estimate_tokens("😀"), 2);
        assert_eq!(estimate_tokens("привет"), 2); // 6 two-byte letters = weight 12
        assert_eq!(estimate_tokens("..."), 2);
    }

    /// Reverse pushing gives the same estimate (runs are direction-independent).
    #[test]
    fn token_counter_is_direction_independent() {
        let s = "Hi there,  world!\n\n 123456 日本 😀x — café's \u{301}";
        let mut rev = TokenCounter::new();
        for c in s.chars().rev() {
            rev.push(c as u32);
        }
        assert_eq!(rev.value(), estimate_tokens(s));
    }

    #[test]
    fn token_estimate_subadditive_and_monotone() {
        let s = "Hello there, my friend...  It's 2024!\n\nNew para: 日本語 text, 😀👍🏽 done.";
        let idx: Vec<usize> = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect();
        for &a in &idx {
            for &b in &idx {
                if a <= b {
                    let whole = estimate_tokens(&s[a..b]);
                    for &m in &idx {
                        if a <= m && m <= b {
                            assert!(whole <= estimate_tokens(&s[a..m]) + estimate_tokens(&s[m..b]));
                            assert!(estimate_tokens(&s[a..m]) <= whole);
                        }
                    }
                }
            }
        }
    }
}
