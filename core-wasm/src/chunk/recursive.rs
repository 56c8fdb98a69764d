//! The recursive splitter (LangChain's RecursiveCharacterTextSplitter, made exact and fast).
//!
//! At level L the range is cut after every occurrence of separator L (the separator stays at
//! the end of the piece before it, so pieces concatenate back to the text). Pieces that fit
//! the budget are merged greedily left to right; a piece over budget is flushed on its own
//! and split at level L+1. Below the last separator comes a grapheme-safe hard split.
//! Everything works on byte offsets of the input: no per-piece allocation, one scan per level.
//!
//! Default hierarchy: "\n\n", "\n", sentence ends ([.!?] then optional closing quotes or
//! brackets, then whitespace; or CJK 。！？．), "; ", ", " (also CJK ，、), " ".

use super::boundaries::{all_ws, decode_at, is_safe};
use super::options::SizeUnit;
use super::scan::{byte_set, find_set4, find_str, memchr};
use super::spans::Span;
use super::units::{measure_range, Meter};
use crate::error::{fail, Code, CoreResult};

/// A hierarchy of split levels over one text.
pub(crate) trait Levels {
    fn count(&self) -> usize;
    /// The first split position q with from < q < end, just after a separator of `level`
    /// that starts at or after `from`; q is a safe boundary. None: no more splits in range.
    fn next_split(&self, level: usize, from: usize, end: usize) -> Option<usize>;
    /// Should the pending text [a, e) be carried into the next oversized piece instead of
    /// becoming a chunk of its own (markdown: a header line is never left alone)?
    fn sticky(&self, _a: usize, _e: usize) -> bool {
        false
    }
}

pub(crate) enum Sep {
    Lit(Vec<u8>),
    SentenceEnd,
    Comma,
}

pub(crate) struct TextLevels<'a> {
    b: &'a [u8],
    seps: Vec<Sep>,
}

static SENTENCE_SET: [bool; 256] = byte_set(b".!?\xE3\xEF");
static COMMA_SET: [bool; 256] = byte_set(b",\xE3\xEF");

impl<'a> TextLevels<'a> {
    pub(crate) fn new(b: &'a [u8], custom: Option<&Vec<String>>) -> Self {
        let seps = match custom {
            Some(list) => list
                .iter()
                .map(|s| Sep::Lit(s.as_bytes().to_vec()))
                .collect(),
            None => Self::default_seps(),
        };
        TextLevels { b, seps }
    }

    pub(crate) fn with(b: &'a [u8], seps: Vec<Sep>) -> Self {
        TextLevels { b, seps }
    }

    pub(crate) fn default_seps() -> Vec<Sep> {
        vec![
            Sep::Lit(b"\n\n".to_vec()),
            Sep::Lit(b"\n".to_vec()),
            Sep::SentenceEnd,
            Sep::Lit(b"; ".to_vec()),
            Sep::Comma,
            Sep::Lit(b" ".to_vec()),
        ]
    }

