//! Tests for the analyzer and the BM25 index (the stemmer, fold table and stop lists have their
//! own unit tests next to the code).

use super::*;
use crate::error::Code;
use crate::snapshot::{checksum, SnapshotWriter, KIND_VECTOR};

fn toks(text: &str) -> Vec<String> {
    tokenize(text, &TokenizerOptions::default())
}

fn toks_with(text: &str, lowercase: bool, fold_ascii: bool, stop_words: bool, stem: bool, cjk_bigrams: bool) -> Vec<String> {
    tokenize(text, &TokenizerOptions { lowercase, fold_ascii, stop_words, stem, cjk_bigrams })
}

fn plain(text: &str) -> Vec<String> {
    // Lowercase + fold only: shows segmentation without stop words or stemming.
    toks_with(text, true, true, false, false, true)
}

fn v(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- tokenizer

#[test]
fn english_with_defaults() {
    assert_eq!(
        toks("The quick brown foxes are jumping over the lazy dogs' backs!"),
        v(&["quick", "brown", "fox", "jump", "lazi", "dog", "back"])
    );
    assert_eq!(toks("Don't stop; John's café isn't closed."), v(&["stop", "john", "cafe", "close"]));
    assert_eq!(toks("Relational conditional generalizations, hopeful ponies"), v(&["relat", "condit", "gener", "hope", "poni"]));
}

#[test]
fn english_with_everything_off() {
    assert_eq!(
        toks_with("The quick brown foxes are jumping over the lazy dogs' backs!", false, false, false, false, false),
        v(&["The", "quick", "brown", "foxes", "are", "jumping", "over", "the", "lazy", "dogs", "backs"])
    );
}

#[test]
fn apostrophes() {
    assert_eq!(plain("don't rock'n'roll 'quoted' O’Neil’s it's"), v(&["don't", "rock'n'roll", "quoted", "o'neil's", "it's"]));
    // Possessive removal comes with stemming; contractions are stop words.
    assert_eq!(toks("O’Neil’s it's we'll"), v(&["o'neil"]));
    assert_eq!(plain("'' a' 'b x''y"), v(&["a", "b", "x", "y"]));
}

#[test]
fn stop_words_on_and_off() {
    assert_eq!(toks_with("the cat and the hat", true, true, true, false, true), v(&["cat", "hat"]));
    assert_eq!(toks_with("the cat and the hat", true, true, false, false, true), v(&["the", "cat", "and", "the", "hat"]));
    // Stop words are matched after lowercasing; without lowercasing "The" stays.
    assert_eq!(toks_with("The the", false, true, true, false, true), v(&["The"]));
    assert!(toks("the and of to in it is").is_empty());
}

#[test]
fn accented_latin_folds() {
    assert_eq!(
        plain("Crème Brûlée à São Paulo, Straße, Łódź, ÆSIR, naïve, Øresund, Œuvre, İstanbul"),
        v(&["creme", "brulee", "a", "sao", "paulo", "strasse", "lodz", "aesir", "naive", "oresund", "oeuvre", "istanbul"])
    );
    // Decomposed input (base letter + combining mark) folds the same way.
    assert_eq!(plain("Cre\u{300}me bru\u{302}le\u{301}e"), v(&["creme", "brulee"]));
    // Folding off keeps the letters (and the combining marks inside the word).
    assert_eq!(toks_with("Crème Cre\u{300}me", true, false, false, false, true), v(&["crème", "cre\u{300}me"]));
    assert_eq!(plain("ＡＢＣ１２３ ﬁnance"), v(&["abc123", "finance"]));
    assert_eq!(plain("Tiếng Việt"), v(&["tieng", "viet"]));
}

#[test]
fn chinese_bigrams() {
    assert_eq!(toks("我爱北京天安门"), v(&["我爱", "爱北", "北京", "京天", "天安", "安门"]));
    assert_eq!(toks("猫"), v(&["猫"]));
    assert_eq!(toks("猫，狗。"), v(&["猫", "狗"]));
    assert_eq!(toks_with("北京天", true, true, true, true, false), v(&["北", "京", "天"]));
}

#[test]
fn japanese_and_korean() {
    assert_eq!(toks("東京タワーに行きました"), v(&["東京", "京タ", "タワ", "ワー", "ーに", "に行", "行き", "きま", "まし", "した"]));
    // The katakana middle dot is punctuation and splits runs.
    assert_eq!(toks("カメラ・レンズ"), v(&["カメ", "メラ", "レン", "ンズ"]));
    assert_eq!(toks("한국어 검색"), v(&["한국", "국어", "검색"]));
}

#[test]
fn mixed_scripts() {
    assert_eq!(
        toks("iPhone 15は東京で買った。Price: ¥120,000 ça"),
        v(&["iphon", "15", "は東", "東京", "京で", "で買", "買っ", "った", "price", "120", "000", "ca"])
    );
    assert_eq!(plain("abc漢字def"), v(&["abc", "漢字", "def"]));
    assert_eq!(plain("Привет, МИР! Ελλάδα"), v(&["привет", "мир", "ελλάδα"]));
}

#[test]
fn digits_are_kept() {
    assert_eq!(toks("COVID-19 in 2020: 3.14 v2"), v(&["covid", "19", "2020", "3", "14", "v2"]));
}

#[test]
fn emoji_rtl_and_invisible_chars() {
    assert_eq!(toks("I ❤️ Rust 🦀! 👍🏽 ok 👨‍👩‍👧"), v(&["rust", "ok"]));
    assert_eq!(
        plain("foo\u{200D}bar foo\u{200B}bar hy\u{AD}phen zw\u{200C}nj \u{FEFF}bom"),
        v(&["foobar", "foo", "bar", "hyphen", "zwnj", "bom"])
    );
    assert_eq!(plain("مرحبا بالعالم"), v(&["مرحبا", "بالعالم"]));
    assert_eq!(plain("שָׁלוֹם עולם"), v(&["שָׁלוֹם", "עולם"]));
    assert_eq!(plain("हिन्दी भाषा।"), v(&["हिन्दी", "भाषा"]));
    // A lone combining mark or variation selector is not a token.
    assert!(plain("\u{301} \u{FE0F} \u{200D}").is_empty());
}

#[test]
fn long_tokens_are_truncated_to_64_bytes() {
    let long = "A".repeat(100) + "ing";
    assert_eq!(toks(&long), v(&[&"a".repeat(64)]));
    let cyr = "ж".repeat(40); // 80 bytes -> 32 chars
    assert_eq!(plain(&cyr), v(&[&"ж".repeat(32)]));
    let deva = "क".repeat(30); // 3 bytes each -> 21 chars = 63 bytes
    assert_eq!(plain(&deva), v(&[&"क".repeat(21)]));
    let acc = "é".repeat(100); // folds to 'e'
    assert_eq!(plain(&acc), v(&[&"e".repeat(64)]));
    assert_eq!(toks_with(&acc, true, false, false, false, true), v(&[&"é".repeat(32)]));
    // Tokens after a long one are unaffected.
    assert_eq!(plain(&(long + " next")), v(&[&"a".repeat(64), "next"]));
}

#[test]
fn tokenizer_never_panics_and_keeps_invariants() {
    let pool: Vec<char> =
        "aZé\u{301}'’ 9.,-_\t\n日本語カナ한글ßæİ\u{200D}\u{200B}\u{FE0F}🦀👍🏽\u{0}\u{FFFF}\u{10FFFF}ह्\u{5B8}ـ".chars().collect();
    let mut seed = 0x1234_5678_9ABC_DEF0u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (next() % 40) as usize;
        let s: String = (0..len).map(|_| pool[(next() % pool.len() as u64) as usize]).collect();
        for bits in 0..32 {
            let opts = TokenizerOptions::from_bits(bits).unwrap();
            let mut n = 0;
            for_each_token(&s, &opts, |t| {
                n += 1;
                assert!(!t.is_empty() && t.len() <= MAX_TOKEN_BYTES, "{:?} from {:?}", t, s);
                assert!(!t.chars().any(|c| c.is_whitespace()), "{:?}", t);
            });
            assert_eq!(n, tokenize(&s, &opts).len());
        }
    }
}

