//! Sizes: UTF-16 code units (JS `.length`), the token estimate, and byte -> UTF-16 offsets.
//!
//! Token estimate (`estimate_tokens`): no vocabulary, tuned on English prose (BEIR ArguAna,
//! 9 MB): 0.95 x chars/4 and 1.18 x the cl100k_base / o200k_base token counts (GPT-4 /
//! GPT-4o), i.e. deliberately a little above GPT counts, close to WordPiece (BERT-style
//! embedding models) which split words more finely. Code and rare long words are the
//! weakest spots (camelCase is not split).
//! The text is cut into maximal runs of one class; each run costs:
//! - word run (ASCII letters and `'` weigh 1; 2-byte UTF-8 chars from U+00C0, i.e. accented
//!   Latin, Greek, Cyrillic, Hebrew, Arabic..., weigh 2): ceil(weight / 6)
//!   (most English words are one token; ceil(w/6) is the best-fitting subadditive form)
//! - digit run (ASCII 0-9): ceil(len / 3)            (GPT-4 tokenisers group digits by 3)
//! - punctuation/symbol run (other ASCII weighs 1, U+0080..U+00BF weighs 2): ceil(weight / 2)
//! - whitespace run (ASCII whitespace): 1 if it contains a line break, else free
//!   (a space is absorbed by the next word, as in " the")
//! - every other character (3-byte UTF-8: CJK, kana, Hangul, Indic, general punctuation,
//!   ZWJ, variation selectors) costs 1; 4-byte UTF-8 (emoji, rare CJK) costs 2.
//!
//! Each run's cost is counted when the run reaches 1, 7, 13... (words), so the count is a
//! 14-state DFA over bytes (one table lookup per byte, no decoding); inside a word, runs of
//! ASCII letters are skipped 8 bytes at a time and counted arithmetically.
//!
//! Every run cost is monotone in the run and subadditive (ceil(a+b) <= ceil(a)+ceil(b)), and
//! runs are the same read left-to-right or right-to-left, so: (1) the estimate of a
//! concatenation is <= the sum of the estimates of its parts, (2) a substring never
//! estimates more than the whole, (3) `estimate(text[s..p])` can be computed incrementally
//! while p grows (or s shrinks, pushing whole chars). The chunkers rely on these three facts
//! to guarantee `estimate_tokens(chunk) <= max_size`.

use super::options::SizeUnit;

/// UTF-16 code units of UTF-8 bytes: 1 per sequence start, +1 more for 4-byte sequences.
#[inline]
pub fn utf16_len(bytes: &[u8]) -> usize {
    let mut n = 0usize;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let bytes = {
        use super::scan::simd::*;
        let mut i = 0;
        let (cont, four) = (i8x16_splat(-65), u8x16_splat(0xF0));
        while i + 16 <= bytes.len() {
            let v = load16(bytes, i);
            // All ASCII (no sign bit): one unit per byte. Else count leaders and 4-byte leaders.
            n += if i8x16_bitmask(v) == 0 {
                16
            } else {
                (i8x16_bitmask(i8x16_gt(v, cont)).count_ones()
                    + i8x16_bitmask(u8x16_ge(v, four)).count_ones()) as usize
            };
            i += 16;
        }
        &bytes[i..]
    };
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
    tc.run(b);
    tc.value()
}

/// Some(measure) if the text measures <= cap, else None, stopping early on long texts.
pub(crate) fn measure_capped(t: &str, unit: SizeUnit, cap: usize) -> Option<usize> {
    let b = t.as_bytes();
    match unit {
        SizeUnit::Chars => {
            // 1 to 3 bytes per UTF-16 unit.
            if b.len() / 3 > cap {
                return None;
            }
            Some(utf16_len(b)).filter(|&n| n <= cap)
        }
        SizeUnit::Tokens => {
            let mut tc = TokenCounter::new();
            for block in b.chunks(4096) {
                tc.run(block);
                if tc.value() > cap {
                    return None;
                }
            }
            Some(tc.value())
        }
    }
}

