//! Rendering diagnostics: human (rustc-style snippets), JSON, GitHub annotations.
//! All three come from the one `Diagnostic` type.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde_json::{Value, json};
use tcppolicy_core::diagnostic::{Diagnostic, Severity};
use tcppolicy_core::source::{FileId, SourceFile, SourceMap, Span};
use tcppolicy_core::text::{escape_line, escape_text, mask_preserving_offsets};

/// Render one diagnostic the way rustc does. Colour is added here and stripped by the
/// output stream when it is not a terminal or `NO_COLOR` is set.
///
/// Everything that comes from a policy is made terminal-safe (SPEC §9): messages,
/// labels, notes and help are escaped, and the source lines shown have every control or
/// invisible character masked with `?` (offsets preserved, so spans stay right). Each
/// snippet holds only the lines it annotates, so rendering N diagnostics of one large
/// file costs O(N), not O(N × file size).
pub fn human(d: &Diagnostic, sources: &SourceMap) -> String {
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
    if let Some(h) = &help {
        group = group.element(Level::HELP.message(h.as_ref()));
    }
    Renderer::styled().render(&[group])
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
            let end = f.line_end(last);
            let slice = mask_preserving_offsets(&text[start..end]).into_owned();
            out.push(Window {
                path: path.clone(),
                first_line: first as usize,
                text: slice,
                marks: current
                    .drain(..)
                    .map(|(r, l, p, _, _)| ((r.start - start)..(r.end - start), l, p))
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

    #[test]
    fn github_escapes_workflow_command_syntax() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("x:y,z"), "x%3Ay%2Cz");
    }
}
