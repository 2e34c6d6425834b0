//! Reading a policy file: size and encoding checks, the YAML structure checks, a side
//! table of source spans keyed by JSON pointer, and the untyped value the schema checks.
//!
//! The span table is built from the events of `granit-parser`, the parser `serde-saphyr`
//! itself runs on, so the positions are the deserializer's own (for files in the block
//! style policies are written in, `load/subset.rs` produces the same events at a tenth of
//! the cost). The typed model stays free of positions (cargo's `get_key_value_span`
//! approach): diagnostics look spans up by the JSON pointer of the key or value at fault.

mod subset;

use crate::diagnostic::{Code, Diagnostic, Label, code};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span as YamlSpan};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest policy file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Deepest nesting of mappings and sequences accepted. A policy needs four levels.
pub const MAX_DEPTH: usize = 16;

code!(
    YAML_SYNTAX,
    "TP001",
    "yaml-syntax",
    Error,
    "the file is not well-formed YAML",
    "The YAML parser could not read the file. The diagnostic points at the first place the \
     parser gave up; fix that and run `tcppolicy check` again.\n\nCommon causes: a tab used \
     for indentation, a missing space after `:`, an unclosed quote or bracket, or a value \
     containing `: ` or ` #` that needs quoting."
);
code!(
    DUPLICATE_KEY,
    "TP002",
    "duplicate-key",
    Error,
    "a mapping has the same key twice",
    "YAML requires keys of a mapping to be unique. Many YAML tools silently keep the last \
     value, so a duplicated setting hides one of the two values from review. tcppolicy \
     refuses the file and points at both occurrences.\n\nFix: remove one of the two entries."
);
code!(
    ANCHOR_OR_ALIAS,
    "TP003",
    "anchor-or-alias",
    Error,
    "the file uses a YAML anchor (`&name`) or alias (`*name`)",
    "Anchors and aliases let one node be reused elsewhere. A policy needs neither (use \
     `extends` to share settings between policies), and aliases make \"billion laughs\" \
     documents possible, where a few hundred bytes expand to gigabytes. tcppolicy rejects \
     them outright.\n\nFix: write the value out, or move shared settings to a base policy."
);
code!(
    MERGE_KEY,
    "TP004",
    "merge-key",
    Error,
    "the file uses a YAML merge key (`<<`)",
    "Merge keys (`<<: *base`) are a YAML 1.1 extension that copies entries from another \
     mapping. They hide where a value comes from and are rejected.\n\nFix: use `extends` to \
     build on a base policy; tcppolicy records which file every setting came from."
);
code!(
    NESTING_TOO_DEEP,
    "TP005",
    "nesting-too-deep",
    Error,
    "mappings and sequences are nested deeper than a policy can be",
    "A policy is at most four levels deep (policy → settings → parameter → value). Input \
     nested much deeper than that is malformed or hostile, and tcppolicy stops reading it \
     at 16 levels instead of exhausting memory or the stack."
);
code!(
    FILE_TOO_LARGE,
    "TP006",
    "file-too-large",
    Error,
    "the file is larger than 1 MiB",
    "Policy files are small: even a policy that sets every parameter in the catalog with a \
     paragraph of rationale each is well under 100 KiB. Files over 1 MiB are refused \
     before parsing so that a wrong path (a log, a disk image) cannot stall CI."
);
code!(
    INVALID_UTF8,
    "TP007",
    "invalid-utf8",
    Error,
    "the file is not valid UTF-8",
    "Policies are UTF-8 text. The diagnostic points at the first byte that is not valid \
     UTF-8. The file may be in another encoding (convert it with `iconv -t UTF-8`) or may \
     not be a policy at all."
);
code!(
    YAML_TAG,
    "TP008",
    "yaml-tag",
    Error,
    "the file uses a YAML tag such as `!!binary` or `!custom`",
    "Tags change how YAML reads a value. A policy's values are typed by the parameter \
     catalog, so tags are not needed and are rejected, except `!!str`, which forces a \
     string.\n\nFix: remove the tag; quote the value if it must be a string."
);
code!(
    MULTIPLE_DOCUMENTS,
    "TP009",
    "multiple-documents",
    Error,
    "the file holds more than one YAML document",
    "A policy file holds exactly one policy. A second `---` starts a second document, which \
     other tools would silently ignore or merge.\n\nFix: put each policy in its own file."
);
code!(
    UNREADABLE_FILE,
    "TP010",
    "unreadable-file",
    Error,
    "the file could not be read",
    "The operating system refused to read the file (it does not exist, is a directory, or \
     permissions forbid it). The message gives the system's reason."
);
code!(
    TOO_MANY_NODES,
    "TP012",
    "too-many-nodes",
    Error,
    "the file has more YAML nodes than any policy could need",
    "A policy that sets every parameter in the catalog has a few hundred YAML nodes. Input \
     with more than 100000 (a list of 400000 numbers for a three-element parameter, a \
     generated file gone wrong) is refused before it is deserialized, so that a wrong \
     file cannot exhaust memory or time."
);
code!(
    COMPLEX_KEY,
    "TP011",
    "complex-key",
    Error,
    "a mapping key is itself a mapping or a sequence",
    "YAML allows mappings and sequences as keys (`? [a, b]: c`). Policy keys are always \
     plain names, so such keys are rejected."
);

