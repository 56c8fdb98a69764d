//! Markdown strategy: the recursive engine over markdown structure.
//!
//! Split levels, most preferred first: before an h1 line, h2, ... h6 (ATX `#`..`######`, and
//! setext `===` / `---` underlines); between blocks (after blank lines, around fenced code
//! blocks and tables); between lines (paragraph lines, table rows, blank lines); between
//! lines INSIDE a fenced code block (``` or ~~~; only when the block alone exceeds the
//! budget); then inside a line: sentence ends, "; ", ", ", " ", grapheme-safe hard split
//! (so a table row or code line longer than max_size is still cut: the size limit wins).
//! A pending chunk made only of header lines is never emitted alone: it is carried into the
//! first part of the oversized section that follows it.
//!
//! Chunks are trimmed: leading blank lines (the first line keeps its indentation) and all
//! trailing whitespace. Overlap (see overlap.rs) never reaches back over a header line.
//!
//! `headers` of a chunk: the header path that contains ALL of the chunk's text, outermost
//! first, each normalised as `#`-marks + space + text (setext `Title\n===` -> "# Title",
//! closing `#`s removed), e.g. ["# Intro", "## Install"]. A chunk that starts inside a fenced
//! code block (a block larger than max_size, split between its lines) additionally ends its
//! headers with that block's opening fence line, e.g. "```rust" — a header never starts with
//! a backtick or tilde, so `headers.last()` tells "this chunk is a code continuation".
//! `strip_headers`: `text` is Some(source slice with the header lines listed in `headers`
//! removed, then trimmed); `start`/`end` stay the UTF-16 span of the source slice. Deeper
//! sub-headers inside the chunk (not in `headers`) stay in the text. Chunks left empty are
//! dropped.

use super::boundaries::{is_safe, trim_span};
use super::options::ChunkOptions;
use super::recursive::{Engine, Levels, Sep, TextLevels};
use super::scan::memchr;
use super::spans::{drop_blank, merge_small, trim_all, utf16_pairs, Span};
use super::units::measure_capped;
use super::{overlap, Chunk};
use crate::error::CoreResult;
use std::cell::Cell;

const NONE: u32 = u32::MAX;
const LV_BLOCK: u8 = 6;
const LV_LINE: u8 = 7;
const LV_INNER: u8 = 8; // inside a code block, or between a setext title and its underline
const LV_FIRST: u8 = u8::MAX;
const LINE_LEVELS: usize = 9;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Blank,
    Text,
    Header,
    Underline,
    FenceOpen,
    Code,
    FenceClose,
    Table,
}

#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    kind: Kind,
    /// Split level of the boundary at `start` (LV_FIRST for line 0).
    level: u8,
    /// Code/FenceClose: index of the opening fence line.
    fence: u32,
}

struct Header {
    start: usize,
    end: usize,
    level: u8,
    parent: u32,
    label: String,
}

struct Doc<'a> {
    t: &'a str,
    lines: Vec<Line>,
    headers: Vec<Header>,
    text: TextLevels<'a>,
    /// Bit L set when some line boundary has level L (absent header levels cost nothing).
    levels_present: u32,
    /// Index of the line found by the last `next_split` (queries mostly move forward).
    hint: Cell<usize>,
}

fn indent(c: &[u8]) -> Option<usize> {
    let n = c.iter().take_while(|&&x| x == b' ').count();
    if n <= 3 {
        Some(n)
    } else {
        None
    }
}

fn fence_open(c: &[u8]) -> Option<(u8, usize)> {
    let i = indent(c)?;
    let ch = *c.get(i)?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = c[i..].iter().take_while(|&&x| x == ch).count();
    if len < 3 || (ch == b'`' && c[i + len..].contains(&b'`')) {
        return None;
    }
    Some((ch, len))
}

fn fence_close(c: &[u8], ch: u8, len: usize) -> bool {
    let i = match indent(c) {
        Some(i) => i,
        None => return false,
    };
    let run = c[i..].iter().take_while(|&&x| x == ch).count();
    run >= len && c[i + run..].iter().all(|x| matches!(x, b' ' | b'\t'))
}

