//! The `live` target: the running kernel's `/proc/sys` in the calling thread's network
//! namespace (`--netns` moves the thread there first, see [`crate::system::enter_netns`]).
//!
//! `apply` guarantees (SPEC §5, §9): the kernel is inside the policy's range; an
//! exclusive lock per network namespace ([`crate::lock`]); no apply over an interrupted
//! one ([`crate::journal`]); every parameter to change writable, and a congestion control
//! allowed in this namespace, before any write; the "before" values journaled before the
//! first write; writes in dependency order, each read back and compared; on a failed
//! write or read-back, or SIGINT/SIGTERM/SIGHUP ([`crate::signals`]), every value
//! already written restored newest first and the restore verified; a second apply writes
//! nothing.

use crate::executor::{Executor, Observations, Refusal};
use crate::journal;
use crate::lock::{self, ApplyLock};
use crate::report::{Command, Entry, EntryResult, JournalEntry, Outcome, Report, Stage, Status};
use crate::signals;
use crate::sysctl::{Sysctl, SysctlError};
use crate::system;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tcppolicy_core::catalog::{self, Param};
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::{self, Action, Observed, Plan, PlanEntry};
use tcppolicy_core::value::Value;
use tcppolicy_core::version::Version;

/// The target name in reports.
pub const TARGET: &str = "live";

/// How a live apply locks.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Where locks and journals live ([`lock::RUN_DIR`]; tests use a temporary
    /// directory). Created mode 0700 when missing.
    pub run_dir: PathBuf,
    /// The lock file (default: one per network namespace in the run directory).
    pub lock_path: Option<PathBuf>,
    /// How long to wait for another apply to finish.
    pub lock_timeout: Duration,
    /// Roll back and stop on SIGINT, SIGTERM and SIGHUP (the CLI does; tests that run
    /// applies on threads of one process do not).
    pub handle_signals: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            run_dir: PathBuf::from(lock::RUN_DIR),
            lock_path: None,
            lock_timeout: Duration::from_secs(30),
            handle_signals: false,
        }
    }
}

/// The live kernel as an [`Executor`].
pub struct Live<'a> {
    sysctl: &'a dyn Sysctl,
    options: LiveOptions,
    lock: Option<ApplyLock>,
}

impl std::fmt::Debug for Live<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a> Live<'a> {
    /// The live kernel through `sysctl`.
    pub fn new(sysctl: &'a dyn Sysctl, options: LiveOptions) -> Self {
        Live {
            sysctl,
            options,
            lock: None,
        }
    }

    fn lock_path(&self) -> PathBuf {
        self.options
            .lock_path
            .clone()
            .unwrap_or_else(|| lock::default_path(&self.options.run_dir, &system::netns_id()))
    }

    fn interrupted() -> Option<&'static str> {
        signals::caught()
    }

    /// Take the lock (and, with `handle_signals`, start catching signals first, so a
    /// signal while waiting ends the wait cleanly).
    fn take_lock(&mut self, report: &mut Report) -> Result<(), Refusal> {
        if self.options.handle_signals {
            signals::install().map_err(|e| Refusal::new(Stage::Lock, e.to_string()))?;
        }
        let lock = lock::acquire(
            &self.options.run_dir,
            &self.lock_path(),
            self.options.lock_timeout,
            &|| {
                if self.options.handle_signals {
                    Self::interrupted()
                } else {
                    None
                }
            },
        )
        .map_err(|e| Refusal::new(Stage::Lock, e.to_string()))?;
        report.warnings.extend(lock.warnings.iter().cloned());
        report.lock_waited_ms = Some(u64::try_from(lock.waited.as_millis()).unwrap_or(u64::MAX));
        self.lock = Some(lock);
        Ok(())
    }
}

/// Check that the running kernel is inside the policy's range.
///
/// # Errors
/// A refusal naming both.
pub fn check_kernel(policy: &EffectivePolicy, release: &str) -> Result<(), Refusal> {
    if let (Some(range), Some(v)) = (policy.kernel, Version::parse_release(release))
        && !range.contains(v)
    {
        return Err(Refusal::new(
            Stage::Kernel,
            format!("the running kernel {release} is outside the policy's kernel range {range}"),
        ));
    }
    Ok(())
}

