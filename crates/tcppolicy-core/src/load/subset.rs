//! A fast reader for the block-style YAML that policies are written in.
//!
//! `granit-parser` reads all of YAML and spends about 60 instructions per byte doing it,
//! more than the rest of `tcppolicy check` together (BENCHMARKS.md). Policies use a small
//! part of YAML: block mappings with plain keys, one-line scalars (plain or quoted
//! without escapes), one-line flow sequences and mappings of scalars, block sequences of
//! scalars, `|`/`>` block scalars, and comments. This module reads exactly that part, in
//! one pass, and produces the events `granit-parser` produces for it — the same values,
//! styles and byte spans — so the walk in [`super`] cannot tell which reader ran.
//!
//! Anything outside that part (anchors, tags, escapes, multi-line plain or quoted
//! scalars, tabs, carriage returns, `---`, compact sequences, nesting deeper than a
//! policy can be, and every kind of syntax error) makes [`events`] return `None`, and the
//! caller reads the file with `granit-parser` from the start: diagnostics always come
//! from the full parser. Agreement is tested event for event in `tests` below: per
//! construct and per refusal, property tests, every YAML file of the repository, and
//! (by hand, it needs the files) any outside corpus, `agrees_on_an_outside_corpus`.

use crate::source::Span;
use serde_saphyr::granit_parser::{Event, ScalarStyle, StructureStyle};
use std::borrow::Cow;

/// The events of `text` as `granit-parser` gives them, or `None` when `text` is not in
/// the subset this reader handles.
pub(super) fn events(
    text: &str,
    max_depth: usize,
    max_events: usize,
) -> Option<Vec<(Event<'_>, Span)>> {
    if !plausible(text) {
        return None;
    }
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        // About one event per 16 bytes in the examples; grown as needed past that.
        out: Vec::with_capacity((text.len() / 16).min(4096)),
        max_depth,
        max_events,
    };
    let first = r.next_content(0)?;
    if first.indent != 0 {
        return None;
    }
    r.push(Event::StreamStart, 0, 0);
    r.push(Event::DocumentStart(false, None), first.at, first.at);
    let next = r.block(first, 0, false)?;
    if next.is_some() {
        return None;
    }
    let end = text.len();
    r.push(Event::DocumentEnd, end, end);
    r.push(Event::StreamEnd, end, end);
    Some(r.out)
}

/// Cheap whole-text checks: ends with a line feed, no tab, carriage return or character
/// YAML does not allow (or reads as a line break).
fn plausible(text: &str) -> bool {
    // Document markers (`---`, `...`) and directives (`%`) need no search here: every
    // line that starts in column 0 is read as a key, and no key starts with `-`, `.` or
    // `%`.
    if !text.ends_with('\n') {
        return false;
    }
    let b = text.as_bytes();
    // Printable ASCII and line feeds only (the common case), checked without a branch
    // per byte; otherwise the characters outside ASCII are looked at.
    let unusual = |c: u8| (c < 0x20 && c != b'\n') || c >= 0x7f;
    b.chunks(64).enumerate().all(|(n, chunk)| {
        !chunk.iter().fold(false, |acc, &c| acc | unusual(c))
            || chunk
                .iter()
                .enumerate()
                .all(|(i, &c)| allowed(b, n * 64 + i, c))
    })
}

/// Whether the byte `c` at `i` of `b` (valid UTF-8) is, or starts, a character YAML
/// allows and does not read as a line break.
fn allowed(b: &[u8], i: usize, c: u8) -> bool {
    match c {
        b'\n' | 0x20..0x7f => true,
        0x00..0x20 | 0x7f => false,
        // U+0080–U+009F: C1 controls, U+0085 (next line) among them.
        0xc2 => b[i + 1] >= 0xa0,
        // U+2028, U+2029: line and paragraph separators.
        0xe2 => !(b[i + 1] == 0x80 && matches!(b[i + 2], 0xa8 | 0xa9)),
        // U+FEFF (byte order mark), U+FFFE and U+FFFF (not characters).
        0xef => !matches!((b[i + 1], b[i + 2]), (0xbb, 0xbf) | (0xbf, 0xbe..=0xbf)),
        // Other lead and continuation bytes of valid UTF-8: U+00A0 and above.
        _ => true,
    }
}