fn atx_level(c: &[u8]) -> Option<(u8, usize)> {
    let i = indent(c)?;
    let n = c[i..].iter().take_while(|&&x| x == b'#').count();
    if n == 0 || n > 6 {
        return None;
    }
    match c.get(i + n) {
        None | Some(b' ') | Some(b'\t') => Some((n as u8, i + n)),
        _ => None,
    }
}

fn underline(c: &[u8]) -> Option<u8> {
    let i = indent(c)?;
    let ch = *c.get(i)?;
    if ch != b'=' && ch != b'-' {
        return None;
    }
    let run = c[i..].iter().take_while(|&&x| x == ch).count();
    if c[i + run..].iter().all(|x| matches!(x, b' ' | b'\t')) {
        Some(if ch == b'=' { 1 } else { 2 })
    } else {
        None
    }
}

fn trim_bytes(c: &[u8]) -> &[u8] {
    let s = c
        .iter()
        .position(|x| !matches!(x, b' ' | b'\t'))
        .unwrap_or(c.len());
    let e = c
        .iter()
        .rposition(|x| !matches!(x, b' ' | b'\t'))
        .map_or(s, |p| p + 1);
    &c[s..e.max(s)]
}

fn atx_label(c: &[u8], level: u8, after: usize) -> String {
    let mut body = trim_bytes(c.get(after..).unwrap_or(&[]));
    // Closing sequence: trailing #'s preceded by a space (or the whole body).
    let hashes = body.iter().rev().take_while(|&&x| x == b'#').count();
    if hashes == body.len() {
        body = &[];
    } else if hashes > 0 && matches!(body[body.len() - hashes - 1], b' ' | b'\t') {
        body = trim_bytes(&body[..body.len() - hashes]);
    }
    label(level, body)
}

fn label(level: u8, body: &[u8]) -> String {
    let mut s = "#".repeat(level as usize);
    if !body.is_empty() {
        s.push(' ');
        s.push_str(&String::from_utf8_lossy(body));
    }
    s
}

