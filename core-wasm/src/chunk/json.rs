//! JSON strategy: every chunk is a valid, compact JSON text of at most max_size that keeps
//! the path from the root: {"a":{"b":[1,2,3,4]}} -> {"a":{"b":[1,2]}}, {"a":{"b":[3,4]}}.
//!
//! - A value whose compact form (inside its path wrapper) fits is one chunk.
//! - Otherwise an object's members / an array's elements are packed greedily, in order, into
//!   wrapped containers; a member or element too big on its own is split recursively below
//!   its key (wrapper `{"key":…}`) or index (wrapper `[…]`: the element alone in an array).
//! - A string too big is cut into several string values at grapheme-safe boundaries (never
//!   inside an escape or surrogate pair); concatenating their contents gives the original.
//! - If the wrappers would take more than 3/4 of max_size, the chunks below that value are
//!   wrapped relative to it only (headers still give the full path).
//! - A number/true/false/null longer than max_size even without wrappers is an error.
//!
//! `text` is Some(chunk JSON). `start`/`end`: UTF-16 span of the source the chunk was built
//! from (first..last member or element of the group, the whole value, or the string piece's
//! characters inside the literal). `headers`: the JSON path of the container or value the
//! chunk covers: object keys verbatim (decoded), array indices as "[i]".
//! Numbers keep their source text; strings are re-serialised like JSON.stringify.
//! overlap and min_size do not apply to json (chunks are disjoint documents).

use super::boundaries::{is_extender, ZWJ};
use super::json_parse::{decode_string, parse, raw_unit, write_unit, write_value, Kind, Value};
use super::options::{ChunkOptions, SizeUnit};
use super::spans::{utf16_pairs, Span};
use super::units::{measure, Meter};
use super::Chunk;
use crate::error::{fail, Code, CoreResult};

enum Step<'v> {
    Key(&'v Value),
    Index(usize),
}

struct Out {
    span: Span,
    text: String,
    headers: Vec<String>,
}

struct Splitter<'a, 'v> {
    t: &'a str,
    unit: SizeUnit,
    max: usize,
    /// Steps from the root, and for each whether it is part of the current wrapper.
    path: Vec<(Step<'v>, bool)>,
    out: Vec<Out>,
}

pub(crate) fn chunk(t: &str, o: &ChunkOptions) -> CoreResult<Vec<Chunk>> {
    let root = parse(t, o.unit)?;
    let mut s = Splitter {
        t,
        unit: o.unit,
        max: o.max_size,
        path: Vec::new(),
        out: Vec::new(),
    };
    s.value(&root, 0)?;
    let spans: Vec<Span> = s.out.iter().map(|x| x.span).collect();
    let pairs = utf16_pairs(t.as_bytes(), &spans)?;
    Ok(s.out
        .into_iter()
        .zip(pairs)
        .map(|(x, (start, end))| Chunk {
            start,
            end,
            text: Some(x.text),
            headers: x.headers,
        })
        .collect())
}

impl<'a, 'v> Splitter<'a, 'v> {
    fn headers(&self) -> Vec<String> {
        let b = self.t.as_bytes();
        self.path
            .iter()
            .map(|(s, _)| match s {
                Step::Key(k) => decode_string(b.get(k.start + 1..k.end - 1).unwrap_or(&[])),
                Step::Index(i) => format!("[{}]", i),
            })
            .collect()
    }

    /// Wrapped text around `inner`: the wrapped steps from the outermost.
    fn wrap(&self, inner: &str) -> String {
        let mut s = String::with_capacity(inner.len() + 16);
        for (step, on) in &self.path {
            if *on {
                match step {
                    Step::Key(k) => {
                        s.push('{');
                        write_value(&mut s, self.t, k);
                        s.push(':');
                    }
                    Step::Index(_) => s.push('['),
                }
            }
        }
        s.push_str(inner);
        for (step, on) in self.path.iter().rev() {
            if *on {
                s.push(match step {
                    Step::Key(_) => '}',
                    Step::Index(_) => ']',
                });
            }
        }
        s
    }

    fn emit(&mut self, start: usize, end: usize, inner: &str) {
        let text = self.wrap(inner);
        let size = measure(&text, self.unit);
        let headers = self.headers();
        self.out.push(Out {
            span: Span { start, end, size },
            text,
            headers,
        });
    }

