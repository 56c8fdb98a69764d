//! ASCII folding of accented Latin letters (é -> e, ß -> ss, ł -> l, ...), so that a query typed
//! without accents matches accented text and vice versa. Covers Latin-1 Supplement, Latin
//! Extended-A/B, Latin Extended Additional (Vietnamese), Latin ligatures, fullwidth ASCII and
//! superscript digits; combining diacritical marks are dropped (decomposed input folds like
//! precomposed input). Anything else passes through unchanged.

/// One byte per code point from U+00C0 to U+024F: the ASCII letter it folds to, or '.' for
/// "no single-letter folding" (unchanged unless `multi` below knows it). Generated from Unicode
/// decompositions and "LATIN ... LETTER X WITH ..." names, then checked by hand.
const LATIN_C0_24F: [&str; 25] = [
    "AAAAAA.CEEEEIIII", // U+00C0
    "DNOOOOO.OUUUUY..", // U+00D0
    "aaaaaa.ceeeeiiii", // U+00E0
    "dnooooo.ouuuuy.y", // U+00F0
    "AaAaAaCcCcCcCcDd", // U+0100
    "DdEeEeEeEeEeGgGg", // U+0110
    "GgGgHhHhIiIiIiIi", // U+0120
    "Ii..JjKkqLlLlLlL", // U+0130
    "lLlNnNnNnnNnOoOo", // U+0140
    "Oo..RrRrRrSsSsSs", // U+0150
    "SsTtTtTtUuUuUuUu", // U+0160
    "UuUuWwYyYZzZzZzs", // U+0170
    "bBBb...Cc.DDd...", // U+0180
    ".FfG...IKkl..NnO", // U+0190
    "Oo..Pp.....tTtTU", // U+01A0
    "u.VYyZz.........", // U+01B0
    ".............AaI", // U+01C0 (DZ/LJ/NJ digraphs are in `multi`)
    "iOoUuUuUuUuUu.Aa", // U+01D0
    "Aa..GgGgKkOoOo..", // U+01E0
    "j...Gg..NnAa..Oo", // U+01F0
    "AaAaEeEeIiIiOoOo", // U+0200
    "RrRrUuUuSsTt..Hh", // U+0210
    "Nd..ZzAaEeOoOoOo", // U+0220
    "OoYylntj..ACcLTs", // U+0230
    "z..B..EeJj.qRrYy", // U+0240
];

/// Same for U+1E00..U+1EFF (Latin Extended Additional, mostly Vietnamese).
const LATIN_1E00_1EFF: [&str; 16] = [
    "AaBbBbBbCcDdDdDd", // U+1E00
    "DdDdEeEeEeEeEeFf", // U+1E10
    "GgHhHhHhHhHhIiIi", // U+1E20
    "KkKkKkLlLlLlLlMm", // U+1E30
    "MmMmNnNnNnNnOoOo", // U+1E40
    "OoOoPpPpRrRrRrRr", // U+1E50
    "SsSsSsSsSsTtTtTt", // U+1E60
    "TtUuUuUuUuUuVvVv", // U+1E70
    "WwWwWwWwWwXxXxYy", // U+1E80
    "ZzZzZzhtwyasss..", // U+1E90 (U+1E9E capital sharp s is in `multi`)
    "AaAaAaAaAaAaAaAa", // U+1EA0
    "AaAaAaAaEeEeEeEe", // U+1EB0
    "EeEeEeEeIiIiOoOo", // U+1EC0
    "OoOoOoOoOoOoOoOo", // U+1ED0
    "OoOoUuUuUuUuUuUu", // U+1EE0
    "UuYyYyYyYy....Yy", // U+1EF0
];

/// Letters that fold to more than one ASCII letter.
fn multi(c: char) -> Option<&'static str> {
    Some(match c {
        'Æ' | 'Ǣ' | 'Ǽ' => "AE",
        'æ' | 'ǣ' | 'ǽ' => "ae",
        'Þ' => "TH",
        'þ' => "th",
        'ß' => "ss",
        'ẞ' => "SS",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Œ' => "OE",
        'œ' => "oe",
        'Ǆ' | 'Ǳ' => "DZ",
        'ǅ' | 'ǲ' => "Dz",
        'ǆ' | 'ǳ' => "dz",
        'Ǉ' => "LJ",
        'ǈ' => "Lj",
        'ǉ' => "lj",
        'Ǌ' => "NJ",
        'ǋ' => "Nj",
        'ǌ' => "nj",
        'Ƕ' => "HV",
        'ƕ' => "hv",
        'Ȣ' => "OU",
        'ȣ' => "ou",
        'ȸ' => "db",
        'ȹ' => "qp",
        'Ỻ' => "LL",
        'ỻ' => "ll",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        _ => return None,
    })
}