/// Report an interrupted apply found in this namespace: a warning for `plan`, a refusal
/// for `apply` (which takes the lock first, so the journal's apply is not running).
fn interrupted_apply(
    command: Command,
    options: &LiveOptions,
    lock_path: &Path,
    report: &mut Report,
) -> Result<(), Refusal> {
    let found = journal::find(&options.run_dir, &report.netns)
        .map_err(|e| Refusal::new(Stage::Journal, e.to_string()))?;
    let j = match found {
        journal::Found::None => return Ok(()),
        journal::Found::Stale(path) => {
            // Only an apply (which holds the lock) removes it; `plan` only says so.
            if command != Command::Plan {
                journal::remove(&path).map_err(|e| Refusal::new(Stage::Journal, e.to_string()))?;
            }
            report.warnings.push(format!(
                "`{}` is the journal of an apply from an earlier boot: the reboot reset the \
                 values it recorded, so it is ignored{}",
                path.display(),
                if command == Command::Plan {
                    ""
                } else {
                    " and removed"
                }
            ));
            return Ok(());
        }
        journal::Found::Interrupted(j) => j,
    };
    if command == Command::Plan
        && let Some(pid) = lock::holder(lock_path)
    {
        report.warnings.push(format!(
            "an apply{} is in progress in this network namespace",
            if pid == 0 {
                String::new()
            } else {
                format!(" (pid {pid})")
            }
        ));
        return Ok(());
    }
    let message = format!(
        "an apply of `{}` (pid {}) was interrupted in this network namespace before it \
         finished: {} parameter(s) may hold new values; `{}` records their values before; \
         run `tcppolicy recover` to restore them",
        tcppolicy_core::text::escape_line(&j.policy),
        j.pid,
        j.entries.len(),
        j.journal.display()
    );
    report.interrupted_apply = Some(j);
    if command == Command::Plan {
        report.warnings.push(message);
        Ok(())
    } else {
        Err(Refusal::new(Stage::Journal, message + " first"))
    }
}

impl Executor for Live<'_> {
    fn target(&self) -> String {
        TARGET.into()
    }

    fn begin(
        &mut self,
        command: Command,
        policy: &EffectivePolicy,
        report: &mut Report,
    ) -> Result<(), Refusal> {
        check_kernel(policy, &report.kernel_release)?;
        if command != Command::Plan {
            if !rustix::process::geteuid().is_root() {
                // Say "run as root" before the lock (in a root-only directory) says
                // "permission denied".
                preflight_writable(self.sysctl, policy.settings.iter().map(|s| s.param))?;
            }
            self.take_lock(report)?;
        }
        interrupted_apply(command, &self.options, &self.lock_path(), report)
    }

    fn observe(
        &mut self,
        policy: &EffectivePolicy,
        _report: &mut Report,
    ) -> Result<Observations, Refusal> {
        let mut out = Observations::new();
        for s in &policy.settings {
            out.insert(s.param.name, observe(self.sysctl, s.param)?);
        }
        Ok(out)
    }

    fn preflight(
        &mut self,
        command: Command,
        _policy: &EffectivePolicy,
        plan: &mut Plan,
        _report: &mut Report,
    ) -> Result<(), Refusal> {
        check_congestion_control(self.sysctl, plan)?;
        if command == Command::Plan {
            return Ok(());
        }
        preflight_writable(
            self.sysctl,
            plan.changes().filter_map(|e| catalog::lookup(&e.name)),
        )
    }

    fn execute(&mut self, policy: &EffectivePolicy, plan: &Plan, report: &mut Report) -> Outcome {
        let mut changes = changes(plan);
        order(&mut changes);
        let entries: Vec<JournalEntry> = changes
            .iter()
            .map(|c| JournalEntry {
                name: c.param.name.into(),
                before: c.before.clone(),
                after: c.after.to_kernel(),
            })
            .collect();
        let journal = match journal::record(
            &self.options.run_dir,
            &report.netns,
            &report.kernel_release,
            &policy.name,
            entries,
        ) {
            Ok(path) => path,
            Err(e) => {
                return Outcome::refused(
                    Stage::Journal,
                    format!("cannot record the values before the apply, nothing was written: {e}"),
                );
            }
        };
        let outcome = write_all(self.sysctl, &changes, &mut report.entries);
        // The journal goes once the system is in a known state: applied, or rolled back
        // and verified. After a failed rollback it stays for `recover`.
        if outcome.rollback_failures.is_empty()
            && let Err(e) = journal::remove(&journal)
        {
            report.warnings.push(format!("{e}"));
        }
        self.lock = None;
        outcome
    }
}

