//! `tcppolicy import`: a starter policy from the live kernel or existing sysctl.d files,
//! so a team can adopt tcppolicy on a fleet that already has settings.
//!
//! The result always passes `tcppolicy check`: settings the compiler rejects (a parameter
//! removed from this kernel, a value out of bounds) are written as comments with the
//! reason instead of as settings.

use crate::sysctl::{Sysctl, SysctlError};
use crate::sysctld;
use std::fmt::Write;
use std::path::Path;
use tcppolicy_core::catalog::{self, DefaultValue, PARAMS, Param};
use tcppolicy_core::compile::compile_str;
use tcppolicy_core::plan;
use tcppolicy_core::value::Value;
use tcppolicy_core::version::Version;

/// Parameters whose default the kernel derives from this host's memory or hash sizes:
/// their value says nothing about tuning, so a starter policy leaves them out unless
/// `--all` asks for everything. Other computed defaults (`tcp_rmem`, `tcp_wmem`, the
/// congestion control) are commonly tuned and are imported.
const HOST_DERIVED: &[&str] = &[
    "net.ipv4.tcp_mem",
    "net.ipv4.tcp_max_orphans",
    "net.ipv4.tcp_max_syn_backlog",
    "net.ipv4.tcp_max_tw_buckets",
    "net.ipv4.tcp_allowed_congestion_control",
];

/// One value found, with where it came from.
#[derive(Debug, Clone)]
pub struct Found {
    /// The parameter.
    pub param: &'static Param,
    /// The value as the source wrote it.
    pub value: String,
    /// Where it came from, for the rationale.
    pub origin: String,
}

/// A key a source sets that the policy cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The key.
    pub key: String,
    /// Why it was left out.
    pub reason: String,
}

/// Read every catalog parameter present and writable in this network namespace whose
/// value differs from its fixed default on this kernel (all of them with `all`).
pub fn from_live(
    sysctl: &dyn Sysctl,
    kernel: Option<Version>,
    netns: &str,
    all: bool,
) -> Result<Vec<Found>, SysctlError> {
    let mut found = Vec::new();
    for p in PARAMS.iter().filter(|p| !p.read_only) {
        if sysctl.check_writable(p).is_err() {
            continue; // absent, or read-only here (global parameters in a container)
        }
        let Some(text) = sysctl.read(p)? else {
            continue;
        };
        let Some(value) = Value::parse_kernel(p.kind, &text) else {
            continue;
        };
        let default = match p.default_for(kernel) {
            Some(DefaultValue::Fixed(d)) => Value::parse_kernel(p.kind, d),
            _ => None,
        };
        if p.name == "net.ipv4.tcp_fastopen_key" {
            continue; // secret key material never goes into a policy
        }
        let differs = default.as_ref().is_none_or(|d| !plan::same(p, &value, d));
        if all || (differs && !HOST_DERIVED.contains(&p.name)) {
            found.push(Found {
                param: p,
                value: value.to_kernel(),
                origin: format!(
                    "the running kernel {} ({netns})",
                    kernel.map(|k| k.to_string()).unwrap_or_default()
                ),
            });
        }
    }
    Ok(found)
}

/// Read sysctl.d-format files; later files override earlier ones, as at boot.
pub fn from_files(paths: &[&Path]) -> std::io::Result<(Vec<Found>, Vec<Skipped>)> {
    let mut found: Vec<Found> = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot read `{}`: {e}", path.display()))
        })?;
        for a in sysctld::parse(&text) {
            let origin = format!("{}:{}", path.display(), a.line);
            let Some(param) = catalog::lookup(&a.key) else {
                if a.key.starts_with("net.ipv4.tcp_")
                    || a.key.starts_with("net.core.")
                    || a.key.starts_with("net.ipv4.ip_local")
                {
                    skipped.push(Skipped {
                        key: a.key.clone(),
                        reason: format!("not in tcppolicy's catalog ({origin})"),
                    });
                }
                continue;
            };
            found.retain(|f| f.param.name != param.name);
            found.push(Found {
                param,
                value: a.value.clone(),
                origin,
            });
        }
    }
    Ok((found, skipped))
}

