//! Streaming tokenizer: one pass over the chars, one reusable buffer, a callback per token, so
//! indexing allocates nothing per token.
//!
//! Rules (see `TokenizerOptions` for the switches):
//! - A word is a run of alphanumeric chars (`char::is_alphanumeric`, any script, digits included)
//!   outside the CJK ranges. An apostrophe (' ’ ʼ ＇) between two word chars stays in the word as
//!   ASCII `'` ("don't", "rock'n'roll"); elsewhere it separates.
//! - Combining marks continue the word they follow (Latin ones are dropped by folding); zero-width
//!   joiners, soft hyphens and variation selectors are skipped without breaking the word. Any
//!   other char (space, punctuation, symbols, emoji, ZWSP) separates.
//! - CJK runs (Han, Hiragana, Katakana, Hangul) become overlapping bigrams; a lone CJK char
//!   becomes a unigram. A switch between a word and a CJK run is a token boundary.
//! - Word normalisation order (as Lucene's English analyzer): lowercase -> ASCII fold ->
//!   possessive "'s" removal (with `stem`) -> stop word check -> Porter stem. The last three
//!   steps are `analyse`, applied per word after segmentation (`for_each_piece`), so the indexer
//!   can memoise them per distinct word.
//! - Words are capped at `MAX_TOKEN_BYTES` (64) bytes: longer ones are truncated at a char
//!   boundary and neither stop-checked nor stemmed, so queries and documents agree on them.

use super::fold::{fold_into, is_latin_combining_mark};
use super::lower::to_lower;
use super::stemmer::stem_in_place;
use super::stopwords::is_stop_word;
use super::TokenizerOptions;

pub const MAX_TOKEN_BYTES: usize = 64;

