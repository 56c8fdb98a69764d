//! Hand examples through the public API: exact chunks and UTF-16 offsets, option errors,
//! edge cases, and large inputs.

use super::prop_tests::{check, random_text, Rng};
use super::*;
use crate::error::Code;

fn opts(strategy: Strategy, max_size: usize, overlap: usize) -> ChunkOptions {
    ChunkOptions {
        strategy,
        max_size,
        overlap,
        ..ChunkOptions::default()
    }
}

fn offsets(cs: &[Chunk]) -> Vec<(u32, u32)> {
    cs.iter().map(|c| (c.start, c.end)).collect()
}

/// JS `text.slice(start, end)`.
fn slice(t: &str, c: &Chunk) -> String {
    let u: Vec<u16> = t.encode_utf16().collect();
    String::from_utf16(&u[c.start as usize..c.end as usize]).unwrap()
}

fn slices(t: &str, cs: &[Chunk]) -> Vec<String> {
    cs.iter().map(|c| slice(t, c)).collect()
}

#[test]
fn recursive_with_overlap_exact() {
    let t = "One two. Three four. Five six. Seven.";
    let cs = chunk(t, &opts(Strategy::Recursive, 24, 8)).unwrap();
    // Base chunks are packed to 24 - 8 = 16 units, then each is extended back to a word start.
    assert_eq!(offsets(&cs), vec![(0, 9), (4, 21), (15, 37)]);
    assert_eq!(
        slices(t, &cs),
        vec!["One two. ", "two. Three four. ", "four. Five six. Seven."]
    );
    assert!(cs.iter().all(|c| c.text.is_none() && c.headers.is_empty()));
    // Without overlap the chunks tile the text exactly.
    let cs = chunk(t, &opts(Strategy::Recursive, 24, 0)).unwrap();
    assert_eq!(offsets(&cs), vec![(0, 21), (21, 37)]);
}

#[test]
fn offsets_are_utf16_units() {
    let t = "😀😀 ab\u{301}c 日本。x";
    let cs = chunk(t, &opts(Strategy::Recursive, 6, 0)).unwrap();
    // "日本。" ends a sentence (level 3) inside an oversized piece: "x" stays apart.
    assert_eq!(slices(t, &cs), vec!["😀😀 ", "ab\u{301}c ", "日本。", "x"]);
    assert_eq!(offsets(&cs), vec![(0, 5), (5, 10), (10, 13), (13, 14)]);
    assert_eq!(measure(t, SizeUnit::Chars), 14);
}

#[test]
fn token_with_overlap_exact() {
    let t = "alpha beta gamma delta epsilon zeta eta theta";
    let o = ChunkOptions {
        unit: SizeUnit::Tokens,
        ..opts(Strategy::Token, 4, 1)
    };
    let cs = chunk(t, &o).unwrap();
    // Words of <= 6 letters are 1 token, "epsilon" is 2. Base windows hold 4 - 1 = 3 tokens;
    // "zeta" gets no overlap: the 1-token stretch before it is the inside of "epsilon".
    assert_eq!(
        slices(t, &cs),
        vec![
            "alpha beta gamma ",
            "gamma delta epsilon ",
            "zeta eta theta"
        ]
    );
    for s in slices(t, &cs) {
        assert!(estimate_tokens(&s) <= 4);
    }
}

#[test]
fn sentence_exact() {
    let t = "  Dr. Who arrived. It was late!\n\nThe end? Yes.  ";
    let cs = chunk(t, &opts(Strategy::Sentence, 32, 0)).unwrap();
    assert_eq!(
        slices(t, &cs),
        vec!["Dr. Who arrived. It was late!", "The end? Yes."]
    );
    assert_eq!(offsets(&cs), vec![(2, 31), (33, 46)]);
    // Overlap in whole sentences: "It was late!\n\n" (14) fits in 16.
    let cs = chunk(t, &opts(Strategy::Sentence, 32, 16)).unwrap();
    assert_eq!(
        slices(t, &cs),
        vec![
            "Dr. Who arrived. It was late!",
            "It was late!\n\nThe end? Yes."
        ]
    );
}

#[test]
fn sentence_longer_than_max_falls_back_to_recursive() {
    let t = "Short one. This sentence is much longer than the limit allows. End.";
    let cs = chunk(t, &opts(Strategy::Sentence, 24, 0)).unwrap();
    assert_eq!(
        slices(t, &cs),
        vec![
            "Short one.",
            "This sentence is much",
            "longer than the limit",
            "allows. End."
        ]
    );
}