/// The first non-blank character of a line that is neither empty nor a comment.
#[derive(Clone, Copy, Debug)]
struct Line {
    /// Byte offset of the first non-blank character.
    at: usize,
    /// Its column (spaces before it).
    indent: usize,
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    out: Vec<(Event<'a>, Span)>,
    max_depth: usize,
    max_events: usize,
}

/// Characters a plain scalar may not start with (YAML's indicators).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'a> Reader<'a> {
    fn push(&mut self, event: Event<'a>, start: usize, end: usize) {
        self.out.push((event, Span { start, end }));
    }

    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, start: usize, end: usize) {
        self.push(Event::Scalar(text, style, 0, None), start, end);
    }

    /// The end of the line holding `at` (the offset of its line feed).
    fn eol(&self, at: usize) -> usize {
        self.text[at..].find('\n').map_or(self.b.len(), |i| at + i)
    }

    /// From the start of a line at `at`, the next line holding content (skipping empty
    /// lines, blank lines and comment lines); `None` at the end of the text.
    fn next_content(&self, mut at: usize) -> Option<Line> {
        let b = self.b;
        while at < b.len() {
            let indent = b[at..].iter().take_while(|&&c| c == b' ').count();
            let first = at + indent;
            match b.get(first) {
                Some(b'\n') => at = first + 1,
                Some(b'#') => at = self.eol(first) + 1,
                Some(_) => return Some(Line { at: first, indent }),
                None => return None,
            }
        }
        None
    }

    /// After a value that ends at `at` on its line: only blanks and a comment may follow
    /// on the line; then the next content line (`Some(None)` at the end of the text).
    fn rest_of_line(&self, at: usize) -> Option<Option<Line>> {
        let b = self.b;
        let mut i = at;
        while b[i] == b' ' {
            i += 1;
        }
        match b[i] {
            b'\n' => Some(self.next_content(i + 1)),
            b'#' if i > at => Some(self.next_content(self.eol(i) + 1)),
            _ => None,
        }
    }

    fn full(&self) -> Option<()> {
        (self.out.len() <= self.max_events).then_some(())
    }

    /// A block mapping, or with `sequence` a block sequence of one-line scalars, whose
    /// first entry starts `first`. Returns the line that follows it (less indented),
    /// `None` at the end of the text.
    fn block(&mut self, first: Line, depth: usize, sequence: bool) -> Option<Option<Line>> {
        if depth > self.max_depth {
            return None;
        }
        let column = first.indent;
        let (start, end) = if sequence {
            let start = Event::SequenceStart(StructureStyle::Block, 0, None);
            (start, Event::SequenceEnd)
        } else {
            let start = Event::MappingStart(StructureStyle::Block, 0, None);
            (start, Event::MappingEnd)
        };
        self.push(start, first.at, first.at);
        let mut line = first;
        loop {
            self.full()?;
            let after = if sequence {
                self.item(line.at)?
            } else {
                let colon = self.key(line.at)?;
                self.value(colon, column, depth)?
            };
            match after {
                Some(next) if next.indent == column => line = next,
                Some(next) if next.indent > column => return None,
                // The end event sits at the next token (or the end of the text).
                next => {
                    let at = next.map_or(self.b.len(), |l| l.at);
                    self.push(end, at, at);
                    return Some(next);
                }
            }
        }
    }

    /// A plain key at `at`, up to its `: ` or `:` at the end of the line. Returns the
    /// offset of the colon.
    fn key(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let ok = |c: u8| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'/' | b'~' | b'+' | b'<')
        };
        if !ok(b[at]) || matches!(b[at], b'-' | b'.') {
            return None;
        }
        let mut i = at;
        while ok(b[i]) {
            i += 1;
        }
        if b[i] != b':' || !matches!(b[i + 1], b' ' | b'\n') {
            return None;
        }
        self.scalar(Cow::Borrowed(&self.text[at..i]), ScalarStyle::Plain, at, i);
        Some(i)
    }

    /// The value of a key of a mapping at column `n` whose colon is at `colon`.
    fn value(&mut self, colon: usize, n: usize, depth: usize) -> Option<Option<Line>> {
        let b = self.b;
        let mut i = colon + 1;
        while b[i] == b' ' {
            i += 1;
        }
        match b[i] {
            // `key()` saw a blank or the end of the line after the colon, so a `#` here
            // follows a blank: a comment.
            b'\n' | b'#' => {
                let next = self.next_content(self.eol(i) + 1);
                match next {
                    Some(line) if line.indent > n => {
                        let sequence = self.is_entry(line.at);
                        self.block(line, depth + 1, sequence)
                    }
                    Some(line) if line.indent == n && self.is_entry(line.at) => None,
                    _ => {
                        self.scalar(Cow::Borrowed("~"), ScalarStyle::Plain, colon, colon);
                        Some(next)
                    }
                }
            }
            b'|' | b'>' => self.block_scalar(i, n),
            b'[' | b'{' => {
                let end = self.flow(i)?;
                self.rest_of_line(end)
            }
            _ => {
                let end = self.one_line_scalar(i, false)?;
                let next = self.rest_of_line(end)?;
                match next {
                    // A more indented line would continue a plain scalar.
                    Some(line) if line.indent > n => None,
                    _ => Some(next),
                }
            }
        }
    }

    /// Whether a block sequence entry (`- ` or `-` at the end of the line) starts at `at`.
    fn is_entry(&self, at: usize) -> bool {
        self.b[at] == b'-' && matches!(self.b[at + 1], b' ' | b'\n')
    }

    /// A block sequence entry (`- ` and a one-line scalar or flow collection) at `at`;
    /// the line that follows it.
    fn item(&mut self, at: usize) -> Option<Option<Line>> {
        if !self.is_entry(at) || self.b[at + 1] != b' ' {
            return None;
        }
        let i = self.skip_spaces(at + 1);
        let end = match self.b[i] {
            b'[' | b'{' => self.flow(i)?,
            _ => self.one_line_scalar(i, false)?,
        };
        self.rest_of_line(end)
    }

    /// A plain or quoted scalar on one line starting at `at`; `flow` when inside `[]`
    /// or `{}`. Returns the offset just past it.
    fn one_line_scalar(&mut self, at: usize, flow: bool) -> Option<usize> {
        let b = self.b;
        match b[at] {
            q @ (b'"' | b'\'') => {
                let len = b[at + 1..]
                    .iter()
                    .position(|&c| c == q || c == b'\n' || c == b'\\')?;
                let close = at + 1 + len;
                if b[close] != q || b.get(close + 1) == Some(&q) {
                    return None;
                }
                let style = if q == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                self.scalar(
                    Cow::Borrowed(&self.text[at + 1..close]),
                    style,
                    at,
                    close + 1,
                );
                Some(close + 1)
            }
            c if is_indicator(c) => {
                // `-1` is a plain scalar; `- `, `-` alone and the other indicators are not.
                if c != b'-' || !b[at + 1].is_ascii_alphanumeric() {
                    return None;
                }
                self.plain(at, flow)
            }
            _ => self.plain(at, flow),
        }
    }

    /// A plain scalar on one line from `at`: up to ` #`, the end of the line, or in flow
    /// context `,`, `]` or `}`, without trailing blanks. A `: ` (or `:` before the end)
    /// inside is left to the full parser.
    fn plain(&mut self, at: usize, flow: bool) -> Option<usize> {
        let b = self.b;
        let mut i = at;
        let mut end = at;
        loop {
            match b[i] {
                b'\n' => break,
                b' ' => {
                    if b[i + 1] == b'#' {
                        break;
                    }
                }
                b':' => {
                    if matches!(b[i + 1], b' ' | b'\n') || flow {
                        return None;
                    }
                    end = i + 1;
                }
                b',' | b']' | b'}' if flow => break,
                b'[' | b'{' if flow => return None,
                _ => end = i + 1,
            }
            i += 1;
        }
        if end == at {
            return None; // nothing: a null, which the parser reads as `~`
        }
        self.scalar(
            Cow::Borrowed(&self.text[at..end]),
            ScalarStyle::Plain,
            at,
            end,
        );
        Some(end)
    }

    /// Blanks inside a flow collection on one line.
    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.b[i] == b' ' {
            i += 1;
        }
        i
    }

    /// A flow collection on one line from `at`: `[a, b]` of scalars or `{k: v}` of plain
    /// keys and scalars. Returns the offset past its closing bracket.
    fn flow(&mut self, at: usize) -> Option<usize> {
        let mapping = self.b[at] == b'{';
        let (start, end, close) = if mapping {
            let start = Event::MappingStart(StructureStyle::Flow, 0, None);
            (start, Event::MappingEnd, b'}')
        } else {
            let start = Event::SequenceStart(StructureStyle::Flow, 0, None);
            (start, Event::SequenceEnd, b']')
        };
        self.push(start, at, at + 1);
        let mut i = self.skip_spaces(at + 1);
        if self.b[i] != close {
            loop {
                self.full()?;
                if mapping {
                    i = self.flow_key(i)?;
                }
                i = self.one_line_scalar(i, true)?;
                i = self.skip_spaces(i);
                match self.b[i] {
                    b',' => i = self.skip_spaces(i + 1),
                    c if c == close => break,
                    _ => return None,
                }
                if self.b[i] == close {
                    return None; // a trailing comma
                }
            }
        }
        self.push(end, i, i + 1);
        Some(i + 1)
    }

    /// A plain key of a flow mapping at `at` and its `: `; returns where its value starts.
    fn flow_key(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let mut i = at;
        while b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-') {
            i += 1;
        }
        if i == at || !b[at].is_ascii_alphanumeric() || b.get(i..i + 2) != Some(b": ") {
            return None;
        }
        self.scalar(Cow::Borrowed(&self.text[at..i]), ScalarStyle::Plain, at, i);
        Some(self.skip_spaces(i + 1))
    }

    /// A `|` or `>` block scalar whose header starts at `at`, the value of a key at
    /// column `n`. Only the forms policies use: clip or strip chomping, no indentation
    /// indicator, no leading empty lines, and (folded) no more-indented lines.
    fn block_scalar(&mut self, at: usize, n: usize) -> Option<Option<Line>> {
        let b = self.b;
        let literal = b[at] == b'|';
        let mut i = at + 1;
        let strip = b[i] == b'-';
        if strip {
            i += 1;
        }
        let header_end = {
            let j = self.skip_spaces(i);
            match b[j] {
                b'\n' => j,
                b'#' if j > i => self.eol(j),
                _ => return None,
            }
        };
        // The first content line fixes the indentation.
        let first = header_end + 1;
        let k = b[first..].iter().take_while(|&&c| c == b' ').count();
        if k <= n || matches!(b.get(first + k), None | Some(b'\n')) {
            return None;
        }
        let start = first + k;
        let mut value = String::new();
        let mut line = first;
        let mut breaks = 0usize; // empty lines since the last content line
        let mut content_lines = 0usize;
        // Where the parser's scan stops: past the indentation of the line that ends the
        // scalar (the end of the text if none does).
        let mut end = b.len();
        while line < b.len() {
            let spaces = b[line..].iter().take_while(|&&c| c == b' ').count();
            let c = b[line + spaces];
            if c == b'\n' {
                if spaces > k {
                    return None;
                }
                breaks += 1;
                line += spaces + 1;
                continue;
            }
            if spaces < k {
                end = line + spaces;
                break;
            }
            if spaces > k && !literal {
                return None;
            }
            let eol = self.eol(line);
            if content_lines > 0 {
                if literal || breaks == 0 {
                    value.push(if literal { '\n' } else { ' ' });
                }
                for _ in 0..breaks {
                    value.push('\n');
                }
            }
            value.push_str(&self.text[line + k..eol]);
            content_lines += 1;
            breaks = 0;
            line = eol + 1;
        }
        if !strip {
            value.push('\n');
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.scalar(Cow::Owned(value), style, start, end);
        Some(self.next_content(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_saphyr::granit_parser::Parser;
    use std::path::Path;

    /// `granit-parser`'s events for `text`, with byte spans; `None` if it refuses `text`.
    fn reference(text: &str) -> Option<Vec<(Event<'_>, Span)>> {
        let mut p = Parser::new_from_str_with_options(text, super::super::parser_options());
        let mut out = Vec::new();
        for item in &mut p {
            let (ev, span) = item.ok()?;
            let offset = |m: serde_saphyr::granit_parser::Marker| m.byte_offset().unwrap();
            out.push((ev, Span::new(offset(span.start), offset(span.end))));
        }
        Some(out)
    }

    /// Where the subset reader answers, it answers as the parser does.
    fn consistent(text: &str) -> Result<bool, String> {
        let Some(got) = events(text, 18, 100_000) else {
            return Ok(false);
        };
        let Some(want) = reference(text) else {
            return Err(format!("the subset read what the parser refuses: {text:?}"));
        };
        if got != want {
            let at = got.iter().zip(&want).position(|(g, w)| g != w);
            return Err(format!(
                "{text:?}: first difference at event {at:?}:\n subset {:?}\n parser {:?}",
                at.map(|i| &got[i]),
                at.map(|i| &want[i])
            ));
        }
        Ok(true)
    }

    fn agrees(text: &str) {
        assert_eq!(consistent(text), Ok(true), "{text:?}");
    }

    fn declines(text: &str) {
        assert!(events(text, 18, 100_000).is_none(), "{text:?}");
    }

    #[test]
    fn reads_what_policies_use_as_the_parser_does() {
        agrees("# c\ntcppolicy: 1\nname: \"q # not a comment\"  # c\nx: 'a b'\n");
        agrees("a: >-\n  one\n  two\n\n  three\nb: |\n  x\n    more\n  y\n");
        agrees("a: >\n  x\n  y\n\n\n# c\nb: |-\n  p\n\n  r\n\nc: 1\n");
        agrees("a:\n  b: |\n    x\n\n");
        agrees("a:\n  b: >- # why\n    x\n  c: 2\n");
        agrees(
            "extends: [base.yaml, \"o.yaml\"]\nempty: []\nm: {min: 4KiB, max: '64MiB'}\ne: {}\n",
        );
        agrees("nothing:\nafter: x\ndeep:\n  n:\n# c\nlast:\n");
        agrees(
            "s:\n  net.ipv4.tcp_rmem:\n    value: 10\n    list:\n      - a\n      - b c # c\n      - [x]\n  k2: v   \nz: 1\n",
        );
        agrees(
            "url: http://x:80/a#b\ntime: 12:30\nneg: -1\ninf: .inf\nn: ~\nu: caf\u{e9} \u{2014} \u{1f600}\n",
        );
        agrees("a: 1\n\n\n   \nb: 2\n");
        agrees("a: # nothing\nb: x[1], {y}\nc: [ ]\nd: { }\ne: [ a ,b ]\n");
        agrees("true: 1\n1: x\nnull: y\n<<x: z\n");
        agrees("a:\n  - x\n  - y # c\n  - 'z'\n");
    }

    #[test]
    fn leaves_everything_else_to_the_parser() {
        for text in [
            "a: 1",                   // no final line feed
            "a: 1\r\n",               // carriage return
            "a:\t1\n",                // tab
            "---\na: 1\n",            // document marker
            "a: 1\n---\nb: 2\n",      // a second document
            "a:\n  b: 1\n...\n",      // document end
            "a: |\n  x\n---\n",       // a block scalar ended by a marker
            "a:\n---\n",              // a null ended by a marker
            "...: 1\n",               // a key that looks like a marker
            "%YAML 1.2\n---\na: 1\n", // directive
            "a: &x 1\nb: *x\n",       // anchor, alias
            "a: !!str 1\n",           // tag
            "a: \"x\\ty\"\n",         // escape
            "a: 'it''s'\n",           // quoted quote
            "a: \"x\n  y\"\n",        // multi-line quoted
            "a: x\n  y\n",            // multi-line plain
            "a:\n- x\n",              // compact sequence
            "a:\n  - \n  - x\n",      // null entry
            "a:\n  - k: v\n",         // mapping in a sequence
            "a: |+\n  x\n",           // keep chomping
            "a: |2\n   x\n",          // indentation indicator
            "a: |\n\n  x\n",          // leading empty line
            "a: >\n  x\n    y\n",     // more-indented folded line
            "a: b: c\n",              // syntax error
            "a:\n  b: 1\n c: 2\n",    // bad indentation
            "a: [x, y\n",             // unclosed flow
            "a: [x, ]\n",             // trailing comma
            "a: [[x]]\n",             // nested flow
            "a: 'x\n",                // unclosed quote
            "? a\n: 1\n",             // complex key
            "- a\n",                  // sequence document
            "a b: 1\n",               // key with a blank
            "\u{feff}a: 1\n",         // byte order mark
            "a: x\u{85}y\n",          // next line
            "",                       // empty
            "# only a comment\n",
        ] {
            declines(text);
        }
        let deep: String = (0..30)
            .map(|d| format!("{}k{d}:\n", " ".repeat(d)))
            .collect();
        declines(&format!("{deep}{}v: 1\n", " ".repeat(30)));
    }

    /// Every YAML file in the repository (examples, fixtures, the compiler's corpus):
    /// where the subset reader answers, it answers as the parser does — and it answers
    /// for every example policy, which is what makes `check` cheap.
    #[test]
    fn agrees_on_every_yaml_file_of_the_repository() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        let mut dirs = vec![root.join("examples"), root.join("tests")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 300, "{} files", files.len());
        let mut read = 0;
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            if consistent(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
                read += 1;
            }
        }
        assert!(read > files.len() / 2, "{read} of {}", files.len());
        for example in std::fs::read_dir(root.join("examples")).unwrap() {
            let path = example.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(consistent(&text), Ok(true), "{}", path.display());
            }
        }
    }

    /// A measurement on outside YAML, not part of the suite: every file named in
    /// `$SUBSET_CORPUS` (one path per line), e.g. the Ansible collections' YAML files in
    /// the test virtualenv:
    /// `find $PWD/.venv -name '*.yml' -o -name '*.yaml' > /tmp/corpus.txt` and
    /// `SUBSET_CORPUS=/tmp/corpus.txt cargo test -p tcppolicy-core subset -- --ignored`.
    #[test]
    #[ignore = "needs $SUBSET_CORPUS"]
    #[allow(clippy::print_stderr)] // the figure is the point
    fn agrees_on_an_outside_corpus() {
        let list = std::fs::read_to_string(std::env::var("SUBSET_CORPUS").unwrap()).unwrap();
        let (mut read, mut total) = (0, 0);
        for path in list.lines() {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            total += 1;
            if consistent(&text).unwrap_or_else(|e| panic!("{path}: {e}")) {
                read += 1;
            }
        }
        eprintln!("the subset reader read {read} of {total} files, as the parser does");
    }

    /// A YAML node of the kinds policies have, rendered by [`render`].
    #[derive(Clone, Debug)]
    enum Node {
        /// A scalar token as written (plain, quoted, flow collection), with a comment.
        Token(String, bool),
        Null,
        /// A block scalar: literal?, strip?, its lines ("" for an empty line).
        Block(bool, bool, Vec<String>),
        Seq(Vec<String>),
        Map(Vec<(String, Node)>),
    }

    /// Keys: the characters plain keys are read with, and a few they are not.
    const KEY: &str = "[a-z0-9_/~+<.-][a-z0-9_./~+<-]{0,8}";

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9][a-z0-9 ._:/#-]{0,12}",
            "\"[a-z #:'\\\\]{0,8}\"",
            "'[a-z #:\"]{0,8}'",
            "-?[0-9]{1,4}",
            Just("~".to_string()),
            Just(String::new()),
            "[a-z\u{e9}\u{2014}\u{85}\u{a0}\u{2028}\u{feff}\u{fffe}]{1,4}",
            prop::collection::vec("[a-z0-9][a-z0-9 ]{0,5}|'[a-z ]{0,4}'", 0..4)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(("[a-z]{1,4}", "[a-z0-9]{1,4}"), 0..3).prop_map(|v| {
                let e: Vec<String> = v.iter().map(|(k, x)| format!("{k}: {x}")).collect();
                format!("{{{}}}", e.join(", "))
            }),
        ]
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            (token(), any::<bool>()).prop_map(|(t, c)| Node::Token(t, c)),
            Just(Node::Null),
            (
                any::<bool>(),
                any::<bool>(),
                prop::collection::vec("[a-z #:]{0,10}|  [a-z]{1,4}", 1..5)
            )
                .prop_map(|(l, s, lines)| Node::Block(l, s, lines)),
            prop::collection::vec(token(), 1..4).prop_map(Node::Seq),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop::collection::vec((KEY, inner), 1..4).prop_map(Node::Map)
        })
    }

    /// Render the entries of a mapping at column `indent`, children `step` further in.
    fn render(entries: &[(String, Node)], indent: usize, step: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        let inner = " ".repeat(indent + step);
        for (key, value) in entries {
            out.push_str(&format!("{pad}{key}:"));
            match value {
                Node::Token(t, comment) => {
                    out.push_str(&format!(" {t}{}\n", if *comment { " # c" } else { "" }));
                }
                Node::Null => out.push('\n'),
                Node::Block(literal, strip, lines) => {
                    let header = if *literal { "|" } else { ">" };
                    out.push_str(&format!(" {header}{}\n", if *strip { "-" } else { "" }));
                    for line in lines {
                        if line.is_empty() {
                            out.push('\n');
                        } else {
                            out.push_str(&format!("{inner}{line}\n"));
                        }
                    }
                }
                Node::Seq(items) => {
                    out.push('\n');
                    for item in items {
                        out.push_str(&format!("{inner}- {item}\n"));
                    }
                }
                Node::Map(children) => {
                    out.push_str("\n# between\n");
                    render(children, indent + step, step, out);
                }
            }
        }
    }

    /// Policy-like documents, and the same with one character changed somewhere.
    fn policy_like() -> impl Strategy<Value = String> {
        let document =
            (prop::collection::vec((KEY, node()), 1..5), 1usize..5).prop_map(|(entries, step)| {
                let mut out = String::new();
                render(&entries, 0, step, &mut out);
                out
            });
        let edit = prop_oneof![
            4 => Just(None),
            1 => (any::<prop::sample::Index>(), prop::sample::select(vec![" ", "\n", ":", "#", "-", "'", "\"", "[", "|", ">", "  ", "x", ""])).prop_map(Some),
        ];
        (document, edit).prop_map(|(text, edit)| match edit {
            None => text,
            Some((at, piece)) => {
                // Replace one character (the document is never empty).
                let (i, c) = text
                    .char_indices()
                    .nth(at.index(text.chars().count()))
                    .unwrap();
                format!("{}{piece}{}", &text[..i], &text[i + c.len_utf8()..])
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn never_disagrees_with_the_parser_on_policy_like_text(text in policy_like()) {
            prop_assert_eq!(consistent(&text).map(|_| ()), Ok(()));
        }

        #[test]
        fn never_disagrees_with_the_parser_on_arbitrary_text(text in "[a-z0-9:#'\"\\[\\]{},|>&*!\\- \n]{0,80}\n") {
            prop_assert_eq!(consistent(&text).map(|_| ()), Ok(()));
        }
    }
}