impl<'a> Doc<'a> {
    fn parse(t: &'a str) -> Doc<'a> {
        let b = t.as_bytes();
        let mut lines: Vec<Line> = Vec::new();
        let mut headers: Vec<Header> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        let mut fence: Option<(u8, usize, u32)> = None;
        let mut s = 0;
        while s < b.len() {
            let e = memchr(b'\n', b, s).map_or(b.len(), |i| i + 1);
            let mut c = &b[s..e];
            if c.last() == Some(&b'\n') {
                c = &c[..c.len() - 1];
            }
            if c.last() == Some(&b'\r') {
                c = &c[..c.len() - 1];
            }
            let prev = lines.last().map(|l| l.kind);
            let idx = lines.len() as u32;
            let mut fence_idx = NONE;
            let mut hlevel = 0u8;
            let kind = if let Some((ch, len, open)) = fence {
                fence_idx = open;
                if fence_close(c, ch, len) {
                    fence = None;
                    Kind::FenceClose
                } else {
                    Kind::Code
                }
            } else if c.iter().all(|x| matches!(x, b' ' | b'\t')) {
                Kind::Blank
            } else if let Some((ch, len)) = fence_open(c) {
                fence = Some((ch, len, idx));
                Kind::FenceOpen
            } else if let Some((lv, after)) = atx_level(c) {
                hlevel = lv;
                push_header(&mut headers, &mut stack, s, e, lv, atx_label(c, lv, after));
                Kind::Header
            } else if let (Some(Kind::Text), Some(lv)) = (prev, underline(c)) {
                // Setext: the previous text line becomes the header.
                if let Some(pl) = lines.last_mut() {
                    pl.kind = Kind::Header;
                    let pc = trim_bytes(&b[pl.start..s]);
                    let pc = trim_bytes(pc.strip_suffix(b"\n").unwrap_or(pc));
                    let pc = trim_bytes(pc.strip_suffix(b"\r").unwrap_or(pc));
                    if pl.level != LV_FIRST {
                        pl.level = lv - 1;
                    }
                    push_header(&mut headers, &mut stack, pl.start, e, lv, label(lv, pc));
                }
                Kind::Underline
            } else if indent(c).map_or(false, |i| c.get(i) == Some(&b'|')) {
                Kind::Table
            } else {
                Kind::Text
            };
            let level = match (prev, kind) {
                (None, _) => LV_FIRST,
                (_, Kind::Header) => hlevel - 1,
                (_, Kind::Code) | (_, Kind::FenceClose) | (_, Kind::Underline) => LV_INNER,
                (_, Kind::Blank) => LV_LINE,
                (_, Kind::FenceOpen) => LV_BLOCK,
                (Some(Kind::Table), Kind::Table) => LV_LINE,
                (Some(Kind::Text), Kind::Text) => LV_LINE,
                _ => LV_BLOCK,
            };
            lines.push(Line {
                start: s,
                end: e,
                kind,
                level,
                fence: fence_idx,
            });
            s = e;
        }
        let levels_present =
            lines
                .iter()
                .fold(0u32, |m, l| if l.level < 32 { m | 1 << l.level } else { m });
        let seps = vec![
            Sep::SentenceEnd,
            Sep::Lit(b"; ".to_vec()),
            Sep::Comma,
            Sep::Lit(b" ".to_vec()),
        ];
        Doc {
            t,
            lines,
            headers,
            text: TextLevels::with(b, seps),
            levels_present,
            hint: Cell::new(0),
        }
    }

    /// Index of the first line starting after p. The engine's queries mostly move forward, so
    /// a short walk from the previous answer usually replaces the binary search.
    fn first_after(&self, p: usize) -> usize {
        let n = self.lines.len();
        let mut i = self.hint.get().min(n);
        let mut steps = 0;
        if i < n && self.lines[i].start <= p {
            while i < n && self.lines[i].start <= p && steps < 32 {
                i += 1;
                steps += 1;
            }
            if i < n && self.lines[i].start <= p {
                i = self.lines.partition_point(|l| l.start <= p);
            }
        } else {
            i = self.lines.partition_point(|l| l.start <= p);
        }
        self.hint.set(i.saturating_sub(1));
        i
    }

    fn line_at(&self, p: usize) -> Option<usize> {
        let i = self.first_after(p);
        if i == 0 {
            None
        } else {
            Some(i - 1)
        }
    }

    fn header_at(&self, p: usize) -> Option<usize> {
        let i = self.headers.partition_point(|h| h.start <= p);
        if i == 0 {
            None
        } else {
            Some(i - 1)
        }
    }

    /// Lowest position overlap may reach back to from a chunk starting at p.
    fn overlap_floor(&self, p: usize) -> usize {
        match self.header_at(p) {
            Some(h) if self.headers[h].end <= p => self.headers[h].end,
            Some(_) => p,
            None => 0,
        }
    }

    /// Header node indices (outermost first) containing all of [s, e).
    fn path(&self, s: usize, e: usize) -> Vec<u32> {
        let mut path = Vec::new();
        let mut h = self.header_at(s).map_or(NONE, |i| i as u32);
        while h != NONE {
            path.push(h);
            h = self.headers.get(h as usize).map_or(NONE, |x| x.parent);
        }
        path.reverse();
        let first_inside = self.headers.partition_point(|x| x.start <= s);
        for x in self.headers[first_inside..]
            .iter()
            .take_while(|x| x.start < e)
        {
            let keep = path
                .iter()
                .take_while(|&&i| self.headers[i as usize].level < x.level)
                .count();
            path.truncate(keep);
            if path.is_empty() {
                break;
            }
        }
        path
    }

    fn fence_label(&self, s: usize) -> Option<String> {
        let l = self.lines[self.line_at(s)?];
        if l.kind != Kind::Code && l.kind != Kind::FenceClose {
            return None;
        }
        let open = self.lines.get(l.fence as usize)?;
        let c = trim_bytes(&self.t.as_bytes()[open.start..open.end]);
        let c = trim_bytes(c.strip_suffix(b"\n").unwrap_or(c));
        let c = trim_bytes(c.strip_suffix(b"\r").unwrap_or(c));
        Some(String::from_utf8_lossy(c).into_owned())
    }
}

fn push_header(
    headers: &mut Vec<Header>,
    stack: &mut Vec<u32>,
    start: usize,
    end: usize,
    level: u8,
    label: String,
) {
    while let Some(&top) = stack.last() {
        if headers[top as usize].level >= level {
            stack.pop();
        } else {
            break;
        }
    }
    let parent = stack.last().copied().unwrap_or(NONE);
    stack.push(headers.len() as u32);
    headers.push(Header {
        start,
        end,
        level,
        parent,
        label,
    });
}

impl<'a> Levels for Doc<'a> {
    fn count(&self) -> usize {
        LINE_LEVELS + self.text.count()
    }