impl TokenCounter {
    /// Pushes all of b (whole UTF-8 text or any byte range of it, in order).
    fn run(&mut self, b: &[u8]) {
        let tc = self;
        let mut i = 0;
        while i < b.len() {
            // Inside a word, whole runs of ASCII letters are counted arithmetically.
            if tc.in_word() {
                let l = letter_run(b, i);
                tc.add_letters(l);
                i += l;
                if i >= b.len() {
                    break;
                }
            }
            tc.push_byte(b[i]);
            i += 1;
        }
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of w that is an ASCII letter or '\''.
#[inline]
fn letter_mask(w: u64) -> u64 {
    let low = (w | 0x2020_2020_2020_2020) & !HI; // fold case; bytes stay <= 0x7F
    let ge_a = low.wrapping_add(0x1F * LO) & HI; // >= 'a'
    let ge_brace = low.wrapping_add(0x05 * LO) & HI; // >= '{'
    let q = w ^ (0x27 * LO);
    let quote = !((((q & !HI).wrapping_add(!HI & (0x7F * LO))) | q) & HI) & HI; // exact zero bytes
    ((ge_a & !ge_brace) | quote) & !(w & HI)
}

/// Number of consecutive ASCII letters / apostrophes at b[i..].
#[inline]
pub(crate) fn letter_run(b: &[u8], i: usize) -> usize {
    let mut j = i;
    while j + 8 <= b.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[j..j + 8]);
        let m = letter_mask(u64::from_le_bytes(w));
        if m != HI {
            return j - i + ((!m & HI).trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && BYTE_CLASS[b[j] as usize] == B_LET {
        j += 1;
    }
    j - i
}

// Byte classes.
const B_LET: u8 = 0; // ASCII letter or '
const B_DIG: u8 = 1;
const B_PUN: u8 = 2; // other ASCII
const B_SP: u8 = 3; // space, tab
const B_NL: u8 = 4; // \n \r \v \f
const B_CONT: u8 = 5; // UTF-8 continuation byte
const B_L2W: u8 = 6; // leader of a 2-byte char >= U+00C0 (letter-like)
const B_L2P: u8 = 7; // leader C2: U+0080..U+00BF (symbols)
const B_L3: u8 = 8; // leader of a 3-byte char
const B_L4: u8 = 9; // leader of a 4-byte char
const CLASSES: usize = 10;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [B_PUN; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c >= 0xF0 {
            B_L4
        } else if c >= 0xE0 {
            B_L3
        } else if c >= 0xC3 {
            B_L2W
        } else if c >= 0xC0 {
            B_L2P
        } else if c >= 0x80 {
            B_CONT
        } else if c.is_ascii_alphabetic() || c == b'\'' {
            B_LET
        } else if c.is_ascii_digit() {
            B_DIG
        } else if c == b' ' || c == b'\t' {
            B_SP
        } else if c == b'\n' || c == b'\r' || c == 0x0B || c == 0x0C {
            B_NL
        } else {
            B_PUN
        };
        i += 1;
    }
    t
};

// States: NONE (start, or after a 3/4-byte char), W1..W6 (word weight mod 6), D1..D3,
// P1..P2, S (spaces), N (whitespace with a line break).
const S_NONE: u8 = 0;
const S_W1: u8 = 1;
const S_D1: u8 = 7;
const S_P1: u8 = 10;
const S_S: u8 = 12;
const S_N: u8 = 13;
const STATES: usize = 14;

/// One more unit of weight in a run whose `len` states start at `first` (a token is emitted
/// when the run starts and every `len` units after).
const fn grow(st: u8, first: u8, len: u8, inside: bool) -> u8 {
    if !inside || st == first + len - 1 {
        first | (1 << 4)
    } else {
        st + 1
    }
}

/// (next state) | (tokens emitted << 4), indexed by state * CLASSES + byte class.
static DFA: [u8; STATES * CLASSES] = {
    let mut t = [0u8; STATES * CLASSES];
    let mut s = 0;
    while s < STATES {
        let st = s as u8;
        let word = st >= S_W1 && st < S_W1 + 6;
        let digit = st >= S_D1 && st < S_D1 + 3;
        let punct = st >= S_P1 && st < S_P1 + 2;
        let mut c = 0;
        while c < CLASSES {
            let cls = c as u8;
            t[s * CLASSES + c] = match cls {
                B_LET | B_L2W => grow(st, S_W1, 6, word),
                B_DIG => grow(st, S_D1, 3, digit),
                B_PUN | B_L2P => grow(st, S_P1, 2, punct),
                B_SP => {
                    if st == S_S || st == S_N {
                        st
                    } else {
                        S_S
                    }
                }
                B_NL => {
                    if st == S_N {
                        S_N
                    } else {
                        S_N | (1 << 4)
                    }
                }
                B_CONT => {
                    if word {
                        grow(st, S_W1, 6, true)
                    } else if punct {
                        grow(st, S_P1, 2, true)
                    } else {
                        st
                    }
                }
                B_L3 => S_NONE | (1 << 4),
                _ => S_NONE | (2 << 4), // B_L4
            };
            c += 1;
        }
        s += 1;
    }
    t
};

/// Incremental token estimate of a growing string (grow on either side, not both; when
/// growing leftwards push whole chars, each in its own byte order).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenCounter {
    state: u8,
    count: usize,
}

impl TokenCounter {
    pub(crate) fn new() -> Self {
        TokenCounter {
            state: S_NONE,
            count: 0,
        }
    }