/// The source spans of one node: its key (for mapping entries) and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeSpan {
    /// The key, for a mapping entry.
    pub key: Option<Span>,
    /// The value.
    pub value: Span,
}

/// Spans of every key and value, keyed by JSON pointer (`/settings/net.ipv4.tcp_sack/value`).
#[derive(Debug, Default, Clone)]
pub struct SpanTable {
    /// Sorted by (hash of the pointer, pointer) once the walk is done, for binary search:
    /// pointers share long prefixes (`/settings/net.ipv4.tcp_`), and comparing hashes
    /// first spares comparing those byte by byte. Shared: the compiler keeps a copy of
    /// every file's table.
    map: std::sync::Arc<Vec<(u64, String, NodeSpan)>>,
}

/// The hash a [`SpanTable`] orders pointers by: fixed, so the order is the same in every
/// run.
fn pointer_hash(pointer: &str) -> u64 {
    std::hash::BuildHasher::hash_one(&foldhash::fast::FixedState::default(), pointer)
}

impl SpanTable {
    /// The spans of the node at `pointer`.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.find(pointer)
    }

    /// The value span at `pointer`, or of its nearest ancestor that has one.
    pub fn value(&self, pointer: &str) -> Span {
        self.nearest(pointer).value
    }

    /// The key span at `pointer` (the value span for sequence items and the root), or the
    /// nearest ancestor's.
    pub fn key(&self, pointer: &str) -> Span {
        let node = self.nearest(pointer);
        node.key.unwrap_or(node.value)
    }

    fn nearest(&self, pointer: &str) -> NodeSpan {
        let mut p = pointer;
        loop {
            if let Some(n) = self.find(p) {
                return n;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => {
                    return NodeSpan {
                        key: None,
                        value: Span::point(0),
                    };
                }
            }
        }
    }

    fn find(&self, pointer: &str) -> Option<NodeSpan> {
        let hash = pointer_hash(pointer);
        self.map
            .binary_search_by(|(h, p, _)| h.cmp(&hash).then_with(|| p.as_str().cmp(pointer)))
            .ok()
            .map(|i| self.map[i].2)
    }

    fn insert(&mut self, pointer: String, node: NodeSpan) {
        std::sync::Arc::make_mut(&mut self.map).push((pointer_hash(&pointer), pointer, node));
    }

    /// Sort for lookups; of a pointer recorded twice (a duplicate key), keep the last.
    fn finish(&mut self) {
        let map = std::sync::Arc::make_mut(&mut self.map);
        map.reverse();
        map.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        map.dedup_by(|a, b| a.1 == b.1);
    }

    /// Number of nodes recorded.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no node was recorded.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Every pointer recorded.
    pub fn pointers(&self) -> impl Iterator<Item = &str> {
        self.map.iter().map(|(_, p, _)| p.as_str())
    }
}

/// Escape one JSON-pointer reference token (RFC 6901).
pub fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Build a JSON pointer from tokens.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .fold(String::new(), |p, t| child_pointer(&p, t))
}

/// The pointer of the child `token` (escaped) of the node at `parent`. Built by hand, not
/// with `format!`: loading builds one per node, the compiler one per setting.
pub fn child_pointer(parent: &str, token: &str) -> String {
    let token = escape_token(token);
    let mut pointer = String::with_capacity(parent.len() + 1 + token.len());
    pointer.push_str(parent);
    pointer.push('/');
    pointer.push_str(&token);
    pointer
}