    fn next_split(&self, level: usize, from: usize, end: usize) -> Option<usize> {
        if level >= LINE_LEVELS {
            return self.text.next_split(level - LINE_LEVELS, from, end);
        }
        if self.levels_present & ((2u32 << level) - 1) == 0 {
            return None; // no boundary of this level or above anywhere
        }
        let b = self.t.as_bytes();
        let mut i = self.first_after(from);
        while let Some(l) = self.lines.get(i) {
            if l.start >= end {
                return None;
            }
            if (l.level as usize) <= level && is_safe(b, l.start) {
                self.hint.set(i); // the next query usually starts here
                return Some(l.start);
            }
            i += 1;
        }
        None
    }

    fn sticky(&self, a: usize, e: usize) -> bool {
        let mut i = match self.line_at(a) {
            Some(i) => i,
            None => return false,
        };
        let mut any_header = false;
        while let Some(l) = self.lines.get(i) {
            if l.start >= e {
                break;
            }
            match l.kind {
                Kind::Header | Kind::Underline => any_header = true,
                Kind::Blank => {}
                _ => return false,
            }
            i += 1;
        }
        any_header
    }
}

pub(crate) fn chunk(t: &str, o: &ChunkOptions) -> CoreResult<Vec<Chunk>> {
    let doc = Doc::parse(t);
    let b = t.as_bytes();
    let mut spans = match measure_capped(t, o.unit, o.max_size) {
        Some(size) => vec![Span {
            start: 0,
            end: t.len(),
            size,
        }],
        None => {
            let mut eng = Engine::new(t, &doc, o.unit, o.max_size - o.overlap, o.max_size);
            eng.run_oversized(0, t.len())?;
            eng.out
        }
    };
    trim_all(t, &mut spans, o.unit, true);
    drop_blank(b, &mut spans);
    overlap::apply(t, &mut spans, o.unit, o.overlap, o.max_size, |p| {
        doc.overlap_floor(p)
    });
    let spans = merge_small(t, spans, o.unit, o.min_size, o.max_size);
    let pairs = utf16_pairs(b, &spans)?;
    let mut out = Vec::with_capacity(spans.len());
    for (s, (start, end)) in spans.iter().zip(pairs) {
        let path = doc.path(s.start, s.end);
        let text = if o.strip_headers {
            let body = strip(&doc, &path, s.start, s.end);
            if body.is_empty() {
                continue;
            }
            Some(body)
        } else {
            None
        };
        let mut headers: Vec<String> = path
            .iter()
            .map(|&h| doc.headers[h as usize].label.clone())
            .collect();
        if let Some(f) = doc.fence_label(s.start) {
            headers.push(f);
        }
        out.push(Chunk {
            start,
            end,
            text,
            headers,
        });
    }
    Ok(out)
}

/// Source [s, e) without the header lines of `path` (only the innermost can start inside).
fn strip(doc: &Doc, path: &[u32], s: usize, e: usize) -> String {
    let t = doc.t;
    let mut cut = (s, s);
    if let Some(&h) = path.last() {
        let h = &doc.headers[h as usize];
        if h.end > s && h.start < e {
            cut = (h.start.max(s), h.end.min(e));
        }
    }
    let mut body = String::with_capacity(e.saturating_sub(s));
    body.push_str(t.get(s..cut.0).unwrap_or(""));
    body.push_str(t.get(cut.1..e).unwrap_or(""));
    let (a, z) = trim_span(body.as_bytes(), 0, body.len(), true);
    body.get(a..z).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::options::Strategy;

    fn md(max: usize) -> ChunkOptions {
        ChunkOptions {
            strategy: Strategy::Markdown,
            max_size: max,
            ..ChunkOptions::default()
        }
    }

    fn texts<'a>(t: &'a str, cs: &[Chunk]) -> Vec<&'a str> {
        let u: Vec<u16> = t.encode_utf16().collect();
        cs.iter()
            .map(|c| {
                let a = String::from_utf16(&u[..c.start as usize]).unwrap().len();
                let e = String::from_utf16(&u[..c.end as usize]).unwrap().len();
                &t[a..e]
            })
            .collect()
    }

    #[test]
    fn sections_and_header_paths() {
        let t = "# Intro\nHello there.\n\n## Install\nRun it.\n\n## Use\nCall it.\n";
        let cs = chunk(t, &md(30)).unwrap();
        assert_eq!(
            texts(t, &cs),
            vec![
                "# Intro\nHello there.",
                "## Install\nRun it.",
                "## Use\nCall it."
            ]
        );
        assert_eq!(cs[0].headers, vec!["# Intro"]);
        assert_eq!(cs[1].headers, vec!["# Intro", "## Install"]);
        assert_eq!(cs[2].headers, vec!["# Intro", "## Use"]);
        assert_eq!((cs[1].start, cs[1].end), (22, 40));
        // Two sections in one chunk: the common path.
        let cs = chunk(t, &md(40)).unwrap();
        assert_eq!(
            texts(t, &cs),
            vec![
                "# Intro\nHello there.",
                "## Install\nRun it.\n\n## Use\nCall it."
            ]
        );
        assert_eq!(cs[1].headers, vec!["# Intro"]);
    }

    #[test]
    fn strip_headers_removes_own_header_line() {
        let t = "# Intro\nHello there.\n\n## Install\nRun it.\n";
        let o = ChunkOptions {
            strip_headers: true,
            ..md(25)
        };
        let cs = chunk(t, &o).unwrap();
        let got: Vec<(&str, Vec<String>)> = cs
            .iter()
            .map(|c| (c.text.as_deref().unwrap(), c.headers.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Hello there.", vec!["# Intro".to_string()]),
                ("Run it.", vec!["# Intro".into(), "## Install".into()])
            ]
        );
        assert_eq!((cs[1].start, cs[1].end), (22, 40));
    }

    #[test]
    fn code_block_kept_whole_or_split_at_lines_with_marker() {
        let code = "```rust\nlet a = 1;\nlet b = 2;\nlet c = 3;\n```\n";
        let t = format!("## Code\nSee:\n\n{}\nAfter.\n", code);
        let cs = chunk(&t, &md(60)).unwrap();
        assert!(
            texts(&t, &cs).iter().any(|x| x.contains(code.trim_end())),
            "{:?}",
            texts(&t, &cs)
        );
        let cs = chunk(&t, &md(22)).unwrap();
        let got = texts(&t, &cs);
        // The tail of an oversized block is not merged with the next block (as in LangChain).
        assert_eq!(
            got,
            vec![
                "## Code\nSee:",
                "```rust\nlet a = 1;",
                "let b = 2;\nlet c = 3;",
                "```",
                "After."
            ]
        );
        assert_eq!(cs[1].headers, vec!["## Code"]);
        assert_eq!(cs[2].headers, vec!["## Code", "```rust"]);
    }

    #[test]
    fn table_rows_are_not_split() {
        let t = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n";
        let cs = chunk(t, &md(20)).unwrap();
        for x in texts(t, &cs) {
            for line in x.lines() {
                assert!(line.starts_with('|') && line.ends_with('|'), "{:?}", x);
            }
        }
    }

    #[test]
    fn setext_headers_and_orphan_header_is_carried() {
        let t = "Title\n=====\nword word word word word word.\n";
        let cs = chunk(t, &md(24)).unwrap();
        assert_eq!(cs[0].headers, vec!["# Title"]);
        assert!(
            texts(t, &cs)[0].starts_with("Title\n=====\nword"),
            "{:?}",
            texts(t, &cs)
        );
    }
}
