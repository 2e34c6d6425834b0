//! The file targets of plan and apply: `sysctl.d` drop-ins (with the shadowing analysis)
//! and `ansible` tasks files.

use crate::cli::ReportFormat;
use crate::output;
use anyhow::Context;
use serde_json::{Value as Json, json};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::{self, Plan};
use tcppolicy_core::version::Version;
use tcppolicy_exec::sysctld::{self, KeyShadow, WriteOutcome};
use tcppolicy_exec::{ansible, system};

/// What `plan` adds for a file target.
pub struct Extra {
    /// For people.
    pub human: String,
    /// The file: path, action, content before and after (JSON).
    pub file: Json,
    /// Per-key shadowing (JSON; empty for Ansible files).
    pub json: Json,
    /// Whether the file's bytes would change.
    pub file_changes: bool,
}

/// A file to render on a target system.
struct FileTarget {
    /// Path on the target (`/etc/sysctl.d/...`).
    path: PathBuf,
    /// Where to write it here (the root prefix applied, links resolved inside the root).
    host: PathBuf,
    /// The content to write.
    content: String,
    /// The content there now.
    before: Option<String>,
}

fn kernel() -> Option<Version> {
    Version::parse_release(&system::kernel_release())
}

fn root_of(root: Option<&Path>) -> &Path {
    root.unwrap_or(Path::new("/"))
}

fn file_target(path: PathBuf, root: Option<&Path>, content: String) -> anyhow::Result<FileTarget> {
    let host = sysctld::target_path(root_of(root), &path)?;
    let before = match std::fs::read(&host) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", host.display())),
    };
    Ok(FileTarget {
        path,
        host,
        content,
        before,
    })
}

fn sysctld_target(
    policy: &EffectivePolicy,
    path: Option<&Path>,
    root: Option<&Path>,
) -> anyhow::Result<FileTarget> {
    let path = path.map_or_else(|| sysctld::default_path(&policy.name), Path::to_path_buf);
    file_target(path, root, sysctld::render(policy, kernel()))
}

fn ansible_target(
    policy: &EffectivePolicy,
    path: &Path,
    root: Option<&Path>,
) -> anyhow::Result<FileTarget> {
    let content = ansible::render(policy, kernel(), &sysctld::default_path(&policy.name));
    file_target(path.to_path_buf(), root, content)
}

impl FileTarget {
    fn action(&self) -> &'static str {
        match &self.before {
            None => "create",
            Some(b) if *b == self.content => "unchanged",
            Some(_) => "update",
        }
    }

    fn json(&self) -> Json {
        json!({
            "path": self.path.display().to_string(),
            "host_path": self.host.display().to_string(),
            "action": self.action(),
            "before": self.before,
            "after": self.content,
        })
    }
}

/// Plan a drop-in: the per-key diff against the file on disk, and shadowing.
pub fn plan(
    policy: &EffectivePolicy,
    path: Option<&Path>,
    root: Option<&Path>,
) -> anyhow::Result<(Plan, Extra)> {
    let t = sysctld_target(policy, path, root)?;
    let assignments = t.before.as_deref().map(sysctld::parse).unwrap_or_default();
    let ctx = plan::Context {
        target: format!("sysctl.d:{}", t.path.display()),
        kernel_release: system::kernel_release(),
        netns: system::netns_id(),
    };
    let plan = plan::diff(policy, &ctx, |p| sysctld::observed(&assignments, p));
    let keys: Vec<&str> = policy.settings.iter().map(|s| s.param.name).collect();
    let shadows = sysctld::analyse(root_of(root), &t.path, Some(&t.content), &keys)?;
    let mut human = String::new();
    let _ = writeln!(human, "\nfile {}: {}", t.path.display(), t.action());
    if let Some(r) = root {
        let _ = writeln!(
            human,
            "  (under root {}: {})",
            r.display(),
            t.host.display()
        );
    }
    human.push_str(&shadow_text(&t.path, &shadows));
    let mut file = t.json();
    file["read_at_boot"] = read_at_boot(&t.path).into();
    let extra = Extra {
        file_changes: t.action() != "unchanged",
        file,
        json: serde_json::to_value(&shadows)?,
        human,
    };
    Ok((plan, extra))
}

/// Plan an Ansible tasks file: the whole file is the unit.
pub fn plan_ansible(
    policy: &EffectivePolicy,
    path: &Path,
    root: Option<&Path>,
) -> anyhow::Result<Extra> {
    let t = ansible_target(policy, path, root)?;
    Ok(Extra {
        human: format!("file {}: {}\n", t.path.display(), t.action()),
        file_changes: t.action() != "unchanged",
        file: t.json(),
        json: Json::Array(Vec::new()),
    })
}

