//! The Porter (1980) stemmer, following Martin Porter's reference implementation as shipped in
//! Lucene's `PorterStemmer`/`PorterStemFilter` (including its two documented departures from the
//! paper: -bli -> -ble and -logi -> -log, and leaving words of one or two letters alone).
//!
//! Works on a fixed 64-byte buffer with precomputed consonant flags (cheap `m()`), and writes
//! back only the changed suffix. Callers pass any word; only 3..=64 bytes of ASCII `a-z` are
//! stemmed, everything else is left unchanged. Indexes are signed because the reference
//! algorithm lets `j` reach -1; all accesses are bounds-checked, so no input can panic.

const CAP: usize = 64;

/// Stems `word` in place if it is 3..=64 bytes of ASCII `a-z`; otherwise leaves it unchanged.
pub fn stem_in_place(word: &mut String) {
    let bytes = word.as_bytes();
    if bytes.len() <= 2 || bytes.len() > CAP || !bytes.iter().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    let mut s = Stemmer { b: [0; CAP], cons: [false; CAP], len: bytes.len(), j: 0, dirty: bytes.len() };
    s.b[..bytes.len()].copy_from_slice(bytes);
    s.flags_from(0);
    s.step1ab();
    s.step1c();
    s.step2();
    s.step3();
    s.step4();
    s.step5();
    // Rewrite only what changed (the word is ASCII, so every byte index is a char boundary).
    let keep = s.dirty.min(s.len);
    word.truncate(keep);
    for &c in s.b.get(keep..s.len).unwrap_or(&[]) {
        word.push(c as char);
    }
}

/// Convenience wrapper over `stem_in_place`.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    stem_in_place(&mut w);
    w
}

struct Stemmer {
    /// The current word is `b[..len]`; `k` of the reference code is `len - 1`.
    b: [u8; CAP],
    /// `cons[i]`: b[i] is a consonant ('y' counts as one at the start or after a vowel).
    cons: [bool; CAP],
    len: usize,
    /// End of the stem before a matched suffix (may be -1).
    j: isize,
    /// Lowest index written since the start (for the write-back).
    dirty: usize,
}

impl Stemmer {
    fn k(&self) -> isize {
        self.len as isize - 1
    }

    fn at(&self, i: isize) -> u8 {
        if i < 0 || i as usize >= self.len {
            return 0;
        }
        self.b[i as usize]
    }

    fn is_cons(&self, i: isize) -> bool {
        if i < 0 || i as usize >= self.len {
            return true;
        }
        self.cons[i as usize]
    }

    fn flags_from(&mut self, from: usize) {
        for i in from..self.len.min(CAP) {
            self.cons[i] = match self.b[i] {
                b'a' | b'e' | b'i' | b'o' | b'u' => false,
                b'y' => i == 0 || !self.cons[i - 1],
                _ => true,
            };
        }
    }

    /// Number of VC sequences in b[0..=j]: each vowel followed by a consonant starts one.
    fn m(&self) -> usize {
        let end = (self.j + 1).max(0) as usize;
        let end = end.min(self.len);
        let mut n = 0;
        for i in 1..end {
            if self.cons[i] && !self.cons[i - 1] {
                n += 1;
            }
        }
        n
    }

    fn vowel_in_stem(&self) -> bool {
        let end = ((self.j + 1).max(0) as usize).min(self.len);
        self.cons[..end].iter().any(|&c| !c)
    }

    fn double_c(&self, j: isize) -> bool {
        j >= 1 && self.at(j) == self.at(j - 1) && self.is_cons(j)
    }

    /// consonant-vowel-consonant ending at i, where the last consonant is not w, x or y.
    fn cvc(&self, i: isize) -> bool {
        if i < 2 || !self.is_cons(i) || self.is_cons(i - 1) || !self.is_cons(i - 2) {
            return false;
        }
        !matches!(self.at(i), b'w' | b'x' | b'y')
    }

    fn ends(&mut self, s: &[u8]) -> bool {
        if s.len() > self.len {
            return false;
        }
        let start = self.len - s.len();
        // Compare from the last byte: most candidates fail there.
        for (i, &c) in s.iter().enumerate().rev() {
            if self.b[start + i] != c {
                return false;
            }
        }
        self.j = start as isize - 1;
        true
    }

    fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            self.dirty = self.dirty.min(len);
        }
    }

    /// Replaces b[j+1..] by s.
    fn set_to(&mut self, s: &[u8]) {
        let from = (self.j + 1).max(0) as usize;
        if from + s.len() > CAP || from > self.len {
            return;
        }
        self.b[from..from + s.len()].copy_from_slice(s);
        self.len = from + s.len();
        self.dirty = self.dirty.min(from);
        self.flags_from(from);
    }

    fn r(&mut self, s: &[u8]) {
        if self.m() > 0 {
            self.set_to(s);
        }
    }

    /// Plurals and -ed/-ing: caresses -> caress, ponies -> poni, meetings -> meet, hopping -> hop.
    fn step1ab(&mut self) {
        if self.at(self.k()) == b's' {
            if self.ends(b"sses") {
                self.truncate(self.len - 2);
            } else if self.ends(b"ies") {
                self.set_to(b"i");
            } else if self.at(self.k() - 1) != b's' {
                self.truncate(self.len - 1);
            }
        }
        if self.ends(b"eed") {
            if self.m() > 0 {
                self.truncate(self.len - 1);
            }
        } else if (self.ends(b"ed") || self.ends(b"ing")) && self.vowel_in_stem() {
            self.truncate((self.j + 1).max(0) as usize);
            if self.ends(b"at") {
                self.set_to(b"ate");
            } else if self.ends(b"bl") {
                self.set_to(b"ble");
            } else if self.ends(b"iz") {
                self.set_to(b"ize");
            } else if self.double_c(self.k()) {
                if !matches!(self.at(self.k()), b'l' | b's' | b'z') {
                    self.truncate(self.len - 1);
                }
            } else if self.m() == 1 && self.cvc(self.k()) {
                self.set_to(b"e");
            }
        }
    }

    /// Terminal y -> i when the stem has a vowel: happy -> happi, sky -> sky.
    fn step1c(&mut self) {
        if self.ends(b"y") && self.vowel_in_stem() {
            self.set_to(b"i");
        }
    }

    /// Double suffixes to single ones when m > 0: -ization -> -ize, -ational -> -ate, ...
    fn step2(&mut self) {
        if self.k() <= 0 {
            return;
        }
        let rules: &[(&[u8], &[u8])] = match self.at(self.k() - 1) {
            b'a' => &[(b"ational", b"ate"), (b"tional", b"tion")],
            b'c' => &[(b"enci", b"ence"), (b"anci", b"ance")],
            b'e' => &[(b"izer", b"ize")],
            b'l' => &[(b"bli", b"ble"), (b"alli", b"al"), (b"entli", b"ent"), (b"eli", b"e"), (b"ousli", b"ous")],
            b'o' => &[(b"ization", b"ize"), (b"ation", b"ate"), (b"ator", b"ate")],
            b's' => &[(b"alism", b"al"), (b"iveness", b"ive"), (b"fulness", b"ful"), (b"ousness", b"ous")],
            b't' => &[(b"aliti", b"al"), (b"iviti", b"ive"), (b"biliti", b"ble")],
            b'g' => &[(b"logi", b"log")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    /// -ic-, -full, -ness etc. when m > 0.
    fn step3(&mut self) {
        let rules: &[(&[u8], &[u8])] = match self.at(self.k()) {
            b'e' => &[(b"icate", b"ic"), (b"ative", b""), (b"alize", b"al")],
            b'i' => &[(b"iciti", b"ic")],
            b'l' => &[(b"ical", b"ic"), (b"ful", b"")],
            b's' => &[(b"ness", b"")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    /// Applies the first rule whose suffix matches (the reference `break`s after a match even
    /// when m() = 0 leaves the word unchanged).
    fn first_rule(&mut self, rules: &[(&[u8], &[u8])]) {
        for &(suffix, replacement) in rules {
            if self.ends(suffix) {
                self.r(replacement);
                return;
            }
        }
    }

    /// Removes -ant, -ence, ... in context <c>vcvc<v> (m > 1).
    fn step4(&mut self) {
        if self.k() <= 0 {
            return;
        }
        let matched = match self.at(self.k() - 1) {
            b'a' => self.ends(b"al"),
            b'c' => self.ends(b"ance") || self.ends(b"ence"),
            b'e' => self.ends(b"er"),
            b'i' => self.ends(b"ic"),
            b'l' => self.ends(b"able") || self.ends(b"ible"),
            b'n' => self.ends(b"ant") || self.ends(b"ement") || self.ends(b"ment") || self.ends(b"ent"),
            b'o' => (self.ends(b"ion") && self.j >= 0 && matches!(self.at(self.j), b's' | b't')) || self.ends(b"ou"),
            b's' => self.ends(b"ism"),
            b't' => self.ends(b"ate") || self.ends(b"iti"),
            b'u' => self.ends(b"ous"),
            b'v' => self.ends(b"ive"),
            b'z' => self.ends(b"ize"),
            _ => false,
        };
        if matched && self.m() > 1 {
            self.truncate((self.j + 1).max(0) as usize);
        }
    }

    /// Removes a final -e if m > 1 (or m = 1 and not *o), and -ll -> -l if m > 1.
    fn step5(&mut self) {
        self.j = self.k();
        if self.at(self.k()) == b'e' {
            let a = self.m();
            if a > 1 || (a == 1 && !self.cvc(self.k() - 1)) {
                self.truncate(self.len - 1);
            }
        }
        if self.at(self.k()) == b'l' && self.double_c(self.k()) && self.m() > 1 {
            self.truncate(self.len - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_pairs() {
        let pairs = [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "ti"),
            ("caress", "caress"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("bled", "bled"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("conflated", "conflat"),
            ("troubled", "troubl"),
            ("sized", "size"),
            ("hopping", "hop"),
            ("tanned", "tan"),
            ("falling", "fall"),
            ("hissing", "hiss"),
            ("fizzed", "fizz"),
            ("failing", "fail"),
            ("filing", "file"),
            ("happy", "happi"),
            ("sky", "sky"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("rational", "ration"),
            ("digitizer", "digit"),
            ("generalization", "gener"),
            ("generalizations", "gener"),
            ("oscillators", "oscil"),
            ("hopeful", "hope"),
            ("goodness", "good"),
            ("hopefulness", "hope"),
            ("triplicate", "triplic"),
            ("formative", "form"),
            ("electrical", "electr"),
            ("allowance", "allow"),
            ("inference", "infer"),
            ("airliner", "airlin"),
            ("adjustable", "adjust"),
            ("replacement", "replac"),
            ("adoption", "adopt"),
            ("communism", "commun"),
            ("effective", "effect"),
            ("controlling", "control"),
            ("rolling", "roll"),
            ("probate", "probat"),
            ("cease", "ceas"),
            ("meetings", "meet"),
            ("analogous", "analog"),
            ("archaeology", "archaeolog"),
            ("sensibility", "sensibl"),
            ("is", "is"),
            ("as", "as"),
            ("a", "a"),
            ("ion", "ion"),
            ("aed", "a"),
            ("eed", "eed"),
            ("yyy", "yyi"),
        ];
        let mut bad = Vec::new();
        for (w, want) in pairs.iter() {
            let got = stem(w);
            if got != *want {
                bad.push(format!("{} -> {} (want {})", w, got, want));
            }
        }
        assert!(bad.is_empty(), "{:?}", bad);
    }

    #[test]
    fn leaves_non_ascii_lowercase_words_alone() {
        let long = "a".repeat(65) + "ing";
        for w in ["Running", "café", "don't", "covid19", "", "ab", "RUNNING", long.as_str()] {
            assert_eq!(stem(w), w);
        }
    }

    #[test]
    fn never_panics_on_letter_soup() {
        // Every word of length <= 5 over an alphabet that exercises vowels, y and suffix letters.
        let alphabet = b"aeiysltnbzo";
        let mut word = String::new();
        fn rec(word: &mut String, alphabet: &[u8], depth: usize) {
            let mut w = word.clone();
            stem_in_place(&mut w);
            assert!(w.len() <= word.len() && w.bytes().all(|b| b.is_ascii_lowercase()));
            if depth == 0 {
                return;
            }
            for &c in alphabet {
                word.push(c as char);
                rec(word, alphabet, depth - 1);
                word.pop();
            }
        }
        rec(&mut word, alphabet, 5);
    }

    /// The reference vocabulary (voc.txt / output.txt from Martin Porter's page), if present.
    #[test]
    #[ignore]
    fn reference_vocabulary() {
        let dir = std::env::var("LUMOS_PORTER_DIR").unwrap_or_else(|_| "/tmp/porter".to_string());
        let (voc, out) = match (std::fs::read_to_string(format!("{}/voc.txt", dir)), std::fs::read_to_string(format!("{}/output.txt", dir)))
        {
            (Ok(a), Ok(b)) => (a, b),
            _ => {
                println!("skipping: {}/voc.txt and output.txt not found", dir);
                return;
            }
        };
        let mut n = 0;
        let mut bad = Vec::new();
        for (w, want) in voc.lines().zip(out.lines()) {
            n += 1;
            let got = stem(w.trim());
            if got != want.trim() {
                bad.push(format!("{} -> {} (want {})", w, got, want));
            }
        }
        println!("porter reference: {} words, {} mismatches", n, bad.len());
        assert!(bad.is_empty(), "{:?}", &bad[..bad.len().min(20)]);
    }
}