#[test]
fn option_bits_round_trip() {
    for bits in 0..32 {
        assert_eq!(TokenizerOptions::from_bits(bits).unwrap().to_bits(), bits);
    }
    assert!(TokenizerOptions::from_bits(32).is_none());
    assert_eq!(TokenizerOptions::default().to_bits(), 31);
}

// ---------------------------------------------------------------- BM25

/// Lowercase only, so the hand computation below sees the words as written.
fn simple_cfg() -> Bm25Config {
    Bm25Config {
        k1: 1.2,
        b: 0.75,
        tokenizer: TokenizerOptions { lowercase: true, fold_ascii: false, stop_words: false, stem: false, cjk_bigrams: true },
    }
}

fn index(cfg: Bm25Config, docs: &[(&str, &str)]) -> KeywordIndex {
    let mut idx = KeywordIndex::new(cfg).unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d.0).collect();
    let texts: Vec<&str> = docs.iter().map(|d| d.1).collect();
    idx.upsert(&ids, &texts).unwrap();
    idx
}

/// (id, score) pairs of a search.
fn run(idx: &KeywordIndex, q: &str, k: usize) -> Vec<(String, f32)> {
    let h = idx.search(q, k, None).unwrap();
    assert_eq!(h.slots.len(), h.scores.len());
    h.slots.iter().zip(h.scores.iter()).map(|(&s, &sc)| (idx.ids().id_of(s).unwrap().to_string(), sc)).collect()
}