/// The pointer of item `index` of the sequence at `parent`.
fn item_pointer(parent: &str, index: usize) -> String {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match DIGITS.get(index) {
        Some(d) => child_pointer(parent, d),
        None => child_pointer(parent, &index.to_string()),
    }
}

/// A parsed policy file: the untyped value and the span table.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file in the source map.
    pub file: FileId,
    /// The YAML as a JSON value (what the schema validates).
    pub value: serde_json::Value,
    /// Spans by JSON pointer.
    pub spans: SpanTable,
    /// Plain scalars that YAML reads as numbers no kernel parameter takes: floating-point
    /// numbers (`1.5`, `3.0`, `1e3`, `.nan`) and integers beyond 64 bits. The JSON value
    /// cannot show them faithfully (`3.0` looks like an integer to a schema), so the
    /// schema phase reports them from here.
    pub odd_numbers: Vec<(String, OddNumber)>,
}

/// A number a policy cannot contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OddNumber {
    /// A floating-point number.
    Float,
    /// An integer outside the 64-bit range.
    TooLarge,
}

/// Most nodes a policy may have. A policy that sets every catalog parameter has ~600.
pub const MAX_NODES: usize = 100_000;

/// Read a policy file into `sources`, refusing files over [`MAX_FILE_BYTES`] and text that
/// is not UTF-8. Returns the file id and, on failure, the diagnostic.
pub fn read_file(
    path: &Path,
    display: PathBuf,
    sources: &mut SourceMap,
) -> (FileId, Option<Diagnostic>) {
    let mut bytes = Vec::new();
    let read =
        open_regular(path).and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        let id = sources.add(SourceFile::new(display, String::new()));
        let diag = Diagnostic::new(
            &UNREADABLE_FILE,
            Label::new(id, Span::point(0)),
            format!("cannot read `{}`: {e}", path.display()),
        );
        return (id, Some(diag));
    }
    from_bytes(bytes, display, sources)
}

/// Open `path` for reading if it is a regular file (SPEC §9): opened with `O_NONBLOCK`
/// so that a FIFO cannot hang the open, then refused unless `fstat` says it is a regular
/// file, so that a FIFO, a device (`/dev/zero`) or a directory is a clear error.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let kind = file.metadata()?.file_type();
    let what = if kind.is_file() {
        return Ok(file);
    } else if kind.is_dir() {
        "is a directory"
    } else if kind.is_fifo() {
        "is a FIFO, not a regular file"
    } else if kind.is_char_device() || kind.is_block_device() {
        "is a device, not a regular file"
    } else if kind.is_socket() {
        "is a socket, not a regular file"
    } else {
        "is not a regular file"
    };
    Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, what))
}

/// Register `bytes` read from `display` in `sources`, checking size and encoding.
pub fn from_bytes(
    bytes: Vec<u8>,
    display: PathBuf,
    sources: &mut SourceMap,
) -> (FileId, Option<Diagnostic>) {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let preview = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        let id = sources.add(SourceFile::new(display, preview));
        let diag = Diagnostic::new(
            &FILE_TOO_LARGE,
            Label::new(id, Span::point(0)),
            format!(
                "file is larger than the 1 MiB limit for policies: over {MAX_FILE_BYTES} bytes"
            ),
        )
        .help("a policy is a few KiB; check that the path names a policy file");
        return (id, Some(diag));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (sources.add(SourceFile::new(display, text)), None),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bad = e.as_bytes()[offset];
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // In the lossy text every invalid sequence is one U+FFFD (3 bytes): the first
            // one sits at the same offset, as everything before it was valid.
            let id = sources.add(SourceFile::new(display, text));
            let diag = Diagnostic::new(
                &INVALID_UTF8,
                Label::with_message(id, Span::new(offset, offset + 3), "not UTF-8"),
                format!("file is not valid UTF-8: byte 0x{bad:02x} at offset {offset}"),
            )
            .help("convert the file to UTF-8, e.g. `iconv -f LATIN1 -t UTF-8`");
            (id, Some(diag))
        }
    }
}

