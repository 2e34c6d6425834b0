//! The `live` target: the running kernel's `/proc/sys` in the caller's network namespace.
//!
//! `apply` guarantees (SPEC §5): preflight before any write; an exclusive lock; writes in
//! dependency order, each read back and compared; on any failure every value already
//! written is restored in reverse order and the restore verified; a second apply writes
//! nothing; a saved plan applies only while its "before" values still hold.

use crate::lock::{self, LockError};
use crate::sysctl::{Sysctl, SysctlError};
use crate::system;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tcppolicy_core::catalog::Param;
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::{self, Action, Observed, Plan, PlanEntry};
use tcppolicy_core::value::Value;
use tcppolicy_core::version::{Version, VersionRange};

/// The target name in plans.
pub const TARGET: &str = "live";

/// Observe the live kernel and diff the policy against it.
pub fn plan(policy: &EffectivePolicy, sysctl: &dyn Sysctl) -> Result<Plan, SysctlError> {
    let mut failure = None;
    let ctx = plan::Context {
        target: TARGET.into(),
        kernel_release: system::kernel_release(),
        netns: system::netns_id(),
    };
    let plan = plan::diff(policy, &ctx, |p| match sysctl.read(p) {
        Ok(Some(v)) => Observed::Value(v),
        Ok(None) => Observed::Absent,
        Err(e) => {
            failure.get_or_insert(e);
            Observed::Absent
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(plan),
    }
}

/// What to apply.
#[derive(Debug)]
pub enum Source<'a> {
    /// Plan afresh from a compiled policy (after taking the lock).
    Policy(&'a EffectivePolicy),
    /// A plan saved earlier with `plan --out`.
    Saved(Plan),
}

/// Options for [`apply`].
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// The lock file.
    pub lock_path: PathBuf,
    /// How long to wait for another apply to finish.
    pub lock_timeout: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            lock_path: lock::default_path(&system::netns_id()),
            lock_timeout: Duration::from_secs(30),
        }
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The running kernel is outside the policy's range.
    #[error("the running kernel {release} is outside the policy's kernel range {range}")]
    KernelOutOfRange {
        /// `uname -r`.
        release: String,
        /// The policy's range.
        range: VersionRange,
    },
    /// The lock could not be taken.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Reading the current values failed.
    #[error("cannot read the current values: {0}")]
    Observe(#[source] SysctlError),
    /// A parameter that must change cannot be written; nothing was written.
    #[error("preflight failed, nothing was written:\n{}", .0.join("\n"))]
    Preflight(Vec<String>),
    /// The saved plan is malformed or no longer matches the system.
    #[error("the saved plan is stale, nothing was written:\n{}", .0.join("\n"))]
    Stale(Vec<String>),
}

/// One value written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    /// Parameter.
    pub name: String,
    /// The value before.
    pub before: String,
    /// The value written and read back.
    pub after: String,
}

/// How an apply ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Every change was written and verified.
    Applied,
    /// Everything was in sync; nothing was written.
    NothingToDo,
    /// A write or read-back failed; the earlier writes were rolled back.
    Failed {
        /// What failed.
        error: String,
        /// The parameter that failed.
        failed: String,
        /// Parameters restored to their previous value, in restore order.
        restored: Vec<String>,
        /// Restores that failed (the system is NOT back to its prior state if non-empty).
        rollback_failures: Vec<String>,
    },
}

/// The result of an apply.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    /// The plan that was applied.
    pub plan: Plan,
    /// Values written and verified (before a failure, these were rolled back).
    pub written: Vec<Written>,
    /// How it ended.
    pub outcome: Outcome,
    /// Milliseconds spent waiting for the lock.
    pub lock_waited_ms: u128,
}

impl ApplyReport {
    /// Whether the apply succeeded (applied or nothing to do).
    pub fn ok(&self) -> bool {
        !matches!(self.outcome, Outcome::Failed { .. })
    }

    /// Whether anything is changed now.
    pub fn changed(&self) -> bool {
        matches!(self.outcome, Outcome::Applied)
    }
}

/// Check that the running kernel is inside the policy's range.
pub fn check_kernel(policy: &EffectivePolicy) -> Result<(), ApplyError> {
    let release = system::kernel_release();
    if let (Some(range), Some(v)) = (policy.kernel, Version::parse_release(&release))
        && !range.contains(v)
    {
        return Err(ApplyError::KernelOutOfRange { release, range });
    }
    Ok(())
}