const FRUIT: [(&str, &str); 3] = [("d1", "apple banana apple"), ("d2", "banana cherry"), ("d3", "cherry cherry cherry date")];

#[test]
fn bm25_matches_hand_computed_scores() {
    let idx = index(simple_cfg(), &FRUIT);
    // N = 3, avgdl = 9 / 3 = 3, k1 = 1.2, b = 0.75.
    // idf(apple)  = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3) = 0.980829
    // idf(cherry) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6) = 0.470004
    // d1: apple tf 2, dl 3: 0.980829 * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3/3)) = 0.980829 * 1.375    = 1.348640
    // d3: cherry tf 3, dl 4: 0.470004 * 3 * 2.2 / (3 + 1.2 * (0.25 + 0.75 * 4/3)) = 0.470004 * 1.466667 = 0.689339
    // d2: cherry tf 1, dl 2: 0.470004 * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2/3)) = 0.470004 * 1.157895 = 0.544215
    let got = run(&idx, "apple cherry", 10);
    let want = [("d1", 1.348640f32), ("d3", 0.689339), ("d2", 0.544215)];
    assert_eq!(got.len(), 3);
    for ((gid, gs), (wid, ws)) in got.iter().zip(want.iter()) {
        assert_eq!(gid, wid);
        assert!((gs - ws).abs() < 2e-6, "{} {} vs {}", gid, gs, ws);
    }
    // Same from the formula in f64.
    let idf = |df: f64| (1.0 + (3.0 - df + 0.5) / (df + 0.5)).ln();
    let tfp = |tf: f64, dl: f64| tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / 3.0));
    assert!((got[0].1 as f64 - idf(1.0) * tfp(2.0, 3.0)).abs() < 1e-6);
    assert!((got[1].1 as f64 - idf(2.0) * tfp(3.0, 4.0)).abs() < 1e-6);
    assert!((got[2].1 as f64 - idf(2.0) * tfp(1.0, 2.0)).abs() < 1e-6);
}