    /// Candidate end of a separator starting at i (or None if i does not start one).
    fn sep_end(&self, sep: &Sep, i: usize, end: usize) -> Option<usize> {
        let b = &self.b[..end];
        match sep {
            Sep::Lit(s) => Some(i + s.len()),
            Sep::SentenceEnd => {
                let mut t = match b[i] {
                    b'.' | b'!' | b'?' => i + 1,
                    0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x82][..]) => i + 3, // 。
                    0xEF if matches!(
                        b.get(i + 1..i + 3),
                        Some(&[0xBC, 0x81]) | Some(&[0xBC, 0x9F]) | Some(&[0xBC, 0x8E])
                    ) =>
                    {
                        i + 3 // ！？．
                    }
                    _ => return None,
                };
                let cjk = t == i + 3;
                while t < b.len() && matches!(b[t], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']')
                {
                    t += 1;
                }
                // Closing ” ’ 」 』 after the terminator.
                while matches!(b.get(t), Some(0xE2) | Some(0xE3)) {
                    match b.get(t..t + 3) {
                        Some(w)
                            if w == "”".as_bytes()
                                || w == "’".as_bytes()
                                || w == "」".as_bytes()
                                || w == "』".as_bytes() =>
                        {
                            t += 3
                        }
                        _ => break,
                    }
                }
                let ws_start = t;
                while t < b.len() && matches!(b[t], b' ' | b'\t' | b'\n' | b'\r') {
                    t += 1;
                }
                if t == ws_start && !cjk {
                    return None; // "3.14", "e.g.x": not a sentence end
                }
                Some(t)
            }
            Sep::Comma => match b[i] {
                b',' if b.get(i + 1) == Some(&b' ') => Some(i + 2),
                0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x81][..]) => Some(i + 3), // 、
                0xEF if b.get(i + 1..i + 3) == Some(&[0xBC, 0x8C][..]) => Some(i + 3), // ，
                _ => None,
            },
        }
    }

    fn find(&self, sep: &Sep, from: usize, end: usize) -> Option<usize> {
        let b = &self.b[..end];
        match sep {
            Sep::Lit(s) if s.len() == 1 => memchr(s[0], b, from),
            Sep::Lit(s) => find_str(s, b, from),
            Sep::SentenceEnd => find_set4(&SENTENCE_SET, *b".!??", b, from),
            Sep::Comma => find_set4(&COMMA_SET, *b",,,,", b, from),
        }
    }
}

impl<'a> Levels for TextLevels<'a> {
    fn count(&self) -> usize {
        self.seps.len()
    }

    fn next_split(&self, level: usize, from: usize, end: usize) -> Option<usize> {
        let sep = self.seps.get(level)?;
        let end = end.min(self.b.len());
        let mut i = from;
        while let Some(j) = self.find(sep, i, end) {
            if let Some(q) = self.sep_end(sep, j, end) {
                if q >= end {
                    return None;
                }
                if q > from && is_safe(self.b, q) {
                    return Some(q);
                }
            }
            i = j + 1;
        }
        None
    }
}

/// Greedy hierarchical packing of [a, e) into spans of at most `budget`.
pub(crate) struct Engine<'a, L: Levels> {
    pub t: &'a str,
    pub levels: &'a L,
    pub unit: SizeUnit,
    /// Target size of a chunk (max_size minus the room reserved for overlap).
    pub budget: usize,
    /// Hard limit: a single grapheme cluster may exceed `budget` but never `max`.
    pub max: usize,
    pub out: Vec<Span>,
}

impl<'a, L: Levels> Engine<'a, L> {
    pub(crate) fn new(
        t: &'a str,
        levels: &'a L,
        unit: SizeUnit,
        budget: usize,
        max: usize,
    ) -> Self {
        Engine {
            t,
            levels,
            unit,
            budget: budget.max(1),
            max,
            out: Vec::new(),
        }
    }

    pub(crate) fn run(&mut self, a: usize, e: usize) -> CoreResult<()> {
        if a < e {
            self.split(a, e, 0, None, None)?;
        }
        Ok(())
    }

    /// Same as `run` for a range already known to exceed the budget.
    pub(crate) fn run_oversized(&mut self, a: usize, e: usize) -> CoreResult<()> {
        if a < e {
            self.split(a, e, 0, None, Some(usize::MAX))?;
        }
        Ok(())
    }

    fn emit(&mut self, a: usize, e: usize, size: usize) {
        if a >= e {
            return;
        }
        // Whitespace left over after an oversized piece (e.g. the "\n" ending a paragraph
        // that was split by sentences) joins the chunk before it when that fits.
        if let Some(last) = self.out.last_mut() {
            if last.end == a && last.size + size <= self.budget && all_ws(self.t.as_bytes(), a, e) {
                last.end = e;
                last.size += size;
                return;
            }
        }
        self.out.push(Span {
            start: a,
            end: e,
            size,
        });
    }