    #[inline]
    pub(crate) fn push_byte(&mut self, x: u8) {
        let e = DFA[self.state as usize * CLASSES + BYTE_CLASS[x as usize] as usize];
        self.count += (e >> 4) as usize;
        self.state = e & 15;
    }

    #[inline]
    pub(crate) fn push(&mut self, c: u32) {
        let mut buf = [0u8; 4];
        let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
        for &x in ch.encode_utf8(&mut buf).as_bytes() {
            self.push_byte(x);
        }
    }

    /// Estimate of everything pushed so far.
    #[inline]
    pub(crate) fn value(&self) -> usize {
        self.count
    }

    #[inline]
    pub(crate) fn in_word(&self) -> bool {
        self.state >= S_W1 && self.state < S_W1 + 6
    }

    /// Tokens that `l` more ASCII letters would add (only valid when `in_word`).
    #[inline]
    pub(crate) fn letters_cost(&self, l: usize) -> usize {
        ((self.state - S_W1) as usize + l) / 6
    }

    /// Same as pushing `l` ASCII letters (only valid when `in_word`).
    #[inline]
    pub(crate) fn add_letters(&mut self, l: usize) {
        let k = (self.state - S_W1) as usize + l;
        self.count += k / 6;
        self.state = S_W1 + (k % 6) as u8;
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
        Meter {
            unit,
            units: 0,
            tokens: TokenCounter::new(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, c: u32) {
        match self.unit {
            SizeUnit::Chars => self.units += if c >= 0x10000 { 2 } else { 1 },
            SizeUnit::Tokens if c < 0x80 => self.tokens.push_byte(c as u8),
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

    pub(crate) fn unit_at(&mut self, bytes: &[u8], b: usize) -> usize {
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
        let samples = [
            "",
            "a",
            "é",
            "€",
            "😀",
            "a😀b€é\u{301}",
            &"x😀é".repeat(100),
        ];
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
        assert_eq!(estimate_tokens("café"), 1); // c a f (1 each) + é (2) = 5
        assert_eq!(estimate_tokens("1 22 333 4444"), 5);
        assert_eq!(estimate_tokens("a \u{a0} b"), 3); // U+00A0 is a 2-byte symbol
        assert_eq!(estimate_tokens(" \n \n "), 1);
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
    fn letter_run_matches_naive() {
        let s = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'@[`{\x7f\xc3\xa9 0a9z";
        for i in 0..s.len() {
            let naive = s[i..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphabetic() || c == b'\'')
                .count();
            assert_eq!(letter_run(s, i), naive, "{}", i);
        }
        for c in 0..=255u8 {
            let b = [c; 9];
            let want = if c.is_ascii_alphabetic() || c == b'\'' {
                9
            } else {
                0
            };
            assert_eq!(letter_run(&b, 0), want, "{:x}", c);
        }
        // The arithmetic fast path equals byte-by-byte pushing.
        let text = "internationalisation, counter-productive'ness and words of all lengths x yy";
        let mut slow = TokenCounter::new();
        for &x in text.as_bytes() {
            slow.push_byte(x);
        }
        assert_eq!(estimate_tokens(text), slow.value());
    }

    #[test]
    fn token_estimate_subadditive_and_monotone() {
        let s = "Hello there, my friend...  It's 2024!\n\nNew para: 日本語 text, 😀👍🏽 done.";
        let idx: Vec<usize> = s
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .collect();
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
