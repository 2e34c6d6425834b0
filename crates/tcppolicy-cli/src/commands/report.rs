//! The one report of plan, apply and recover, for people.
//!
//! Every string that comes from a policy, a file or the kernel is escaped here
//! (`escape_line`/`escape_text`): no rationale, value, path or error text can move the
//! cursor, erase a line or reorder text on the reader's terminal (SPEC §9).

use std::fmt::Write;
use tcppolicy_core::plan::Action;
use tcppolicy_core::text::{escape_line, escape_text};
use tcppolicy_exec::report::{Command, EntryResult, Report, Status};
use tcppolicy_exec::sysctld::KeyShadow;

fn e(s: &str) -> std::borrow::Cow<'_, str> {
    escape_line(s)
}

/// The whole report as text.
pub fn human(r: &Report) -> String {
    let mut s = String::new();
    let policy = r.policy.as_deref().map(e).unwrap_or_default();
    let target = e(&r.target);
    if r.outcome.status == Status::Refused && (r.entries.is_empty() || r.command != Command::Plan) {
        return refusal(&r.warnings, r.outcome.error.as_deref());
    }
    match r.command {
        Command::Plan => {
            let _ = writeln!(
                s,
                "plan for `{policy}` → {target} (kernel {}, {})\n",
                e(&r.kernel_release),
                e(&r.netns)
            );
            entries(&mut s, r, true);
        }
        Command::Apply | Command::Recover => match r.outcome.status {
            Status::NothingToDo if r.command == Command::Apply => {
                let _ = writeln!(
                    s,
                    "`{policy}` is in sync with {target}: nothing to do ({} in sync).",
                    r.summary.in_sync
                );
            }
            status => {
                let head = match (r.command, status) {
                    (Command::Apply, Status::Applied) => format!("applied `{policy}` to {target}:"),
                    (Command::Recover, Status::Applied) => {
                        format!("recovered the values before the apply of `{policy}` on {target}:")
                    }
                    (Command::Recover, Status::NothingToDo) => "nothing to recover.".into(),
                    _ => format!("apply of `{policy}` to {target}:"),
                };
                let _ = writeln!(s, "{head}");
                entries(&mut s, r, false);
            }
        },
    }
    if let Some(f) = &r.file {
        let _ = writeln!(
            s,
            "\nfile {}: {}",
            e(&f.host_path.display().to_string()),
            f.action
        );
        if f.host_path != f.path {
            let _ = writeln!(
                s,
                "  (`{}` on the target system, under root {})",
                e(&f.path.display().to_string()),
                e(&r.root
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default())
            );
        }
    }
    if let Some(shadows) = &r.shadowing {
        let ours = r.file.as_ref().map(|f| f.path.clone()).unwrap_or_default();
        let at_boot = r.file.as_ref().and_then(|f| f.read_at_boot) != Some(false);
        shadowing(&mut s, &ours, shadows, at_boot);
    }
    if !r.warnings.is_empty() {
        s.push('\n');
        for w in &r.warnings {
            let _ = writeln!(s, "warning: {}", escape_text(w));
        }
    }
    summary(&mut s, r, &policy);
    s
}

/// A command that was refused before it had anything to show: its warnings and the error.
pub(crate) fn refusal(warnings: &[String], error: Option<&str>) -> String {
    let mut s = String::new();
    for w in warnings {
        let _ = writeln!(s, "warning: {}", escape_text(w));
    }
    let _ = writeln!(s, "error: {}", escape_text(error.unwrap_or("refused")));
    s
}

/// One line per setting, its rationale and source (plans; applies show what changed).
fn entries(s: &mut String, r: &Report, all: bool) {
    let shown: Vec<_> = r
        .entries
        .iter()
        .filter(|x| all || x.result.is_some())
        .collect();
    let width = shown.iter().map(|x| x.plan.name.len()).max().unwrap_or(0);
    // Kernel values are read back after every write; a file's content is what was written.
    let verified = if r.file.is_none() { " (verified)" } else { "" };
    for x in &shown {
        let p = &x.plan;
        let before = match p.before.as_deref() {
            None => "(unset)".into(),
            Some("") => "(empty)".into(),
            Some(b) => e(b),
        };
        let after = e(p.after.as_deref().unwrap_or("?"));
        let line = match (p.action, x.result) {
            (_, Some(EntryResult::Written)) => {
                format!("  ~ {:<width$}  {before} → {after}{verified}", p.name)
            }
            (_, Some(EntryResult::RolledBack)) => {
                format!("  ~ {:<width$}  {before} → {after} (rolled back)", p.name)
            }
            (Action::Change, None) => format!("  ~ {:<width$}  {before} → {after}", p.name),
            (Action::InSync, None) => format!("  = {:<width$}  {after} (in sync)", p.name),
            (Action::NotApplicable, None) => format!(
                "  - {:<width$}  not applicable: {}",
                p.name,
                e(p.reason.as_deref().unwrap_or(""))
            ),
        };
        let style = match p.action {
            Action::Change => anstyle::AnsiColor::Yellow.on_default().bold(),
            Action::InSync => anstyle::AnsiColor::Green.on_default(),
            Action::NotApplicable => anstyle::Style::new().dimmed(),
        };
        let _ = writeln!(s, "{style}{line}{style:#}");
        if all {
            for line in wrap(&escape_text(&p.rationale), 84) {
                let _ = writeln!(s, "      {line}");
            }
            let _ = writeln!(s, "      ({})", e(&p.source));
        }
    }
}

