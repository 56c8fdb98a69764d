//! Property tests: the invariants of mod.rs over thousands of seeded random texts per
//! strategy (emoji, ZWJ sequences, flags, CJK, combining marks, U+FFFD, CRLF, markdown).

use super::boundaries::{all_ws, in_ranges, is_safe, trim_span};
use super::json_parse::{decode_string, parse, Kind, Value};
use super::marks::MARK_RANGES;
use super::*;

/// xorshift64*: small, seeded, deterministic.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(crate) fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const PROSE: &[&str] = &[
    "the",
    "quick",
    "brown",
    "fox",
    "a",
    "jumps",
    "over",
    "lazy",
    "dog",
    "internationalisation",
    "Mr.",
    "Dr.",
    "e.g.",
    "3.14",
    "2024",
    "don't",
    "café",
    "naïve",
    "привет",
    "日本語",
    "中文字符",
    "한국어",
    "😀",
    "👍🏽",
    "👨\u{200D}👩\u{200D}👧",
    "🇺🇸",
    "🇫🇷",
    "e\u{301}",
    "\u{301}",
    "☃\u{FE0F}",
    "\u{FFFD}",
    "x\u{200D}",
    "supercalifragilisticexpialidocious",
    "a\u{300}\u{301}",
    "\u{a0}",
    "é",
];
const GLUE: &[&str] = &[
    " ", " ", " ", " ", ", ", ". ", "! ", "? ", "; ", "\n", "\n\n", "。", "，", "\t", "\r\n", "  ",
    ".\n", "...", "",
];
const MD: &[&str] = &[
    "\n# ",
    "\n## ",
    "\n### ",
    "\n```\n",
    "\n```rust\n",
    "\n~~~\n",
    "\n| a | b |\n",
    "\n|---|---|\n",
    "\n---\n",
    "\n===\n",
    "\n- ",
    "\n    ",
];

pub(crate) fn random_text(r: &mut Rng, markdown: bool) -> String {
    let mut s = String::new();
    let cap = if r.below(10) == 0 { 600 } else { 120 };
    let n = r.below(cap);
    for _ in 0..n {
        if markdown && r.below(6) == 0 {
            s.push_str(r.pick(MD));
        }
        s.push_str(r.pick(PROSE));
        s.push_str(r.pick(GLUE));
    }
    s
}

/// UTF-16 offset -> byte offset (None inside a surrogate pair).
fn u16_map(t: &str) -> Vec<Option<usize>> {
    let mut m = Vec::new();
    for (i, c) in t.char_indices() {
        m.push(Some(i));
        if c.len_utf16() == 2 {
            m.push(None);
        }
    }
    m.push(Some(t.len()));
    m
}

/// Longest grapheme cluster (run between consecutive safe boundaries) in `unit`.
fn longest_cluster(t: &str, unit: SizeUnit) -> usize {
    let b = t.as_bytes();
    let mut last = 0;
    let mut best = 0;
    for p in 1..=b.len() {
        if is_safe(b, p) {
            best = best.max(measure(&t[last..p], unit));
            last = p;
        }
    }
    best
}

