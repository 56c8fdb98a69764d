//! Sentence strategy: segment into sentences, pack whole sentences greedily up to max_size,
//! overlap by whole trailing sentences.
//!
//! A sentence ends after `.`, `!` or `?` (a run such as `?!` or `...`, then optional closing
//! `"` `'` `)` `]` ” ’ » 」 』) followed by whitespace; the whitespace after it belongs to the
//! sentence. A `.` is NOT an end when the word before it is a known abbreviation (Mr, Dr,
//! e.g, vs, Fig, ...), a single letter (an initial: "J. Smith"), or contains a dot ("U.S"),
//! or when the next word starts with a lowercase ASCII letter. CJK 。！？． end a sentence
//! with or without following space. A whitespace run holding two or more line breaks
//! (a blank line) always ends a sentence. A sentence longer than max_size is split by the
//! recursive splitter and its pieces are packed like sentences.
//!
//! Chunks are trimmed of leading/trailing whitespace (ends stay grapheme-safe).
//! Overlap: the next chunk starts with the longest run of trailing sentences of the previous
//! chunk that measures <= overlap and still leaves room for at least one new sentence within
//! max_size; if none fits, there is no overlap. A chunk never exceeds max_size.

use super::boundaries::{decode_at, is_safe, trim_span};
use super::options::SizeUnit;
use super::recursive::{Engine, TextLevels};
use super::scan::{byte_set, find_set4};
use super::spans::Span;
use super::units::measure_range;
use crate::error::CoreResult;

static ENDERS: [bool; 256] = byte_set(b".!?\n\xE3\xEF");

/// Lowercase words that end with a non-final dot.
static ABBREVIATIONS: &[&[u8]] = &[
    b"mr", b"mrs", b"ms", b"dr", b"prof", b"sr", b"jr", b"st", b"vs", b"fig", b"figs", b"no",
    b"nos", b"vol", b"vols", b"inc", b"ltd", b"co", b"corp", b"jan", b"feb", b"mar", b"apr",
    b"jun", b"jul", b"aug", b"sep", b"sept", b"oct", b"nov", b"dec", b"approx", b"dept", b"est",
    b"al", b"cf", b"eg", b"ie", b"mt", b"ft", b"gen", b"gov", b"rev", b"hon", b"pp", b"ed", b"eds",
    b"ca", b"viz", b"resp", b"min", b"max", b"sgt", b"capt", b"col", b"lt", b"ave", b"blvd", b"rd",
    b"op",
];

#[inline]
fn ascii_ws(x: u8) -> bool {
    matches!(x, 0x09..=0x0D | 0x20)
}

/// Start offsets of sentences after the first (each a safe boundary, 0 < p < len).
pub(crate) fn boundaries(b: &[u8]) -> Vec<usize> {
    let n = b.len();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(j) = find_set4(&ENDERS, *b".!?\n", b, i) {
        let x = b[j];
        let next = match x {
            b'\n' => {
                let mut k = j + 1;
                let mut breaks = 1;
                while k < n && ascii_ws(b[k]) {
                    breaks += (b[k] == b'\n') as usize;
                    k += 1;
                }
                i = k;
                if breaks >= 2 {
                    Some(k)
                } else {
                    None
                }
            }
            b'.' | b'!' | b'?' => {
                let mut k = j;
                while k < n && matches!(b[k], b'.' | b'!' | b'?') {
                    k += 1;
                }
                let single_dot = x == b'.' && k == j + 1;
                k = skip_closers(b, k);
                i = k.max(j + 1);
                if k >= n || !ascii_ws(b[k]) {
                    None
                } else {
                    let mut m = k;
                    while m < n && ascii_ws(b[m]) {
                        m += 1;
                    }
                    i = m;
                    if single_dot && (is_abbreviation(b, j) || next_is_lower(b, m)) {
                        None
                    } else {
                        Some(m)
                    }
                }
            }
            _ => {
                // 。(E3 80 82) ！(EF BC 81) ？(EF BC 9F) ．(EF BC 8E)
                let w = b.get(j..j + 3);
                let cjk = w == Some(&[0xE3, 0x80, 0x82][..])
                    || w == Some(&[0xEF, 0xBC, 0x81][..])
                    || w == Some(&[0xEF, 0xBC, 0x9F][..])
                    || w == Some(&[0xEF, 0xBC, 0x8E][..]);
                if cjk {
                    let mut k = skip_closers(b, j + 3);
                    while k < n && ascii_ws(b[k]) {
                        k += 1;
                    }
                    i = k;
                    Some(k)
                } else {
                    i = j + 1;
                    None
                }
            }
        };
        if let Some(p) = next {
            if p < n && out.last().map_or(true, |&l| l < p) && is_safe(b, p) {
                out.push(p);
            }
        }
    }
    out
}

fn skip_closers(b: &[u8], mut k: usize) -> usize {
    loop {
        match b.get(k) {
            Some(b'"') | Some(b'\'') | Some(b')') | Some(b']') => k += 1,
            Some(_) => {
                let (c, l) = decode_at(b, k);
                // ” ’ » 」 』 ） and more CJK enders
                if matches!(
                    c,
                    0x201D | 0x2019 | 0xBB | 0x300D | 0x300F | 0xFF09 | 0x3002 | 0xFF01 | 0xFF1F
                ) {
                    k += l;
                } else {
                    return k;
                }
            }
            None => return k,
        }
    }
}

