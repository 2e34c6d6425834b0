//! `tcppolicy check`: compile policies and report.

use crate::cli::{CheckArgs, Deny, Format};
use crate::{output, render};
use anyhow::Context;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcppolicy_core::compile::Compilation;
use tcppolicy_core::compile::compile_file;
use tcppolicy_core::diagnostic::{Diagnostic, Severity};
use tcppolicy_core::source::FileId;

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
    for (i, file) in files.iter().enumerate() {
        let c = compile_file(file);
        let mut canonical = HashMap::new();
        for d in &c.diagnostics {
            if !seen.insert(identity(d, &c, &mut canonical)) {
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
                Format::Human => output::out(&format!(
                    "{}\n\n",
                    render::human(d, &c.sources, output::colored(output::Stream::Out))
                )),
                Format::Github => output::out(&format!("{}\n", render::github(d, &c.sources))),
                Format::Json => json_diags.push(render::json(d, &c.sources)),
            }
        }
        if i + 1 == files.len() {
            // The process exits soon: the last compilation is not freed piece by piece.
            std::mem::forget(c);
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

/// What makes two diagnostics the same: everything they say (what `render::json` shows
/// of them), with each file named by its canonical path (a base is `base.yaml` when
/// reached through `extends` and `./base.yaml` when checked itself). `canonical` keeps
/// the canonical paths of one compilation's files.
fn identity(d: &Diagnostic, c: &Compilation, canonical: &mut HashMap<FileId, String>) -> String {
    let mut key = format!("{}\0{}\0{}", d.code.id, d.severity, d.message);
    for label in std::iter::once(&d.primary).chain(&d.secondary) {
        let path = canonical.entry(label.file).or_insert_with(|| {
            let path = c.sources.get(label.file).path();
            std::fs::canonicalize(path)
                .unwrap_or_else(|_| path.to_path_buf())
                .display()
                .to_string()
        });
        let span = label.span;
        let _ = write!(
            key,
            "\0{path}:{}-{}\0{}",
            span.start, span.end, label.message
        );
    }
    for note in &d.notes {
        let _ = write!(key, "\0note\0{note}");
    }
    if let Some(help) = &d.help {
        let _ = write!(key, "\0help\0{help}");
    }
    key
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