    /// Enter a child: wrap it if the wrapper stays within 3/4 of max_size, else restart the
    /// wrapper at this child.
    fn push(&mut self, step: Step<'v>, w: usize, extra: usize) -> usize {
        if w + extra <= self.max - self.max / 4 {
            self.path.push((step, true));
            w + extra
        } else {
            for p in self.path.iter_mut() {
                p.1 = false;
            }
            self.path.push((step, false));
            0
        }
    }

    fn pop(&mut self, saved: &[bool]) {
        self.path.pop();
        for (p, &on) in self.path.iter_mut().zip(saved) {
            p.1 = on;
        }
    }

    fn saved(&self) -> Vec<bool> {
        self.path.iter().map(|p| p.1).collect()
    }

    /// Emit v (wrapper size w) as one or more chunks.
    fn value(&mut self, v: &'v Value, w: usize) -> CoreResult<()> {
        if w + v.size <= self.max {
            let mut s = String::new();
            write_value(&mut s, self.t, v);
            self.emit(v.start, v.end, &s);
            return Ok(());
        }
        match &v.kind {
            Kind::Object(members) => {
                let sizes: Vec<usize> = members.iter().map(|(k, x)| k.size + 1 + x.size).collect();
                self.group(
                    w,
                    members.len(),
                    &sizes,
                    |me, i, out| {
                        let (k, x) = &members[i];
                        write_value(out, me.t, k);
                        out.push(':');
                        write_value(out, me.t, x);
                        (k.start, x.end)
                    },
                    |me, i, w| {
                        let (k, x) = &members[i];
                        let saved = me.saved();
                        let w2 = me.push(Step::Key(k), w, k.size + 3);
                        let r = me.value(x, w2);
                        me.pop(&saved);
                        r
                    },
                    '{',
                    '}',
                )
            }
            Kind::Array(items) => {
                let sizes: Vec<usize> = items.iter().map(|x| x.size).collect();
                self.group(
                    w,
                    items.len(),
                    &sizes,
                    |me, i, out| {
                        write_value(out, me.t, &items[i]);
                        (items[i].start, items[i].end)
                    },
                    |me, i, w| {
                        let saved = me.saved();
                        let w2 = me.push(Step::Index(i), w, 2);
                        let r = me.value(&items[i], w2);
                        me.pop(&saved);
                        r
                    },
                    '[',
                    ']',
                )
            }
            Kind::Str { .. } => self.string(v, w),
            Kind::Scalar => {
                if w > 0 && v.size <= self.max {
                    // Unwrapped: the path is in headers.
                    let saved = self.saved();
                    for p in self.path.iter_mut() {
                        p.1 = false;
                    }
                    let r = self.value(v, 0);
                    for (p, &on) in self.path.iter_mut().zip(&saved) {
                        p.1 = on;
                    }
                    return r;
                }
                fail(
                    Code::ChunkOptionsInvalid,
                    format!(
                        "the JSON value at byte {} measures {} which is more than maxSize {} and cannot be split; raise maxSize",
                        v.start, v.size, self.max
                    ),
                )
            }
        }
    }

    /// Greedy packing of n members/elements of sizes `sizes` into `open … close` groups.
    #[allow(clippy::too_many_arguments)]
    fn group<W, R>(
        &mut self,
        w: usize,
        n: usize,
        sizes: &[usize],
        write: W,
        recurse: R,
        open: char,
        close: char,
    ) -> CoreResult<()>
    where
        W: Fn(&Self, usize, &mut String) -> (usize, usize),
        R: Fn(&mut Self, usize, usize) -> CoreResult<()>,
    {
        let mut from = 0;
        let mut total = 2usize; // open + close
        let flush = |me: &mut Self, from: usize, to: usize| {
            if from >= to {
                return;
            }
            let mut inner = String::new();
            inner.push(open);
            let mut span = (usize::MAX, 0);
            for i in from..to {
                if i > from {
                    inner.push(',');
                }
                let (a, e) = write(me, i, &mut inner);
                span = (span.0.min(a), span.1.max(e));
            }
            inner.push(close);
            me.emit(span.0, span.1, &inner);
        };
        for (i, &s) in sizes.iter().enumerate().take(n) {
            if w + 2 + s > self.max {
                flush(self, from, i);
                recurse(self, i, w)?;
                from = i + 1;
                total = 2;
            } else if w + total + s + (i > from) as usize <= self.max {
                total += s + (i > from) as usize;
            } else {
                flush(self, from, i);
                from = i;
                total = 2 + s;
            }
        }
        flush(self, from, n);
        Ok(())
    }