/// Check that every parameter in `params` that exists here can be written.
fn preflight_writable(
    sysctl: &dyn Sysctl,
    params: impl Iterator<Item = &'static Param>,
) -> Result<(), Refusal> {
    let problems: Vec<String> = params
        .filter_map(|p| match sysctl.check_writable(p) {
            Err(SysctlError::Absent(_)) | Ok(()) => None,
            Err(e) => Some(e.to_string()),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Refusal::new(
            Stage::Preflight,
            format!(
                "preflight failed, nothing was written:\n{}",
                problems.join("\n")
            ),
        ))
    }
}

/// What the kernel has for one parameter.
fn observe(sysctl: &dyn Sysctl, p: &'static Param) -> Result<Observed, Refusal> {
    match sysctl.read(p) {
        Ok(Some(v)) if sysctl.read_only(p) => Ok(Observed::ReadOnly(v)),
        Ok(Some(v)) => Ok(Observed::Value(v)),
        Ok(None) => Ok(Observed::Absent),
        Err(e) => Err(Refusal::new(
            Stage::Observe,
            format!("cannot read the current values: {e}"),
        )),
    }
}

/// In a child network namespace only the congestion controls listed in
/// `tcp_allowed_congestion_control` (read-only there, set from the host) can be chosen;
/// the kernel answers anything else with EPERM. Say so at plan time.
fn check_congestion_control(sysctl: &dyn Sysctl, plan: &Plan) -> Result<(), Refusal> {
    let Some(e) = plan
        .changes()
        .find(|e| e.name == "net.ipv4.tcp_congestion_control")
    else {
        return Ok(());
    };
    let Some(allowed_param) = catalog::lookup("net.ipv4.tcp_allowed_congestion_control") else {
        return Ok(());
    };
    if !sysctl.read_only(allowed_param) {
        return Ok(()); // the initial namespace: any available algorithm may be set
    }
    let Ok(Some(allowed)) = sysctl.read(allowed_param) else {
        return Ok(());
    };
    let want = e.after.as_deref().unwrap_or_default();
    if allowed.split_whitespace().any(|a| a == want) {
        return Ok(());
    }
    Err(Refusal::new(
        Stage::Preflight,
        format!(
            "`net.ipv4.tcp_congestion_control` cannot be set to `{want}` in this network \
             namespace: a child namespace may only choose what \
             `net.ipv4.tcp_allowed_congestion_control` lists, and it is `{}` (set from the \
             initial namespace)",
            allowed.trim()
        ),
    ))
}

struct Change {
    param: &'static Param,
    before: String,
    after: Value,
}

fn changes(plan: &Plan) -> Vec<Change> {
    plan.changes()
        .filter_map(|e: &PlanEntry| {
            let param = catalog::lookup(&e.name)?;
            Some(Change {
                param,
                before: e.before.clone()?,
                after: Value::parse_kernel(param.kind, e.after.as_deref()?)?,
            })
        })
        .collect()
}