/// What the segmenter produces. Words still need `analyse` (possessive, stop words, stemming);
/// keeping that step separate lets the indexer memoise it per distinct surface form.
pub enum Piece<'a> {
    /// A lowercased/folded word; `full` is false when it was cut at `MAX_TOKEN_BYTES`.
    Word { word: &'a mut String, full: bool },
    /// A complete word that is already normalised (lowercase ASCII, not truncated), borrowed
    /// from the input; it still needs `analyse`.
    Plain(&'a str),
    /// A finished CJK unigram or bigram.
    Cjk(&'a str),
}

/// True when `analyse` can change a full word (so caching it is worthwhile).
pub fn analysis_enabled(opts: &TokenizerOptions) -> bool {
    opts.stop_words || opts.stem
}

/// Possessive removal, stop words (empties the word) and stemming. Truncated words pass
/// through unchanged.
pub fn analyse(opts: &TokenizerOptions, word: &mut String, full: bool) {
    if !full {
        return;
    }
    if opts.stem && word.ends_with("'s") {
        let n = word.len() - 2;
        word.truncate(n);
    }
    if opts.stop_words && is_stop_word(word.as_bytes()) {
        word.clear();
    } else if opts.stem {
        stem_in_place(word);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Word,
    Cjk,
    Apostrophe,
    Mark,
    Ignorable,
    Separator,
}

fn is_cjk(u: u32) -> bool {
    matches!(u,
        0x3005..=0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B   // Han iteration/number marks
        | 0x3040..=0x309F                                    // Hiragana
        | 0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F  // Katakana (+ halfwidth)
        | 0x3130..=0x318F | 0xAC00..=0xD7AF                  // Hangul compatibility jamo, syllables
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // Han
        | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
}

/// Non-alphanumeric marks that belong inside a word (diacritics, Indic viramas, Hebrew/Arabic
/// points, Thai/Lao tone marks). Not exhaustive; other scripts' marks act as separators.
fn is_word_mark(u: u32) -> bool {
    matches!(u,
        0x0483..=0x0489 | 0x0591..=0x05BD | 0x05BF | 0x05C1..=0x05C2 | 0x05C4..=0x05C5 | 0x05C7
        | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4
        | 0x06E7..=0x06E8 | 0x06EA..=0x06ED
        | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x0EB1..=0x0EBC | 0x0EC8..=0x0ECD
        | 0x3099..=0x309A)
        // Indic blocks: everything that is not alphanumeric is a sign/virama except the dandas
        // and abbreviation signs, which are punctuation.
        || (matches!(u, 0x0900..=0x0DFF) && !matches!(u, 0x0964 | 0x0965 | 0x0970 | 0x0AF0 | 0x0DF4))
}

fn classify(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else if c == '\'' {
            Class::Apostrophe
        } else {
            Class::Separator
        };
    }
    let u = c as u32;
    match u {
        0x2019 | 0x02BC | 0xFF07 => return Class::Apostrophe,
        0x00AD | 0x200C | 0x200D | 0x2060 | 0xFEFF | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180D => return Class::Ignorable,
        _ => {}
    }
    if c.is_alphanumeric() {
        if is_cjk(u) {
            Class::Cjk
        } else {
            Class::Word
        }
    } else if is_latin_combining_mark(c) || is_word_mark(u) {
        Class::Mark
    } else {
        Class::Separator
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Idle,
    Word,
    Cjk,
}

struct State<'o, 'e> {
    opts: &'o TokenizerOptions,
    /// `dyn` keeps one copy of the segmenter in the wasm instead of one per caller.
    emit: &'e mut dyn FnMut(Piece),
    mode: Mode,
    /// Current word. ASCII runs are appended as slices of the input and lowercased once at
    /// the end of the word; other chars are lowercased/folded as they arrive.
    word: String,
    truncated: bool,
    cjk_prev: Option<char>,
    cjk_count: usize,
    scratch: String,
}

impl<'o, 'e> State<'o, 'e> {
    /// Appends one already-lowercased char to the current word, folding it if asked and
    /// honouring the byte cap.
    fn push_normalised(&mut self, c: char) {
        if self.truncated {
            return;
        }
        self.scratch.clear();
        if self.opts.fold_ascii {
            fold_into(c, &mut self.scratch);
        } else {
            self.scratch.push(c);
        }
        if self.word.len() + self.scratch.len() > MAX_TOKEN_BYTES {
            self.truncated = true;
        } else {
            self.word.push_str(&self.scratch);
        }
    }

    fn push_apostrophe(&mut self) {
        if self.word.len() < MAX_TOKEN_BYTES && !self.truncated {
            self.word.push('\'');
        } else {
            self.truncated = true;
        }
    }

    /// Appends a run of ASCII letters/digits (a slice of the input).
    fn push_ascii_run(&mut self, run: &str) {
        if self.truncated {
            return;
        }
        let room = MAX_TOKEN_BYTES.saturating_sub(self.word.len());
        if run.len() > room {
            self.word.push_str(run.get(..room).unwrap_or(""));
            self.truncated = true;
        } else {
            self.word.push_str(run);
        }
    }

    fn push_word_char(&mut self, c: char) {
        self.mode = Mode::Word;
        if c.is_ascii() {
            let mut buf = [0u8; 4];
            self.push_ascii_run(c.encode_utf8(&mut buf));
        } else if self.opts.lowercase {
            self.push_normalised(to_lower(c));
        } else {
            self.push_normalised(c);
        }
    }

    fn finish_word(&mut self) {
        let full = !self.truncated;
        self.truncated = false;
        if self.word.is_empty() {
            return;
        }
        if self.opts.lowercase {
            self.word.make_ascii_lowercase();
        }
        (self.emit)(Piece::Word { word: &mut self.word, full });
        self.word.clear();
    }

    fn push_cjk(&mut self, c: char) {
        self.mode = Mode::Cjk;
        if !self.opts.cjk_bigrams {
            self.scratch.clear();
            self.scratch.push(c);
            (self.emit)(Piece::Cjk(&self.scratch));
            return;
        }
        if let Some(p) = self.cjk_prev {
            self.scratch.clear();
            self.scratch.push(p);
            self.scratch.push(c);
            (self.emit)(Piece::Cjk(&self.scratch));
        }
        self.cjk_prev = Some(c);
        self.cjk_count += 1;
    }

    fn finish_cjk(&mut self) {
        if self.cjk_count == 1 {
            if let Some(p) = self.cjk_prev {
                self.scratch.clear();
                self.scratch.push(p);
                (self.emit)(Piece::Cjk(&self.scratch));
            }
        }
        self.cjk_prev = None;
        self.cjk_count = 0;
    }

    fn finish(&mut self) {
        match self.mode {
            Mode::Word => self.finish_word(),
            Mode::Cjk => self.finish_cjk(),
            Mode::Idle => {}
        }
        self.mode = Mode::Idle;
    }
}

/// The char starting at byte `i` (ASCII decoded directly; `i` is always a char boundary).
#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text.get(i..).and_then(|s| s.chars().next()),
        None => None,
    }
}

/// Calls `emit` with each token of `text`, in order.
pub fn for_each_token<F: FnMut(&str)>(text: &str, opts: &TokenizerOptions, mut emit: F) {
    let mut buf = String::new();
    for_each_piece(text, opts, &mut |p| match p {
        Piece::Word { word, full } => {
            analyse(opts, word, full);
            if !word.is_empty() {
                emit(word);
            }
        }
        Piece::Plain(w) => {
            if analysis_enabled(opts) {
                buf.clear();
                buf.push_str(w);
                analyse(opts, &mut buf, true);
                if !buf.is_empty() {
                    emit(&buf);
                }
            } else {
                emit(w);
            }
        }
        Piece::Cjk(t) => emit(t),
    })
}

/// Segments `text` into words (before analysis) and CJK tokens, in order.
pub fn for_each_piece(text: &str, opts: &TokenizerOptions, emit: &mut dyn FnMut(Piece)) {
    let mut st = State {
        opts,
        emit,
        mode: Mode::Idle,
        word: String::with_capacity(MAX_TOKEN_BYTES + 8),
        truncated: false,
        cjk_prev: None,
        cjk_count: 0,
        scratch: String::with_capacity(16),
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast paths: a run of letters/digits goes into the word in one step; other
        // ASCII except the apostrophe just ends the current token.
        if b.is_ascii_alphanumeric() {
            if st.mode == Mode::Cjk {
                st.finish();
            }
            let start = i;
            let mut upper = false;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                upper |= bytes[i].is_ascii_uppercase();
                i += 1;
            }
            let run = text.get(start..i).unwrap_or("");
            // Commonest case: a whole lowercase ASCII word between ASCII separators is passed
            // on as a slice of the input, without copying.
            let ends_word = match bytes.get(i) {
                None => true,
                Some(&n) => n < 0x80 && n != b'\'',
            };
            if st.mode == Mode::Idle && ends_word && !(upper && opts.lowercase) && run.len() <= MAX_TOKEN_BYTES {
                (st.emit)(Piece::Plain(run));
                continue;
            }
            st.mode = Mode::Word;
            st.push_ascii_run(run);
            continue;
        }
        if b < 0x80 && b != b'\'' {
            st.finish();
            i += 1;
            continue;
        }
        let c = match char_at(text, i) {
            Some(c) => c,
            None => break,
        };
        i += c.len_utf8();
        match classify(c) {
            Class::Word => {
                if st.mode == Mode::Cjk {
                    st.finish();
                }
                st.push_word_char(c);
            }
            Class::Cjk => {
                if st.mode == Mode::Word {
                    st.finish();
                }
                st.push_cjk(c);
            }
            Class::Apostrophe => {
                let joins = st.mode == Mode::Word && matches!(char_at(text, i), Some(n) if classify(n) == Class::Word);
                if joins {
                    st.push_apostrophe();
                } else {
                    st.finish();
                }
            }
            Class::Mark => {
                // A mark continues a word (folding drops Latin diacritics); it is ignored inside
                // a CJK run and separates otherwise.
                if st.mode == Mode::Word {
                    st.push_normalised(c);
                }
            }
            Class::Ignorable => {}
            Class::Separator => st.finish(),
        }
    }
    st.finish();
}
