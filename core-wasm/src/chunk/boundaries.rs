//! Safe split points and whitespace.
//!
//! A byte position p is a *safe boundary* when it is 0, the end, or a UTF-8 char boundary
//! (so never inside a surrogate pair once mapped to UTF-16) such that:
//! - the character at p does not extend the previous one: not \p{M} (combining, spacing and
//!   enclosing marks, variation selectors), not an Emoji_Modifier (skin tone), not ZWJ U+200D,
//!   not a tag character U+E0020..U+E007F (subdivision flags);
//! - the character before p is not ZWJ followed by an Extended_Pictographic character (emoji ZWJ
//!   sequences stay whole, UAX #29 GB11; a ZWJ before a letter is an ordinary break);
//! - p is not between '\r' and '\n', nor between the two regional indicators of a flag.
//!
//! All byte access is bounds-checked: nothing here can panic on any input.

use super::marks::EXTEND_RANGES;

pub(crate) const ZWJ: u32 = 0x200D;

/// Decodes the char starting at byte i: (code point, byte length). Invalid/out of range -> (0xFFFD, 1).
#[inline]
pub(crate) fn decode_at(b: &[u8], i: usize) -> (u32, usize) {
    let x = match b.get(i) {
        Some(&x) => x as u32,
        None => return (0xFFFD, 1),
    };
    let cont = |k: usize| b.get(i + k).map(|&c| (c & 0x3F) as u32).unwrap_or(0);
    if x < 0x80 {
        (x, 1)
    } else if x < 0xE0 {
        (((x & 0x1F) << 6) | cont(1), 2)
    } else if x < 0xF0 {
        (((x & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (
            ((x & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        )
    }
}

/// Decodes the char ending at byte i (i.e. the one before position i): (code point, byte length).
#[inline]
pub(crate) fn decode_before(b: &[u8], i: usize) -> (u32, usize) {
    if i == 0 || i > b.len() {
        return (0, 0);
    }
    let mut s = i - 1;
    let lim = i.saturating_sub(4);
    while s > lim && (b[s] & 0xC0) == 0x80 {
        s -= 1;
    }
    let (c, len) = decode_at(b, s);
    (c, len.min(i - s))
}

/// Next char boundary strictly after p (or len).
#[inline]
pub(crate) fn next_boundary(b: &[u8], p: usize) -> usize {
    let mut q = p + 1;
    while q < b.len() && (b[q] & 0xC0) == 0x80 {
        q += 1;
    }
    q.min(b.len())
}

/// Previous char boundary strictly before p (or 0).
#[inline]
pub(crate) fn prev_boundary(b: &[u8], p: usize) -> usize {
    if p == 0 {
        return 0;
    }
    let mut q = p.min(b.len()) - 1;
    while q > 0 && (b[q] & 0xC0) == 0x80 {
        q -= 1;
    }
    q
}

/// \p{M}, Emoji_Modifier, ZWJ or a tag character: attaches to the previous character.
#[inline]
pub(crate) fn is_extender(c: u32) -> bool {
    if c < 0x300 {
        return false;
    }
    if c == ZWJ || (0xE0020..=0xE007F).contains(&c) {
        return true;
    }
    in_ranges(&EXTEND_RANGES, c)
}

#[inline]
pub(crate) fn in_ranges(ranges: &[(u32, u32)], c: u32) -> bool {
    // Binary search for the last range starting at or before c.
    let mut lo = 0usize;
    let mut hi = ranges.len();
    while lo < hi {
        let mid = (lo + hi) / 2;
        if ranges[mid].0 <= c {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo > 0 && c <= ranges[lo - 1].1
}

/// Extended_Pictographic, approximated by the blocks that hold it (enough for ZWJ sequences).
#[inline]
fn is_extended_pictographic(c: u32) -> bool {
    matches!(c,
        0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA | 0x231A..=0x23FF | 0x24C2
        | 0x25AA..=0x25FE | 0x2600..=0x27BF | 0x2934 | 0x2935 | 0x2B05..=0x2B55 | 0x3030 | 0x303D
        | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF | 0x1FC00..=0x1FFFD)
}

/// GB11 needs `ExtPict Extend* ZWJ × ExtPict`: is there an ExtPict before `q`, skipping extenders?
fn pictographic_before(b: &[u8], mut q: usize) -> bool {
    for _ in 0..32 {
        let (c, l) = decode_before(b, q);
        if l == 0 {
            return false;
        }
        if is_extended_pictographic(c) {
            return true;
        }
        if !is_extender(c) || c == ZWJ {
            return false;
        }
        q -= l;
    }
    false
}

#[inline]
fn is_regional_indicator(c: u32) -> bool {
    (0x1F1E6..=0x1F1FF).contains(&c)
}

/// See the module comment.
#[inline]
pub(crate) fn is_safe(b: &[u8], p: usize) -> bool {
    if p == 0 || p >= b.len() {
        return p <= b.len();
    }
    let x = b[p];
    if (x & 0xC0) == 0x80 {
        return false;
    }
    let prev = b[p - 1];
    if x < 0x80 {
        if prev < 0x80 {
            return !(prev == b'\r' && x == b'\n');
        }
        // ASCII is never Extended_Pictographic, so a ZWJ before it does not join (GB11).
        return true;
    }
    let (next, _) = decode_at(b, p);
    if is_extender(next) {
        return false;
    }
    if prev < 0x80 {
        return true;
    }
    let (pc, plen) = decode_before(b, p);
    if pc == ZWJ && is_extended_pictographic(next) && pictographic_before(b, p - plen) {
        return false;
    }
    if is_regional_indicator(next) && is_regional_indicator(pc) {
        // Inside a flag iff an odd number of regional indicators precede p (bounded look-back).
        let mut count = 1;
        let mut q = p - plen;
        while count < 64 {
            let (c, l) = decode_before(b, q);
            if l == 0 || !is_regional_indicator(c) {
                break;
            }
            count += 1;
            q -= l;
        }
        return count % 2 == 0;
    }
    true
}

/// JavaScript's `\s` / `String.prototype.trim` whitespace set.
#[inline]
pub(crate) fn is_ws(c: u32) -> bool {
    match c {
        0x09..=0x0D | 0x20 => true,
        _ if c < 0xA0 => false,
        0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF => {
            true
        }
        _ => false,
    }
}

/// Is the char at byte p whitespace (false at the end).
#[inline]
pub(crate) fn ws_at(b: &[u8], p: usize) -> bool {
    match b.get(p) {
        None => false,
        Some(&x) if x < 0x80 => matches!(x, 0x09..=0x0D | 0x20),
        Some(_) => is_ws(decode_at(b, p).0),
    }
}

/// Is the char before byte p whitespace (false at 0).
#[inline]
pub(crate) fn ws_before(b: &[u8], p: usize) -> bool {
    if p == 0 || p > b.len() {
        return false;
    }
    let x = b[p - 1];
    if x < 0x80 {
        matches!(x, 0x09..=0x0D | 0x20)
    } else {
        is_ws(decode_before(b, p).0)
    }
}

/// True when b[a..e] is empty or only whitespace.
pub(crate) fn all_ws(b: &[u8], a: usize, e: usize) -> bool {
    let e = e.min(b.len());
    let mut p = a;
    while p < e {
        let x = b[p];
        if x < 0x80 {
            if !matches!(x, 0x09..=0x0D | 0x20) {
                return false;
            }
            p += 1;
        } else {
            let (c, l) = decode_at(b, p);
            if !is_ws(c) {
                return false;
            }
            p += l;
        }
    }
    true
}

/// Trims whitespace from both ends of [a, e), keeping both ends on safe boundaries.
/// With `keep_indent`, leading whitespace is only removed up to the last line break, so the
/// first line keeps its indentation (markdown: code and nested lists). Returns a >= e when empty.
pub(crate) fn trim_span(b: &[u8], a: usize, e: usize, keep_indent: bool) -> (usize, usize) {
    let e = e.min(b.len());
    let mut s = a;
    let mut last_break = None;
    while s < e && ws_at(b, s) {
        if b[s] == b'\n' {
            last_break = Some(s + 1);
        }
        s = next_boundary(b, s);
    }
    if s >= e {
        return (e, e);
    }
    if keep_indent {
        s = last_break.unwrap_or(a);
    }
    while s > a && !is_safe(b, s) {
        s = prev_boundary(b, s);
    }
    let mut t = e;
    while t > s && ws_before(b, t) {
        t = prev_boundary(b, t);
    }
    while t < e && !is_safe(b, t) {
        t = next_boundary(b, t);
    }
    (s, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_roundtrip() {
        let s = "aé€😀\u{301}";
        let b = s.as_bytes();
        let mut i = 0;
        for c in s.chars() {
            let (d, l) = decode_at(b, i);
            assert_eq!(d, c as u32);
            assert_eq!(l, c.len_utf8());
            i += l;
            assert_eq!(decode_before(b, i), (c as u32, c.len_utf8()));
        }
    }

    #[test]
    fn safe_boundaries() {
        let s = "e\u{301}x👍🏽y👨\u{200D}👩z\u{FE0F}\r\n🇺🇸🇫🇷";
        let b = s.as_bytes();
        let safe: Vec<usize> = (0..=b.len()).filter(|&p| is_safe(b, p)).collect();
        // e|◌́ no; x ok; 👍|🏽 no; 👨|ZWJ no; ZWJ|👩 no; z|FE0F no; \r|\n no; 🇺|🇸 no; 🇸|🇫 yes.
        let mut expect = vec![0];
        let mut p = 0;
        let pieces = [
            "e\u{301}",
            "x",
            "👍🏽",
            "y",
            "👨\u{200D}👩",
            "z\u{FE0F}",
            "\r\n",
            "🇺🇸",
            "🇫🇷",
        ];
        for piece in pieces.iter() {
            p += piece.len();
            expect.push(p);
        }
        assert_eq!(safe, expect);
    }

    #[test]
    fn marks_table_sorted_and_matches_known_points() {
        for w in EXTEND_RANGES.windows(2) {
            assert!(w[0].1 < w[1].0);
        }
        for c in [0x300u32, 0x36F, 0x93E, 0x1F3FB, 0x1F3FF, 0xFE0F, 0xE0100] {
            assert!(is_extender(c), "{:x}", c);
        }
        for c in [0x41u32, 0x2FF, 0x370, 0x4E00, 0x1F600, 0xFFFD] {
            assert!(!is_extender(c), "{:x}", c);
        }
    }

    #[test]
    fn js_whitespace() {
        for c in " \t\n\r\u{b}\u{c}\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}".chars() {
            assert!(is_ws(c as u32), "{:x}", c as u32);
        }
        for c in "a\u{85}\u{200b}\u{180e}x".chars() {
            assert!(!is_ws(c as u32), "{:x}", c as u32);
        }
    }

    #[test]
    fn trim_keeps_safe_ends() {
        let s = "  \u{301}abc \u{200D} ";
        let (a, e) = trim_span(s.as_bytes(), 0, s.len(), false);
        assert_eq!(a, 1); // position 2 is before a combining mark: keep the space it sits on
        assert!(is_safe(s.as_bytes(), e));
        let s = "\n\n   code\n\n";
        assert_eq!(trim_span(s.as_bytes(), 0, s.len(), true), (2, 9));
        assert_eq!(trim_span(s.as_bytes(), 0, s.len(), false), (5, 9));
        assert_eq!(trim_span(b" \t ", 0, 3, false), (3, 3));
    }
}