/// Write every change in order; on a failure or a signal roll back what was written.
fn write_all(sysctl: &dyn Sysctl, changes: &[Change], entries: &mut [Entry]) -> Outcome {
    let mut touched: Vec<&Change> = Vec::new();
    let mut set = |name: &str, result: EntryResult| {
        if let Some(e) = entries.iter_mut().find(|e| e.plan.name == name) {
            e.result = Some(result);
        }
    };
    let mut failure: Option<(String, String)> = None;
    let mut signal = signals::caught();
    if signal.is_none() {
        for c in changes {
            touched.push(c);
            let text = c.after.to_kernel();
            let result = sysctl
                .write(c.param, &text)
                .map_err(|e| e.to_string())
                .and_then(|read_back| verify(c.param, &read_back, &c.after));
            match result {
                Ok(_) => set(c.param.name, EntryResult::Written),
                Err(error) => {
                    failure = Some((c.param.name.to_string(), error));
                    break;
                }
            }
            signal = signals::caught();
            if signal.is_some() {
                break;
            }
        }
    }
    if failure.is_none() && signal.is_none() {
        return Outcome::new(Status::Applied);
    }
    let (restored, rollback_failures) = rollback(sysctl, &touched);
    for name in &restored {
        set(name, EntryResult::RolledBack);
    }
    let mut outcome = match (&failure, signal) {
        (Some(_), _) => Outcome::new(Status::Failed),
        (None, Some(sig)) => Outcome {
            signal: Some(sig.to_string()),
            error: Some(format!("interrupted by {sig}")),
            ..Outcome::new(Status::Interrupted)
        },
        (None, None) => unreachable!("handled above"),
    };
    if let Some((name, error)) = failure {
        outcome.failed = Some(name);
        outcome.error = Some(error);
    }
    outcome.stage = Some(Stage::Write);
    outcome.restored = restored;
    outcome.rollback_failures = rollback_failures;
    outcome
}

/// Compare what the kernel read back after a write with what was written, semantically.
fn verify(param: &'static Param, read_back: &str, want: &Value) -> Result<String, String> {
    match Value::parse_kernel(param.kind, read_back) {
        Some(got) if plan::same(param, &got, want) => Ok(plan::normalize(param, read_back)),
        _ => Err(format!(
            "read-back of `{}` gave `{}`, expected `{}`",
            param.name,
            tcppolicy_core::text::escape_line(read_back),
            want.to_kernel()
        )),
    }
}

