//! Strict JSON (RFC 8259) recursive-descent parser with a nesting limit, plus the compact
//! serialiser the json strategy emits. Values keep their source spans; strings without
//! escapes serialise as their source text, numbers always do (no float round-trip).
//! Strings with escapes are re-serialised like JSON.stringify (minimal escapes; lone
//! surrogate escapes stay `\udxxx`).

use super::boundaries::decode_at;
use super::options::SizeUnit;
use super::units::{measure, utf16_len};
use crate::error::{fail, Code, CoreResult};

pub const MAX_DEPTH: usize = 512;

#[derive(Debug)]
pub(crate) enum Kind {
    /// null, true, false or a number: serialised as its source text.
    Scalar,
    /// A string; `escaped` when its source contains a backslash.
    Str {
        escaped: bool,
    },
    Array(Vec<Value>),
    Object(Vec<(Value, Value)>),
}

#[derive(Debug)]
pub(crate) struct Value {
    /// Source span in bytes (strings include their quotes).
    pub start: usize,
    pub end: usize,
    /// Size of the compact serialisation in the unit (for tokens: an upper bound, the sum
    /// of the parts, see units.rs).
    pub size: usize,
    pub kind: Kind,
}

pub(crate) fn parse(t: &str, unit: SizeUnit) -> CoreResult<Value> {
    let mut p = Parser {
        t,
        b: t.as_bytes(),
        i: 0,
        unit,
        scratch: String::new(),
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return p.err("unexpected data after the JSON value");
    }
    Ok(v)
}

struct Parser<'a> {
    t: &'a str,
    b: &'a [u8],
    i: usize,
    unit: SizeUnit,
    scratch: String,
}

impl<'a> Parser<'a> {
    fn err<T>(&self, what: &str) -> CoreResult<T> {
        let at = self.i.min(self.b.len());
        let before = &self.b[..at];
        let line = before.iter().filter(|&&x| x == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&x| x == b'\n')
            .map_or(0, |p| p + 1);
        let col = utf16_len(&before[line_start..]) + 1;
        fail(
            Code::JsonInvalid,
            format!(
                "invalid JSON at line {}, column {} (char offset {}, byte {}): {}",
                line,
                col,
                utf16_len(before),
                at,
                what
            ),
        )
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn size_of_source(&self, a: usize, e: usize) -> usize {
        measure(self.t.get(a..e).unwrap_or(""), self.unit)
    }

    fn value(&mut self, depth: usize) -> CoreResult<Value> {
        let start = self.i;
        match self.b.get(self.i) {
            None => self.err("unexpected end of input, expected a value"),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-') | Some(b'0'..=b'9') => {
                self.number()?;
                Ok(Value {
                    start,
                    end: self.i,
                    size: self.size_of_source(start, self.i),
                    kind: Kind::Scalar,
                })
            }
            Some(_) => {
                self.err("expected a value (object, array, string, number, true, false or null)")
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> CoreResult<Value> {
        let start = self.i;
        if self.b.get(start..start + word.len()) != Some(word) {
            return self.err("invalid literal (expected true, false or null)");
        }
        self.i += word.len();
        Ok(Value {
            start,
            end: self.i,
            size: self.size_of_source(start, self.i),
            kind: Kind::Scalar,
        })
    }

    fn digits(&mut self) -> usize {
        let s = self.i;
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        self.i - s
    }

    fn number(&mut self) -> CoreResult<()> {
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number: expected a digit"),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.err("invalid number: expected a digit after '.'");
            }
        }
        if matches!(self.b.get(self.i), Some(b'e') | Some(b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+') | Some(b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number: expected a digit in the exponent");
            }
        }
        Ok(())
    }

    fn string(&mut self) -> CoreResult<Value> {
        let start = self.i;
        self.i += 1;
        let mut escaped = false;
        loop {
            match self.b.get(self.i) {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    escaped = true;
                    match self.b.get(self.i + 1) {
                        Some(b'"') | Some(b'\\') | Some(b'/') | Some(b'b') | Some(b'f')
                        | Some(b'n') | Some(b'r') | Some(b't') => self.i += 2,
                        Some(b'u') => {
                            let ok = self
                                .b
                                .get(self.i + 2..self.i + 6)
                                .map_or(false, |h| h.iter().all(|c| c.is_ascii_hexdigit()));
                            if !ok {
                                self.i += 1;
                                return self.err("invalid \\u escape: expected 4 hex digits");
                            }
                            self.i += 6;
                        }
                        _ => {
                            self.i += 1;
                            return self.err("invalid escape sequence in string");
                        }
                    }
                }
                Some(&c) if c < 0x20 => {
                    return self.err("control character in string (must be escaped)")
                }
                Some(_) => self.i += 1,
            }
        }
        let size = if escaped {
            let mut s = std::mem::take(&mut self.scratch);
            s.clear();
            write_string(&mut s, &self.b[start + 1..self.i - 1]);
            let size = measure(&s, self.unit) + 2; // + quotes
            self.scratch = s;
            size
        } else {
            self.size_of_source(start, self.i)
        };
        Ok(Value {
            start,
            end: self.i,
            size,
            kind: Kind::Str { escaped },
        })
    }