fn table_byte(rows: &[&str], start: u32, c: u32) -> Option<u8> {
    let off = c.checked_sub(start)? as usize;
    let row = rows.get(off / 16)?;
    match row.as_bytes().get(off % 16) {
        Some(&b'.') | None => None,
        Some(&b) => Some(b),
    }
}

/// True for combining diacritical marks that accompany Latin/Greek/Cyrillic base letters.
/// These are dropped when folding.
pub fn is_latin_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Appends the ASCII-folded form of `c` to `out` (drops combining marks).
pub fn fold_into(c: char, out: &mut String) {
    let u = c as u32;
    if u < 0xAA {
        out.push(c);
        return;
    }
    if is_latin_combining_mark(c) {
        return;
    }
    if let Some(s) = multi(c) {
        out.push_str(s);
        return;
    }
    let single = match u {
        0xC0..=0x24F => table_byte(&LATIN_C0_24F, 0xC0, u),
        0x1E00..=0x1EFF => table_byte(&LATIN_1E00_1EFF, 0x1E00, u),
        // Fullwidth ASCII letters and digits (common in CJK text).
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Some((u - 0xFEE0) as u8),
        0xAA => Some(b'a'),
        0xBA => Some(b'o'),
        0xB2 => Some(b'2'),
        0xB3 => Some(b'3'),
        0xB9 => Some(b'1'),
        _ => None,
    };
    match single {
        Some(b) => out.push(b as char),
        None => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            fold_into(c, &mut out);
        }
        out
    }

    #[test]
    fn tables_have_sixteen_ascii_bytes_per_row() {
        for row in LATIN_C0_24F.iter().chain(LATIN_1E00_1EFF.iter()) {
            assert_eq!(row.len(), 16, "{}", row);
            assert!(row.bytes().all(|b| b == b'.' || b.is_ascii_alphabetic()), "{}", row);
        }
    }

    #[test]
    fn folds_common_letters() {
        assert_eq!(fold("éèêëàâäáãåçñüöóòôõøíìîïúùûýÿ"), "eeeeaaaaaacnuooooooiiiiuuuyy");
        assert_eq!(fold("ÉÀÇÑÜÖØ"), "EACNUOO");
        assert_eq!(fold("ßæœÆŒþðłŁđĐħıſŋ"), "ssaeoeAEOEthdlLdDhisn");
        assert_eq!(fold("ąćęńśźżĄĆĘŃŚŹŻ"), "acenszzACENSZZ");
        assert_eq!(fold("čďěňřšťůžČŘŠŽ"), "cdenrstuzCRSZ");
        assert_eq!(fold("ğışĞİŞ"), "gisGIS");
        assert_eq!(fold("ăâđêôơưĂẠẢẤẦẨẪẬắằẳẵặếềểễệốồổỗộớờởỡợứừửữựỳỵỷỹ"), "aadeoouAAAAAAAAaaaaaeeeeeoooooooooouuuuuyyyy");
        assert_eq!(fold("șțȘȚ"), "stST");
        assert_eq!(fold("ﬁﬂﬀ"), "fiflff");
        assert_eq!(fold("ＡＢＣ１２３ｘｙｚ"), "ABC123xyz");
        assert_eq!(fold("ǅǆǈǍǎǏ"), "DzdzLjAaI");
    }

    #[test]
    fn drops_combining_marks_and_keeps_other_scripts() {
        assert_eq!(fold("e\u{301}a\u{308}"), "ea");
        assert_eq!(fold("Привет ελλάδα 日本 ×÷"), "Привет ελλάδα 日本 ×÷");
        assert_eq!(fold("plain ascii 123"), "plain ascii 123");
    }
}