/// Checks every invariant of mod.rs; returns the chunk texts.
pub(crate) fn check(t: &str, o: &ChunkOptions, cs: &[Chunk]) -> Vec<String> {
    let ctx = || format!("opts {:?}\ntext {:?}\nchunks {:?}", o, t, cs);
    let map = u16_map(t);
    let b = t.as_bytes();
    let len16 = map.len() - 1;
    // A cluster longer than the budget (max_size - overlap) is kept whole when it fits
    // max_size, so edges must be safe whenever every cluster fits max_size.
    let strict_safe = longest_cluster(t, o.unit) <= o.max_size;
    if all_ws(b, 0, b.len()) {
        assert!(cs.is_empty(), "{}", ctx());
    }
    let mut texts = Vec::new();
    let mut prev: Option<(usize, usize)> = None;
    for c in cs {
        let (s, e) = (c.start as usize, c.end as usize);
        assert!(s < e && e <= len16, "bounds {}", ctx());
        let bs = map[s].unwrap_or_else(|| panic!("start inside a surrogate pair {}", ctx()));
        let be = map[e].unwrap_or_else(|| panic!("end inside a surrogate pair {}", ctx()));
        let text = match &c.text {
            Some(x) => x.clone(),
            None => t[bs..be].to_string(),
        };
        assert!(
            !text.is_empty() && !all_ws(text.as_bytes(), 0, text.len()),
            "blank chunk {}",
            ctx()
        );
        let size = measure(&text, o.unit);
        assert!(
            size <= o.max_size,
            "chunk measures {} > {}: {:?}\n{}",
            size,
            o.max_size,
            text,
            ctx()
        );
        if o.strategy != Strategy::Json {
            if strict_safe {
                assert!(
                    is_safe(b, bs) && is_safe(b, be),
                    "unsafe edge {}..{} {}",
                    s,
                    e,
                    ctx()
                );
                let first = t[bs..].chars().next().map_or(0, |c| c as u32);
                assert!(
                    bs == 0 || !in_ranges(&MARK_RANGES, first),
                    "starts with a mark {}",
                    ctx()
                );
            }
            if let Some((ps, pe)) = prev {
                assert!(s >= ps && e >= pe, "order {}", ctx());
                if s > pe && !(o.strategy == Strategy::Markdown && o.strip_headers) {
                    assert!(
                        all_ws(b, map[pe].unwrap(), bs),
                        "gap not whitespace {}",
                        ctx()
                    );
                }
                if s < pe {
                    let ov = measure(&t[bs..map[pe].unwrap()], o.unit);
                    assert!(ov <= o.overlap, "overlap {} > {} {}", ov, o.overlap, ctx());
                }
            } else if !(o.strategy == Strategy::Markdown && o.strip_headers) {
                assert!(all_ws(b, 0, bs), "text before the first chunk {}", ctx());
            }
            if o.strategy == Strategy::Sentence
                || o.strategy == Strategy::Markdown && !o.strip_headers
            {
                // Trimmed as far as grapheme safety allows ("x\u{200D} " keeps its space).
                let keep_indent = o.strategy == Strategy::Markdown;
                assert_eq!(
                    trim_span(b, bs, be, keep_indent),
                    (bs, be),
                    "untrimmed chunk {}",
                    ctx()
                );
            }
        } else if let Some((ps, pe)) = prev {
            assert!(s >= ps && e >= pe, "json order {}", ctx());
        }
        prev = Some((s, e));
        texts.push(text);
    }
    if let (Some((_, pe)), false) = (
        prev,
        o.strategy == Strategy::Json || (o.strategy == Strategy::Markdown && o.strip_headers),
    ) {
        assert!(
            all_ws(b, map[pe].unwrap(), b.len()),
            "text after the last chunk {}",
            ctx()
        );
    }
    texts
}

fn random_opts(r: &mut Rng, strategy: Strategy) -> ChunkOptions {
    let unit = if strategy == Strategy::Token || r.below(3) == 0 {
        SizeUnit::Tokens
    } else {
        SizeUnit::Chars
    };
    let max_size = if unit == SizeUnit::Tokens {
        4 + r.below(40)
    } else {
        16 + r.below(150)
    };
    let overlap = if r.below(2) == 0 {
        0
    } else {
        r.below(max_size / 2 + 1)
    };
    let min_size = if r.below(3) == 0 {
        r.below(max_size + 1)
    } else {
        0
    };
    ChunkOptions {
        strategy,
        max_size,
        overlap,
        min_size,
        unit,
        separators: None,
        strip_headers: r.below(2) == 0,
    }
}

fn run_strategy(strategy: Strategy, cases: u64) {
    for seed in 0..cases {
        let mut r = Rng::new(seed * 31 + strategy as u64);
        let t = random_text(&mut r, strategy == Strategy::Markdown || seed % 7 == 0);
        let o = random_opts(&mut r, strategy);
        let cs = chunk(&t, &o).unwrap_or_else(|e| panic!("{:?} on {:?} with {:?}", e, t, o));
        check(&t, &o, &cs);
        if measure(&t, o.unit) <= o.max_size && !all_ws(t.as_bytes(), 0, t.len()) && o.min_size == 0
        {
            assert_eq!(cs.len(), 1, "short text must be one chunk: {:?} {:?}", t, o);
        }
    }
}

/// The DFA estimate equals the char-by-char counter pushed backwards, and is subadditive
/// and monotone at random split points.
#[test]
fn token_estimate_properties() {
    use super::units::TokenCounter;
    for seed in 0..3000u64 {
        let mut r = Rng::new(seed + 4242);
        let t = random_text(&mut r, seed % 2 == 0);
        let whole = estimate_tokens(&t);
        let mut rev = TokenCounter::new();
        for c in t.chars().rev() {
            rev.push(c as u32);
        }
        assert_eq!(rev.value(), whole, "{:?}", t);
        let idx: Vec<usize> = t.char_indices().map(|(i, _)| i).collect();
        if idx.len() > 2 {
            let a = idx[r.below(idx.len())];
            let m = idx[r.below(idx.len())].max(a);
            let e = idx[r.below(idx.len())].max(m);
            let (x, y) = (estimate_tokens(&t[a..m]), estimate_tokens(&t[m..e]));
            let xy = estimate_tokens(&t[a..e]);
            assert!(
                xy <= x + y && x <= xy && y <= xy,
                "{:?} {} {} {}",
                &t[a..e],
                x,
                y,
                xy
            );
        }
    }
}