/// The last line(s): what the command did.
fn summary(s: &mut String, r: &Report, policy: &str) {
    let o = &r.outcome;
    let counts = format!(
        "{} in sync, {} not applicable",
        r.summary.in_sync, r.summary.not_applicable
    );
    match o.status {
        Status::InSync | Status::ChangesPending => {
            let _ = writeln!(s, "\nPlan: {} to change, {counts}.", r.summary.change);
        }
        Status::Applied => {
            let changed = r
                .entries
                .iter()
                .filter(|x| x.result == Some(EntryResult::Written))
                .count();
            let _ = writeln!(s, "{changed} changed, {counts}.");
        }
        Status::NothingToDo => {}
        Status::Refused => {
            let _ = writeln!(
                s,
                "\nerror: {}",
                escape_text(o.error.as_deref().unwrap_or("refused"))
            );
        }
        Status::Failed | Status::Interrupted => {
            let what = match (&o.failed, &o.signal) {
                (Some(failed), _) => format!(
                    "error: applying `{policy}` failed at `{}`: {}",
                    e(failed),
                    escape_text(o.error.as_deref().unwrap_or(""))
                ),
                (None, Some(sig)) => format!("error: `{policy}` was interrupted by {sig}"),
                _ => format!("error: {}", escape_text(o.error.as_deref().unwrap_or(""))),
            };
            let _ = writeln!(s, "{what}");
            if o.rollback_failures.is_empty() {
                let restored = if o.restored.is_empty() {
                    "nothing had been written".to_string()
                } else {
                    format!("restored {}", o.restored.join(", "))
                };
                let _ = writeln!(
                    s,
                    "rolled back ({restored}): every value is back to what it was before the apply."
                );
            } else {
                let _ = writeln!(
                    s,
                    "ROLLBACK INCOMPLETE — these values could not be restored:"
                );
                for f in &o.rollback_failures {
                    let _ = writeln!(s, "  {}", escape_text(f));
                }
                if let Some(j) = &r.interrupted_apply {
                    let _ = writeln!(
                        s,
                        "the journal `{}` keeps the values before: run `tcppolicy recover`",
                        e(&j.journal.display().to_string())
                    );
                }
            }
        }
    }
}

/// Which file sets each key at boot, for people; warnings where our setting does not
/// hold at boot (another file's value wins and differs from ours).
fn shadowing(s: &mut String, ours: &std::path::Path, shadows: &[KeyShadow], at_boot: bool) {
    let loses = |k: &KeyShadow| at_boot && (!k.in_effect_systemd || !k.in_effect_procps);
    let losing = shadows.iter().filter(|k| loses(k)).count();
    let shared = shadows.iter().filter(|k| k.setters.len() > 1).count();
    let _ = writeln!(
        s,
        "shadowing: {} keys, {} also set by other files, {} where this drop-in loses at boot",
        shadows.len(),
        shared,
        losing
    );
    for k in shadows.iter().filter(|k| k.setters.len() > 1 || loses(k)) {
        let _ = writeln!(s, "  {}", e(&k.key));
        for st in &k.setters {
            let mut marks = Vec::new();
            if k.systemd_effective.as_ref() == Some(st) {
                marks.push("wins under systemd-sysctl".to_string());
            }
            if k.procps_effective.as_ref() == Some(st) {
                marks.push("wins under sysctl --system".to_string());
            }
            if let Some(why) = &st.rejected {
                marks.push(format!(
                    "rejected by the kernel at boot: {}",
                    escape_text(why)
                ));
            }
            let mine = if st.file == ours {
                " (this drop-in)"
            } else {
                ""
            };
            let marks = if marks.is_empty() {
                String::new()
            } else {
                format!("  ← {}", marks.join(", "))
            };
            let _ = writeln!(
                s,
                "    {}:{} = {}{mine}{marks}",
                e(&st.file.display().to_string()),
                st.line,
                e(&st.value)
            );
        }
        if k.systemd_winner.is_some() && k.systemd_effective.is_none() {
            let _ = writeln!(
                s,
                "    the kernel rejects the value that wins under systemd-sysctl: the key keeps \
                 its value from boot"
            );
        }
        for (rules, wins, holds) in [
            (
                "at boot under systemd-sysctl",
                k.ours_wins_systemd,
                k.in_effect_systemd,
            ),
            (
                "under `sysctl --system`",
                k.ours_wins_procps,
                k.in_effect_procps,
            ),
        ] {
            if !at_boot || wins {
                continue;
            }
            let line = if holds {
                format!("another file wins {rules} with a value that meets this policy: in effect")
            } else {
                format!("warning: this drop-in loses to another file {rules}")
            };
            let _ = writeln!(s, "    {line}");
        }
    }
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