    /// Cut a string into string values of at most max - w - 2 (quotes).
    fn string(&mut self, v: &Value, w: usize) -> CoreResult<()> {
        let raw = self.t.as_bytes().get(v.start + 1..v.end - 1).unwrap_or(&[]);
        let base = v.start + 1;
        let budget = self.max.saturating_sub(w + 2);
        let max_unit = 6; // longest single serialised unit: \u00XX or a lone \udXXX
        if budget < max_unit && w > 0 {
            let saved = self.saved();
            for p in self.path.iter_mut() {
                p.1 = false;
            }
            let r = self.string(v, 0);
            for (p, &on) in self.path.iter_mut().zip(&saved) {
                p.1 = on;
            }
            return r;
        }
        let mut i = 0;
        while i < raw.len() {
            let mut m = Meter::new(self.unit);
            let mut piece = String::new();
            let mut j = i;
            let mut last_safe: Option<(usize, usize)> = None; // (raw end, piece len)
            let mut prev = 0u32;
            while j < raw.len() {
                let (c, l) = raw_unit(raw, j);
                if j > i && !is_extender(c) && prev != ZWJ {
                    last_safe = Some((j, piece.len()));
                }
                let before = piece.len();
                write_unit(&mut piece, c);
                let mut m2 = m;
                for ch in piece[before..].chars() {
                    m2.push(ch as u32);
                }
                if m2.value() > budget {
                    piece.truncate(before);
                    break;
                }
                m = m2;
                prev = c;
                j += l.max(1);
            }
            if j < raw.len() {
                if let Some((cut, len)) = last_safe {
                    j = cut;
                    piece.truncate(len);
                }
            }
            if j == i {
                return fail(
                    Code::ChunkOptionsInvalid,
                    format!("maxSize {} is too small for a character of the JSON string at byte {}; raise maxSize", self.max, v.start),
                );
            }
            let mut inner = String::with_capacity(piece.len() + 2);
            inner.push('"');
            inner.push_str(&piece);
            inner.push('"');
            self.emit(base + i, base + j, &inner);
            i = j;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::options::Strategy;

    fn js(max: usize) -> ChunkOptions {
        ChunkOptions {
            strategy: Strategy::Json,
            max_size: max,
            ..ChunkOptions::default()
        }
    }

    fn texts(cs: &[Chunk]) -> Vec<&str> {
        cs.iter().map(|c| c.text.as_deref().unwrap()).collect()
    }

    #[test]
    fn splits_arrays_under_their_path() {
        let t = r#"{"a": {"b": [1, 2, 3, 4]}}"#;
        let cs = chunk(t, &js(18)).unwrap();
        assert_eq!(
            texts(&cs),
            vec![r#"{"a":{"b":[1,2]}}"#, r#"{"a":{"b":[3,4]}}"#]
        );
        assert_eq!(cs[0].headers, vec!["a", "b"]);
        assert_eq!((cs[0].start, cs[0].end), (13, 17)); // "1, 2"
        assert_eq!((cs[1].start, cs[1].end), (19, 23));
        let cs = chunk(t, &js(100)).unwrap();
        assert_eq!(texts(&cs), vec![r#"{"a":{"b":[1,2,3,4]}}"#]);
        assert_eq!((cs[0].start, cs[0].end), (0, 26));
    }

    #[test]
    fn splits_objects_and_long_strings() {
        let t = r#"{"x": 1, "y": "abcdefghij", "z": [true, null]}"#;
        let cs = chunk(t, &js(17)).unwrap();
        assert_eq!(
            texts(&cs),
            vec![
                r#"{"x":1}"#,
                r#"{"y":"abcdefghi"}"#,
                r#"{"y":"j"}"#,
                r#"{"z":[true,null]}"#
            ]
        );
        assert_eq!(cs[1].headers, vec!["y"]);
        assert_eq!(cs[3].headers, Vec::<String>::new());
    }

    #[test]
    fn element_split_gets_index_path() {
        let t = r#"[{"k": "aaaa"}, {"k": "bbbbbbbbbbbb"}]"#;
        let cs = chunk(t, &js(16)).unwrap();
        assert_eq!(
            texts(&cs),
            vec![
                r#"[{"k":"aaaa"}]"#,
                r#"[{"k":"bbbbbb"}]"#,
                r#"[{"k":"bbbbbb"}]"#
            ]
        );
        assert_eq!(cs[1].headers, vec!["[1]", "k"]);
    }

    #[test]
    fn number_too_big_is_an_error() {
        let e = chunk("12345678901234567890", &js(10)).unwrap_err();
        assert_eq!(e.code, Code::ChunkOptionsInvalid);
    }
}
