//! What plan, apply and recover share: compiling a policy with its diagnostics, building
//! the executor for `--target`, entering `--netns`, and printing the one report.

use super::report;
use crate::cli::{LockArgs, ReportFormat, Target, TargetArgs};
use crate::{output, render};
use serde_json::Value as Json;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use tcppolicy_core::compile::{Compilation, compile_file};
use tcppolicy_core::diagnostic::Severity;
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::version::Version;
use tcppolicy_exec::executor::{self, Executor};
use tcppolicy_exec::files::Root;
use tcppolicy_exec::live::{Live, LiveOptions};
use tcppolicy_exec::report::{Command, Report, Stage};
use tcppolicy_exec::sysctl::LiveSysctl;
use tcppolicy_exec::sysctld::DropIn;
use tcppolicy_exec::system;
use tcppolicy_exec::tasks::TasksFile;

/// Notes that belong in a human plan (wrapped under their code; every note is in the
/// JSON of every command): what a host policy's settings mean for containers (SPEC §10).
const PLAN_NOTES: &[&str] = &["TP406"];

/// Diagnostics as JSON, for embedding in reports.
pub fn diagnostics_json(c: &Compilation) -> Vec<Json> {
    c.diagnostics
        .iter()
        .map(|d| render::json(d, &c.sources))
        .collect()
}

/// Compile `path`; print its errors and warnings (human format) to stderr.
pub fn compile(path: &Path, format: ReportFormat) -> (Compilation, Option<EffectivePolicy>) {
    let mut c = compile_file(path);
    let policy = c.policy.take();
    if format == ReportFormat::Human {
        for d in c
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Note)
        {
            output::err(&format!(
                "{}\n\n",
                render::human(d, &c.sources, output::colored(output::Stream::Err))
            ));
        }
    }
    (c, policy)
}

/// The target's name before an executor exists (for reports of early refusals).
pub fn target_name(t: &Target) -> String {
    match t {
        Target::Live => "live".into(),
        Target::SysctlD(Some(p)) => format!("sysctl.d:{}", p.display()),
        Target::SysctlD(None) => "sysctl.d".into(),
        Target::Ansible(p) => format!("ansible:{}", p.display()),
    }
}

/// A report of a command refused before an executor could run.
pub fn refused(command: Command, target: String, stage: Stage, error: String) -> Report {
    let mut r = Report::new(
        command,
        target,
        system::kernel_release(),
        system::netns_id(),
    );
    r.refuse(stage, error);
    r
}

/// Enter `--netns` if given.
pub fn enter_netns(netns: Option<&str>) -> Result<(), String> {
    match netns {
        Some(ns) => system::enter_netns(ns)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        None => Ok(()),
    }
}

/// Enter the `--netns` of plan or apply, which only the live target has.
pub fn enter_target_netns(target: &TargetArgs) -> Result<(), String> {
    if target.netns.is_some() && target.target != Target::Live {
        return Err("`--netns` only applies to the `live` target".into());
    }
    enter_netns(target.netns.as_deref())
}

/// Live-target options from the command line.
pub fn live_options(lock: Option<&LockArgs>) -> LiveOptions {
    LiveOptions {
        run_dir: std::env::var_os("TCPPOLICY_RUN_DIR").map_or_else(
            || std::path::PathBuf::from(tcppolicy_exec::lock::RUN_DIR),
            std::path::PathBuf::from,
        ),
        lock_path: lock.and_then(|l| l.lock_file.clone()),
        lock_timeout: Duration::from_secs(lock.map_or(30, |l| l.lock_timeout)),
        handle_signals: true,
    }
}

/// Run `command` (plan or apply) for a compiled policy on the target the arguments name,
/// and return the report.
pub fn run_target(
    command: Command,
    policy: &EffectivePolicy,
    target: &TargetArgs,
    lock: Option<&LockArgs>,
    saved: Option<&tcppolicy_exec::report::SavedPlan>,
) -> Report {
    let name = target_name(&target.target);
    if target.root.is_some() && target.target == Target::Live {
        return refused(
            command,
            name,
            Stage::Observe,
            "`--root` only applies to the file targets (`sysctl.d`, `ansible:PATH`)".into(),
        );
    }
    let kernel = Version::parse_release(&system::kernel_release());
    let root = || Root::open(target.root.as_deref().unwrap_or(Path::new("/")));
    let sysctl = LiveSysctl::new();
    let mut exec: Box<dyn Executor + '_> = match &target.target {
        Target::Live => Box::new(Live::new(&sysctl, live_options(lock))),
        Target::SysctlD(path) => match root() {
            Ok(r) => {
                Box::new(DropIn::new(r, path.clone(), kernel, target.force).for_policy(policy))
            }
            Err(e) => return refused(command, name, Stage::Observe, e.to_string()),
        },
        Target::Ansible(path) => match root() {
            Ok(r) => Box::new(TasksFile::new(r, path.clone(), kernel, target.force)),
            Err(e) => return refused(command, name, Stage::Observe, e.to_string()),
        },
    };
    match command {
        Command::Plan => executor::plan(exec.as_mut(), policy),
        _ => executor::apply(exec.as_mut(), policy, saved),
    }
}

/// Print a report in `format` and return the command's exit status.
pub fn print(
    report: &mut Report,
    format: ReportFormat,
    compilation: Option<&Compilation>,
) -> ExitCode {
    if let Some(c) = compilation {
        report.diagnostics = diagnostics_json(c);
    }
    let human = || {
        let mut text = report::human(report);
        let notes = compilation
            .filter(|_| report.command == Command::Plan)
            .into_iter()
            .flat_map(|c| &c.diagnostics)
            .filter(|d| PLAN_NOTES.contains(&d.code.id));
        for d in notes {
            let message = tcppolicy_core::text::escape_text(&d.message);
            let lines = report::wrap(&format!("note[{}]: {message}", d.code.id), 78);
            text.push_str(&lines.join("\n  "));
            text.push('\n');
        }
        text
    };
    show(format, report.ok, human, report);
    ExitCode::from(report.exit_code())
}

/// Print a command's document in `format`: for people (on stdout, or on stderr when the
/// command failed), or as one JSON document.
pub fn show(
    format: ReportFormat,
    ok: bool,
    human: impl FnOnce() -> String,
    json: &impl serde::Serialize,
) {
    match format {
        ReportFormat::Human => {
            let text = human();
            if ok {
                output::out(&text);
            } else {
                output::err(&text);
            }
        }
        ReportFormat::Json => output::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(json).unwrap_or_else(|e| format!(
                "{{\"format_version\": {}, \"ok\": false, \"error\": \"{e}\"}}",
                tcppolicy_exec::report::FORMAT_VERSION
            ))
        )),
    }
}

/// The report of a policy that did not compile.
pub fn not_compiled(command: Command, target: &Target, path: &Path, c: &Compilation) -> Report {
    let mut r = refused(
        command,
        target_name(target),
        Stage::Compile,
        format!(
            "`{}` has {} error(s); nothing was {}",
            tcppolicy_core::text::escape_line(&path.display().to_string()),
            c.count(Severity::Error),
            if command == Command::Plan {
                "planned"
            } else {
                "applied"
            }
        ),
    );
    r.files = vec![path.display().to_string()];
    r
}
