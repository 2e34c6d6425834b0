//! The starter policy as YAML. Settings the compiler rejects become comments with the
//! compiler's reason, and so do the kernel's own values `--all` adds when the compiler
//! warns about them, so the result passes `tcppolicy check --deny warnings` unless a
//! value someone chose deserves the warning; every line that did not become a setting is
//! listed at the end with why.

use super::{Desired, Found, Import, Skipped};
use std::fmt::Write;
use std::path::Path;
use tcppolicy_core::catalog::Kind;
use tcppolicy_core::compile::{DEFAULT_KERNEL_FLOOR, compile_str};
use tcppolicy_core::diagnostic::Severity;
use tcppolicy_core::value::Value;
use tcppolicy_core::version::Version;

/// The policy's `kernel` range and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelChoice {
    /// The range, e.g. `>=5.15`.
    pub range: String,
    /// Where it came from, for a comment above it.
    pub why: String,
}

impl KernelChoice {
    /// `--kernel RANGE`.
    pub fn given(range: &str) -> Self {
        KernelChoice {
            range: range.to_string(),
            why: "the fleet's range, given with --kernel".into(),
        }
    }

    /// Read from the running kernel: its version is the floor.
    pub fn live(kernel: Option<Version>) -> Self {
        match kernel {
            Some(k) => KernelChoice {
                range: format!(">={}.{}", k.major, k.minor),
                why: format!(
                    "the running kernel {k} the values were read from; widen it to the \
                     fleet's range (tcppolicy import --kernel RANGE)"
                ),
            },
            None => Self::files(),
        }
    }

    /// Read from files, no `--kernel`: tcppolicy's default floor, never this machine's
    /// kernel.
    pub fn files() -> Self {
        KernelChoice {
            range: format!(">={DEFAULT_KERNEL_FLOOR}"),
            why: format!(
                "not given: tcppolicy's default, every kernel from {DEFAULT_KERNEL_FLOOR} on; \
                 set the fleet's range with tcppolicy import --kernel RANGE"
            ),
        }
    }
}

/// The starter policy and what did not make it in.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The policy text.
    pub text: String,
    /// How many settings it has.
    pub settings: usize,
    /// Every line or key left out, including settings the compiler rejected.
    pub skipped: Vec<Skipped>,
}

/// Render a starter policy named `name`; settings the compiler rejects become comments.
pub fn render(name: &str, import: &Import, kernel: &KernelChoice) -> Rendered {
    let mut keep: Vec<&Found> = import.found.iter().collect();
    let mut skipped = import.skipped.clone();
    loop {
        let text = render_once(name, import, kernel, &keep, &skipped);
        let c = compile_str(Path::new("imported.yaml"), &text);
        let kernel_own = |name: &str| keep.iter().any(|f| f.param.name == name && f.kernel_own);
        let bad: Vec<(String, String)> = c
            .diagnostics
            .iter()
            .filter(|d| d.is_error() || d.severity == Severity::Warning)
            .filter_map(|d| {
                let line = c
                    .sources
                    .get(d.primary.file)
                    .line_col(d.primary.span.start)
                    .line;
                let setting = setting_at_line(&text, line as usize)?;
                if d.is_error() {
                    Some((setting, d.message.clone()))
                } else if kernel_own(&setting) {
                    let why = format!("the kernel's own value, left out: {}", d.message);
                    Some((setting, why))
                } else {
                    None
                }
            })
            .collect();
        if bad.is_empty() {
            return Rendered {
                text,
                settings: keep.len(),
                skipped,
            };
        }
        for (key, why) in bad {
            if let Some(f) = keep.iter().find(|f| f.param.name == key) {
                skipped.push(Skipped {
                    origin: f.origin.clone(),
                    key: key.clone(),
                    reason: why,
                });
                keep.retain(|f| f.param.name != key);
            }
        }
    }
}

/// The setting whose block contains `line` (1-based) in rendered text.
fn setting_at_line(text: &str, line: usize) -> Option<String> {
    text.lines()
        .take(line)
        .filter(|l| l.starts_with("  ") && !l.starts_with("    ") && l.trim_end().ends_with(':'))
        .last()
        .map(|l| l.trim().trim_end_matches(':').to_string())
}