/// Apply a policy or a saved plan to the live kernel.
pub fn apply(
    source: Source<'_>,
    sysctl: &dyn Sysctl,
    options: &ApplyOptions,
) -> Result<ApplyReport, ApplyError> {
    if let Source::Policy(policy) = &source {
        check_kernel(policy)?;
    }
    let lock = lock::acquire(&options.lock_path, options.lock_timeout)?;
    let plan = match source {
        Source::Policy(policy) => plan(policy, sysctl).map_err(ApplyError::Observe)?,
        Source::Saved(saved) => check_saved(saved, sysctl)?,
    };
    let mut report = ApplyReport {
        plan,
        written: Vec::new(),
        outcome: Outcome::NothingToDo,
        lock_waited_ms: lock.waited.as_millis(),
    };
    let mut changes: Vec<Change> = Vec::new();
    for e in report.plan.changes() {
        let (param, after) = plan::validate_entry(e).map_err(|m| ApplyError::Stale(vec![m]))?;
        let (Some(after), Some(before)) = (after, e.before.clone()) else {
            return Err(ApplyError::Preflight(vec![format!(
                "`{}` has no value to restore",
                e.name
            )]));
        };
        changes.push(Change {
            param,
            before,
            after,
        });
    }
    if changes.is_empty() {
        return Ok(report);
    }
    let problems: Vec<String> = changes
        .iter()
        .filter_map(|c| sysctl.check_writable(c.param).err().map(|e| e.to_string()))
        .collect();
    if !problems.is_empty() {
        return Err(ApplyError::Preflight(problems));
    }
    order(&mut changes);
    report.outcome = Outcome::Applied;
    let mut touched: Vec<&Change> = Vec::new();
    for c in &changes {
        touched.push(c);
        let text = c.after.to_kernel();
        let result = sysctl
            .write(c.param, &text)
            .map_err(|e| e.to_string())
            .and_then(|read_back| verify(c.param, &read_back, &c.after));
        match result {
            Ok(read_back) => report.written.push(Written {
                name: c.param.name.into(),
                before: c.before.clone(),
                after: read_back,
            }),
            Err(error) => {
                let (restored, rollback_failures) = rollback(sysctl, &touched);
                report.outcome = Outcome::Failed {
                    error,
                    failed: c.param.name.into(),
                    restored,
                    rollback_failures,
                };
                break;
            }
        }
    }
    drop(lock);
    Ok(report)
}

struct Change {
    param: &'static Param,
    before: String,
    after: Value,
}

/// Compare what the kernel read back after a write with what was written, semantically.
fn verify(param: &'static Param, read_back: &str, want: &Value) -> Result<String, String> {
    match Value::parse_kernel(param.kind, read_back) {
        Some(got) if plan::same(param, &got, want) => Ok(plan::normalize(param, read_back)),
        _ => Err(format!(
            "read-back of `{}` gave `{}`, expected `{}`",
            param.name,
            read_back.escape_debug(),
            want.to_kernel()
        )),
    }
}

/// Restore every touched parameter, newest first; verify each restore.
fn rollback(sysctl: &dyn Sysctl, touched: &[&Change]) -> (Vec<String>, Vec<String>) {
    let mut restored = Vec::new();
    let mut failures = Vec::new();
    for c in touched.iter().rev() {
        let Some(before) = Value::parse_kernel(c.param.kind, &c.before) else {
            failures.push(format!(
                "`{}`: cannot parse the previous value `{}`",
                c.param.name, c.before
            ));
            continue;
        };
        let result = sysctl
            .write(c.param, &before.to_kernel())
            .map_err(|e| e.to_string())
            .and_then(|read_back| verify(c.param, &read_back, &before));
        match result {
            Ok(_) => restored.push(c.param.name.to_string()),
            Err(e) => failures.push(format!(
                "`{}` could not be restored to `{}`: {e}",
                c.param.name, c.before
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

/// Validate a saved plan against the system: same kernel, same namespace, every "before"
/// value still in place.
fn check_saved(saved: Plan, sysctl: &dyn Sysctl) -> Result<Plan, ApplyError> {
    let mut problems = Vec::new();
    if saved.format != plan::PLAN_FORMAT {
        return Err(ApplyError::Stale(vec![format!(
            "unsupported plan format {}",
            saved.format
        )]));
    }
    if saved.target != TARGET {
        problems.push(format!(
            "the plan is for target `{}`, not `live`",
            saved.target
        ));
    }
    let release = system::kernel_release();
    if saved.kernel_release != release {
        problems.push(format!(
            "the plan was made on kernel {}, this is {release}",
            saved.kernel_release
        ));
    }
    let netns = system::netns_id();
    if saved.netns != netns {
        problems.push(format!(
            "the plan was made in network namespace {}, this is {netns}",
            saved.netns
        ));
    }
    for e in &saved.entries {
        let param = match plan::validate_entry(e) {
            Ok((p, _)) => p,
            Err(m) => {
                problems.push(m);
                continue;
            }
        };
        let now = sysctl
            .read(param)
            .map_err(ApplyError::Observe)?
            .map(|v| plan::normalize(param, &v));
        if e.action != Action::NotApplicable && now != e.before {
            problems.push(format!(
                "`{}` is `{}` now, the plan expected `{}`",
                e.name,
                now.as_deref().unwrap_or("absent"),
                e.before.as_deref().unwrap_or("absent")
            ));
        }
    }
    if problems.is_empty() {
        Ok(saved)
    } else {
        Err(ApplyError::Stale(problems))
    }
}

/// For tests and tools: the plan entries that would be written, in write order.
pub fn write_order(plan: &Plan) -> Vec<String> {
    let mut changes: Vec<Change> = plan
        .changes()
        .filter_map(|e: &PlanEntry| {
            let (param, after) = plan::validate_entry(e).ok()?;
            Some(Change {
                param,
                before: e.before.clone()?,
                after: after?,
            })
        })
        .collect();
    order(&mut changes);
    changes.iter().map(|c| c.param.name.to_string()).collect()
}
