//! `tcppolicy apply`.

use super::policy::{self, Target};
use super::sysctld;
use crate::cli::{ApplyArgs, ReportFormat};
use crate::output;
use anyhow::Context;
use std::fmt::Write;
use std::process::ExitCode;
use std::time::Duration;
use tcppolicy_core::plan::Plan;
use tcppolicy_exec::live::{self, ApplyError, ApplyOptions, ApplyReport, Outcome, Source};
use tcppolicy_exec::sysctl::LiveSysctl;
use tcppolicy_exec::{lock, system};

pub fn run(args: &ApplyArgs) -> anyhow::Result<ExitCode> {
    policy::json_errors(args.format, || apply(args))
}

fn apply(args: &ApplyArgs) -> anyhow::Result<ExitCode> {
    let target = Target::parse(&args.target.target, args.target.root.as_deref())?;
    let options = ApplyOptions {
        lock_path: args
            .lock_file
            .clone()
            .unwrap_or_else(|| lock::default_path(&system::netns_id())),
        lock_timeout: Duration::from_secs(args.lock_timeout),
    };
    let (diagnostics, result) = match (&args.plan, &args.policy) {
        (Some(plan_path), _) => {
            if target != Target::Live {
                anyhow::bail!("`--plan` applies saved plans of the `live` target only");
            }
            let text = std::fs::read_to_string(plan_path)
                .with_context(|| format!("cannot read the plan `{}`", plan_path.display()))?;
            let saved: Plan = serde_json::from_str(&text)
                .with_context(|| format!("`{}` is not a tcppolicy plan", plan_path.display()))?;
            (
                Vec::new(),
                live::apply(Source::Saved(saved), &LiveSysctl::new(), &options),
            )
        }
        (None, Some(path)) => {
            let (compilation, policy) = policy::compile(path, args.format);
            let Some(policy) = policy else {
                return Ok(ExitCode::from(1));
            };
            let diagnostics = policy::diagnostics_json(&compilation);
            let root = args.target.root.as_deref();
            match &target {
                Target::SysctlD(p) => {
                    return sysctld::apply(
                        &policy,
                        p.as_deref(),
                        None,
                        root,
                        args.format,
                        diagnostics,
                    );
                }
                Target::Ansible(p) => {
                    return sysctld::apply(&policy, None, Some(p), root, args.format, diagnostics);
                }
                Target::Live => {}
            }
            (
                diagnostics,
                live::apply(Source::Policy(&policy), &LiveSysctl::new(), &options),
            )
        }
        (None, None) => unreachable!("clap requires a policy or --plan"),
    };
    match result {
        Ok(report) => {
            match args.format {
                ReportFormat::Human => {
                    let text = render_report(&report);
                    if report.ok() {
                        output::out(&text)
                    } else {
                        output::err(&text)
                    }
                }
                ReportFormat::Json => {
                    let mut doc = serde_json::to_value(&report)?;
                    doc["format"] = 1.into();
                    doc["ok"] = report.ok().into();
                    doc["changed"] = report.changed().into();
                    doc["diagnostics"] = serde_json::Value::Array(diagnostics);
                    output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
                }
            }
            Ok(if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(e) => {
            match args.format {
                ReportFormat::Human => output::err(&format!("error: {e}\n")),
                ReportFormat::Json => {
                    let doc = serde_json::json!({
                        "format": 1,
                        "ok": false,
                        "changed": false,
                        "error": e.to_string(),
                        "stage": match e {
                            ApplyError::KernelOutOfRange { .. } => "kernel",
                            ApplyError::Lock(_) => "lock",
                            ApplyError::Observe(_) => "observe",
                            ApplyError::Preflight(_) => "preflight",
                            ApplyError::Stale(_) => "stale",
                        },
                        "diagnostics": diagnostics,
                    });
                    output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn render_report(r: &ApplyReport) -> String {
    let mut s = String::new();
    match &r.outcome {
        Outcome::NothingToDo => {
            let _ = writeln!(
                s,
                "`{}` is in sync with {}: nothing to do ({} in sync).",
                r.plan.policy, r.plan.target, r.plan.summary.in_sync
            );
        }
        Outcome::Applied => {
            let _ = writeln!(s, "applied `{}` to {}:", r.plan.policy, r.plan.target);
            for w in &r.written {
                let _ = writeln!(s, "  ~ {}  {} → {} (verified)", w.name, w.before, w.after);
            }
            let _ = writeln!(
                s,
                "{} changed, {} in sync, {} not applicable.",
                r.written.len(),
                r.plan.summary.in_sync,
                r.plan.summary.not_applicable
            );
        }
        Outcome::Failed {
            error,
            failed,
            restored,
            rollback_failures,
        } => {
            let _ = writeln!(
                s,
                "error: applying `{}` failed at `{failed}`: {error}",
                r.plan.policy
            );
            if rollback_failures.is_empty() {
                let restored = if restored.is_empty() {
                    "nothing had been written".to_string()
                } else {
                    format!("restored {}", restored.join(", "))
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
                for f in rollback_failures {
                    let _ = writeln!(s, "  {f}");
                }
            }
        }
    }
    s
}