    fn array(&mut self, depth: usize) -> CoreResult<Value> {
        if depth > MAX_DEPTH {
            return self.err("nesting deeper than 512 levels");
        }
        let start = self.i;
        self.i += 1;
        let mut items = Vec::new();
        let mut size = 2;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value {
                start,
                end: self.i,
                size,
                kind: Kind::Array(items),
            });
        }
        loop {
            self.ws();
            let v = self.value(depth)?;
            size += v.size + (!items.is_empty()) as usize;
            items.push(v);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return self.err("expected ',' or ']' after an array element"),
            }
        }
        Ok(Value {
            start,
            end: self.i,
            size,
            kind: Kind::Array(items),
        })
    }

    fn object(&mut self, depth: usize) -> CoreResult<Value> {
        if depth > MAX_DEPTH {
            return self.err("nesting deeper than 512 levels");
        }
        let start = self.i;
        self.i += 1;
        let mut members = Vec::new();
        let mut size = 2;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value {
                start,
                end: self.i,
                size,
                kind: Kind::Object(members),
            });
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return self.err("expected a string key");
            }
            let k = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return self.err("expected ':' after an object key");
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth)?;
            size += k.size + 1 + v.size + (!members.is_empty()) as usize;
            members.push((k, v));
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return self.err("expected ',' or '}' after an object member"),
            }
        }
        Ok(Value {
            start,
            end: self.i,
            size,
            kind: Kind::Object(members),
        })
    }
}

fn hex4(h: &[u8]) -> u32 {
    h.iter().take(4).fold(0, |acc, &c| {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0,
        };
        acc * 16 + d as u32
    })
}

/// One unit of a string's raw content (between the quotes): a literal char or an escape.
/// Returns (code point or lone surrogate value, byte length in the source).
pub(crate) fn raw_unit(raw: &[u8], i: usize) -> (u32, usize) {
    if raw.get(i) != Some(&b'\\') {
        return decode_at(raw, i);
    }
    match raw.get(i + 1) {
        Some(b'u') => {
            let hi = hex4(raw.get(i + 2..i + 6).unwrap_or(&[]));
            if (0xD800..0xDC00).contains(&hi) && raw.get(i + 6..i + 8) == Some(b"\\u") {
                let lo = hex4(raw.get(i + 8..i + 12).unwrap_or(&[]));
                if (0xDC00..0xE000).contains(&lo) {
                    return (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12);
                }
            }
            (hi, 6)
        }
        Some(b'b') => (0x08, 2),
        Some(b'f') => (0x0C, 2),
        Some(b'n') => (0x0A, 2),
        Some(b'r') => (0x0D, 2),
        Some(b't') => (0x09, 2),
        Some(&c) => (c as u32, 2), // \" \\ \/
        None => (b'\\' as u32, 1),
    }
}