/// Whether a drop-in at `path` is read at boot: a `*.conf` file directly in a sysctl.d
/// directory of the search path (or `/etc/sysctl.conf` itself).
fn read_at_boot(path: &Path) -> bool {
    let in_search_path = path
        .parent()
        .is_some_and(|dir| sysctld::SEARCH_PATH.iter().any(|d| Path::new(d) == dir));
    let conf = path.extension().is_some_and(|e| e == "conf");
    (in_search_path && conf) || path == Path::new(sysctld::SYSCTL_CONF)
}

/// Which file sets each key at boot, for people; warnings where our drop-in loses.
fn shadow_text(ours: &Path, shadows: &[KeyShadow]) -> String {
    let mut s = String::new();
    if !read_at_boot(ours) {
        let _ = writeln!(
            s,
            "warning: {} is not a *.conf file in a sysctl.d directory: neither systemd-sysctl nor \
             `sysctl --system` reads it at boot",
            ours.display()
        );
    }
    let losing: Vec<&KeyShadow> = shadows
        .iter()
        .filter(|k| !k.ours_wins_systemd || !k.ours_wins_procps)
        .collect();
    let shared = shadows.iter().filter(|k| k.setters.len() > 1).count();
    let _ = writeln!(
        s,
        "shadowing: {} keys, {} also set by other files, {} where this drop-in loses at boot",
        shadows.len(),
        shared,
        losing.len()
    );
    for k in shadows
        .iter()
        .filter(|k| k.setters.len() > 1 || !k.ours_wins_systemd || !k.ours_wins_procps)
    {
        let _ = writeln!(s, "  {}", k.key);
        for st in &k.setters {
            let mut marks = Vec::new();
            if k.systemd_winner.as_ref() == Some(st) {
                marks.push("wins under systemd-sysctl");
            }
            if k.procps_winner.as_ref() == Some(st) {
                marks.push("wins under sysctl --system");
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
                st.file.display(),
                st.line,
                st.value
            );
        }
        if !k.ours_wins_systemd {
            let _ = writeln!(
                s,
                "    warning: this drop-in loses to another file at boot under systemd-sysctl"
            );
        }
        if !k.ours_wins_procps {
            let _ = writeln!(
                s,
                "    warning: this drop-in loses to another file under `sysctl --system`"
            );
        }
    }
    s
}

/// Write a drop-in (`ansible_path`: an Ansible tasks file instead).
pub fn apply(
    policy: &EffectivePolicy,
    path: Option<&Path>,
    ansible_path: Option<&Path>,
    root: Option<&Path>,
    format: ReportFormat,
    diagnostics: Vec<Json>,
) -> anyhow::Result<ExitCode> {
    let (t, shadows) = match ansible_path {
        Some(p) => (ansible_target(policy, p, root)?, Vec::new()),
        None => {
            let t = sysctld_target(policy, path, root)?;
            let keys: Vec<&str> = policy.settings.iter().map(|s| s.param.name).collect();
            let shadows = sysctld::analyse(root_of(root), &t.path, Some(&t.content), &keys)?;
            (t, shadows)
        }
    };
    let file_before = t.json();
    let outcome = sysctld::write_atomic(&t.host, &t.content)?;
    let word = match outcome {
        WriteOutcome::Created => "created",
        WriteOutcome::Updated => "updated",
        WriteOutcome::Unchanged => "unchanged",
    };
    let losing = shadows
        .iter()
        .filter(|k| !k.ours_wins_systemd || !k.ours_wins_procps)
        .count();
    let boot = ansible_path.is_some() || read_at_boot(&t.path);
    match format {
        ReportFormat::Human => {
            output::out(&format!("{} {}\n", t.path.display(), word));
            if losing > 0 || !boot {
                output::err(&shadow_text(&t.path, &shadows));
            }
        }
        ReportFormat::Json => {
            let mut file = file_before;
            file["action"] = word.into();
            if ansible_path.is_none() {
                file["read_at_boot"] = boot.into();
            }
            let doc = json!({
                "format": 1,
                "ok": true,
                "changed": outcome != WriteOutcome::Unchanged,
                "policy": policy.name,
                "digest": policy.digest(),
                "target": if ansible_path.is_some() { format!("ansible:{}", t.path.display()) } else { format!("sysctl.d:{}", t.path.display()) },
                "file": file,
                "shadowing": serde_json::to_value(&shadows)?,
                "diagnostics": diagnostics,
            });
            output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
    }
    Ok(ExitCode::SUCCESS)
}