#[test]
fn repeated_query_terms_count() {
    let idx = index(simple_cfg(), &FRUIT);
    let once = run(&idx, "cherry", 10);
    let twice = run(&idx, "cherry CHERRY", 10);
    assert_eq!(once.len(), 2);
    for (a, b) in once.iter().zip(twice.iter()) {
        assert_eq!(a.0, b.0);
        assert!((b.1 - 2.0 * a.1).abs() < 1e-6);
    }
}

#[test]
fn ranking_ties_and_k() {
    let idx = index(simple_cfg(), &[("x", "same words here"), ("y", "other stuff"), ("z", "same words here")]);
    let got = run(&idx, "words", 10);
    assert_eq!(got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(), vec!["x", "z"]);
    assert_eq!(got[0].1, got[1].1);
    let top1 = run(&idx, "words", 1);
    assert_eq!(top1.len(), 1);
    assert_eq!(top1[0].0, "x");
    // k larger than the number of matches returns only matches.
    assert_eq!(run(&idx, "stuff", 1_000_000).len(), 1);
    // Partial selection agrees with a full sort.
    let many: Vec<(String, String)> = (0..200).map(|i| (format!("d{}", i), format!("w {}", "v ".repeat(i % 17)))).collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let big = index(simple_cfg(), &refs);
    let all = run(&big, "w", 1000);
    assert_eq!(all.len(), 200);
    for w in all.windows(2) {
        assert!(w[0].1 > w[1].1 || (w[0].1 == w[1].1 && big.ids().get(&w[0].0) < big.ids().get(&w[1].0)));
    }
    for k in [1, 5, 17, 100] {
        assert_eq!(run(&big, "w", k), all[..k].to_vec());
    }
}

#[test]
fn allow_list_filters() {
    let idx = index(simple_cfg(), &FRUIT);
    let d2 = idx.ids().get("d2").unwrap();
    let d3 = idx.ids().get("d3").unwrap();
    let h = idx.search("cherry apple", 10, Some(&[d3, d3, 999, u32::MAX, d2])).unwrap();
    assert_eq!(h.slots, vec![d3, d2]);
    assert!(idx.search("cherry", 10, Some(&[])).unwrap().slots.is_empty());
    let mut idx = idx;
    idx.remove(&["d3"]);
    let h = idx.search("cherry", 10, Some(&[d3, d2])).unwrap();
    assert_eq!(h.slots, vec![d2]);
}

#[test]
fn empty_and_unmatched_queries() {
    let idx = index(simple_cfg(), &FRUIT);
    assert_eq!(idx.search("", 10, None).unwrap(), Hits::default());
    assert_eq!(idx.search("  ,,, !!", 10, None).unwrap(), Hits::default());
    assert_eq!(idx.search("zebra", 10, None).unwrap(), Hits::default());
    let empty = KeywordIndex::new(Bm25Config::defaults()).unwrap();
    assert_eq!(empty.search("apple", 10, None).unwrap(), Hits::default());
    let stop_only = index(Bm25Config::defaults(), &[("a", "the and of")]);
    assert_eq!(stop_only.search("the", 3, None).unwrap(), Hits::default());
    assert_eq!(stop_only.len(), 1);
}

#[test]
fn upsert_replaces_existing_ids() {
    let mut idx = index(simple_cfg(), &FRUIT);
    let slots = idx.upsert(&["d1", "d4"], &["cherry pie", "apple"]).unwrap();
    assert_eq!(slots, vec![3, 4]);
    assert_eq!(idx.len(), 4);
    assert!(!idx.ids().is_live(0));
    let fresh = index(simple_cfg(), &[("d2", "banana cherry"), ("d3", "cherry cherry cherry date"), ("d1", "cherry pie"), ("d4", "apple")]);
    for q in ["apple", "cherry", "banana date pie", "apple cherry banana"] {
        assert_eq!(run(&idx, q, 10), run(&fresh, q, 10), "{}", q);
    }
}