/// Appends the JSON.stringify form of one code point (or lone surrogate) without quotes.
pub(crate) fn write_unit(out: &mut String, c: u32) {
    match c {
        0x22 => out.push_str("\\\""),
        0x5C => out.push_str("\\\\"),
        0x08 => out.push_str("\\b"),
        0x0C => out.push_str("\\f"),
        0x0A => out.push_str("\\n"),
        0x0D => out.push_str("\\r"),
        0x09 => out.push_str("\\t"),
        _ if c < 0x20 || (0xD800..0xE000).contains(&c) => out.push_str(&format!("\\u{:04x}", c)),
        _ => out.push(char::from_u32(c).unwrap_or('\u{FFFD}')),
    }
}

/// Re-serialises raw string content (escapes decoded, minimal escapes re-applied).
pub(crate) fn write_string(out: &mut String, raw: &[u8]) {
    let mut i = 0;
    while i < raw.len() {
        let (c, l) = raw_unit(raw, i);
        write_unit(out, c);
        i += l.max(1);
    }
}

/// Decoded string content (for headers); lone surrogates become U+FFFD.
pub(crate) fn decode_string(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let (c, l) = raw_unit(raw, i);
        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
        i += l.max(1);
    }
    out
}

/// Compact serialisation of v.
pub(crate) fn write_value(out: &mut String, t: &str, v: &Value) {
    match &v.kind {
        Kind::Scalar | Kind::Str { escaped: false } => {
            out.push_str(t.get(v.start..v.end).unwrap_or(""))
        }
        Kind::Str { escaped: true } => {
            out.push('"');
            write_string(out, t.as_bytes().get(v.start + 1..v.end - 1).unwrap_or(&[]));
            out.push('"');
        }
        Kind::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, t, x);
            }
            out.push(']');
        }
        Kind::Object(members) => {
            out.push('{');
            for (i, (k, x)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, t, k);
                out.push(':');
                write_value(out, t, x);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(t: &str) -> String {
        let v = parse(t, SizeUnit::Chars).unwrap();
        let mut s = String::new();
        write_value(&mut s, t, &v);
        assert_eq!(v.size, s.encode_utf16().count(), "size of {:?}", t);
        s
    }

    #[test]
    fn parses_and_compacts() {
        assert_eq!(
            compact(" { \"a\" : [1, 2.5e-3, -0, true, false, null], \"b\": {} } "),
            r#"{"a":[1,2.5e-3,-0,true,false,null],"b":{}}"#
        );
        assert_eq!(
            compact(r#""A\u00e9\n\/\ud83d\ude00\ud800""#),
            "\"Aé\\n/😀\\ud800\""
        );
        assert_eq!(compact("[]"), "[]");
        assert_eq!(compact("\"日本\""), "\"日本\"");
    }

    #[test]
    fn rejects_invalid_with_position() {
        let cases = [
            ("", "end of input"),
            ("[1,]", "expected a value"),
            ("{\"a\" 1}", "expected ':'"),
            ("01", "unexpected data"),
            ("1.", "after '.'"),
            ("\"a\u{1}\"", "control character"),
            ("\"\\x\"", "invalid escape"),
            ("[1 2]", "expected ','"),
            ("nul", "invalid literal"),
            ("{\"a\":1}x", "unexpected data"),
            ("\"abc", "unterminated"),
        ];
        for (src, want) in cases.iter() {
            let e = parse(src, SizeUnit::Chars).unwrap_err();
            assert_eq!(e.code, Code::JsonInvalid);
            assert!(e.message.contains(want), "{:?}: {}", src, e.message);
        }
        let e = parse("[1,\n  2,, 3]", SizeUnit::Chars).unwrap_err();
        assert!(
            e.message
                .contains("line 2, column 5 (char offset 8, byte 8)"),
            "{}",
            e.message
        );
        let e = parse("[\"😀\", x]", SizeUnit::Chars).unwrap_err();
        assert!(e.message.contains("char offset 7, byte 9"), "{}", e.message);
    }

    #[test]
    fn depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, SizeUnit::Chars).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = parse(&deep, SizeUnit::Chars).unwrap_err();
        assert!(
            e.message.contains("nesting deeper than 512"),
            "{}",
            e.message
        );
        // Far deeper input must fail the same way, not overflow the stack.
        let abyss = "{\"a\":".repeat(100_000);
        assert_eq!(
            parse(&abyss, SizeUnit::Chars).unwrap_err().code,
            Code::JsonInvalid
        );
    }
}