/// Parse the text of `file` into a [`Document`], or the diagnostics explaining why not.
pub fn parse(file: FileId, sources: &SourceMap) -> Result<Document, Vec<Diagnostic>> {
    let source = sources.get(file);
    let mut walker = Walker {
        events: Events::new(source.text()),
        source,
        file,
        table: SpanTable::default(),
        diagnostics: Vec::new(),
        tag_at: None,
        nodes: 0,
        odd_numbers: Vec::new(),
    };
    // `Err(Stop)` only means the walk could not go on; the reason is a diagnostic.
    let value = walker.stream();
    walker.table.finish();
    match value {
        Ok(value) if walker.diagnostics.is_empty() => Ok(Document {
            file,
            value,
            spans: walker.table,
            odd_numbers: walker.odd_numbers,
        }),
        _ => Err(walker.diagnostics),
    }
}

/// The options under which `serde-saphyr` reads a policy into a `serde_json::Value`
/// exactly as [`parse`] does (strict booleans, leading-zero numbers and non-finite
/// floats as strings). [`parse`] builds the value in the same walk over the parser's
/// events that builds the span table, instead of parsing the text a second time; the
/// test suites hold the two to the same value on every corpus case and example.
pub fn reference_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        leading_zero_numbers_as_strings: true,
        budget: serde_saphyr::budget! { max_depth: MAX_DEPTH + 1 },
    }
}

/// The JSON value of a scalar, as `serde-saphyr` resolves it for an untyped target under
/// [`reference_options`]: the YAML 1.2 core schema (null, strict booleans, integers with
/// `0x`/`0o`/`0b` and `_` separators, floats), except that a decimal with a redundant
/// leading zero (`0755`) and a non-finite float stay text. Quoted, block and `!!str`
/// scalars are text.
fn scalar_value(text: &str, plain: bool) -> serde_json::Value {
    use serde_json::Value;
    if !plain {
        return Value::String(text.to_string());
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    let t = text.trim_matches([' ', '\t', '\r', '\n']);
    match t {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let leading_zero = unsigned.len() > 1
        && unsigned.starts_with('0')
        && unsigned.bytes().all(|b| b.is_ascii_digit());
    if leading_zero {
        return Value::String(text.to_string());
    }
    if let Some(n) = yaml_int(t) {
        let negative = t.starts_with('-');
        if !negative && let Ok(n) = u64::try_from(n) {
            return Value::from(n);
        }
        if negative && let Ok(n) = i64::try_from(n) {
            return Value::from(n);
        }
    }
    if let Some(f) = yaml_float(t) {
        return if f.is_finite() {
            Value::from(f)
        } else if f.is_nan() {
            Value::String(".nan".into())
        } else if f.is_sign_negative() {
            Value::String("-.inf".into())
        } else {
            Value::String(".inf".into())
        };
    }
    Value::String(text.to_string())
}

/// A YAML 1.2 core integer: an optional sign, then decimal digits (no redundant leading
/// zero) or `0x`/`0o`/`0b` and digits of that radix; `_` may separate digits.
fn yaml_int(t: &str) -> Option<i128> {
    let (negative, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let prefixed = |p: &[&str; 2]| p.iter().find_map(|p| rest.strip_prefix(p));
    let (radix, digits) = if let Some(d) = prefixed(&["0x", "0X"]) {
        (16, d)
    } else if let Some(d) = prefixed(&["0o", "0O"]) {
        (8, d)
    } else if let Some(d) = prefixed(&["0b", "0B"]) {
        (2, d)
    } else {
        if rest.starts_with('0') && rest != "0" {
            return None;
        }
        (10, rest)
    };
    let bytes = digits.as_bytes();
    let mut magnitude: u128 = 0;
    let mut seen = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let separates =
                i > 0 && bytes[i - 1] != b'_' && bytes.get(i + 1).is_some_and(|n| *n != b'_');
            if !separates {
                return None;
            }
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        magnitude = magnitude
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        seen = true;
    }
    if !seen {
        return None;
    }
    if negative {
        if magnitude == i128::MAX as u128 + 1 {
            Some(i128::MIN)
        } else {
            i128::try_from(magnitude).ok().map(|m| -m)
        }
    } else {
        i128::try_from(magnitude).ok()
    }
}

/// A YAML 1.2 core float: `.inf`, `.nan` (three spellings, signed), or a numeral Rust
/// reads as a finite `f64`; a numeral too large for one is infinite.
fn yaml_float(t: &str) -> Option<f64> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    let f = t.parse::<f64>().ok()?;
    let numeral = t
        .strip_prefix(['+', '-'])
        .unwrap_or(t)
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit);
    (f.is_finite() || (f.is_infinite() && numeral)).then_some(f)
}

