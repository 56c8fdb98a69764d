//! Token windows: one forward pass, measuring incrementally (exact, not a bound), cutting at
//! the last word start that keeps the window within budget. A window holding no word start
//! (one very long "word") is cut at the furthest grapheme-safe boundary within budget.
//! Chunks keep their trailing whitespace, so they tile the text exactly.

use super::boundaries::{decode_at, decode_before, is_safe, is_ws};
use super::options::SizeUnit;
use super::recursive::oversized_cut;
use super::spans::Span;
use super::units::{letter_run, utf16_len, Meter, TokenCounter};
use crate::error::CoreResult;

#[inline]
fn ascii_ws(x: u8) -> bool {
    matches!(x, 0x09..=0x0D | 0x20)
}

pub(crate) fn spans(t: &str, unit: SizeUnit, budget: usize, max: usize) -> CoreResult<Vec<Span>> {
    let b = t.as_bytes();
    let n = b.len();
    let budget = budget.max(1);
    let mut out = Vec::new();
    let mut s = 0;
    while s < n {
        let (end, last_word) = match unit {
            SizeUnit::Tokens => window_tokens(b, s, budget),
            SizeUnit::Chars => window_chars(b, s, budget),
        };
        let (q, v) = match end {
            Some(v) => {
                out.push(Span {
                    start: s,
                    end: n,
                    size: v,
                });
                break;
            }
            None => match last_word {
                Some(cut) => cut,
                None => hard_cut(b, s, n, unit, budget, max)?,
            },
        };
        out.push(Span {
            start: s,
            end: q,
            size: v,
        });
        s = q;
    }
    Ok(out)
}

/// Scans forward from s while the estimate stays within budget. Returns (Some(size) if the
/// whole rest fits, the last word start > s with the size before it).
fn window_tokens(b: &[u8], s: usize, budget: usize) -> (Option<usize>, Option<(usize, usize)>) {
    let n = b.len();
    let mut tc = TokenCounter::new();
    let mut p = s;
    let mut last_word = None;
    let mut prev_ws = false;
    while p < n {
        if tc.in_word() {
            // Letters never start a word here and only grow the count arithmetically.
            let l = letter_run(b, p);
            if l > 0 {
                if tc.value() + tc.letters_cost(l) > budget {
                    break; // overflow inside this run: the cut is before it anyway
                }
                tc.add_letters(l);
                p += l;
                prev_ws = false;
                continue;
            }
        }
        let x = b[p];
        let (l, ws) = if x < 0x80 {
            (1, ascii_ws(x))
        } else {
            let (c, l) = decode_at(b, p);
            (l, is_ws(c))
        };
        if prev_ws && !ws && p > s && (x < 0x80 || is_safe(b, p)) {
            last_word = Some((p, tc.value()));
        }
        for &y in &b[p..(p + l).min(n)] {
            tc.push_byte(y);
        }
        if tc.value() > budget {
            break;
        }
        p += l;
        prev_ws = ws;
    }
    (if p >= n { Some(tc.value()) } else { None }, last_word)
}

/// Same for UTF-16 units: find the window end, then the last word start before it.
fn window_chars(b: &[u8], s: usize, budget: usize) -> (Option<usize>, Option<(usize, usize)>) {
    let n = b.len();
    let mut units = 0;
    let mut p = s;
    while p < n {
        let x = b[p];
        let (u, l) = if x < 0x80 {
            (1, 1)
        } else if x >= 0xF0 {
            (2, 4)
        } else if x >= 0xE0 {
            (1, 3)
        } else {
            (1, 2)
        };
        if units + u > budget {
            break;
        }
        units += u;
        p = (p + l).min(n);
    }
    if p >= n {
        return (Some(units), None);
    }
    // The window is [s, p] inclusive of a cut at p itself.
    let mut q = p;
    while q > s {
        if is_char_boundary_ws_start(b, q) {
            return (None, Some((q, utf16_len(&b[s..q]))));
        }
        q -= 1;
    }
    (None, None)
}

/// A word start: non-whitespace after whitespace, grapheme-safe.
fn is_char_boundary_ws_start(b: &[u8], q: usize) -> bool {
    let x = b[q];
    if (x & 0xC0) == 0x80 {
        return false;
    }
    let prev_ws = if b[q - 1] < 0x80 {
        ascii_ws(b[q - 1])
    } else {
        is_ws(decode_before(b, q).0)
    };
    if !prev_ws {
        return false;
    }
    if x < 0x80 {
        !ascii_ws(x)
    } else {
        !is_ws(decode_at(b, q).0) && is_safe(b, q)
    }
}

/// Furthest safe boundary q > s with measure(s..q) <= budget; else the oversized-cluster rule.
fn hard_cut(
    b: &[u8],
    s: usize,
    n: usize,
    unit: SizeUnit,
    budget: usize,
    max: usize,
) -> CoreResult<(usize, usize)> {
    let mut m = Meter::new(unit);
    let mut p = s;
    let mut best = None;
    while p < n {
        let (c, l) = decode_at(b, p);
        m.push(c);
        if m.value() > budget {
            break;
        }
        p += l;
        if is_safe(b, p) {
            best = Some((p, m.value()));
        }
    }
    match best {
        Some(cut) => Ok(cut),
        None => oversized_cut(b, s, n, unit, max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::units::estimate_tokens;

    #[test]
    fn windows_cut_at_word_starts() {
        let t = "the quick brown fox jumps over the lazy dog";
        let s = spans(t, SizeUnit::Tokens, 4, 4).unwrap();
        let parts: Vec<&str> = s.iter().map(|x| &t[x.start..x.end]).collect();
        assert_eq!(
            parts,
            vec!["the quick brown fox ", "jumps over the lazy ", "dog"]
        );
        for (x, p) in s.iter().zip(parts.iter()) {
            assert_eq!(x.size, estimate_tokens(p));
        }
    }

    #[test]
    fn long_word_is_hard_cut() {
        let t = "a supercalifragilisticexpialidocious b";
        let s = spans(t, SizeUnit::Tokens, 3, 3).unwrap();
        let parts: Vec<&str> = s.iter().map(|x| &t[x.start..x.end]).collect();
        // 18 letters = 3 tokens per hard-cut piece.
        assert_eq!(
            parts,
            vec!["a ", "supercalifragilist", "icexpialidocious ", "b"]
        );
    }
}
