//! Rendering diagnostics: human (rustc-style snippets), JSON, GitHub annotations.
//! All three come from the one `Diagnostic` type.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde_json::{Value, json};
use std::borrow::Cow;
use tcppolicy_core::diagnostic::{Diagnostic, Severity};
use tcppolicy_core::source::{FileId, SourceFile, SourceMap, Span};
use tcppolicy_core::text::{escape_line, escape_text, mask_preserving_offsets};

/// Render one diagnostic the way rustc does, in colour when `styled` (when the stream it
/// goes to shows colour, [`crate::output::colored`]).
///
/// Everything that comes from a policy is made terminal-safe (SPEC §9): messages,
/// labels, notes and help are escaped, and the source lines shown have every control or
/// invisible character masked with `?` (offsets preserved, so spans stay right). Each
/// snippet holds only the lines it annotates, so rendering N diagnostics of one large
/// file costs O(N), not O(N × file size).
pub fn human(d: &Diagnostic, sources: &SourceMap, styled: bool) -> String {
    render_human(d, sources, styled, true).0
}

/// [`human`]; `written_out` allows [`plain_one_line_windows`], and the flag returned says
/// whether it rendered the diagnostic (the tests compare the two renderers).
fn render_human(
    d: &Diagnostic,
    sources: &SourceMap,
    styled: bool,
    written_out: bool,
) -> (String, bool) {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let message = escape_text(&d.message);
    let title = level.primary_title(message.as_ref()).id(d.code.id);
    let primary = sources.get(d.primary.file);
    // Every annotation: (file, span, label, is primary).
    let mut marks: Vec<(FileId, Span, String, bool)> = vec![(
        d.primary.file,
        d.primary.span,
        escape_line(&d.primary.message).into_owned(),
        true,
    )];
    for s in &d.secondary {
        marks.push((s.file, s.span, escape_line(&s.message).into_owned(), false));
    }
    // Files in order of first mention, the primary's first.
    let mut files: Vec<FileId> = Vec::new();
    for m in &marks {
        if !files.contains(&m.0) {
            files.push(m.0);
        }
    }
    let mut windows: Vec<Window> = Vec::new();
    for file in &files {
        let f = sources.get(*file);
        let mut here: Vec<&(FileId, Span, String, bool)> =
            marks.iter().filter(|m| m.0 == *file).collect();
        here.sort_by_key(|m| m.1.start);
        windows.extend(Window::group(f, &here));
    }
    // The window with the primary annotation comes first: its location is the `-->` line.
    if let Some(i) = windows.iter().position(|w| w.marks.iter().any(|m| m.2)) {
        let w = windows.remove(i);
        windows.insert(0, w);
    }
    let mut group: Group<'_> = if primary.text().is_empty() {
        let lc = primary.line_col(0);
        title.element(
            Origin::path(escape_line(&primary.path().display().to_string()).into_owned())
                .line(lc.line as usize)
                .char_column(lc.column as usize),
        )
    } else {
        let mut group = Group::with_title(title);
        for w in &windows {
            let mut snippet = Snippet::source(w.text.as_str())
                .path(w.path.as_str())
                .line_start(w.first_line)
                .fold(true);
            for (span, label, is_primary) in &w.marks {
                let kind = if *is_primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                snippet = snippet.annotation(kind.span(span.clone()).label(non_empty(label)));
            }
            group = group.element(snippet);
        }
        group
    };
    let notes: Vec<String> = d
        .notes
        .iter()
        .map(|n| escape_text(n).into_owned())
        .collect();
    for n in &notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    let help = d.help.as_deref().map(escape_text);
    if written_out
        && !styled
        && !primary.text().is_empty()
        && let Some(text) = plain_one_line_windows(
            &format!("{}[{}]: {message}", d.severity, d.code.id),
            &windows,
            &notes,
            help.as_deref(),
        )
    {
        return (text, true);
    }
    if let Some(h) = &help {
        group = group.element(Level::HELP.message(h.as_ref()));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    (renderer.render(&[group]), false)
}