/// Restore every touched parameter, newest first; verify each restore.
fn rollback(sysctl: &dyn Sysctl, touched: &[&Change]) -> (Vec<String>, Vec<String>) {
    let pairs: Vec<(&'static Param, String)> = touched
        .iter()
        .rev()
        .map(|c| (c.param, c.before.clone()))
        .collect();
    restore(sysctl, &pairs)
}

/// Write each `(param, value)` in order, read back and verify: (restored, failures).
fn restore(sysctl: &dyn Sysctl, pairs: &[(&'static Param, String)]) -> (Vec<String>, Vec<String>) {
    let mut restored = Vec::new();
    let mut failures = Vec::new();
    for (param, before_text) in pairs {
        let Some(before) = Value::parse_kernel(param.kind, before_text) else {
            failures.push(format!(
                "`{}`: cannot parse the previous value `{}`",
                param.name,
                tcppolicy_core::text::escape_line(before_text)
            ));
            continue;
        };
        let result = sysctl
            .write(param, &before.to_kernel())
            .map_err(|e| e.to_string())
            .and_then(|read_back| verify(param, &read_back, &before));
        match result {
            Ok(_) => restored.push(param.name.to_string()),
            Err(e) => failures.push(format!(
                "`{}` could not be restored to `{}`: {e}",
                param.name,
                tcppolicy_core::text::escape_line(before_text)
            )),
        }
    }
    (restored, failures)
}

/// Order writes so that no write is rejected for a limit another write is about to move:
/// `tcp_max_reordering` before `tcp_reordering`, the allowed congestion controls before
/// the default one, and `ip_unprivileged_port_start` before or after
/// `ip_local_port_range` depending on the direction of the move.
fn order(changes: &mut [Change]) {
    let find = |name: &str| changes.iter().find(|c| c.param.name == name);
    let port_range_first = match (
        find("net.ipv4.ip_unprivileged_port_start"),
        find("net.ipv4.ip_local_port_range"),
    ) {
        (Some(start), Some(range)) => {
            let new_start = start.after.as_int().unwrap_or(0);
            let old_low = Value::parse_kernel(range.param.kind, &range.before)
                .and_then(|v| v.ints().first().copied())
                .unwrap_or(0);
            new_start > old_low
        }
        _ => false,
    };
    let rank = |c: &Change| plan::write_rank(c.param.name, port_range_first);
    changes.sort_by_key(rank);
}

/// For tests and tools: the plan entries that would be written, in write order.
pub fn write_order(plan: &Plan) -> Vec<String> {
    let mut changes = changes(plan);
    order(&mut changes);
    changes.iter().map(|c| c.param.name.to_string()).collect()
}

/// `tcppolicy recover`: restore the values an interrupted apply recorded in this network
/// namespace's journal, newest first, each read back; remove the journal when every value
/// is back. Takes the apply lock, so it never runs beside an apply.
pub fn recover(sysctl: &dyn Sysctl, options: LiveOptions) -> Report {
    let run_dir = options.run_dir.clone();
    let mut live = Live::new(sysctl, options);
    let mut report = crate::executor::new_report(Command::Recover, &live);
    if let Err(r) = live.take_lock(&mut report) {
        report.refuse(r.stage, r.error);
        return report;
    }
    let found = match journal::find(&run_dir, &report.netns) {
        Ok(found) => found,
        Err(e) => {
            report.refuse(Stage::Journal, e.to_string());
            return report;
        }
    };
    let j = match found {
        journal::Found::Interrupted(j) => j,
        journal::Found::Stale(path) => {
            if let Err(e) = journal::remove(&path) {
                report.refuse(Stage::Journal, e.to_string());
                return report;
            }
            report.warnings.push(format!(
                "`{}` was the journal of an apply from an earlier boot: the reboot reset the \
                 values it recorded; removed, nothing to recover",
                path.display()
            ));
            report.finish(Outcome::new(Status::NothingToDo));
            return report;
        }
        journal::Found::None => {
            report.warnings.push(format!(
                "no interrupted apply in this network namespace (no `{}`)",
                journal::path(&run_dir, &report.netns).display()
            ));
            report.finish(Outcome::new(Status::NothingToDo));
            return report;
        }
    };
    report.policy = Some(j.policy.clone());
    // What to write back: every journaled parameter whose value is not its "before".
    let mut pairs: Vec<(&'static Param, String)> = Vec::new();
    let mut problems = Vec::new();
    for je in j.entries.iter().rev() {
        let Some(param) = catalog::lookup(&je.name) else {
            problems.push(format!(
                "the journal names a parameter tcppolicy does not know: `{}`",
                tcppolicy_core::text::escape_line(&je.name)
            ));
            continue;
        };
        let now = match sysctl.read(param) {
            Ok(v) => v,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let same = match (now.as_deref(), Value::parse_kernel(param.kind, &je.before)) {
            (Some(now), Some(before)) => {
                Value::parse_kernel(param.kind, now).is_some_and(|n| plan::same(param, &n, &before))
            }
            _ => false,
        };
        let action = if same { Action::InSync } else { Action::Change };
        report.entries.push(Entry {
            plan: PlanEntry {
                name: param.name.into(),
                action,
                before: now.as_deref().map(|n| plan::normalize(param, n)),
                after: Some(je.before.clone()),
                desired: je.before.clone(),
                rationale: format!("the value before the interrupted apply of `{}`", j.policy),
                source: j.journal.display().to_string(),
                reason: None,
            },
            result: None,
        });
        if !same {
            pairs.push((param, je.before.clone()));
        }
    }
    report.summary.change = pairs.len();
    report.summary.in_sync = report.entries.len() - pairs.len();
    let journal_path = j.journal.clone();
    report.interrupted_apply = Some(j);
    if !problems.is_empty() {
        report.refuse(
            Stage::Journal,
            format!(
                "cannot recover, nothing was written:\n{}",
                problems.join("\n")
            ),
        );
        return report;
    }
    let (restored, failures) = restore(sysctl, &pairs);
    for e in &mut report.entries {
        if restored.contains(&e.plan.name) {
            e.result = Some(EntryResult::Written);
        }
    }
    let outcome = if failures.is_empty() {
        if let Err(e) = journal::remove(&journal_path) {
            report.warnings.push(e.to_string());
        }
        Outcome::new(if pairs.is_empty() {
            Status::NothingToDo
        } else {
            Status::Applied
        })
    } else {
        Outcome {
            stage: Some(Stage::Write),
            error: Some("some values could not be restored; the journal is kept".into()),
            restored,
            rollback_failures: failures,
            ..Outcome::new(Status::Failed)
        }
    };
    report.finish(outcome);
    report
}

impl From<SysctlError> for Refusal {
    fn from(e: SysctlError) -> Self {
        Refusal::new(Stage::Observe, e.to_string())
    }
}
