//! `allow` entries: a policy accepts a warning, with a reason.

use crate::codes;
use crate::diagnostic::code;
use crate::diagnostic::{Code, Diagnostic, Label, Severity};
use crate::load::SpanTable;
use crate::model::Allow;
use crate::source::FileId;
use std::collections::HashMap;

code!(
    UNKNOWN_ALLOW_CODE,
    "TP801",
    "unknown-allow-code",
    Error,
    "an `allow` entry names no known diagnostic code",
    "`allow` entries name a warning by code (`TP507`) or by name (`syncookies-disabled`). \
     `tcppolicy explain --list` lists every code."
);
code!(
    ALLOW_NOT_A_WARNING,
    "TP802",
    "allow-not-a-warning",
    Error,
    "an `allow` entry names an error, which cannot be allowed",
    "Only warnings can be accepted with `allow`. Errors describe policies the kernel would \
     reject or tcppolicy cannot apply; fix the policy instead. Notes need no allowing."
);
code!(
    UNUSED_ALLOW,
    "TP803",
    "unused-allow",
    Warning,
    "an `allow` entry that silences nothing",
    "The warning this entry accepts is not reported for the policy (any more). Remove the \
     entry so that the list of accepted risks stays true."
);

/// One `allow` entry with where it was written.
#[derive(Debug)]
pub struct AllowEntry {
    code: Option<&'static Code>,
    file: FileId,
    pointer: String,
    used: bool,
}

impl AllowEntry {
    /// Resolve an entry, reporting unknown codes and errors.
    pub fn new(
        allow: &Allow,
        file: FileId,
        pointer: String,
        out: &mut Vec<Diagnostic>,
        spans: &SpanTable,
        suggestions: &mut usize,
    ) -> Self {
        let label = || Label::new(file, spans.value(&format!("{pointer}/code")));
        let code = codes::find(&allow.code);
        match code {
            None => {
                let mut d = Diagnostic::new(
                    &UNKNOWN_ALLOW_CODE,
                    label(),
                    format!("unknown diagnostic code: `{}`", allow.code.escape_debug()),
                );
                let suggestion = (*suggestions > 0)
                    .then(|| codes::suggest(&allow.code))
                    .flatten();
                *suggestions = suggestions.saturating_sub(1);
                if let Some(s) = suggestion {
                    d = d.help(format!("did you mean `{}` ({})?", s.id, s.name));
                }
                out.push(d);
            }
            Some(c) if c.severity != Severity::Warning => out.push(
                Diagnostic::new(
                    &ALLOW_NOT_A_WARNING,
                    label(),
                    format!(
                        "only warnings can be allowed: `{}` ({}) is {}",
                        c.id,
                        c.name,
                        match c.severity {
                            Severity::Error => "an error",
                            _ => "a note",
                        }
                    ),
                )
                .help(if c.severity == Severity::Error {
                    "fix the policy instead"
                } else {
                    "notes need no allowing; remove the entry"
                }),
            ),
            Some(_) => {}
        }
        AllowEntry {
            code: code.filter(|c| c.severity == Severity::Warning),
            file,
            pointer,
            used: false,
        }
    }
}

/// Drop warnings that an entry allows; report entries that allowed nothing.
pub fn apply(
    mut allows: Vec<AllowEntry>,
    found: &mut Vec<Diagnostic>,
    spans: &HashMap<FileId, SpanTable>,
) {
    found.retain(|d| {
        if d.severity != Severity::Warning {
            return true;
        }
        let mut allowed = false;
        for a in allows.iter_mut() {
            if a.code.is_some_and(|c| std::ptr::eq(c, d.code)) {
                a.used = true;
                allowed = true;
            }
        }
        !allowed
    });
    for a in allows {
        if let (Some(c), false) = (a.code, a.used) {
            let span = spans
                .get(&a.file)
                .map(|s| s.key(&a.pointer))
                .unwrap_or_default();
            found.push(
                Diagnostic::new(
                    &UNUSED_ALLOW,
                    Label::new(a.file, span),
                    format!(
                        "`allow` entry silences nothing: `{}` ({}) is not reported",
                        c.id, c.name
                    ),
                )
                .help("remove the entry"),
            );
        }
    }
}