/// The lines of one file that a group of nearby annotations needs.
struct Window {
    path: String,
    first_line: usize,
    text: String,
    marks: Vec<(std::ops::Range<usize>, String, bool)>,
}

impl Window {
    /// Split the annotations of one file (sorted by start) into windows of nearby lines,
    /// each holding only its lines' text (masked) and spans relative to it.
    fn group(f: &SourceFile, marks: &[&(FileId, Span, String, bool)]) -> Vec<Window> {
        /// Annotations further apart than this many lines get separate snippets.
        const GAP: u32 = 4;
        let text = f.text();
        let path = escape_line(&f.path().display().to_string()).into_owned();
        let mut out: Vec<Window> = Vec::new();
        let mut current: Vec<(std::ops::Range<usize>, String, bool, u32, u32)> = Vec::new();
        let flush = |current: &mut Vec<(std::ops::Range<usize>, String, bool, u32, u32)>,
                     out: &mut Vec<Window>| {
            if current.is_empty() {
                return;
            }
            let first = current.iter().map(|c| c.3).min().unwrap_or(1);
            let last = current.iter().map(|c| c.4).max().unwrap_or(first);
            let start = f.line_start(first);
            let mut end = f.line_end(last);
            if end > start && text[..end].ends_with('\r') {
                end -= 1; // the CR of a CRLF line end
            }
            let slice = mask_preserving_offsets(&crlf_as_lf(&text[start..end])).into_owned();
            out.push(Window {
                path: path.clone(),
                first_line: first as usize,
                text: slice,
                marks: current
                    .drain(..)
                    // (a mark on the CR cut off the window's end ends with the window)
                    .map(|(r, l, p, _, _)| {
                        ((r.start.min(end) - start)..(r.end.min(end) - start), l, p)
                    })
                    .collect(),
            });
        };
        let mut last_line = 0;
        for (_, span, label, primary) in marks {
            let range = clamp(text, span.range());
            let first = f.line_col(range.start).line;
            let last = f.line_col(range.end).line.max(first);
            if !current.is_empty() && first > last_line + GAP {
                flush(&mut current, &mut out);
            }
            last_line = last_line.max(last);
            current.push((range, label.clone(), *primary, first, last));
        }
        flush(&mut current, &mut out);
        out
    }
}

/// The lines of a window with CRLF line ends shown as an editor shows them: the `\r` of
/// each line end inside the window becomes a blank (offsets stay the same; the window
/// ends before the last one), where it would otherwise be masked as `?` like any other
/// control character.
fn crlf_as_lf(lines: &str) -> Cow<'_, str> {
    if lines.contains("\r\n") {
        Cow::Owned(lines.replace("\r\n", " \n"))
    } else {
        Cow::Borrowed(lines)
    }
}

/// Lines this renderer keeps to: annotate-snippets starts cutting source lines to fit a
/// terminal well past this.
const ONE_LINE_WIDTH: usize = 100;

/// The deepest indentation of a source line this renderer shows as it is.
const MAX_INDENT: usize = 8;