fn parser_options() -> serde_saphyr::granit_parser::Options {
    let mut options = serde_saphyr::granit_parser::Options::default();
    options.flow_nesting_limit = MAX_DEPTH + 2;
    options.block_nesting_limit = MAX_DEPTH + 2;
    options
}

/// Classify a plain scalar the YAML 1.2 core schema reads as a number we cannot hold.
fn odd_number(text: &str) -> Option<OddNumber> {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let fits = text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok();
        return (!fits).then_some(OddNumber::TooLarge);
    }
    if matches!(t, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(OddNumber::Float);
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mantissa_ok = {
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        (!int.is_empty() || !frac.is_empty())
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && (mantissa.contains('.') || exponent.is_some())
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    (mantissa_ok && exponent_ok).then_some(OddNumber::Float)
}

/// The keys of one mapping, for duplicate detection: a list while small (most policy
/// mappings have a handful of keys), a hash map past that (hostile input). Keys borrow
/// from the text where the reader gave them so (plain keys).
#[derive(Default)]
struct KeySet<'a> {
    small: Vec<(Cow<'a, str>, Span)>,
    large: HashMap<Cow<'a, str>, Span>,
}

impl<'a> KeySet<'a> {
    fn get(&self, key: &str) -> Option<Span> {
        if self.large.is_empty() {
            self.small.iter().find(|(k, _)| k == key).map(|(_, s)| *s)
        } else {
            self.large.get(key).copied()
        }
    }

    fn insert(&mut self, key: Cow<'a, str>, span: Span) {
        if self.large.is_empty() && self.small.len() < 32 {
            self.small.push((key, span));
        } else {
            self.large.extend(self.small.drain(..));
            self.large.insert(key, span);
        }
    }
}

/// The walk stopped early; the reason is already a diagnostic.
struct Stop;

/// Where the walk's events come from: the subset reader when the file is in its subset
/// (most policies; about a tenth of the parser's cost), else `granit-parser`.
enum Events<'a> {
    Subset(std::vec::IntoIter<(Event<'a>, Span)>),
    Parser(Box<Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>>),
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Self {
        // The subset reader builds the whole list of events first. It gives up past the
        // walk's node limit (a file that large is refused anyway, by the parser path with
        // the same diagnostic), so a hostile file cannot make the list huge.
        match subset::events(text, MAX_DEPTH + 2, MAX_NODES + 8) {
            Some(events) => Events::Subset(events.into_iter()),
            None => Events::Parser(Box::new(Parser::new_from_str_with_options(
                text,
                parser_options(),
            ))),
        }
    }
}

struct Walker<'a> {
    events: Events<'a>,
    source: &'a SourceFile,
    file: FileId,
    table: SpanTable,
    diagnostics: Vec<Diagnostic>,
    /// Byte offset of the tag token of the last event, if it had one.
    tag_at: Option<usize>,
    nodes: usize,
    odd_numbers: Vec<(String, OddNumber)>,
}

impl<'a> Walker<'a> {
    fn span(&self, s: YamlSpan) -> Span {
        let offset = |m: serde_saphyr::granit_parser::Marker| {
            m.byte_offset()
                .unwrap_or_else(|| self.source.offset_of_char(m.index()))
        };
        Span::new(offset(s.start), offset(s.end))
    }

    fn error(&mut self, code: &'static Code, span: Span, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(code, Label::new(self.file, span), message));
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), Stop> {
        let parser = match &mut self.events {
            Events::Subset(events) => {
                self.tag_at = None;
                return match events.next() {
                    Some(item) => Ok(item),
                    None => self.unexpected_end(),
                };
            }
            Events::Parser(parser) => parser,
        };
        match parser.next() {
            Some(Ok((event, span))) => {
                self.tag_at = span.tag_start().map(|m| {
                    m.byte_offset()
                        .unwrap_or_else(|| self.source.offset_of_char(m.index()))
                });
                let span = self.span(span);
                Ok((event, span))
            }
            Some(Err(e)) => {
                let m = e.marker();
                let at = m
                    .byte_offset()
                    .unwrap_or_else(|| self.source.offset_of_char(m.index()));
                if let serde_saphyr::granit_parser::ErrorKind::RecursionLimitExceeded = e.kind() {
                    let message = format!(
                        "nesting is deeper than a policy can be: more than {MAX_DEPTH} levels"
                    );
                    self.error(&NESTING_TOO_DEEP, Span::point(at), message);
                } else {
                    let message = format!("invalid YAML: {}", e.info());
                    self.error(&YAML_SYNTAX, Span::point(at), message);
                }
                Err(Stop)
            }
            None => self.unexpected_end(),
        }
    }

    fn unexpected_end(&mut self) -> Result<(Event<'a>, Span), Stop> {
        let end = self.source.text().len();
        self.error(
            &YAML_SYNTAX,
            Span::point(end),
            "invalid YAML: unexpected end of input",
        );
        Err(Stop)
    }

    /// Walk the stream: the document's value (null when there is none).
    fn stream(&mut self) -> Result<serde_json::Value, Stop> {
        let mut documents = 0;
        let mut value = serde_json::Value::Null;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd => {}
                Event::StreamEnd => return Ok(value),
                Event::DocumentStart(..) => {
                    documents += 1;
                    if documents > 1 {
                        self.error(
                            &MULTIPLE_DOCUMENTS,
                            span,
                            "a policy file holds one YAML document: found a second one",
                        );
                        return Err(Stop);
                    }
                    let (event, span) = self.next()?;
                    value = self.node(event, span, String::new(), None, 0)?;
                }
                _ => {
                    self.error(&YAML_SYNTAX, span, "invalid YAML: unexpected event");
                    return Err(Stop);
                }
            }
        }
    }

    fn check_properties(
        &mut self,
        anchor: usize,
        tag: Option<&serde_saphyr::granit_parser::Tag>,
        span: Span,
    ) {
        if anchor != 0 {
            self.error(
                &ANCHOR_OR_ALIAS,
                span,
                "anchors are not allowed in a policy: found an anchor on this node",
            );
        }
        if let Some(tag) = tag
            && tag.core_suffix() != Some("str")
        {
            // The tag token runs from its `!` to the next blank (or the end of the text).
            let text = self.source.text();
            let at = self.tag_at.filter(|t| *t < text.len()).map_or(span, |t| {
                let len = text[t..]
                    .find(|c: char| c.is_whitespace())
                    .unwrap_or(text.len() - t);
                Span::new(t, t + len)
            });
            let written = format!("{}{}", tag.original_handle(), tag.suffix());
            let message = format!(
                "tags are not allowed in a policy: found `{}`",
                written.escape_debug()
            );
            self.error(&YAML_TAG, at, message);
        }
    }

    /// Walk one node: record its spans, check it, and return its value (meaningless once
    /// a diagnostic was reported).
    fn node(
        &mut self,
        event: Event<'a>,
        span: Span,
        pointer: String,
        key: Option<Span>,
        depth: usize,
    ) -> Result<serde_json::Value, Stop> {
        match event {
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                self.error(
                    &ANCHOR_OR_ALIAS,
                    span,
                    "aliases are not allowed in a policy: found an alias",
                );
                self.table.insert(pointer, NodeSpan { key, value: span });
                Ok(serde_json::Value::Null)
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.check_properties(anchor, tag.as_deref(), span);
                self.count(span)?;
                let plain = style == ScalarStyle::Plain && tag.is_none();
                if plain && let Some(odd) = odd_number(&text) {
                    self.odd_numbers.push((pointer.clone(), odd));
                }
                self.table.insert(pointer, NodeSpan { key, value: span });
                Ok(scalar_value(&text, plain))
            }
            Event::SequenceStart(_, anchor, tag) => {
                self.check_properties(anchor, tag.as_deref(), span);
                self.enter(depth, span)?;
                let mut items = Vec::new();
                loop {
                    let (event, item_span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        self.table.insert(
                            pointer,
                            NodeSpan {
                                key,
                                value: Span::new(span.start, item_span.end),
                            },
                        );
                        return Ok(serde_json::Value::Array(items));
                    }
                    let child = item_pointer(&pointer, items.len());
                    items.push(self.node(event, item_span, child, None, depth + 1)?);
                }
            }
            Event::MappingStart(_, anchor, tag) => {
                self.check_properties(anchor, tag.as_deref(), span);
                self.enter(depth, span)?;
                let mut seen = KeySet::default();
                let mut entries = serde_json::Map::new();
                loop {
                    let (event, key_span) = self.next()?;
                    let (text, style) = match event {
                        Event::MappingEnd => {
                            self.table.insert(
                                pointer,
                                NodeSpan {
                                    key,
                                    value: Span::new(span.start, key_span.end),
                                },
                            );
                            return Ok(serde_json::Value::Object(entries));
                        }
                        Event::Scalar(text, style, anchor, tag) => {
                            self.check_properties(anchor, tag.as_deref(), key_span);
                            (text, style)
                        }
                        Event::Alias(_) | Event::UnresolvedAlias(_) => {
                            self.error(
                                &ANCHOR_OR_ALIAS,
                                key_span,
                                "aliases are not allowed in a policy: found an alias",
                            );
                            return Err(Stop);
                        }
                        _ => {
                            self.error(
                                &COMPLEX_KEY,
                                key_span,
                                "keys must be plain names: found a mapping or sequence as a key",
                            );
                            return Err(Stop);
                        }
                    };
                    if text == "<<" && style == ScalarStyle::Plain {
                        self.error(
                            &MERGE_KEY,
                            key_span,
                            "merge keys (`<<`) are not allowed in a policy",
                        );
                    }
                    if let Some(first) = seen.get(&text) {
                        let d = Diagnostic::new(
                            &DUPLICATE_KEY,
                            Label::with_message(self.file, key_span, "duplicate"),
                            format!("duplicate key: `{text}`"),
                        )
                        .secondary(Label::with_message(self.file, first, "first defined here"))
                        .help("remove one of the two entries");
                        self.diagnostics.push(d);
                    } else {
                        seen.insert(text.clone(), key_span);
                    }
                    let child = child_pointer(&pointer, &text);
                    let (event, value_span) = self.next()?;
                    let value = self.node(event, value_span, child, Some(key_span), depth + 1)?;
                    entries.insert(text.into_owned(), value);
                }
            }
            _ => {
                self.error(&YAML_SYNTAX, span, "invalid YAML: unexpected event");
                Err(Stop)
            }
        }
    }

    fn count(&mut self, span: Span) -> Result<(), Stop> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.error(
                &TOO_MANY_NODES,
                span,
                format!("the file has more YAML nodes than a policy can: over {MAX_NODES}"),
            );
            return Err(Stop);
        }
        Ok(())
    }

    fn enter(&mut self, depth: usize, span: Span) -> Result<(), Stop> {
        self.count(span)?;
        if depth >= MAX_DEPTH {
            self.error(
                &NESTING_TOO_DEEP,
                span,
                format!("nesting is deeper than a policy can be: more than {MAX_DEPTH} levels"),
            );
            return Err(Stop);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> (SourceMap, Result<Document, Vec<Diagnostic>>) {
        let mut sources = SourceMap::new();
        let (id, err) = from_bytes(text.as_bytes().to_vec(), "p.yaml".into(), &mut sources);
        assert!(err.is_none());
        let doc = parse(id, &sources);
        (sources, doc)
    }

    fn codes(text: &str) -> Vec<(&'static str, u32)> {
        let (sources, doc) = parse_str(text);
        let diags = doc.expect_err("expected diagnostics");
        diags
            .iter()
            .map(|d| {
                let lc = sources.get(d.primary.file).line_col(d.primary.span.start);
                (d.code.id, lc.line)
            })
            .collect()
    }

    #[test]
    fn records_key_and_value_spans_by_pointer() {
        let text = "tcppolicy: 1\nsettings:\n  net.ipv4.tcp_sack:\n    value: 1\n";
        let (sources, doc) = parse_str(text);
        let doc = doc.unwrap();
        let f = sources.get(doc.file);
        let node = doc.spans.get("/settings/net.ipv4.tcp_sack/value").unwrap();
        assert_eq!(&text[node.key.unwrap().range()], "value");
        assert_eq!(&text[node.value.range()], "1");
        assert_eq!(f.line_col(node.value.start).line, 4);
        assert_eq!(doc.value["settings"]["net.ipv4.tcp_sack"]["value"], 1);
    }

    #[test]
    fn escapes_slashes_in_pointers() {
        let (_, doc) = parse_str("settings:\n  a/b~c: 1\n");
        assert!(doc.unwrap().spans.get("/settings/a~1b~0c").is_some());
    }

    #[test]
    fn structural_errors_have_codes_and_lines() {
        assert_eq!(codes("a: 1\nb: 2\na: 3\n"), vec![("TP002", 3)]);
        assert_eq!(codes("a: &x 1\nb: *x\n"), vec![("TP003", 1), ("TP003", 2)]);
        assert_eq!(codes("a: 1\n<<: {b: 2}\n"), vec![("TP004", 2)]);
        assert_eq!(codes("a: !!binary aGk=\n"), vec![("TP008", 1)]);
        assert_eq!(codes("a: 1\n---\nb: 2\n"), vec![("TP009", 2)]);
        assert_eq!(codes("a: [1, 2\nb: 3\n")[0].0, "TP001");
        assert_eq!(codes("? [a]\n: 1\n"), vec![("TP011", 1)]);
        let deep = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(codes(&deep), vec![("TP005", 1)]);
    }

    #[test]
    fn yaml_11_booleans_and_octals_stay_strings() {
        let (_, doc) = parse_str("a: yes\nb: on\nc: 0755\nd: true\n");
        let v = doc.unwrap().value;
        assert_eq!(v["a"], "yes");
        assert_eq!(v["b"], "on");
        assert_eq!(v["c"], "0755");
        assert_eq!(v["d"], true);
    }

    /// The value built during the walk is the one `serde-saphyr` gives under
    /// [`reference_options`], scalar by scalar (the suites check whole files).
    #[test]
    fn scalars_resolve_as_serde_saphyr_resolves_them() {
        let scalars = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nul",
            "true",
            "True",
            "TRUE",
            "tRue",
            "false",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "0",
            "-0",
            "+0",
            "00",
            "0755",
            "-0755",
            "+0755",
            "12",
            "+12",
            "-12",
            "1_000",
            "1__0",
            "_1",
            "1_",
            "0_1",
            "0x1F",
            "0X1f",
            "0o17",
            "0O17",
            "0b101",
            "0b",
            "0x",
            "-0x10",
            "+0x10",
            "0x_1",
            "0b102",
            "0o8",
            "1.5",
            "-1.5",
            ".5",
            "+.5",
            "1.",
            "1e3",
            "1E3",
            "1e-5",
            "1e999",
            "-1e999",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "-.nan",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "infinity",
            "3.0",
            "0.0",
            "-0.0",
            "1_0.5",
            "0x1p3",
            "12abc",
            "1 2",
            "12 ",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "9223372036854775808",
            "170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105728",
            "0xffffffffffffffff",
            "0x10000000000000000",
            "-0x8000000000000000",
            "'12'",
            "\"12\"",
            "'null'",
            "!!str 12",
            "!!str null",
            "\"\"",
            "|\n  12\n",
            ">-\n  true\n",
            "[1, 0x2, ~]",
            "{a: 1}",
            "é",
            "16MiB",
            "-1 2",
        ];
        for scalar in scalars {
            let text = format!("key: {scalar}\n");
            let reference: serde_json::Value =
                serde_saphyr::from_str_with_options(&text, reference_options()).unwrap();
            let (_, doc) = parse_str(&text);
            match doc {
                Ok(doc) => assert_eq!(doc.value, reference, "{scalar:?}"),
                Err(d) => panic!("{scalar:?}: {:?}", d[0].message),
            }
        }
    }

    #[test]
    fn refuses_large_and_non_utf8_input() {
        let mut sources = SourceMap::new();
        let (_, err) = from_bytes(vec![b'a'; 2 << 20], "big".into(), &mut sources);
        assert_eq!(err.unwrap().code.id, "TP006");
        let (id, err) = from_bytes(b"a: 1\nb: \xff\n".to_vec(), "bin".into(), &mut sources);
        let err = err.unwrap();
        assert_eq!(err.code.id, "TP007");
        assert_eq!(sources.get(id).line_col(err.primary.span.start).line, 2);
    }
}
