//! The diagnostic type every phase reports with, and the registry of stable codes.
//!
//! One [`Diagnostic`] type is rendered three ways (human, JSON, GitHub) by the CLI; the
//! core never prints. Codes are stable: a code, once published, keeps its meaning.

use crate::source::{FileId, Span};

/// Declare a [`Code`] static: `code!(NAME, "TP123", "kebab-name", Severity, "summary", "explain")`.
macro_rules! code {
    ($name:ident, $id:literal, $kebab:literal, $sev:ident, $summary:literal, $explain:literal) => {
        #[doc = $summary]
        pub static $name: $crate::diagnostic::Code = $crate::diagnostic::Code {
            id: $id,
            name: $kebab,
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            explain: $explain,
        };
    };
}
pub(crate) use code;

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information, such as a derived figure. Never fails a check.
    Note,
    /// Probably a mistake; fails `check` only with `--deny warnings`.
    Warning,
    /// The policy cannot be applied as written.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A stable diagnostic code with its documentation.
///
/// Each code is declared once, next to the code that reports it, and listed in
/// [`crate::codes::ALL`] so `tcppolicy explain CODE` and the docs can find it.
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// The stable identifier, e.g. `TP301`.
    pub id: &'static str,
    /// A kebab-case name that reads well after "allow", e.g. `syn-retries-out-of-bounds`.
    pub name: &'static str,
    /// The severity it is normally reported with.
    pub severity: Severity,
    /// One line: what the code flags.
    pub summary: &'static str,
    /// The long description shown by `tcppolicy explain CODE`.
    pub explain: &'static str,
}

impl Code {
    /// Whether `text` names this code, by id (case-insensitive) or by name.
    pub fn matches(&self, text: &str) -> bool {
        self.id.eq_ignore_ascii_case(text) || self.name == text
    }
}

/// A place in a source file with an optional message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// The byte span of the key or value at fault.
    pub span: Span,
    /// What this place has to do with the diagnostic (may be empty).
    pub message: String,
}

impl Label {
    /// A label without a message.
    pub fn new(file: FileId, span: Span) -> Self {
        Label {
            file,
            span,
            message: String::new(),
        }
    }

    /// A label with a message.
    pub fn with_message(file: FileId, span: Span, message: impl Into<String>) -> Self {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

/// One finding of the compiler.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The stable code.
    pub code: &'static Code,
    /// Severity (usually `code.severity`; a few rules depend on the kernel range).
    pub severity: Severity,
    /// Lower case, no trailing period, names in backticks, the value last after a colon.
    pub message: String,
    /// Where the fault is.
    pub primary: Label,
    /// Related places, e.g. the other setting of a conflict.
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Extra facts (derived figures, kernel versions).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: &'static Code, primary: Label, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Override the severity.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Add help text.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Add a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Add a secondary location.
    #[must_use]
    pub fn secondary(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Order diagnostics by file, position, then code, for stable output.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary.file, a.primary.span.start, a.code.id).cmp(&(
            b.primary.file,
            b.primary.span.start,
            b.code.id,
        ))
    });
}