/// Render a starter policy; settings the compiler rejects become comments.
pub fn render(
    name: &str,
    kernel: Option<Version>,
    found: &[Found],
    mut skipped: Vec<Skipped>,
) -> String {
    let mut keep: Vec<&Found> = found.iter().collect();
    loop {
        let text = render_once(name, kernel, &keep, &skipped);
        let c = compile_str(Path::new("imported.yaml"), &text);
        let bad: Vec<(String, String)> = c
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| {
                let line = c
                    .sources
                    .get(d.primary.file)
                    .line_col(d.primary.span.start)
                    .line;
                let setting = setting_at_line(&text, line as usize)?;
                Some((setting, d.message.clone()))
            })
            .collect();
        if bad.is_empty() {
            return text;
        }
        for (key, why) in bad {
            if keep.iter().any(|f| f.param.name == key) {
                keep.retain(|f| f.param.name != key);
                skipped.push(Skipped { key, reason: why });
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

fn render_once(
    name: &str,
    kernel: Option<Version>,
    found: &[&Found],
    skipped: &[Skipped],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Starter policy written by `tcppolicy import`. Replace each rationale with the real"
    );
    let _ = writeln!(
        s,
        "# reason for the value before committing it. For completion in editors, add"
    );
    let _ = writeln!(
        s,
        "# `# yaml-language-server: $schema=<path>/tcppolicy.schema.json` (`tcppolicy schema`)."
    );
    for sk in skipped {
        let _ = writeln!(
            s,
            "# not imported: {}: {}",
            sk.key.escape_debug(),
            sk.reason.replace(['\n', '\r'], " ")
        );
    }
    let _ = writeln!(s, "tcppolicy: 1");
    let _ = writeln!(s, "name: {}", quote(name));
    if let Some(k) = kernel {
        let _ = writeln!(
            s,
            "kernel: {}",
            quote(&format!(">={}.{}", k.major, k.minor))
        );
    }
    if found.is_empty() {
        let _ = writeln!(s, "settings: {{}}");
        return s;
    }
    let _ = writeln!(s, "settings:");
    for f in found {
        let _ = writeln!(s, "  {}:", f.param.name);
        let _ = writeln!(s, "    value: {}", yaml_value(f.param, &f.value));
        let _ = writeln!(
            s,
            "    rationale: {}",
            quote(&format!("Imported from {}.", f.origin))
        );
    }
    s
}

fn yaml_value(p: &Param, text: &str) -> String {
    match Value::parse_kernel(p.kind, text) {
        Some(Value::Int(i))
            if p.kind == tcppolicy_core::catalog::Kind::Boolean && (i == 0 || i == 1) =>
        {
            (i == 1).to_string()
        }
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Vector(v)) => format!(
            "[{}]",
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(Value::Names(n)) => format!(
            "[{}]",
            n.iter().map(|x| quote(x)).collect::<Vec<_>>().join(", ")
        ),
        Some(v) => quote(&v.to_kernel()),
        None => quote(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str, value: &str) -> Found {
        Found {
            param: catalog::lookup(name).unwrap(),
            value: value.into(),
            origin: "test".into(),
        }
    }

    #[test]
    fn rejected_settings_become_comments_and_the_rest_compiles() {
        let text = render(
            "imported",
            Version::parse("6.18"),
            &[
                found("net.ipv4.tcp_syn_retries", "200"),
                found("net.ipv4.tcp_sack", "1"),
                found("net.ipv4.tcp_tw_recycle", "1"),
                found("net.ipv4.tcp_rmem", "4096\t131072\t6291456"),
            ],
            vec![Skipped {
                key: "net.ipv4.tcp_bogus".into(),
                reason: "not in the catalog".into(),
            }],
        );
        let c = compile_str(Path::new("x.yaml"), &text);
        assert!(!c.has_errors(), "{text}\n{:#?}", c.diagnostics);
        assert!(
            text.contains("# not imported: net.ipv4.tcp_syn_retries"),
            "{text}"
        );
        assert!(
            text.contains("# not imported: net.ipv4.tcp_tw_recycle"),
            "{text}"
        );
        assert!(text.contains("value: [4096, 131072, 6291456]"), "{text}");
    }
}
