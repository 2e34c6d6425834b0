//! Rendering diagnostics: human (rustc-style snippets), JSON, GitHub annotations.
//! All three come from the one `Diagnostic` type.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde_json::{Value, json};
use tcppolicy_core::diagnostic::{Diagnostic, Severity};
use tcppolicy_core::source::{FileId, SourceMap};

/// Render one diagnostic the way rustc does. Colour is added here and stripped by the
/// output stream when it is not a terminal or `NO_COLOR` is set.
pub fn human(d: &Diagnostic, sources: &SourceMap) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let primary = sources.get(d.primary.file);
    let path = primary.path().display().to_string();
    let mut title = level.primary_title(&d.message).id(d.code.id);
    let _ = &mut title;
    let mut group: Group<'_> = if primary.text().is_empty() {
        let lc = primary.line_col(0);
        title.element(
            Origin::path(path.clone())
                .line(lc.line as usize)
                .char_column(lc.column as usize - 1),
        )
    } else {
        let mut snippet = Snippet::source(primary.text())
            .path(path.clone())
            .fold(true)
            .annotation(
                AnnotationKind::Primary
                    .span(clamp(primary.text(), d.primary.span.range()))
                    .label(non_empty(&d.primary.message)),
            );
        for s in d.secondary.iter().filter(|s| s.file == d.primary.file) {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(primary.text(), s.span.range()))
                    .label(non_empty(&s.message)),
            );
        }
        title.element(snippet)
    };
    let mut others: Vec<FileId> = d
        .secondary
        .iter()
        .map(|s| s.file)
        .filter(|f| *f != d.primary.file)
        .collect();
    others.dedup();
    for file in others {
        let f = sources.get(file);
        let mut snippet = Snippet::source(f.text())
            .path(f.path().display().to_string())
            .fold(true);
        for s in d.secondary.iter().filter(|s| s.file == file) {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(f.text(), s.span.range()))
                    .label(non_empty(&s.message)),
            );
        }
        group = group.element(snippet);
    }
    for n in &d.notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    Renderer::styled().render(&[group])
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
    s.replace('%', "%25")
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
