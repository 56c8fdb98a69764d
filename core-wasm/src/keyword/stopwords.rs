//! English stop words, matched after lowercasing/folding and before stemming (Lucene order).
//! Both lists are sorted byte-wise so lookups are a binary search with no allocation.

/// Lucene's classic English stop set (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`), used by Pyserini.
#[rustfmt::skip]
pub const CLASSIC: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
    "this", "to", "was", "will", "with",
];

/// The Snowball English stop list (174 words, including contractions).
#[rustfmt::skip]
pub const SNOWBALL: [&str; 174] = [
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't",
    "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "had", "hadn't",
    "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here",
    "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm",
    "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "let's", "me", "more",
    "most", "mustn't", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or",
    "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shan't", "she",
    "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that",
    "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these",
    "they", "they'd", "they'll", "they're", "they've", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've",
    "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which", "while",
    "who", "who's", "whom", "why", "why's", "with", "won't", "would", "wouldn't", "you", "you'd",
    "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves",
];

/// The list `TokenizerOptions::stop_words` uses (chosen by measuring nDCG@10 on ArguAna).
#[allow(dead_code)]
pub const ACTIVE: &[&str] = &SNOWBALL;
const ACTIVE_KEYS: &[u128] = &SNOWBALL_KEYS;
#[allow(dead_code)]
const CLASSIC_KEYS: [u128; 33] = pack_all(CLASSIC);
const SNOWBALL_KEYS: [u128; 174] = pack_all(SNOWBALL);

/// Words are at most 16 bytes, so each packs big-endian into a u128 whose numeric order is the
/// byte order: a lookup is one pack plus a binary search over integers (no string compares).
const fn pack(w: &[u8]) -> u128 {
    let mut k: u128 = 0;
    let mut i = 0;
    while i < 16 {
        k <<= 8;
        if i < w.len() {
            k |= w[i] as u128;
        }
        i += 1;
    }
    k
}

const fn pack_all<const N: usize>(words: [&str; N]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = pack(words[i].as_bytes());
        i += 1;
    }
    out
}

/// Longest word in either list ("yourselves"); longer words skip the lookup.
const MAX_LEN: usize = 10;

pub fn is_stop_word(word: &[u8]) -> bool {
    if word.is_empty() || word.len() > MAX_LEN {
        return false;
    }
    let mut buf = [0u8; 16];
    buf[..word.len()].copy_from_slice(word);
    ACTIVE_KEYS.binary_search(&u128::from_be_bytes(buf)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_unique() {
        for list in [&CLASSIC[..], &SNOWBALL[..]] {
            for w in list.iter() {
                assert!(w.len() <= MAX_LEN);
            }
            for w in list.windows(2) {
                assert!(w[0] < w[1], "{} !< {}", w[0], w[1]);
            }
        }
        for w in CLASSIC.iter() {
            if *w != "will" {
                assert!(SNOWBALL.binary_search(w).is_ok(), "{}", w);
            }
        }
    }

    #[test]
    fn lookups() {
        for w in ACTIVE.iter() {
            assert!(w.len() <= MAX_LEN);
            assert!(is_stop_word(w.as_bytes()), "{}", w);
            let mut longer = w.to_string();
            longer.push('x');
            assert!(!is_stop_word(longer.as_bytes()) || ACTIVE.contains(&longer.as_str()), "{}", longer);
        }
        assert_eq!(ACTIVE_KEYS.len(), ACTIVE.len());
        assert!(is_stop_word(b"the"));
        assert!(is_stop_word(b"a"));
        assert!(is_stop_word(b"don't"));
        assert!(!is_stop_word(b"lumos"));
        assert!(!is_stop_word(b"The"));
        assert!(!is_stop_word(b"th"));
        assert!(!is_stop_word(b""));
        assert!(!is_stop_word(b"yourselvesyourselves"));
    }
}
