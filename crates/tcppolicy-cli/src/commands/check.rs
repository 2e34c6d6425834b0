//! `tcppolicy check`: compile policies and report.

use crate::cli::{CheckArgs, Deny, Format};
use crate::{output, render};
use anyhow::Context;
use serde_json::json;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcppolicy_core::compile::compile_file;
use tcppolicy_core::diagnostic::Severity;

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for root in &roots {
        files.extend(policy_files(root)?);
    }
    if args.policies_only {
        files.retain(|f| looks_like_policy(f));
        if files.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
    }
    if files.is_empty() {
        anyhow::bail!(
            "no policy files found in {} (a policy file is a .yaml/.yml file with a top-level `tcppolicy:` key)",
            roots
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let (mut errors, mut warnings, mut notes) = (0usize, 0usize, 0usize);
    let mut json_diags = Vec::new();
    // A base extended by several of the files checked is compiled with each of them: its
    // diagnostics are reported (and counted) once, the first time they come up.
    let mut seen = HashSet::new();
    for file in &files {
        let c = compile_file(file);
        for d in &c.diagnostics {
            let doc = render::json(d, &c.sources);
            if !seen.insert(identity(&doc)) {
                continue;
            }
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Note => notes += 1,
            }
            if d.severity == Severity::Note && args.no_notes {
                continue;
            }
            match args.format {
                Format::Human => output::out(&format!("{}\n\n", render::human(d, &c.sources))),
                Format::Github => output::out(&format!("{}\n", render::github(d, &c.sources))),
                Format::Json => json_diags.push(doc),
            }
        }
    }
    let failed = errors > 0 || (args.deny == Some(Deny::Warnings) && warnings > 0);
    match args.format {
        Format::Json => {
            let doc = json!({
                "format_version": tcppolicy_core::FORMAT_VERSION,
                "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                "diagnostics": json_diags,
                "summary": {"errors": errors, "warnings": warnings, "notes": notes, "ok": !failed},
            });
            output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
        Format::Human | Format::Github => {
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            output::err(&format!(
                "checked {}: {}, {}, {}\n",
                plural(files.len(), "file"),
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(notes, "note")
            ));
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What makes two diagnostics the same: everything they say, with each file named by its
/// canonical path (a base is `base.yaml` when reached through `extends` and
/// `./base.yaml` when checked itself).
fn identity(doc: &serde_json::Value) -> String {
    let mut doc = doc.clone();
    let canonical = |location: &mut serde_json::Value| {
        if let Some(file) = location["file"].as_str()
            && let Ok(path) = std::fs::canonicalize(file)
        {
            location["file"] = json!(path.display().to_string());
        }
    };
    canonical(&mut doc["location"]);
    if let Some(secondary) = doc["secondary"].as_array_mut() {
        secondary.iter_mut().for_each(canonical);
    }
    doc.to_string()
}

/// The policy files named by `path`: the file itself, or every `.yaml`/`.yml` file below a
/// directory that has a top-level `tcppolicy:` key (hidden directories and `target/` are
/// skipped), sorted.
pub(crate) fn policy_files(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !skipped_in_walk(&e.file_name().to_string_lossy(), e.file_type().is_dir())
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot walk `{}`", path.display()))?;
        let p = entry.path();
        if entry.file_type().is_file() && is_yaml(p) && looks_like_policy(p) {
            out.push(p.to_path_buf());
        }
    }
    Ok(out)
}

/// Whether a directory walk skips `name`: hidden entries and `target/` directories.
pub(crate) fn skipped_in_walk(name: &str, is_dir: bool) -> bool {
    name.starts_with('.') || (is_dir && name == "target")
}

/// Whether the path names a YAML file (`.yaml`, `.yml`).
pub(crate) fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// How much of a file [`is_policy_text`] looks at.
pub(crate) const POLICY_HEAD_BYTES: u64 = 64 * 1024;

/// Whether the file has a line starting with `tcppolicy:` within its first 64 KiB.
fn looks_like_policy(path: &Path) -> bool {
    let mut head = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(POLICY_HEAD_BYTES).read_to_end(&mut head));
    read.is_ok() && is_policy_text(&head)
}

/// Whether text (the head of a file) has a line starting with `tcppolicy:`.
pub(crate) fn is_policy_text(head: &[u8]) -> bool {
    String::from_utf8_lossy(head).lines().any(|l| {
        l.strip_prefix("tcppolicy")
            .is_some_and(|r| r.trim_start().starts_with(':'))
    })
}
