//! Token windows: one forward pass, measuring incrementally (exact, not a bound), cutting at
//! the last word start that keeps the window within budget. A window holding no word start
//! (one very long "word") is cut at the furthest grapheme-safe boundary within budget.
//! Chunks keep their trailing whitespace, so they tile the text exactly.

use super::boundaries::{decode_at, is_safe, is_ws};
use super::options::SizeUnit;
use super::recursive::oversized_cut;
use super::spans::Span;
use super::units::Meter;
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
        let mut m = Meter::new(unit);
        let mut p = s;
        let mut last_word: Option<(usize, usize)> = None;
        let mut prev_ws = false;
        let mut over = false;
        while p < n {
            let x = b[p];
            let (c, l, ws) = if x < 0x80 {
                (x as u32, 1, ascii_ws(x))
            } else {
                let (c, l) = decode_at(b, p);
                (c, l, is_ws(c))
            };
            if prev_ws && !ws && p > s && (x < 0x80 || is_safe(b, p)) {
                last_word = Some((p, m.value()));
            }
            m.push(c);
            if m.value() > budget {
                over = true;
                break;
            }
            p += l;
            prev_ws = ws;
        }
        if !over {
            out.push(Span { start: s, end: n, size: m.value() });
            break;
        }
        let (q, v) = match last_word {
            Some(cut) => cut,
            None => hard_cut(b, s, n, unit, budget, max)?,
        };
        out.push(Span { start: s, end: q, size: v });
        s = q;
    }
    Ok(out)
}

/// Furthest safe boundary q > s with measure(s..q) <= budget; else the oversized-cluster rule.
fn hard_cut(b: &[u8], s: usize, n: usize, unit: SizeUnit, budget: usize, max: usize) -> CoreResult<(usize, usize)> {
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
        assert_eq!(parts, vec!["the quick brown fox ", "jumps over the lazy ", "dog"]);
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
        assert_eq!(parts, vec!["a ", "supercalifragilist", "icexpialidocious ", "b"]);
    }
}
