//! Compact lowercase mapping for the tokenizer. `char::to_lowercase` pulls in std's case
//! tables (about 10 KB gzip in the wasm); this table is ~1.4 KB and gives the same result for
//! every char with a single-char lowercase form (checked against std for all of Unicode in the
//! tests). The only multi-char mapping, U+0130 'İ' -> "i\u{307}", becomes plain 'i'.

/// Runs of chars sharing one lowercase offset, sorted by first char. Each entry is
/// (first | span << 21 | stride2 << 31, delta): chars first..=first + span (every other char
/// when stride2 is set) lowercase to char + delta. Generated from Rust 1.63 (Unicode 14).
#[rustfmt::skip]
const RUNS: [(u32, i32); 180] = [
    (0x02C000C0, 32), (0x00C000D8, 32), (0x85C00100, 1), (0x80800132, 1), (0x81C00139, 1),
    (0x8580014A, 1), (0x00000178, -121), (0x80800179, 1), (0x00000181, 210), (0x80400182, 1),
    (0x00000186, 206), (0x00000187, 1), (0x00200189, 205), (0x0000018B, 1), (0x0000018E, 79),
    (0x0000018F, 202), (0x00000190, 203), (0x00000191, 1), (0x00000193, 205), (0x00000194, 207),
    (0x00000196, 211), (0x00000197, 209), (0x00000198, 1), (0x0000019C, 211), (0x0000019D, 213),
    (0x0000019F, 214), (0x808001A0, 1), (0x000001A6, 218), (0x000001A7, 1), (0x000001A9, 218),
    (0x000001AC, 1), (0x000001AE, 218), (0x000001AF, 1), (0x002001B1, 217), (0x804001B3, 1),
    (0x000001B7, 219), (0x000001B8, 1), (0x000001BC, 1), (0x000001C4, 2), (0x000001C5, 1),
    (0x000001C7, 2), (0x000001C8, 1), (0x000001CA, 2), (0x820001CB, 1), (0x820001DE, 1),
    (0x000001F1, 2), (0x804001F2, 1), (0x000001F6, -97), (0x000001F7, -56), (0x84C001F8, 1),
    (0x00000220, -130), (0x82000222, 1), (0x0000023A, 10795), (0x0000023B, 1), (0x0000023D, -163),
    (0x0000023E, 10792), (0x00000241, 1), (0x00000243, -195), (0x00000244, 69), (0x00000245, 71),
    (0x81000246, 1), (0x80400370, 1), (0x00000376, 1), (0x0000037F, 116), (0x00000386, 38),
    (0x00400388, 37), (0x0000038C, 64), (0x0020038E, 63), (0x02000391, 32), (0x010003A3, 32),
    (0x000003CF, 8), (0x82C003D8, 1), (0x000003F4, -60), (0x000003F7, 1), (0x000003F9, -7),
    (0x000003FA, 1), (0x004003FD, -130), (0x01E00400, 80), (0x03E00410, 32), (0x84000460, 1),
    (0x8680048A, 1), (0x000004C0, 15), (0x818004C1, 1), (0x8BC004D0, 1), (0x04A00531, 48),
    (0x04A010A0, 7264), (0x000010C7, 7264), (0x000010CD, 7264), (0x09E013A0, 38864),
    (0x00A013F0, 8), (0x05401C90, -3008), (0x00401CBD, -3008), (0x92801E00, 1), (0x00001E9E, -7615),
    (0x8BC01EA0, 1), (0x00E01F08, -8), (0x00A01F18, -8), (0x00E01F28, -8), (0x00E01F38, -8),
    (0x00A01F48, -8), (0x80C01F59, -8), (0x00E01F68, -8), (0x00E01F88, -8), (0x00E01F98, -8),
    (0x00E01FA8, -8), (0x00201FB8, -8), (0x00201FBA, -74), (0x00001FBC, -9), (0x00601FC8, -86),
    (0x00001FCC, -9), (0x00201FD8, -8), (0x00201FDA, -100), (0x00201FE8, -8), (0x00201FEA, -112),
    (0x00001FEC, -7), (0x00201FF8, -128), (0x00201FFA, -126), (0x00001FFC, -9), (0x00002126, -7517),
    (0x0000212A, -8383), (0x0000212B, -8262), (0x00002132, 28), (0x01E02160, 16), (0x00002183, 1),
    (0x032024B6, 26), (0x05E02C00, 48), (0x00002C60, 1), (0x00002C62, -10743), (0x00002C63, -3814),
    (0x00002C64, -10727), (0x80802C67, 1), (0x00002C6D, -10780), (0x00002C6E, -10749),
    (0x00002C6F, -10783), (0x00002C70, -10782), (0x00002C72, 1), (0x00002C75, 1),
    (0x00202C7E, -10815), (0x8C402C80, 1), (0x80402CEB, 1), (0x00002CF2, 1), (0x8580A640, 1),
    (0x8340A680, 1), (0x8180A722, 1), (0x8780A732, 1), (0x8040A779, 1), (0x0000A77D, -35332),
    (0x8100A77E, 1), (0x0000A78B, 1), (0x0000A78D, -42280), (0x8040A790, 1), (0x8240A796, 1),
    (0x0000A7AA, -42308), (0x0000A7AB, -42319), (0x0000A7AC, -42315), (0x0000A7AD, -42305),
    (0x0000A7AE, -42308), (0x0000A7B0, -42258), (0x0000A7B1, -42282), (0x0000A7B2, -42261),
    (0x0000A7B3, 928), (0x81C0A7B4, 1), (0x0000A7C4, -48), (0x0000A7C5, -42307),
    (0x0000A7C6, -35384), (0x8040A7C7, 1), (0x0000A7D0, 1), (0x8040A7D6, 1), (0x0000A7F5, 1),
    (0x0320FF21, 32), (0x04E10400, 40), (0x046104B0, 40), (0x01410570, 39), (0x01C1057C, 39),
    (0x00C1058C, 39), (0x00210594, 39), (0x06410C80, 64), (0x03E118A0, 32), (0x03E16E40, 32),
    (0x0421E900, 34),
];

/// Lowercase of `c` (unchanged when it has none).
pub fn to_lower(c: char) -> char {
    let u = c as u32;
    if u < 0x80 {
        return c.to_ascii_lowercase();
    }
    if u == 0x130 {
        return 'i';
    }
    let i = RUNS.partition_point(|&(k, _)| (k & 0x1F_FFFF) <= u);
    let (k, delta) = match i.checked_sub(1).and_then(|j| RUNS.get(j)) {
        Some(&r) => r,
        None => return c,
    };
    let off = u - (k & 0x1F_FFFF);
    let span = (k >> 21) & 0x3FF;
    let stride2 = k >> 31 == 1;
    if off > span || (stride2 && off % 2 == 1) {
        return c;
    }
    char::from_u32((u as i64 + delta as i64) as u32).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_std_for_all_chars() {
        let mut checked = 0;
        for u in 0..=0x10FFFFu32 {
            let c = match char::from_u32(u) {
                Some(c) => c,
                None => continue,
            };
            let std: Vec<char> = c.to_lowercase().collect();
            if std.len() == 1 {
                assert_eq!(to_lower(c), std[0], "U+{:04X}", u);
                checked += 1;
            } else {
                assert_eq!(u, 0x130);
                assert_eq!(to_lower(c), 'i');
            }
        }
        assert!(checked > 1_100_000);
        for w in RUNS.windows(2) {
            assert!(w[0].0 & 0x1F_FFFF < w[1].0 & 0x1F_FFFF);
        }
    }
}