#[test]
fn min_size_merges_small_chunks() {
    // The tail of an oversized paragraph is its own chunk (as in LangChain) ...
    let t = "aaaa bbbb cc\n\neeee";
    let cs = chunk(t, &opts(Strategy::Recursive, 10, 0)).unwrap();
    assert_eq!(slices(t, &cs), vec!["aaaa bbbb ", "cc\n\n", "eeee"]);
    // ... unless min_size asks to merge it (here with the next chunk: 4 + 4 <= 10).
    let o = ChunkOptions {
        min_size: 5,
        ..opts(Strategy::Recursive, 10, 0)
    };
    let cs = chunk(t, &o).unwrap();
    assert_eq!(slices(t, &cs), vec!["aaaa bbbb ", "cc\n\neeee"]);
    assert_eq!(offsets(&cs), vec![(0, 10), (10, 18)]);
}

#[test]
fn markdown_exact() {
    let t = "# Title\n\nIntro text.\n\n## Part A\n\nAlpha alpha.\n\n## Part B\n\nBeta beta.\n";
    let cs = chunk(t, &opts(Strategy::Markdown, 30, 0)).unwrap();
    assert_eq!(
        slices(t, &cs),
        vec![
            "# Title\n\nIntro text.",
            "## Part A\n\nAlpha alpha.",
            "## Part B\n\nBeta beta."
        ]
    );
    assert_eq!(offsets(&cs), vec![(0, 20), (22, 45), (47, 68)]);
    let h: Vec<Vec<String>> = cs.iter().map(|c| c.headers.clone()).collect();
    assert_eq!(
        h,
        vec![
            vec!["# Title".to_string()],
            vec!["# Title".into(), "## Part A".into()],
            vec!["# Title".into(), "## Part B".into()]
        ]
    );
}