#[test]
fn remove_equals_fresh_build() {
    let docs = [("A", "the quick brown fox"), ("B", "quick quick dogs and foxes"), ("C", "lazy brown dogs sleep")];
    let mut idx = index(Bm25Config::defaults(), &docs);
    assert_eq!(idx.remove(&["B", "nope"]), 1);
    assert_eq!(idx.remove(&["B"]), 0);
    let fresh = index(Bm25Config::defaults(), &[docs[0], docs[2]]);
    let queries = ["quick", "brown dogs", "fox", "lazy quick brown fox dogs", "sleep"];
    for q in queries {
        let (a, b) = (run(&idx, q, 10), run(&fresh, q, 10));
        assert!(!b.is_empty());
        // Bit-identical scores, not just close.
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b.iter()) {
            assert_eq!(x.0, y.0);
            assert_eq!(x.1.to_bits(), y.1.to_bits(), "{}", q);
        }
    }
    // Compaction renumbers slots but keeps results; so does a snapshot round trip.
    let before: Vec<_> = queries.iter().map(|q| run(&idx, q, 10)).collect();
    let mem_before = idx.memory_bytes();
    idx.compact();
    assert_eq!(idx.ids().slot_count(), 2);
    assert!(idx.memory_bytes() < mem_before);
    let after: Vec<_> = queries.iter().map(|q| run(&idx, q, 10)).collect();
    assert_eq!(before, after);
    let loaded = KeywordIndex::load(&idx.save()).unwrap();
    let again: Vec<_> = queries.iter().map(|q| run(&loaded, q, 10)).collect();
    assert_eq!(before, again);
    // Removing everything leaves an index that answers nothing.
    idx.remove(&["A", "C"]);
    assert_eq!(idx.len(), 0);
    assert_eq!(idx.search("quick", 5, None).unwrap(), Hits::default());
    let mem_full = idx.memory_bytes();
    idx.compact();
    assert_eq!(idx.ids().slot_count(), 0);
    assert!(idx.memory_bytes() < mem_full);
}

#[test]
fn multilingual_search() {
    let idx = index(
        Bm25Config::defaults(),
        &[
            ("zh", "北京是中国的首都"),
            ("ja", "東京タワーに行きました"),
            ("fr", "La crème brûlée est délicieuse"),
            ("en", "Running runners run quickly"),
        ],
    );
    assert_eq!(run(&idx, "中国首都", 5)[0].0, "zh");
    assert_eq!(run(&idx, "東京", 5)[0].0, "ja");
    assert_eq!(run(&idx, "タワー", 5)[0].0, "ja");
    assert_eq!(run(&idx, "creme brulee", 5)[0].0, "fr");
    assert_eq!(run(&idx, "run", 5)[0].0, "en");
}