fn quote(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar, escapes included.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Text safe for one comment line and for a terminal: control characters, line and
/// paragraph separators, bidi controls, zero-width characters and the byte order mark
/// escaped as `\u{…}`.
pub(crate) fn escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            let hidden = c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
                    | '\u{2060}'..='\u{2069}' | '\u{feff}');
            if hidden {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn render_once(
    name: &str,
    import: &Import,
    kernel: &KernelChoice,
    found: &[&Found],
    skipped: &[Skipped],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Starter policy written by `tcppolicy import`. Replace each rationale with the real\n\
         # reason for the value before committing it. For completion in editors, add\n\
         # `# yaml-language-server: $schema=<path>/tcppolicy.schema.json` (`tcppolicy schema`)."
    );
    for note in &import.notes {
        let _ = writeln!(s, "# Note: {}", escape(note));
    }
    let _ = writeln!(s, "tcppolicy: 1");
    let _ = writeln!(s, "name: {}", quote(name));
    let _ = writeln!(s, "# kernel range: {}", escape(&kernel.why));
    let _ = writeln!(s, "kernel: {}", quote(&kernel.range));
    if found.is_empty() {
        let _ = writeln!(s, "settings: {{}}");
    } else {
        let _ = writeln!(s, "settings:");
    }
    for f in found {
        let _ = writeln!(s, "  {}:", f.param.name);
        let _ = match &f.desired {
            Desired::Value(v) => writeln!(s, "    value: {}", yaml_value(f.param.kind, v)),
            Desired::AtLeast(n) => writeln!(s, "    at_least: {n}"),
            Desired::AtMost(n) => writeln!(s, "    at_most: {n}"),
        };
        let mut rationale = format!("Imported from {}.", escape(&f.origin));
        for note in &f.notes {
            rationale.push(' ');
            rationale.push_str(note);
        }
        let _ = writeln!(s, "    rationale: {}", quote(&rationale));
    }
    if !skipped.is_empty() {
        let _ = writeln!(
            s,
            "\n# Not imported ({} {}):",
            skipped.len(),
            if skipped.len() == 1 { "line" } else { "lines" }
        );
        for sk in skipped {
            let _ = writeln!(s, "# {}", describe(sk));
        }
    }
    s
}

/// `origin: key: reason` on one line, escaped for comments and terminals.
pub fn describe(sk: &Skipped) -> String {
    escape(&if sk.key.is_empty() {
        format!("{}: {}", sk.origin, sk.reason)
    } else {
        format!("{}: {}: {}", sk.origin, sk.key, sk.reason)
    })
}

fn yaml_value(kind: Kind, v: &Value) -> String {
    match v {
        Value::Int(i) if kind == Kind::Boolean && (*i == 0 || *i == 1) => (*i == 1).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Vector(v) => format!(
            "[{}]",
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Names(n) => format!(
            "[{}]",
            n.iter().map(|x| quote(x)).collect::<Vec<_>>().join(", ")
        ),
        v => quote(&v.to_kernel()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcppolicy_core::catalog;

    fn found(name: &str, value: Value) -> Found {
        Found {
            param: catalog::lookup(name).unwrap(),
            desired: Desired::Value(value),
            origin: "test".into(),
            notes: Vec::new(),
            kernel_own: false,
        }
    }

    #[test]
    fn rejected_settings_become_comments_and_the_rest_compiles() {
        let import = Import {
            found: vec![
                found("net.ipv4.tcp_syn_retries", Value::Int(200)),
                found("net.ipv4.tcp_sack", Value::Int(1)),
                found("net.ipv4.tcp_tw_recycle", Value::Int(1)),
                found(
                    "net.ipv4.tcp_rmem",
                    Value::Vector(vec![4096, 131072, 6291456]),
                ),
            ],
            skipped: vec![Skipped {
                origin: "f.conf:3".into(),
                key: "net.ipv4.tcp_bogus".into(),
                reason: "not in the catalog".into(),
            }],
            notes: Vec::new(),
        };
        let r = render("imported", &import, &KernelChoice::given(">=6.12"));
        let c = compile_str(Path::new("x.yaml"), &r.text);
        assert!(!c.has_errors(), "{}\n{:#?}", r.text, c.diagnostics);
        assert_eq!(r.settings, 2);
        for key in [
            "net.ipv4.tcp_syn_retries",
            "net.ipv4.tcp_tw_recycle",
            "net.ipv4.tcp_bogus",
        ] {
            assert!(r.text.contains(&format!(": {key}: ")), "{key}:\n{}", r.text);
        }
        assert!(
            r.text.contains("value: [4096, 131072, 6291456]"),
            "{}",
            r.text
        );
        assert!(r.text.contains("kernel: \">=6.12\""), "{}", r.text);
    }

    #[test]
    fn comments_cannot_break_out_of_their_line() {
        assert_eq!(
            escape("a\nb\u{2028}c\u{feff}"),
            "a\\u{a}b\\u{2028}c\\u{feff}"
        );
    }
}
