//! Byte spans (the chunkers' working form) and the passes shared by every strategy:
//! drop all-whitespace spans, merge spans smaller than min_size, convert to UTF-16 chunks.

use super::boundaries::{all_ws, trim_span};
use super::options::SizeUnit;
use super::units::{measure_range, Utf16Cursor};
use super::Chunk;
use crate::error::{fail, Code, CoreResult};

/// [start, end) in bytes of the input; `size` is the chunk's measure in the chosen unit, or an
/// upper bound of it (token sizes of merged pieces are sums, which bound the real estimate).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub size: usize,
}

pub(crate) fn drop_blank(b: &[u8], spans: &mut Vec<Span>) {
    spans.retain(|s| s.start < s.end && !all_ws(b, s.start, s.end));
}

/// Trims whitespace at both ends of every span (see `trim_span`), drops empties. Sizes stay
/// exact for chars (the trimmed whitespace is subtracted) and an upper bound for tokens.
pub(crate) fn trim_all(t: &str, spans: &mut Vec<Span>, unit: SizeUnit, keep_indent: bool) {
    let b = t.as_bytes();
    for s in spans.iter_mut() {
        let (a, e) = trim_span(b, s.start, s.end, keep_indent);
        if (a, e) != (s.start, s.end) {
            let e = e.max(a);
            if unit == SizeUnit::Chars {
                s.size = s.size.saturating_sub(
                    measure_range(t, s.start, a, unit) + measure_range(t, e, s.end, unit),
                );
            }
            s.start = a;
            s.end = e;
        }
    }
    spans.retain(|s| s.start < s.end);
}

/// Merges every span measuring < min_size into its previous neighbour, or else the next one,
/// when the union still measures <= max. Works for touching, overlapping and gapped spans.
pub(crate) fn merge_small(
    t: &str,
    spans: Vec<Span>,
    unit: SizeUnit,
    min: usize,
    max: usize,
) -> Vec<Span> {
    if min == 0 || spans.len() < 2 {
        return spans;
    }
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut() {
            if s.size < min || last.size < min {
                let u = union_size(t, *last, s, unit);
                if u <= max {
                    last.end = last.end.max(s.end);
                    last.size = u;
                    continue;
                }
            }
        }
        out.push(s);
    }
    out
}

/// Size of [a.start, b.end) from the parts, touching only the overlap or the gap.
fn union_size(t: &str, a: Span, b: Span, unit: SizeUnit) -> usize {
    match unit {
        SizeUnit::Chars => {
            if b.start < a.end {
                (a.size + b.size).saturating_sub(measure_range(t, b.start, a.end, unit))
            } else {
                a.size + b.size + measure_range(t, a.end, b.start, unit)
            }
        }
        // Subadditive estimate: the sum of the parts bounds the union.
        SizeUnit::Tokens => {
            a.size
                + b.size
                + if b.start > a.end {
                    measure_range(t, a.end, b.start, unit)
                } else {
                    0
                }
        }
    }
}

/// Byte spans -> UTF-16 (start, end) pairs. Starts and ends are each non-decreasing in every
/// strategy, so one cursor walking the merged sequence of starts and ends makes this a single
/// pass over the text (the cursor restarts if a position ever goes back, so it stays correct).
pub(crate) fn utf16_pairs(b: &[u8], spans: &[Span]) -> CoreResult<Vec<(u32, u32)>> {
    let mut cur = Utf16Cursor::new();
    let mut out = vec![(0u32, 0u32); spans.len()];
    let (mut i, mut j) = (0, 0); // next start to convert, next end to convert
    while i < spans.len() || j < spans.len() {
        let take_start = i < spans.len() && (j >= spans.len() || spans[i].start <= spans[j].end);
        let (pos, slot) = if take_start {
            (spans[i].start, i)
        } else {
            (spans[j].end, j)
        };
        let u = cur.unit_at(b, pos);
        if u > u32::MAX as usize {
            return fail(
                Code::TooLarge,
                "text is longer than 2^32 UTF-16 code units; split it before chunking",
            );
        }
        if take_start {
            out[slot].0 = u as u32;
            i += 1;
        } else {
            out[slot].1 = u as u32;
            j += 1;
        }
    }
    Ok(out)
}

/// Chunks whose text is the source slice (`text: None`).
pub(crate) fn to_chunks(b: &[u8], spans: &[Span]) -> CoreResult<Vec<Chunk>> {
    Ok(utf16_pairs(b, spans)?
        .into_iter()
        .map(|(start, end)| Chunk {
            start,
            end,
            text: None,
            headers: Vec::new(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(start: usize, end: usize, t: &str) -> Span {
        Span {
            start,
            end,
            size: measure_range(t, start, end, SizeUnit::Chars),
        }
    }

    #[test]
    fn merge_small_prefers_previous_then_next() {
        let t = "aaaa bb cccccc d";
        let spans = vec![sp(0, 5, t), sp(5, 8, t), sp(8, 15, t), sp(15, 16, t)];
        let out = merge_small(t, spans, SizeUnit::Chars, 4, 9);
        // "bb " merges into "aaaa " (8 <= 9); "d" cannot join "cccccc " (8 ok) -> joins it.
        assert_eq!(out, vec![sp(0, 8, t), sp(8, 16, t)]);
        // Overlapping spans: union measured once.
        let spans = vec![sp(0, 5, t), sp(3, 8, t)];
        assert_eq!(
            merge_small(t, spans, SizeUnit::Chars, 6, 9),
            vec![sp(0, 8, t)]
        );
    }

    #[test]
    fn utf16_pairs_handle_overlap_and_astral() {
        let t = "😀ab😀cd";
        let b = t.as_bytes();
        let spans = vec![sp(0, 6, t), sp(4, 12, t)];
        assert_eq!(utf16_pairs(b, &spans).unwrap(), vec![(0, 4), (2, 8)]);
    }
}