/// The plain (uncoloured) rendering of the most common shape of diagnostic, written out
/// rather than through annotate-snippets, whose general layout engine costs more than
/// compiling the policy did: every window one short line of printable ASCII with one
/// annotation inside it, and the title, labels, notes and help each on one line. `None`
/// for anything else, which annotate-snippets renders. The two agree byte for byte
/// (tests below, over every diagnostic of the corpus and the examples).
fn plain_one_line_windows(
    title: &str,
    windows: &[Window],
    notes: &[String],
    help: Option<&str>,
) -> Option<String> {
    use std::fmt::Write as _;
    let one_line = |s: &str| !s.contains(['\n', '\r']);
    if !one_line(title) || !notes.iter().all(|n| one_line(n)) || !help.is_none_or(one_line) {
        return None;
    }
    let mut width = 0;
    for w in windows {
        let [(range, label, _)] = w.marks.as_slice() else {
            return None;
        };
        let carets = (range.end - range.start).max(1);
        // annotate-snippets elides deep indentation (`...`); a policy rarely has it.
        let indent = w.text.len() - w.text.trim_start_matches(' ').len();
        let fits = !w.text.is_empty()
            && indent <= MAX_INDENT
            && w.text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            && !w.text.ends_with(' ')
            && range.start < w.text.len()
            && range.end <= w.text.len()
            && one_line(label)
            && label.is_ascii()
            && w.text.len().max(range.start + carets + 1 + label.len()) <= ONE_LINE_WIDTH;
        if !fits {
            return None;
        }
        width = width.max(w.first_line.to_string().len());
    }
    let pad = " ".repeat(width);
    let mut out = String::with_capacity(256 * windows.len().max(1));
    out.push_str(title);
    for (i, w) in windows.iter().enumerate() {
        let (range, label, primary) = &w.marks[0];
        if i > 0 {
            let _ = write!(out, "\n{pad} |");
        }
        let arrow = if i == 0 { "-->" } else { ":::" };
        let _ = write!(
            out,
            "\n{pad}{arrow} {}:{}:{}\n{pad} |\n{:>width$} | {}\n{pad} | {:start$}",
            w.path,
            w.first_line,
            range.start + 1,
            w.first_line,
            w.text,
            "",
            start = range.start
        );
        let mark = if *primary { '^' } else { '-' };
        out.extend(std::iter::repeat_n(mark, (range.end - range.start).max(1)));
        if !label.is_empty() {
            out.push(' ');
            out.push_str(label);
        }
    }
    if !notes.is_empty() || help.is_some() {
        let _ = write!(out, "\n{pad} |");
    }
    for n in notes {
        let _ = write!(out, "\n{pad} = note: {n}");
    }
    if let Some(h) = help {
        let _ = write!(out, "\n{pad} = help: {h}");
    }
    Some(out)
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn clamp(text: &str, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let mut start = r.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = r.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// One diagnostic as a JSON object (the `--format json` element).
pub fn json(d: &Diagnostic, sources: &SourceMap) -> Value {
    let loc = |file: FileId, span: tcppolicy_core::source::Span| {
        let f = sources.get(file);
        let start = f.line_col(span.start);
        let end = f.line_col(span.end);
        json!({
            "file": f.path().display().to_string(),
            "line": start.line,
            "column": start.column,
            "end_line": end.line,
            "end_column": end.column,
        })
    };
    let mut primary = loc(d.primary.file, d.primary.span);
    if !d.primary.message.is_empty() {
        primary["label"] = json!(d.primary.message);
    }
    json!({
        "code": d.code.id,
        "name": d.code.name,
        "severity": d.severity,
        "message": d.message,
        "location": primary,
        "secondary": d.secondary.iter().map(|s| {
            let mut l = loc(s.file, s.span);
            l["label"] = json!(s.message);
            l
        }).collect::<Vec<_>>(),
        "help": d.help,
        "notes": d.notes,
    })
}

/// One diagnostic as a GitHub Actions workflow command.
pub fn github(d: &Diagnostic, sources: &SourceMap) -> String {
    let f = sources.get(d.primary.file);
    let start = f.line_col(d.primary.span.start);
    let end = f.line_col(d.primary.span.end);
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    for n in &d.notes {
        message.push_str(&format!("\nnote: {n}"));
    }
    format!(
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&f.path().display().to_string()),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(&format!("{} ({})", d.code.id, d.code.name)),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    escape_text(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every diagnostic `check` reports for the corpus, the examples and the fixtures.
    fn repository_diagnostics() -> Vec<tcppolicy_core::compile::Compilation> {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        ["tests/corpus", "examples", "tests/fixtures"]
            .iter()
            .flat_map(|dir| walkdir::WalkDir::new(repo.join(dir)))
            .map(Result::unwrap)
            .filter(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "yaml" || x == "yml")
            })
            .map(|e| tcppolicy_core::compile::compile_file(e.path()))
            .collect()
    }

    /// The written-out renderer gives annotate-snippets' output byte for byte wherever it
    /// takes a diagnostic, and takes most of those `check` reports.
    #[test]
    fn the_written_out_renderer_agrees_with_annotate_snippets() {
        let (mut written_out, mut total) = (0, 0);
        for c in repository_diagnostics() {
            for d in &c.diagnostics {
                total += 1;
                let (reference, _) = render_human(d, &c.sources, false, false);
                let (ours, took) = render_human(d, &c.sources, false, true);
                assert_eq!(ours, reference, "{:?}", d.message);
                written_out += usize::from(took);
            }
        }
        assert!(total > 300, "{total} diagnostics");
        assert!(written_out * 2 > total, "{written_out} of {total}");
    }

    /// A file with CRLF line ends: its lines shown as an editor shows them, a lone
    /// carriage return still masked.
    #[test]
    fn carriage_returns_of_crlf_line_ends_are_not_shown() {
        let text = "tcppolicy: 1\r\nname: t\r\nsettings:\r\n  net.ipv4.tcp_sack:\r\n    value: 1\r\n    rationale: r\r\n";
        let c = tcppolicy_core::compile::compile_str(std::path::Path::new("crlf.yaml"), text);
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code.id == "TP607")
            .expect("TP607");
        let (out, _) = render_human(d, &c.sources, false, true);
        assert!(out.contains("5 |     value: 1\n"), "{out}");
        assert!(!out.contains('?'), "{out}");
        assert_eq!(crlf_as_lf("a\rb\r\nc"), "a\rb \nc");
    }

    /// Shapes the repository may not have: line numbers of different widths in one
    /// diagnostic, spans at the start and end of a line, empty spans, labels up to the
    /// width limit, notes and help.
    #[test]
    fn the_written_out_renderer_agrees_on_generated_shapes() {
        static CODE: tcppolicy_core::diagnostic::Code = tcppolicy_core::diagnostic::Code {
            id: "TP999",
            name: "test",
            severity: Severity::Warning,
            summary: "test",
            explain: "test",
        };
        use tcppolicy_core::diagnostic::Label;
        use tcppolicy_core::source::SourceFile;
        let mut text = String::new();
        for i in 1..=120 {
            text.push_str(&format!(
                "{}key{i}: value-{}\n",
                " ".repeat(i % 13),
                "x".repeat(i % 70)
            ));
        }
        let mut sources = SourceMap::new();
        let a = sources.add(SourceFile::new("a.yaml".into(), text.clone()));
        let b = sources.add(SourceFile::new("dir/b.yaml".into(), text));
        let f = sources.get(a);
        let span = |line: u32, from: usize, len: usize| {
            let start = f.line_start(line) + from;
            Span::new(start, (start + len).min(f.line_end(line)))
        };
        let mut cases = 0;
        let mut took = 0;
        let pairs = [
            (3, 8),
            (7, 8),
            (8, 21),
            (9, 100),
            (100, 3),
            (50, 57),
            (12, 16),
        ];
        for (first, second) in pairs {
            for (from, len) in [(0, 0), (0, 3), (2, 5), (4, 200), (6, 1)] {
                for label in ["", "not seen by containers", &"y".repeat(60)] {
                    for (notes, help) in [(0, false), (1, true), (2, false), (0, true)] {
                        let label_at = |file, span, message: &str| {
                            let mut l = Label::new(file, span);
                            l.message = message.to_string();
                            l
                        };
                        let mut d = Diagnostic::new(
                            &CODE,
                            label_at(a, span(first, from, len), label),
                            "a message: `x`",
                        );
                        d = d.secondary(label_at(b, span(second, from, len), label));
                        d = d.secondary(label_at(a, span(second, 0, 2), "here"));
                        for n in 0..notes {
                            d = d.note(format!("note {n}: `net.ipv4.tcp_rmem`"));
                        }
                        if help {
                            d = d.help("set it in a `container: true` policy");
                        }
                        let (ours, written_out) = render_human(&d, &sources, false, true);
                        took += usize::from(written_out);
                        assert_eq!(
                            ours,
                            render_human(&d, &sources, false, false).0,
                            "{first} {second} {from} {len} {label:?} {notes} {help}"
                        );
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, pairs.len() * 5 * 3 * 4);
        assert!(took * 4 > cases, "{took} of {cases}");
    }

    #[test]
    fn github_escapes_workflow_command_syntax() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("x:y,z"), "x%3Ay%2Cz");
    }
}