#[test]
fn every_error_code() {
    for (k1, b) in [(-0.1f32, 0.5f32), (10.5, 0.5), (f32::NAN, 0.5), (f32::INFINITY, 0.5), (1.0, -0.01), (1.0, 1.01), (1.0, f32::NAN)] {
        let cfg = Bm25Config { k1, b, ..Bm25Config::defaults() };
        assert_eq!(KeywordIndex::new(cfg).err().unwrap().code, Code::InvalidArgument, "{} {}", k1, b);
    }
    for (k1, b) in [(0.0f32, 0.0f32), (10.0, 1.0)] {
        let idx = index(Bm25Config { k1, b, ..Bm25Config::defaults() }, &FRUIT);
        assert_eq!(run(&idx, "apple", 3).len(), 1);
    }

    let mut idx = index(simple_cfg(), &FRUIT);
    let before = run(&idx, "apple cherry banana", 10);
    let long_id = "x".repeat(crate::idmap::MAX_ID_BYTES + 1);
    let cases: Vec<(Vec<&str>, Vec<&str>, Code)> = vec![
        (vec!["a", "b"], vec!["x"], Code::InvalidArgument),
        (vec!["ok", ""], vec!["x", "y"], Code::EmptyId),
        (vec!["d1", "z", "d1"], vec!["x", "y", "z"], Code::DuplicateId),
        (vec![long_id.as_str()], vec!["x"], Code::InvalidArgument),
    ];
    for (ids, texts, code) in cases {
        assert_eq!(idx.upsert(&ids, &texts).err().unwrap().code, code);
        // Atomic: nothing changed.
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.ids().slot_count(), 3);
        assert_eq!(run(&idx, "apple cherry banana", 10), before);
    }
    assert_eq!(idx.upsert(&[], &[]).unwrap(), Vec::<u32>::new());
    // More than 4 GiB of text in one batch (one 1 MiB string referenced 4,100 times; rejected
    // before any of it is read).
    let mib = "a ".repeat(512 * 1024);
    let many_ids: Vec<String> = (0..4100).map(|i| format!("big{}", i)).collect();
    let many_refs: Vec<&str> = many_ids.iter().map(|s| s.as_str()).collect();
    let many_texts: Vec<&str> = vec![mib.as_str(); 4100];
    assert_eq!(idx.upsert(&many_refs, &many_texts).err().unwrap().code, Code::TooLarge);
    assert_eq!(idx.len(), 3);

    assert_eq!(idx.search("apple", 0, None).err().unwrap().code, Code::InvalidK);
    assert_eq!(idx.search("apple", 1_000_001, None).err().unwrap().code, Code::InvalidK);
    assert_eq!(idx.search("", 0, None).err().unwrap().code, Code::InvalidK);
    assert!(idx.search("apple", 1_000_000, None).is_ok());

    assert_eq!(KeywordIndex::load(b"garbage").err().unwrap().code, Code::SnapshotCorrupt);
    let other_kind = SnapshotWriter::new(KIND_VECTOR).finish();
    assert_eq!(KeywordIndex::load(&other_kind).err().unwrap().code, Code::SnapshotKind);
}

// ---------------------------------------------------------------- snapshots

fn sample_index() -> KeywordIndex {
    let mut idx = index(
        Bm25Config { k1: 1.5, b: 0.6, ..Bm25Config::defaults() },
        &[
            ("a", "Search engines rank documents"),
            ("b", "BM25 ranks documents by terms"),
            ("c", "東京の検索エンジン"),
            ("d", "Crème brûlée"),
        ],
    );
    idx.upsert(&["b"], &["BM25 ranking with term frequencies"]).unwrap();
    idx.remove(&["d"]);
    idx
}

#[test]
fn snapshot_round_trip_is_identical() {
    let idx = sample_index();
    let bytes = idx.save();
    let back = KeywordIndex::load(&bytes).unwrap();
    assert_eq!(back.config(), idx.config());
    assert_eq!(back.len(), idx.len());
    assert_eq!(back.ids().slot_count(), idx.ids().slot_count());
    for s in 0..idx.ids().slot_count() as u32 {
        assert_eq!(back.ids().id_of(s), idx.ids().id_of(s));
    }
    for q in ["documents", "rank search", "ranking term", "検索", "creme", "bm25 東京"] {
        let (a, b) = (idx.search(q, 10, None).unwrap(), back.search(q, 10, None).unwrap());
        assert_eq!(a, b, "{}", q);
    }
    // Saving the loaded index gives the same bytes (canonical form).
    assert_eq!(back.save(), bytes);
    // Upserts keep working after a load.
    let mut back = back;
    back.upsert(&["e"], &["documents again"]).unwrap();
    assert_eq!(back.search("documents", 10, None).unwrap().slots.len(), 2);
}

#[test]
fn snapshot_rejects_truncation_and_bit_flips() {
    let bytes = sample_index().save();
    for n in 0..bytes.len() {
        assert!(KeywordIndex::load(&bytes[..n]).is_err(), "truncated at {}", n);
    }
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            assert!(KeywordIndex::load(&b).is_err(), "flip at {}", i);
        }
    }
}

