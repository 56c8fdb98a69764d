use super::detmath;
use super::hash::{bucket, fmix32, fnv1a, FNV_OFFSET};
use super::lexical::*;
use crate::error::Code;
use crate::keyword::TokenizerOptions;

fn cos(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}

fn norm(a: &[f32]) -> f64 {
    cos(a, a).sqrt()
}

fn e(text: &str) -> Vec<f32> {
    embed(text, &LexicalOptions::default()).unwrap()
}

#[test]
fn fnv_and_fmix_match_reference_values() {
    // FNV-1a 32 reference vectors (Fowler/Noll/Vo test suite).
    assert_eq!(fnv1a(FNV_OFFSET, b""), 0x811C9DC5);
    assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xE40C292C);
    assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0xBF9CF968);
    // fmix32 is murmur3's finaliser: 0 is a fixed point, and it is a bijection (spot check).
    assert_eq!(fmix32(0), 0);
    assert_ne!(fmix32(1), fmix32(2));
    assert_eq!(bucket(0, 384), 0);
    assert_eq!(bucket(u32::MAX, 384), 383);
}

#[test]
fn deterministic_ln_matches_std_closely() {
    for tf in 1..5000u32 {
        let a = detmath::ln(tf as f64);
        let b = (tf as f64).ln();
        assert!((a - b).abs() <= 1e-14 * b.max(1.0), "tf={} {} vs {}", tf, a, b);
    }
    assert_eq!(detmath::sublinear_tf(1), 1.0);
    assert!((detmath::sublinear_tf(10) - (1.0 + 10f64.ln())).abs() < 1e-14);
}

#[test]
fn deterministic_and_unit_length() {
    for t in ["hello world", "The quick brown fox jumps over the lazy dog.", "Ünïcödé façade naïve", "我们今天学习机器学习", "x"] {
        let a = e(t);
        let b = e(t);
        assert_eq!(a, b);
        assert_eq!(a.len(), DEFAULT_DIMENSIONS);
        assert!((norm(&a) - 1.0).abs() < 1e-5, "{}: {}", t, norm(&a));
        assert!(a.iter().all(|x| x.is_finite()));
    }
    // Reusing one embedder gives the same result as a fresh one (scratch is reset).
    let mut emb = LexicalEmbedder::new(LexicalOptions::default()).unwrap();
    let mut out = vec![0.0; DEFAULT_DIMENSIONS];
    emb.embed_into("some long text about cats and dogs and mats", &mut out).unwrap();
    emb.embed_into("hello world", &mut out).unwrap();
    assert_eq!(out, e("hello world"));
}

#[test]
fn similar_texts_are_closer_than_unrelated() {
    let a = e("How do I resume a paused workflow after a crash?");
    let b = e("Resuming workflows that were paused or crashed");
    let c = e("The recipe needs two eggs, flour and sugar.");
    assert!(cos(&a, &b) > 0.3, "{}", cos(&a, &b));
    assert!(cos(&a, &b) > cos(&a, &c) + 0.2, "{} vs {}", cos(&a, &b), cos(&a, &c));
    // Char n-grams catch a typo that unigrams miss.
    let t1 = e("retrieval augmented generation");
    let t2 = e("retreival augmnted generation");
    let t3 = e("volcanic eruptions in iceland");
    assert!(cos(&t1, &t2) > 0.3 && cos(&t1, &t2) > cos(&t1, &t3) + 0.3);
    // Stemming: inflections match.
    assert!(cos(&e("running cats"), &e("cat runs")) > 0.5);
    // Bigrams make word order matter a little.
    let ab = e("dog bites man");
    let ba = e("man bites dog");
    assert!(cos(&ab, &ba) < 0.999 && cos(&ab, &ba) > 0.6, "{}", cos(&ab, &ba));
}

#[test]
fn case_and_accents_are_folded() {
    assert_eq!(e("Café NOËL"), e("cafe noel"));
}

#[test]
fn empty_and_featureless_texts_give_the_reserved_unit_vector() {
    let z = e("");
    assert_eq!(z.iter().filter(|&&x| x != 0.0).count(), 1);
    assert!((norm(&z) - 1.0).abs() < 1e-6);
    assert_eq!(e("   \n\t "), z);
    assert_eq!(e("?!... ---"), z);
    assert_eq!(e("the and of"), z); // only stop words
    assert!(cos(&z, &e("hello")).abs() < 0.5);
}

#[test]
fn dimensions_option() {
    for d in [MIN_DIMENSIONS, 256, 384, 1000, 1024, MAX_DIMENSIONS] {
        let o = LexicalOptions { dimensions: d, ..Default::default() };
        let v = embed("dimension check text", &o).unwrap();
        assert_eq!(v.len(), d);
        assert!((norm(&v) - 1.0).abs() < 1e-5);
    }
    for d in [0, 1, MIN_DIMENSIONS - 1, MAX_DIMENSIONS + 1] {
        let o = LexicalOptions { dimensions: d, ..Default::default() };
        assert_eq!(embed("x", &o).unwrap_err().code, Code::InvalidArgument);
    }
    let mut emb = LexicalEmbedder::new(LexicalOptions::default()).unwrap();
    assert_eq!(emb.embed_into("x", &mut [0.0; 10]).unwrap_err().code, Code::DimensionMismatch);
}