    /// `carry`: pending text [c, a) with its size that the first piece should join.
    /// `big`: Some(size or usize::MAX) when [a, e) is known to exceed the budget.
    fn split(
        &mut self,
        a: usize,
        e: usize,
        level: usize,
        carry: Option<(usize, usize)>,
        big: Option<usize>,
    ) -> CoreResult<()> {
        if level >= self.levels.count() {
            return self.hard(a, e, carry);
        }
        let (mut cs, mut csize) = carry.unwrap_or((a, 0));
        let mut p = a;
        while p < e {
            let q = self.levels.next_split(level, p, e).unwrap_or(e);
            let size = self.piece_size(a, e, p, q, big);
            if size > self.budget {
                let mut down = None;
                if cs < p {
                    if self.levels.sticky(cs, p) {
                        down = Some((cs, csize));
                    } else {
                        self.emit(cs, p, csize);
                    }
                }
                self.split(p, q, level + 1, down, Some(size))?;
                cs = q;
                csize = 0;
            } else if csize + size <= self.budget {
                csize += size;
            } else {
                self.emit(cs, p, csize);
                cs = p;
                csize = size;
            }
            p = q;
        }
        self.emit(cs, e, csize);
        Ok(())
    }

    /// Size of piece [p, q) of range [a, e). When the range is known to be oversized and the
    /// piece is most of it (e.g. a paragraph minus its final "\n"), measuring only the rest
    /// gives the exact size (chars) or a lower bound that already proves it oversized (tokens,
    /// by subadditivity); usize::MAX stands for "oversized, size unknown".
    fn piece_size(&self, a: usize, e: usize, p: usize, q: usize, big: Option<usize>) -> usize {
        match big {
            Some(_) if p == a && q == e => usize::MAX,
            Some(whole) if whole != usize::MAX && (q - p) * 2 > e - a => {
                let rest =
                    measure_range(self.t, a, p, self.unit) + measure_range(self.t, q, e, self.unit);
                match self.unit {
                    SizeUnit::Chars => whole.saturating_sub(rest),
                    SizeUnit::Tokens if whole.saturating_sub(rest) > self.budget => usize::MAX,
                    SizeUnit::Tokens => measure_range(self.t, p, q, self.unit),
                }
            }
            _ => measure_range(self.t, p, q, self.unit),
        }
    }

    /// Last resort: cut at the furthest safe boundary within budget. A grapheme cluster longer
    /// than the budget is kept whole if it fits `max`, else cut between code points.
    fn hard(&mut self, a: usize, e: usize, carry: Option<(usize, usize)>) -> CoreResult<()> {
        let b = self.t.as_bytes();
        let (mut cs, mut base) = carry.unwrap_or((a, 0));
        let mut s = a;
        while s < e {
            let mut m = Meter::new(self.unit);
            let mut p = s;
            let mut last_safe: Option<(usize, usize)> = None;
            let mut over = false;
            while p < e {
                let (c, l) = decode_at(b, p);
                m.push(c);
                if base + m.value() > self.budget {
                    over = true;
                    break;
                }
                p += l;
                if p >= e || is_safe(b, p) {
                    last_safe = Some((p, base + m.value()));
                }
            }
            if !over {
                self.emit(cs, e, base + m.value());
                return Ok(());
            }
            if let Some((q, v)) = last_safe {
                self.emit(cs, q, v);
                cs = q;
                s = q;
                base = 0;
                continue;
            }
            if cs < s {
                // The carried text leaves no room: emit it alone and retry.
                self.emit(cs, s, base);
                cs = s;
                base = 0;
                continue;
            }
            // One grapheme cluster bigger than the budget starts at s.
            let (q, v) = self.oversized(s, e)?;
            self.emit(s, q, v);
            cs = q;
            s = q;
        }
        self.emit(cs, e, base);
        Ok(())
    }

