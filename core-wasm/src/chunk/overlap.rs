//! Overlap for the window-style strategies (recursive, token, markdown).
//!
//! Base chunks are packed to at most `max_size - overlap`. Then every chunk i+1 is extended
//! backwards into chunk i (through the whitespace gap between them, if any) by the longest
//! stretch that measures <= min(overlap, max_size - size(chunk i+1)), so no chunk ever
//! exceeds max_size. The new start is, in order of preference, the furthest-back
//! 1. word start in that stretch (a non-whitespace char right after whitespace);
//! 2. grapheme-safe position that is not inside a word (not between two letters/digits:
//!    e.g. after punctuation, between CJK characters);
//! 3. only if chunk i+1 itself starts inside a word (a hard cut of a very long word): any
//!    grapheme-safe position before a non-whitespace char;
//!
//! Else there is no overlap. The new start is always strictly after chunk i's start, and
//! never before `floor(start)` (markdown uses this so overlap never crosses a header line).

use super::boundaries::{decode_at, decode_before, is_safe, is_ws};
use super::options::SizeUnit;
use super::spans::Span;
use super::units::{measure_range, utf16_len, Meter};

pub(crate) fn apply<F: Fn(usize) -> usize>(
    t: &str,
    spans: &mut [Span],
    unit: SizeUnit,
    overlap: usize,
    max: usize,
    floor: F,
) {
    if overlap == 0 {
        return;
    }
    let b = t.as_bytes();
    // Back to front, so spans[i - 1].start is still the base start when chunk i is extended.
    let mut i = spans.len();
    while i > 1 {
        i -= 1;
        let prev = spans[i - 1];
        let cur = spans[i];
        if prev.end > cur.start {
            continue; // already overlapping (not produced by the base packers)
        }
        let room = overlap.min(max.saturating_sub(cur.size));
        let lo = (prev.start + 1).max(floor(cur.start).min(cur.start));
        if room == 0 || lo >= cur.start {
            continue;
        }
        let lim = limit(b, cur.start, lo, room, unit);
        if let Some(ns) = pick(b, lim, cur.start) {
            spans[i].start = ns;
            spans[i].size = cur.size + measure_range(t, ns, cur.start, unit);
        }
    }
}

/// Furthest-back char boundary p >= lo with measure(p..start) <= room (start if none).
fn limit(b: &[u8], start: usize, lo: usize, room: usize, unit: SizeUnit) -> usize {
    let mut lim = start;
    match unit {
        SizeUnit::Chars => {
            // All-ASCII stretch (the common case): one unit per byte.
            if start - lo >= room && b[start - room..start].is_ascii() {
                return start - room;
            }
            // 16-byte blocks while they fit (units of the chars whose leading byte is inside).
            let mut units = 0;
            let mut p = start;
            while p >= lo + 16 {
                let u = utf16_len(&b[p - 16..p]);
                if units + u > room {
                    break;
                }
                units += u;
                p -= 16;
            }
            if p < start {
                // Lowest char boundary in the blocks taken.
                lim = p;
                while lim < start && (b[lim] & 0xC0) == 0x80 {
                    lim += 1;
                }
            }
            // Then byte-wise: a leading byte carries the char's UTF-16 units (2 for 4-byte chars).
            while p > lo {
                let x = b[p - 1];
                p -= 1;
                if (x & 0xC0) != 0x80 {
                    units += 1 + (x >= 0xF0) as usize;
                    if units > room {
                        break;
                    }
                    lim = p;
                }
            }
        }
        SizeUnit::Tokens => {
            let mut m = Meter::new(unit);
            let mut p = start;
            while p > lo {
                let (c, l) = if b[p - 1] < 0x80 {
                    (b[p - 1] as u32, 1)
                } else {
                    decode_before(b, p)
                };
                if l == 0 || p - l < lo {
                    break;
                }
                m.push(c); // right-to-left: the meter sees the same runs (see units.rs)
                if m.value() > room {
                    break;
                }
                p -= l;
                lim = p;
            }
        }
    }
    lim
}

/// The earliest position in [lim, start) of the best available tier (see module comment).
fn pick(b: &[u8], lim: usize, start: usize) -> Option<usize> {
    let mut gap = None;
    let mut intra = None;
    let mut q = lim;
    while q < start {
        let (at, l) = if b[q] < 0x80 {
            (b[q] as u32, 1)
        } else {
            decode_at(b, q)
        };
        if !ws(at) {
            let before = if q > 0 && b[q - 1] < 0x80 {
                b[q - 1] as u32
            } else {
                decode_before(b, q).0
            };
            let safe = (at < 0x80 && before < 0x80) || is_safe(b, q);
            if safe {
                if ws(before) {
                    return Some(q);
                }
                if wordy(before) && wordy(at) {
                    intra = intra.or(Some(q));
                } else {
                    gap = gap.or(Some(q));
                }
            }
        }
        q += l.max(1);
    }
    let fallback = if intra_word(b, start) { intra } else { None };
    gap.or(fallback)
}

#[inline]
fn ws(c: u32) -> bool {
    if c < 0x80 {
        matches!(c, 0x09..=0x0D | 0x20)
    } else {
        is_ws(c)
    }
}

#[inline]
fn wordy(c: u32) -> bool {
    (c < 0x80 && (c as u8).is_ascii_alphanumeric()) || (0xC0..0x800).contains(&c)
}

/// Letters/digits on both sides of p (ASCII alphanumerics and 2-byte letters such as é, я).
fn intra_word(b: &[u8], p: usize) -> bool {
    p > 0 && p < b.len() && wordy(decode_before(b, p).0) && wordy(decode_at(b, p).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(t: &str, a: usize, e: usize) -> Span {
        Span {
            start: a,
            end: e,
            size: measure_range(t, a, e, SizeUnit::Chars),
        }
    }

    #[test]
    fn extends_to_word_start_within_overlap() {
        let t = "alpha beta gamma delta";
        let mut s = vec![sp(t, 0, 11), sp(t, 11, 22)];
        apply(t, &mut s, SizeUnit::Chars, 7, 20, |_| 0);
        // 7 units back from 11 is inside "alpha ": word start at 6 ("beta ") is 5 back.
        assert_eq!(&t[s[1].start..s[1].end], "beta gamma delta");
        assert_eq!(s[1].size, 16);
        assert_eq!(s[0], sp(t, 0, 11));
    }

    #[test]
    fn never_exceeds_max_and_never_swallows_previous_start() {
        let t = "ab cd ef";
        let mut s = vec![sp(t, 0, 3), sp(t, 3, 8)];
        apply(t, &mut s, SizeUnit::Chars, 5, 6, |_| 0); // room = min(5, 6-5) = 1: no word start
        assert_eq!(s[1].start, 3);
        let mut s = vec![sp(t, 0, 3), sp(t, 3, 8)];
        apply(t, &mut s, SizeUnit::Chars, 5, 100, |_| 0); // "ab " whole would start at 0: not allowed
        assert_eq!(s[1].start, 3); // and "b " would start mid-word: no overlap
                                   // A hard cut inside a long word may overlap mid-word; CJK overlaps at any char.
        let t = "abcdefgh";
        let mut s = vec![sp(t, 0, 4), sp(t, 4, 8)];
        apply(t, &mut s, SizeUnit::Chars, 2, 100, |_| 0);
        assert_eq!(s[1].start, 2);
        let t = "日本語中文字";
        let mut s = vec![sp(t, 0, 9), sp(t, 9, 18)];
        apply(t, &mut s, SizeUnit::Chars, 2, 100, |_| 0);
        assert_eq!(s[1].start, 3);
    }
}