#[test]
fn recursive_invariants() {
    run_strategy(Strategy::Recursive, 3000);
}

#[test]
fn recursive_custom_separator_invariants() {
    for seed in 0..1000u64 {
        let mut r = Rng::new(seed + 77);
        let t = random_text(&mut r, false);
        let mut o = random_opts(&mut r, Strategy::Recursive);
        o.separators = Some(vec!["\n".into(), "e".into(), "😀".into(), "\u{301}".into()]);
        let cs = chunk(&t, &o).unwrap();
        check(&t, &o, &cs);
    }
}

#[test]
fn token_invariants() {
    run_strategy(Strategy::Token, 3000);
}

#[test]
fn sentence_invariants() {
    run_strategy(Strategy::Sentence, 3000);
}

#[test]
fn markdown_invariants() {
    run_strategy(Strategy::Markdown, 3000);
}

#[test]
fn markdown_headers_are_header_lines_or_a_fence() {
    for seed in 0..1500u64 {
        let mut r = Rng::new(seed + 5);
        let t = random_text(&mut r, true);
        let o = random_opts(&mut r, Strategy::Markdown);
        for c in chunk(&t, &o).unwrap() {
            for (i, h) in c.headers.iter().enumerate() {
                let fence =
                    i + 1 == c.headers.len() && (h.starts_with("```") || h.starts_with("~~~"));
                assert!(h.starts_with('#') || fence, "{:?}", c.headers);
            }
        }
    }
}

// ---- json ----

fn random_json(r: &mut Rng, depth: usize, out: &mut String) {
    let ws = |r: &mut Rng, out: &mut String| {
        if r.below(4) == 0 {
            out.push_str([" ", "\n", "\t", "  \r\n"][r.below(4)]);
        }
    };
    let kinds = if depth > 4 { 4 } else { 7 };
    match r.below(kinds) {
        0 => out.push_str(["null", "true", "false", "0", "-12.5e3", "123456", "3.14"][r.below(7)]),
        1..=3 => {
            out.push('"');
            for _ in 0..r.below(30) {
                out.push_str(
                    [
                        "a",
                        "bc",
                        " ",
                        "é",
                        "😀",
                        "\\n",
                        "\\\"",
                        "\\u00e9",
                        "\\ud83d\\ude00",
                        "\\ud800",
                        "e\u{301}",
                        "日本",
                        "\\\\",
                        "👍🏽",
                    ][r.below(14)],
                );
            }
            out.push('"');
        }
        4 | 5 => {
            out.push('[');
            for i in 0..r.below(6) {
                if i > 0 {
                    out.push(',');
                }
                ws(r, out);
                random_json(r, depth + 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..r.below(6) {
                if i > 0 {
                    out.push(',');
                }
                ws(r, out);
                out.push_str(
                    ["\"k\"", "\"name\"", "\"a b\"", "\"日本\"", "\"\\u0041\""][r.below(5)],
                );
                out.push(':');
                ws(r, out);
                random_json(r, depth + 1, out);
            }
            out.push('}');
        }
    }
}

/// Scalar leaves in order: numbers/literals as text, strings decoded (keys excluded).
fn leaves(t: &str, v: &Value, out: &mut String) {
    match &v.kind {
        Kind::Scalar => out.push_str(&t[v.start..v.end]),
        Kind::Str { .. } => out.push_str(&decode_string(&t.as_bytes()[v.start + 1..v.end - 1])),
        Kind::Array(xs) => xs.iter().for_each(|x| leaves(t, x, out)),
        Kind::Object(ms) => ms.iter().for_each(|(_, x)| leaves(t, x, out)),
    }
}

#[test]
fn json_invariants_and_no_data_lost() {
    for seed in 0..3000u64 {
        let mut r = Rng::new(seed + 1234);
        let mut t = String::new();
        random_json(&mut r, 0, &mut t);
        let unit = if r.below(3) == 0 {
            SizeUnit::Tokens
        } else {
            SizeUnit::Chars
        };
        let max_size = if unit == SizeUnit::Tokens {
            12 + r.below(40)
        } else {
            24 + r.below(120)
        };
        let o = ChunkOptions {
            strategy: Strategy::Json,
            max_size,
            unit,
            ..ChunkOptions::default()
        };
        let cs = chunk(&t, &o).unwrap_or_else(|e| panic!("{:?} on {:?} {:?}", e, t, o));
        let texts = check(&t, &o, &cs);
        let mut want = String::new();
        leaves(&t, &parse(&t, unit).unwrap(), &mut want);
        let mut got = String::new();
        for x in &texts {
            let v = parse(x, unit).unwrap_or_else(|e| panic!("chunk is not JSON: {:?} {:?}", x, e));
            leaves(x, &v, &mut got);
        }
        assert_eq!(got, want, "{:?} {:?} {:?}", t, o, texts);
    }
}