/// The word before the dot at j: a listed abbreviation, a single letter, or dotted (e.g, U.S).
fn is_abbreviation(b: &[u8], j: usize) -> bool {
    let mut s = j;
    while s > 0 && j - s < 24 && !ascii_ws(b[s - 1]) {
        s -= 1;
    }
    while s < j && matches!(b[s], b'(' | b'"' | b'\'' | b'[') {
        s += 1;
    }
    let w = &b[s..j];
    if w.is_empty() || j - s >= 24 {
        return false;
    }
    if w.len() == 1 && w[0].is_ascii_alphabetic() {
        return true;
    }
    if w.contains(&b'.') && w.iter().all(|c| c.is_ascii_alphabetic() || *c == b'.') {
        return true;
    }
    ABBREVIATIONS
        .iter()
        .any(|a| a.len() == w.len() && a.iter().zip(w).all(|(x, y)| *x == y.to_ascii_lowercase()))
}

fn next_is_lower(b: &[u8], m: usize) -> bool {
    b.get(m).map_or(false, |c| c.is_ascii_lowercase())
}

pub(crate) fn spans(t: &str, unit: SizeUnit, max: usize, overlap: usize) -> CoreResult<Vec<Span>> {
    let b = t.as_bytes();
    let n = b.len();
    // Sentences (and recursive pieces of over-long ones), contiguous over the text.
    let mut units: Vec<Span> = Vec::new();
    let levels = TextLevels::new(b, None);
    let mut start = 0;
    let bounds = boundaries(b);
    for end in bounds.into_iter().chain(std::iter::once(n)) {
        if end <= start {
            continue;
        }
        let size = measure_range(t, start, end, unit);
        if size <= max {
            units.push(Span { start, end, size });
        } else {
            let mut eng = Engine::new(t, &levels, unit, max, max);
            eng.run(start, end)?;
            units.extend(eng.out);
        }
        start = end;
    }
    // Sizes without leading / trailing whitespace: a window i..=j is trimmed, so it measures
    // at most no_lead[i] + full sizes in between + no_trail[j] (exact for chars).
    let mut no_lead = Vec::with_capacity(units.len());
    let mut no_trail = Vec::with_capacity(units.len());
    for u in &units {
        let (a, e) = trim_span(b, u.start, u.end, false);
        if a >= e {
            no_lead.push(0);
            no_trail.push(0);
        } else {
            // Chars: exact. Tokens: the untrimmed size bounds it (saves a pass over the text).
            let cut = |x: usize, y: usize| match unit {
                SizeUnit::Chars => u.size.saturating_sub(measure_range(t, x, y, unit)),
                SizeUnit::Tokens => u.size,
            };
            no_lead.push(cut(u.start, a));
            no_trail.push(cut(e, u.end));
        }
    }
    let mut out: Vec<Span> = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let mut acc = no_lead[i];
        let mut j = i + 1;
        while j < units.len() && acc + no_trail[j] <= max {
            acc += units[j].size;
            j += 1;
        }
        let (a, e) = trim_span(b, units[i].start, units[j - 1].end, false);
        if a < e && out.last().map_or(true, |l: &Span| e > l.end) {
            let size = match unit {
                SizeUnit::Chars => measure_range(t, a, e, unit),
                SizeUnit::Tokens => acc, // bound of the trimmed window
            };
            out.push(Span {
                start: a,
                end: e,
                size,
            });
        }
        if j >= units.len() {
            break;
        }
        let mut k = j;
        let mut kept = 0;
        while k - 1 > i
            && kept + units[k - 1].size <= overlap
            && kept + units[k - 1].size + units[j].size <= max
        {
            k -= 1;
            kept += units[k].size;
        }
        i = k;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(t: &str) -> Vec<&str> {
        let mut s = 0;
        let mut v = Vec::new();
        for e in boundaries(t.as_bytes())
            .into_iter()
            .chain(std::iter::once(t.len()))
        {
            v.push(&t[s..e]);
            s = e;
        }
        v
    }

    #[test]
    fn segmentation_rules() {
        assert_eq!(
            sentences("Dr. Smith met Mr. J. Doe at 3.14 p.m. today. It rained! Really? Yes... \"Quoted.\" Next"),
            vec!["Dr. Smith met Mr. J. Doe at 3.14 p.m. today. ", "It rained! ", "Really? ", "Yes... ", "\"Quoted.\" ", "Next"]
        );
        assert_eq!(
            sentences("e.g. this one. And approx. three more."),
            vec!["e.g. this one. ", "And approx. three more."]
        );
        assert_eq!(
            sentences("第一句。第二句！第三句？"),
            vec!["第一句。", "第二句！", "第三句？"]
        );
        assert_eq!(
            sentences("Title\nline two\n\nPara two"),
            vec!["Title\nline two\n\n", "Para two"]
        );
    }

    #[test]
    fn packing_with_sentence_overlap() {
        let t = "Aa aa. Bb bb. Cc cc. Dd dd.";
        let s = spans(t, SizeUnit::Chars, 14, 7).unwrap();
        let parts: Vec<&str> = s.iter().map(|x| &t[x.start..x.end]).collect();
        assert_eq!(
            parts,
            vec!["Aa aa. Bb bb.", "Bb bb. Cc cc.", "Cc cc. Dd dd."]
        );
        let s = spans(t, SizeUnit::Chars, 14, 0).unwrap();
        let parts: Vec<&str> = s.iter().map(|x| &t[x.start..x.end]).collect();
        assert_eq!(parts, vec!["Aa aa. Bb bb.", "Cc cc. Dd dd."]);
    }
}