#[test]
fn json_exact() {
    let t = r#"{"a": {"b": [1, 2, 3, 4]}}"#;
    let cs = chunk(t, &opts(Strategy::Json, 18, 0)).unwrap();
    let texts: Vec<&str> = cs.iter().map(|c| c.text.as_deref().unwrap()).collect();
    assert_eq!(texts, vec![r#"{"a":{"b":[1,2]}}"#, r#"{"a":{"b":[3,4]}}"#]);
    assert_eq!(cs[1].headers, vec!["a", "b"]);
}

#[test]
fn json_chunks_merge_back() {
    // Deep merge (objects by key, arrays concatenated) of the chunks gives the original.
    fn merge(a: &mut Val, b: Val) {
        match (a, b) {
            (Val::Obj(x), Val::Obj(y)) => {
                for (k, v) in y {
                    match x.iter_mut().find(|(k2, _)| *k2 == k) {
                        Some((_, old)) => merge(old, v),
                        None => x.push((k, v)),
                    }
                }
            }
            (Val::Arr(x), Val::Arr(y)) => x.extend(y),
            (a, b) => *a = b,
        }
    }
    let t = r#"{"users": [{"n": 1}, {"n": 2}, {"n": 3}], "meta": {"x": "one", "y": "two", "z": [true, false, null]}}"#;
    for max in [28, 40, 60, 200] {
        let cs = chunk(t, &opts(Strategy::Json, max, 0)).unwrap();
        assert!(max == 200 || cs.len() >= 2, "{}", max);
        let mut acc: Option<Val> = None;
        for c in &cs {
            let v = to_val(c.text.as_deref().unwrap());
            match &mut acc {
                None => acc = Some(v),
                Some(a) => merge(a, v),
            }
        }
        assert_eq!(acc, Some(to_val(t)), "max {}", max);
    }
}

#[derive(Debug, PartialEq)]
enum Val {
    Leaf(String),
    Arr(Vec<Val>),
    Obj(Vec<(String, Val)>),
}

fn to_val(t: &str) -> Val {
    use super::json_parse::{decode_string, parse, Kind, Value};
    fn go(t: &str, v: &Value) -> Val {
        match &v.kind {
            Kind::Scalar => Val::Leaf(t[v.start..v.end].to_string()),
            Kind::Str { .. } => Val::Leaf(decode_string(&t.as_bytes()[v.start + 1..v.end - 1])),
            Kind::Array(xs) => Val::Arr(xs.iter().map(|x| go(t, x)).collect()),
            Kind::Object(ms) => Val::Obj(
                ms.iter()
                    .map(|(k, x)| {
                        (
                            decode_string(&t.as_bytes()[k.start + 1..k.end - 1]),
                            go(t, x),
                        )
                    })
                    .collect(),
            ),
        }
    }
    go(t, &parse(t, SizeUnit::Chars).unwrap())
}

#[test]
fn json_errors() {
    let e = chunk("{\"a\": [1, 2,]}", &opts(Strategy::Json, 100, 0)).unwrap_err();
    assert_eq!(e.code, Code::JsonInvalid);
    assert!(e.message.contains("char offset 12"), "{}", e.message);
    let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
    let e = chunk(&deep, &opts(Strategy::Json, 100, 0)).unwrap_err();
    assert_eq!(e.code, Code::JsonInvalid);
    assert!(e.message.contains("512"));
}

#[test]
fn edge_cases_every_strategy() {
    for s in [
        Strategy::Recursive,
        Strategy::Markdown,
        Strategy::Sentence,
        Strategy::Token,
        Strategy::Json,
    ] {
        let o = opts(s, 50, 10);
        assert_eq!(chunk("", &o).unwrap(), vec![]);
        assert_eq!(chunk(" \n\t\u{3000} \r\n", &o).unwrap(), vec![], "{:?}", s);
    }
    // Short text: one chunk, exactly the text (trimmed for sentence and markdown).
    let t = " Hello 😀 world. ";
    for s in [Strategy::Recursive, Strategy::Token] {
        assert_eq!(offsets(&chunk(t, &opts(s, 50, 10)).unwrap()), vec![(0, 17)]);
    }
    assert_eq!(
        offsets(&chunk(t, &opts(Strategy::Sentence, 50, 10)).unwrap()),
        vec![(1, 16)]
    );
    // Markdown keeps the first line's indentation (only blank lines are trimmed at the start).
    assert_eq!(
        offsets(&chunk(t, &opts(Strategy::Markdown, 50, 10)).unwrap()),
        vec![(0, 16)]
    );
    let cs = chunk(" [1, \"x\"] ", &opts(Strategy::Json, 50, 10)).unwrap();
    assert_eq!(cs[0].text.as_deref(), Some("[1,\"x\"]"));
    assert_eq!(offsets(&cs), vec![(1, 9)]);
}

#[test]
fn option_errors() {
    let base = ChunkOptions::default();
    let bad = [
        ChunkOptions {
            max_size: 0,
            ..base.clone()
        },
        ChunkOptions {
            max_size: MAX_SIZE_LIMIT + 1,
            ..base.clone()
        },
        ChunkOptions {
            overlap: 1000,
            ..base.clone()
        },
        ChunkOptions {
            overlap: 2000,
            ..base.clone()
        },
        ChunkOptions {
            min_size: 1001,
            ..base.clone()
        },
        ChunkOptions {
            separators: Some(vec![]),
            ..base.clone()
        },
        ChunkOptions {
            separators: Some(vec!["\n".into(), "".into()]),
            ..base.clone()
        },
        ChunkOptions {
            separators: Some(vec![" ".into(); MAX_SEPARATORS + 1]),
            ..base.clone()
        },
    ];
    for o in bad.iter() {
        let e = chunk("text", o).unwrap_err();
        assert_eq!(e.code, Code::ChunkOptionsInvalid, "{:?}", o);
        assert!(!e.message.is_empty());
    }
    assert!(chunk(
        "text",
        &ChunkOptions {
            max_size: MAX_SIZE_LIMIT,
            overlap: 5,
            min_size: 5,
            ..base.clone()
        }
    )
    .is_ok());
    assert_eq!(Strategy::from_u32(4).unwrap(), Strategy::Json);
    assert_eq!(
        Strategy::from_u32(5).unwrap_err().code,
        Code::ChunkOptionsInvalid
    );
    assert_eq!(SizeUnit::from_u32(1).unwrap(), SizeUnit::Tokens);
    assert_eq!(
        SizeUnit::from_u32(2).unwrap_err().code,
        Code::ChunkOptionsInvalid
    );
    // A character that can never fit.
    let e = chunk(
        "😀😀",
        &ChunkOptions {
            max_size: 1,
            ..base.clone()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, Code::ChunkOptionsInvalid);
}

#[test]
fn overlap_never_exceeds_max_even_when_large() {
    let t = "word ".repeat(400);
    for (max, ov) in [(10, 9), (50, 49), (100, 60), (7, 3), (40, 20)] {
        for s in [
            Strategy::Recursive,
            Strategy::Token,
            Strategy::Sentence,
            Strategy::Markdown,
        ] {
            let o = opts(s, max, ov);
            let cs = chunk(&t, &o).unwrap();
            check(&t, &o, &cs);
            if s != Strategy::Sentence && max - ov >= 6 {
                assert!(
                    cs.windows(2).any(|w| w[1].start < w[0].end),
                    "{:?} {} {} has no overlap",
                    s,
                    max,
                    ov
                );
            }
        }
    }
}

/// ~10 MB of mixed text through every strategy: no blow-up, invariants on a cheap subset.
#[test]
fn ten_megabytes() {
    let mut r = Rng::new(99);
    let mut t = String::new();
    while t.len() < 10_000_000 {
        t.push_str(&random_text(&mut r, true));
        t.push_str("\n\n");
    }
    let u: Vec<u16> = t.encode_utf16().collect();
    for s in [
        Strategy::Recursive,
        Strategy::Markdown,
        Strategy::Sentence,
        Strategy::Token,
    ] {
        let o = opts(s, 1000, 200);
        let cs = chunk(&t, &o).unwrap();
        assert!(cs.len() > 5000, "{:?} {}", s, cs.len());
        assert!(cs
            .windows(2)
            .all(|w| w[0].start <= w[1].start && w[0].end <= w[1].end));
        assert!(cs
            .iter()
            .all(|c| c.end - c.start <= 1000 && c.end as usize <= u.len()));
        for c in cs.iter().step_by(97) {
            let text = String::from_utf16(&u[c.start as usize..c.end as usize]).unwrap();
            assert!(measure(&text, SizeUnit::Chars) <= 1000);
        }
    }
    let mut j = String::from("[");
    for i in 0..400_000 {
        if i > 0 {
            j.push(',');
        }
        j.push_str(&format!("{{\"id\":{},\"name\":\"item {}\"}}", i, i));
    }
    j.push(']');
    let cs = chunk(&j, &opts(Strategy::Json, 1000, 0)).unwrap();
    assert!(cs.len() > 5000);
    assert!(cs
        .iter()
        .all(|c| c.text.as_ref().map_or(0, |x| x.len()) <= 1000));
}

/// Native throughput, best of 5 runs (CPU time of this thread when /proc is there, else
/// wall clock). Real prose: set LUMOS_PROSE to a text file, e.g. ArguAna made plain with
///   gunzip -c shared/data/arguana/corpus.jsonl.gz | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(s.trim().split("\n").map(l=>{const d=JSON.parse(l);return d.title+"\n\n"+d.text}).join("\n\n")))' > /tmp/prose.txt
/// Otherwise ~10 MB of generated English-like prose is used.
/// Run: cargo test --release --lib throughput -- --ignored --nocapture
#[test]
#[ignore]
fn throughput() {
    let text = std::env::var("LUMOS_PROSE")
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_else(|| {
            let words = [
                "the",
                "argument",
                "that",
                "people",
                "should",
                "be",
                "allowed",
                "to",
                "make",
                "their",
                "own",
                "decisions",
                "is",
                "compelling",
                "because",
                "government",
                "cannot",
                "know",
                "what",
                "is",
                "best",
                "for",
                "everyone",
                "and",
                "in",
                "many",
                "cases",
                "evidence",
                "suggests",
                "otherwise",
                "of",
                "a",
                "it",
            ];
            let mut r = Rng::new(1);
            let mut s = String::new();
            while s.len() < 10_000_000 {
                for _ in 0..(3 + r.below(8)) {
                    for w in 0..(5 + r.below(20)) {
                        if w > 0 {
                            s.push(' ');
                        }
                        s.push_str(words[r.below(words.len())]);
                        if r.below(12) == 0 {
                            s.push(',');
                        }
                    }
                    s.push_str(". ");
                }
                s.push_str("\n\n");
            }
            s
        });
    let cpu_ns = || -> Option<u64> {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let mb = text.len() as f64 / 1e6;
    println!("{:.1} MB of text", mb);
    for s in [
        Strategy::Recursive,
        Strategy::Markdown,
        Strategy::Sentence,
        Strategy::Token,
    ] {
        for (unit, max, ov) in [(SizeUnit::Chars, 1000, 200), (SizeUnit::Tokens, 256, 50)] {
            let o = ChunkOptions {
                unit,
                ..opts(s, max, ov)
            };
            let mut best = f64::MAX;
            let mut n = 0;
            for _ in 0..5 {
                let (c0, t0) = (cpu_ns(), std::time::Instant::now());
                n = chunk(&text, &o).unwrap().len();
                let secs = match (c0, cpu_ns()) {
                    (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
                    _ => t0.elapsed().as_secs_f64(),
                };
                best = best.min(secs);
            }
            println!(
                "{:<9} {:?} {}/{}: {:>7.1} MB/s ({} chunks)",
                format!("{:?}", s),
                unit,
                max,
                ov,
                mb / best,
                n
            );
        }
    }
    let mut j = String::from("[");
    let mut i = 0;
    while j.len() < 10_000_000 {
        if i > 0 {
            j.push(',');
        }
        j.push_str(&format!(
            "{{\"id\":{},\"tags\":[\"a\",\"b\"],\"text\":\"item number {} of the list\"}}",
            i, i
        ));
        i += 1;
    }
    j.push(']');
    let t0 = std::time::Instant::now();
    let n = chunk(&j, &opts(Strategy::Json, 1000, 0)).unwrap().len();
    println!(
        "Json      Chars 1000: {:>7.1} MB/s wall ({} chunks)",
        j.len() as f64 / 1e6 / t0.elapsed().as_secs_f64(),
        n
    );
}
