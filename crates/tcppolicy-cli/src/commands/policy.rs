//! Shared by plan and apply: compile a policy and report its diagnostics, parse targets,
//! render plans.

use crate::cli::ReportFormat;
use crate::{output, render};
use anyhow::bail;
use serde_json::Value as Json;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use tcppolicy_core::compile::{Compilation, compile_file};
use tcppolicy_core::diagnostic::Severity;
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::{Action, Plan};

/// A parsed `--target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The running kernel.
    Live,
    /// A drop-in (path as on the target system; `None` for the default path).
    SysctlD(Option<PathBuf>),
    /// An Ansible tasks file.
    Ansible(PathBuf),
}

impl Target {
    /// Parse `live`, `sysctl.d`, `sysctl.d:PATH`, `ansible:PATH`.
    pub fn parse(text: &str, root: Option<&Path>) -> anyhow::Result<Target> {
        let t = match text.split_once(':') {
            None if text == "live" => Target::Live,
            None if text == "sysctl.d" => Target::SysctlD(None),
            Some(("sysctl.d", path)) if !path.is_empty() => {
                let p = PathBuf::from(path);
                if !p.is_absolute() {
                    bail!(
                        "`--target sysctl.d:PATH` needs an absolute path as on the target system: `{path}`"
                    );
                }
                Target::SysctlD(Some(p))
            }
            Some(("ansible", path)) if !path.is_empty() => Target::Ansible(PathBuf::from(path)),
            _ => bail!(
                "unknown target `{text}`: use `live`, `sysctl.d`, `sysctl.d:PATH` or `ansible:PATH`"
            ),
        };
        if root.is_some() && t == Target::Live {
            bail!("`--root` only applies to the `sysctl.d` target");
        }
        Ok(t)
    }
}

/// Diagnostics as JSON, for embedding in plan and apply documents.
pub fn diagnostics_json(c: &Compilation) -> Vec<Json> {
    c.diagnostics
        .iter()
        .map(|d| render::json(d, &c.sources))
        .collect()
}

/// Compile `path`; print warnings (human format) to stderr. On errors, print them and
/// return `None` (JSON: a document with the diagnostics on stdout).
pub fn compile(path: &Path, format: ReportFormat) -> (Compilation, Option<EffectivePolicy>) {
    let mut c = compile_file(path);
    let policy = c.policy.take();
    match format {
        ReportFormat::Human => {
            for d in c
                .diagnostics
                .iter()
                .filter(|d| d.severity != Severity::Note)
            {
                output::err(&format!("{}\n\n", render::human(d, &c.sources)));
            }
            if policy.is_none() {
                output::err(&format!(
                    "error: `{}` has {} error(s); nothing was planned or applied\n",
                    path.display(),
                    c.count(Severity::Error)
                ));
            }
        }
        ReportFormat::Json => {
            if policy.is_none() {
                let doc = serde_json::json!({
                    "format": 1,
                    "ok": false,
                    "error": format!("`{}` does not compile", path.display()),
                    "diagnostics": diagnostics_json(&c),
                });
                output::out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                ));
            }
        }
    }
    (c, policy)
}

/// Run `f`; with `--format json`, report an error as a JSON document on stdout (exit 1)
/// so that tools reading the output (the Ansible module) always get JSON.
pub fn json_errors(
    format: ReportFormat,
    f: impl FnOnce() -> anyhow::Result<std::process::ExitCode>,
) -> anyhow::Result<std::process::ExitCode> {
    match (f(), format) {
        (Err(e), ReportFormat::Json) => {
            let stage = if e
                .downcast_ref::<tcppolicy_exec::live::ApplyError>()
                .is_some_and(|e| {
                    matches!(e, tcppolicy_exec::live::ApplyError::KernelOutOfRange { .. })
                }) {
                "kernel"
            } else {
                "error"
            };
            let doc = serde_json::json!({
                "format": 1,
                "ok": false,
                "changed": false,
                "error": format!("{e:#}"),
                "stage": stage,
                "diagnostics": [],
            });
            output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
            Ok(std::process::ExitCode::from(1))
        }
        (result, _) => result,
    }
}

/// A plan for people: one line per setting with its rationale, then a summary.
pub fn render_plan(plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "plan for `{}` → {} (kernel {}, {})\n",
        plan.policy, plan.target, plan.kernel_release, plan.netns
    );
    let width = plan.entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
    for e in &plan.entries {
        let line = match e.action {
            Action::Change => format!(
                "  ~ {:<width$}  {} → {}",
                e.name,
                match e.before.as_deref() {
                    None => "(unset)",
                    Some("") => "(empty)",
                    Some(b) => b,
                },
                e.after.as_deref().unwrap_or("?")
            ),
            Action::InSync => format!(
                "  = {:<width$}  {} (in sync)",
                e.name,
                e.after.as_deref().unwrap_or("")
            ),
            Action::NotApplicable => format!(
                "  - {:<width$}  not applicable: {}",
                e.name,
                e.reason.as_deref().unwrap_or("")
            ),
        };
        let style = match e.action {
            Action::Change => anstyle::AnsiColor::Yellow.on_default().bold(),
            Action::InSync => anstyle::AnsiColor::Green.on_default(),
            Action::NotApplicable => anstyle::Style::new().dimmed(),
        };
        let _ = writeln!(s, "{style}{line}{style:#}");
        for line in wrap(&e.rationale, 84) {
            let _ = writeln!(s, "      {line}");
        }
        let _ = writeln!(s, "      ({})", e.source);
    }
    let _ = writeln!(
        s,
        "\nPlan: {} to change, {} in sync, {} not applicable.",
        plan.summary.change, plan.summary.in_sync, plan.summary.not_applicable
    );
    s
}

/// Wrap text at `width` columns on word boundaries, keeping its own line breaks.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out
}