    /// The cluster at s: up to its end (first safe boundary) if that stays <= max, else up to
    /// the furthest code point boundary <= max.
    fn oversized(&self, s: usize, e: usize) -> CoreResult<(usize, usize)> {
        oversized_cut(self.t.as_bytes(), s, e, self.unit, self.max)
    }
}

/// See `Engine::oversized`; shared with the token strategy.
pub(crate) fn oversized_cut(
    b: &[u8],
    s: usize,
    e: usize,
    unit: SizeUnit,
    max: usize,
) -> CoreResult<(usize, usize)> {
    let mut m = Meter::new(unit);
    let mut q = s;
    let mut last_cp = None;
    while q < e {
        let (c, l) = decode_at(b, q);
        m.push(c);
        let v = m.value();
        if v > max {
            break;
        }
        q += l;
        last_cp = Some((q, v));
        if q >= e || is_safe(b, q) {
            return Ok((q, v));
        }
    }
    match last_cp {
        Some(cut) => Ok(cut),
        None => {
            let (c, _) = decode_at(b, s);
            fail(
                Code::ChunkOptionsInvalid,
                format!(
                    "maxSize {} is smaller than the single character U+{:04X} at byte {}; raise maxSize to at least 2",
                    max, c, s
                ),
            )
        }
    }
}

/// Base spans of the recursive strategy.
pub(crate) fn spans(
    t: &str,
    custom: Option<&Vec<String>>,
    unit: SizeUnit,
    budget: usize,
    max: usize,
) -> CoreResult<Vec<Span>> {
    let levels = TextLevels::new(t.as_bytes(), custom);
    let mut eng = Engine::new(t, &levels, unit, budget, max);
    eng.run_oversized(0, t.len())?;
    Ok(eng.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(t: &str, budget: usize) -> Vec<&str> {
        spans(t, None, SizeUnit::Chars, budget, budget)
            .unwrap()
            .iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn paragraphs_then_sentences_then_words() {
        let t = "One two. Three four.\n\nFive six seven eight nine ten.";
        assert_eq!(
            cut(t, 22),
            vec![
                "One two. Three four.\n\n",
                "Five six seven eight ",
                "nine ten."
            ]
        );
        assert_eq!(cut(t, 100), vec![t]);
        // The paragraph's final "\n" piece is whitespace: it joins "four.\n".
        assert_eq!(
            cut(t, 10),
            vec![
                "One two. ",
                "Three ",
                "four.\n\n",
                "Five six ",
                "seven ",
                "eight ",
                "nine ten."
            ]
        );
    }

    #[test]
    fn hard_split_is_grapheme_safe() {
        let t = "ab\u{301}c👍🏽d";
        assert_eq!(cut(t, 4), vec!["ab\u{301}c", "👍🏽", "d"]);
    }

    #[test]
    fn cluster_longer_than_budget_is_cut_between_code_points() {
        let t = format!("a{}", "\u{301}".repeat(5));
        let s = spans(&t, None, SizeUnit::Chars, 4, 4).unwrap();
        let sizes: Vec<usize> = s.iter().map(|x| x.size).collect();
        assert_eq!(sizes, vec![4, 2]);
        assert_eq!(s[0].start, 0);
        assert_eq!(s[1].end, t.len());
    }

    #[test]
    fn single_char_bigger_than_max_is_an_error() {
        let e = spans("😀", None, SizeUnit::Chars, 1, 1).unwrap_err();
        assert_eq!(e.code, Code::ChunkOptionsInvalid);
    }

    #[test]
    fn custom_separators() {
        let t = "a|b|c||d";
        let seps = vec!["||".to_string(), "|".to_string()];
        let s: Vec<&str> = spans(t, Some(&seps), SizeUnit::Chars, 4, 4)
            .unwrap()
            .iter()
            .map(|s| &t[s.start..s.end])
            .collect();
        // The oversized first piece is split on its own; "d" does not join its last part.
        assert_eq!(s, vec!["a|b|", "c||", "d"]);
    }
}