/// Corruptions with a valid checksum reach the keyword parser: it must reject or accept them
/// without panicking, and reject the ones that break invariants.
#[test]
fn snapshot_validates_content_behind_a_valid_checksum() {
    let bytes = sample_index().save();
    let reseal = |b: &mut Vec<u8>| {
        let body = b.len() - 8;
        let sum = checksum(&b[..body]);
        b[body..].copy_from_slice(&sum.to_le_bytes());
    };
    let mut seed = 0x9E37_79B9u64;
    for i in 24..bytes.len() - 8 {
        for _ in 0..3 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mut b = bytes.clone();
            b[i] = (seed >> 33) as u8;
            reseal(&mut b);
            if let Ok(idx) = KeywordIndex::load(&b) {
                // Whatever loads must be usable.
                let _ = idx.search("documents ranking", 5, None).unwrap();
                let _ = idx.save();
            }
        }
    }
    // Analyzer version mismatch is a version error.
    let cfg_off = u64::from_le_bytes(bytes[32..40].try_into().unwrap()) as usize; // first section = config
    let mut b = bytes.clone();
    b[cfg_off] = 99;
    reseal(&mut b);
    assert_eq!(KeywordIndex::load(&b).err().unwrap().code, Code::SnapshotVersion);
    // Out-of-range k1 is corrupt.
    let mut b = bytes.clone();
    b[cfg_off + 4..cfg_off + 8].copy_from_slice(&(-1.0f32).to_le_bytes());
    reseal(&mut b);
    assert_eq!(KeywordIndex::load(&b).err().unwrap().code, Code::SnapshotCorrupt);
    // A document length that disagrees with the postings is corrupt (last section = lengths).
    let mut b = bytes.clone();
    let lens_entry = 24 + 4 * 24;
    let lens_off = u64::from_le_bytes(b[lens_entry + 8..lens_entry + 16].try_into().unwrap()) as usize;
    b[lens_off + 8] ^= 1;
    reseal(&mut b);
    assert_eq!(KeywordIndex::load(&b).err().unwrap().code, Code::SnapshotCorrupt);
}

/// The indexer memoises word analysis per batch; what it stores must be exactly `tokenize`.
#[test]
fn indexed_terms_equal_tokenize() {
    let texts = [
        "The runners were running; a runner runs. Don't RUN! John's runs'",
        "running runs the of and 東京タワー 東京 naïve NAÏVE naive",
        &"x".repeat(80),
        "runs running Running RUNNING's ﬁnance",
    ];
    for bits in [31u32, 0, 1, 3, 7, 15, 23, 27, 29, 30] {
        let opts = TokenizerOptions::from_bits(bits).unwrap();
        let mut idx = KeywordIndex::new(Bm25Config { tokenizer: opts, ..Bm25Config::defaults() }).unwrap();
        let ids: Vec<String> = (0..texts.len()).map(|i| i.to_string()).collect();
        let id_refs: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let slots = idx.upsert(&id_refs, &texts).unwrap();
        let names: Vec<String> = (0..idx.postings.len() as u32).map(|t| idx.vocab.resolve(t).unwrap().to_string()).collect();
        for (&slot, text) in slots.iter().zip(texts.iter()) {
            let mut want: Vec<(String, u32)> = Vec::new();
            for t in tokenize(text, &opts) {
                match want.iter_mut().find(|w| w.0 == t) {
                    Some(w) => w.1 += 1,
                    None => want.push((t, 1)),
                }
            }
            let mut got: Vec<(String, u32)> = Vec::new();
            for (tid, list) in idx.postings.iter().enumerate() {
                for p in list.iter().filter(|p| p.slot == slot) {
                    got.push((names[tid].clone(), p.tf));
                }
            }
            want.sort();
            got.sort();
            assert_eq!(got, want, "options {} text {:?}", bits, text);
            assert_eq!(idx.doc_len[slot as usize] as usize, tokenize(text, &opts).len());
        }
    }
}