#[test]
fn unicode_and_cjk() {
    let zh1 = e("我们今天学习机器学习和自然语言处理");
    let zh2 = e("自然语言处理很有趣");
    let ja = e("東京は日本の首都です");
    assert!(cos(&zh1, &zh2) > cos(&zh1, &ja) + 0.1, "{} {}", cos(&zh1, &zh2), cos(&zh1, &ja));
    let ru1 = e("Москва — столица России");
    let ru2 = e("столица России Москва");
    assert!(cos(&ru1, &ru2) > 0.8);
    // Emoji, combining marks and lone surrogate-free odd chars never break anything.
    let v = e("👍🏽 e\u{301}te\u{301} \u{200d} ﷽ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢");
    assert!((norm(&v) - 1.0).abs() < 1e-5);
}

#[test]
fn long_text() {
    let para = "Lumos indexes documents, chunks them and retrieves passages with BM25 and vectors. ";
    let long: String = para.repeat(5000) + "unique tail words";
    let v = e(&long);
    assert!((norm(&v) - 1.0).abs() < 1e-5);
    // Sublinear tf: the long repeated text stays close to one copy of it.
    assert!(cos(&v, &e(para)) > 0.9);
    let huge_word = "a".repeat(100_000);
    assert!((norm(&e(&huge_word)) - 1.0).abs() < 1e-5);
}

#[test]
fn family_switches_change_the_vector() {
    let base = LexicalOptions::default();
    let t = "word bigrams and character ngrams";
    let all = embed(t, &base).unwrap();
    let no_bi = embed(t, &LexicalOptions { word_bigrams: false, ..base }).unwrap();
    let no_ch = embed(t, &LexicalOptions { char_ngrams: false, ..base }).unwrap();
    let raw = embed("Running", &LexicalOptions { tokenizer: TokenizerOptions { stem: false, ..Default::default() }, ..base }).unwrap();
    assert_ne!(all, no_bi);
    assert_ne!(all, no_ch);
    assert_ne!(raw, embed("Running", &base).unwrap());
    // Unigrams only: a single word is exactly one signed basis vector.
    let one = embed("zebra", &LexicalOptions { word_bigrams: false, char_ngrams: false, ..base }).unwrap();
    assert_eq!(one.iter().filter(|&&x| x != 0.0).count(), 1);
    assert_eq!(one.iter().map(|x| x.abs()).fold(0.0f32, f32::max), 1.0);
}

#[test]
fn unigram_bucket_and_sign_follow_the_documented_hash() {
    // Oracle: "zebra" with unigrams only sits at bucket(fmix32(fnv1a("zebra") ^ seed)).
    let o = LexicalOptions { word_bigrams: false, char_ngrams: false, ..Default::default() };
    let v = embed("zebra", &o).unwrap();
    let h = fmix32(fnv1a(FNV_OFFSET, b"zebra") ^ 0x5EED_0001);
    let i = bucket(h, o.dimensions);
    assert_eq!(v[i], if h & 1 == 0 { 1.0 } else { -1.0 });
    // tf weighting: "zebra zebra zebra lion" -> weights (1 + ln 3) and 1, unless they collide.
    let v = embed("zebra zebra zebra lion", &o).unwrap();
    let h2 = fmix32(fnv1a(FNV_OFFSET, b"lion") ^ 0x5EED_0001);
    let j = bucket(h2, o.dimensions);
    assert_ne!(i, j);
    let ratio = (v[i] / v[j]).abs() as f64;
    assert!((ratio - (1.0 + 3f64.ln())).abs() < 1e-5, "{}", ratio);
}

#[test]
fn batch_matches_single_and_checks_size() {
    let texts = ["one", "", "two words", "我们"];
    let o = LexicalOptions::default();
    let flat = embed_batch(&texts, &o).unwrap();
    assert_eq!(flat.len(), 4 * o.dimensions);
    for (i, t) in texts.iter().enumerate() {
        assert_eq!(&flat[i * o.dimensions..(i + 1) * o.dimensions], &embed(t, &o).unwrap()[..]);
    }
    assert!(embed_batch(&[], &o).unwrap().is_empty());
    let many = vec!["x"; MAX_OUTPUT_FLOATS / MAX_DIMENSIONS + 1];
    let big = LexicalOptions { dimensions: MAX_DIMENSIONS, ..o };
    assert_eq!(embed_batch(&many, &big).unwrap_err().code, Code::TooLarge);
}

/// Golden values: these pin the exact output (hash, weights, tf, normalisation). The same
/// numbers are checked against the wasm build in test/unit/lexical-embedder.test.ts, which is
/// what proves native == wasm. Changing them is a breaking change for stored vectors.
#[test]
fn golden_values() {
    // (nonzero count, FNV-1a over the little-endian bytes of every f32, first 3 nonzero (index, bits))
    let golden = |t: &str, d: usize| -> (usize, u32, Vec<(usize, u32)>) {
        let v = embed(t, &LexicalOptions { dimensions: d, ..Default::default() }).unwrap();
        let mut h = FNV_OFFSET;
        for x in &v {
            h = fnv1a(h, &x.to_bits().to_le_bytes());
        }
        let nz: Vec<(usize, u32)> = v.iter().enumerate().filter(|(_, x)| **x != 0.0).map(|(i, x)| (i, x.to_bits())).collect();
        (nz.len(), h, nz.into_iter().take(3).collect())
    };
    let a = golden("hello world", 512);
    let b = golden("Retrieval-augmented generation: Ünïcödé 我们今天 (2024)", 256);
    let c = golden("", 512);
    assert_eq!(a, (21, 3738864740, vec![(4, 3190296472), (7, 3190296472), (41, 3190296472)]));
    assert_eq!(b, (64, 2216054702, vec![(12, 1034863110), (16, 1034863110), (17, 1034863110)]));
    assert_eq!(c, (1, 2798744360, vec![(195, 3212836864)]));
}
