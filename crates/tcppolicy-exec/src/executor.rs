//! One shape for every target (SPEC §5): observe the target, diff with
//! [`tcppolicy_core::plan::diff`], apply, and return one [`Report`].
//!
//! [`plan`] and [`apply`] drive any [`Executor`]; the live kernel
//! ([`crate::live::Live`]), sysctl.d drop-ins ([`crate::sysctld::DropIn`]) and Ansible
//! tasks files ([`crate::ansible::TasksFile`]) implement it. Whatever goes wrong, the
//! drivers return a report whose outcome says so (`refused` before anything was done);
//! they never return half a report.

use crate::report::{Command, Outcome, Report, SavedPlan, Stage, Status};
use crate::system;
use std::collections::HashMap;
use std::path::PathBuf;
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::{self, Observed, Plan};

/// Why an executor stopped before doing anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Where.
    pub stage: Stage,
    /// Why.
    pub error: String,
}

impl Refusal {
    /// A refusal at `stage`.
    pub fn new(stage: Stage, error: impl Into<String>) -> Refusal {
        Refusal {
            stage,
            error: error.into(),
        }
    }
}

/// What a target has for each parameter of a policy.
pub type Observations = HashMap<&'static str, Observed>;

/// A target of `plan` and `apply`.
pub trait Executor {
    /// The target as reports name it (`live`, `sysctl.d:/etc/sysctl.d/...`).
    fn target(&self) -> String;

    /// `--root`, for file targets.
    fn root(&self) -> Option<PathBuf> {
        None
    }

    /// Before observing: refuse what must not go ahead (a kernel outside the policy's
    /// range, an interrupted apply), and for `apply` take what must be held while it
    /// runs (the lock).
    ///
    /// # Errors
    /// A [`Refusal`]; nothing has been done.
    fn begin(
        &mut self,
        command: Command,
        policy: &EffectivePolicy,
        report: &mut Report,
    ) -> Result<(), Refusal> {
        let _ = (command, policy, report);
        Ok(())
    }

    /// What the target has now for each setting of `policy`. May fill in the report's
    /// target-specific parts (the file, shadowing, warnings).
    ///
    /// # Errors
    /// A [`Refusal`] at [`Stage::Observe`].
    fn observe(
        &mut self,
        policy: &EffectivePolicy,
        report: &mut Report,
    ) -> Result<Observations, Refusal>;

    /// Check, for `plan` as for `apply`, that every change can be made here, and adjust
    /// the plan where the target knows better (a tasks file compares task by task).
    ///
    /// # Errors
    /// A [`Refusal`] at [`Stage::Preflight`]; nothing has been done.
    fn preflight(
        &mut self,
        command: Command,
        policy: &EffectivePolicy,
        plan: &mut Plan,
        report: &mut Report,
    ) -> Result<(), Refusal>;

    /// Make the target match (only called by `apply` when something changes). Sets the
    /// entries' results and the file's action in `report`; returns how it ended.
    fn execute(&mut self, policy: &EffectivePolicy, plan: &Plan, report: &mut Report) -> Outcome;
}

/// A report for `command` on `exec`'s target, about this machine and namespace.
pub fn new_report(command: Command, exec: &dyn Executor) -> Report {
    let mut r = Report::new(
        command,
        exec.target(),
        system::kernel_release(),
        system::netns_id(),
    );
    r.root = exec.root();
    r
}

/// Observe and diff: the common first half of plan and apply.
fn make_plan(
    command: Command,
    exec: &mut dyn Executor,
    policy: &EffectivePolicy,
    report: &mut Report,
) -> Result<Plan, Refusal> {
    report.policy = Some(policy.name.clone());
    let digest = policy.digest();
    report.digest = Some(digest.clone());
    report.files = policy
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    exec.begin(command, policy, report)?;
    let observed = exec.observe(policy, report)?;
    let ctx = plan::Context {
        target: report.target.clone(),
        kernel_release: report.kernel_release.clone(),
        netns: report.netns.clone(),
    };
    let mut plan = plan::diff_with_digest(policy, digest, &ctx, |p| {
        observed.get(p.name).cloned().unwrap_or(Observed::Absent)
    });
    let result = exec.preflight(command, policy, &mut plan, report);
    plan.recount();
    report.set_plan(&plan);
    result.map(|()| plan)
}

/// Whether applying `plan` changes anything (a setting, or the file's bytes).
fn pending(plan: &Plan, report: &Report) -> bool {
    !plan.in_sync() || report.file.as_ref().is_some_and(|f| f.changes())
}

/// `tcppolicy plan`: what applying would change; nothing is touched.
pub fn plan(exec: &mut dyn Executor, policy: &EffectivePolicy) -> Report {
    let mut report = new_report(Command::Plan, exec);
    match make_plan(Command::Plan, exec, policy, &mut report) {
        Ok(plan) => {
            let status = if pending(&plan, &report) {
                Status::ChangesPending
            } else {
                Status::InSync
            };
            report.finish(Outcome::new(status));
        }
        Err(r) => report.refuse(r.stage, r.error),
    }
    report
}

/// `tcppolicy apply`: make the target match `policy`, or exactly `saved` (a plan saved
/// by `plan --out` from the same policy, refused unless every "before" still holds).
pub fn apply(
    exec: &mut dyn Executor,
    policy: &EffectivePolicy,
    saved: Option<&SavedPlan>,
) -> Report {
    let mut report = new_report(Command::Apply, exec);
    let plan = match make_plan(Command::Apply, exec, policy, &mut report) {
        Ok(plan) => plan,
        Err(r) => {
            report.refuse(r.stage, r.error);
            return report;
        }
    };
    if let Some(saved) = saved
        && let Err(problems) = check_saved(saved, &plan, &report)
    {
        report.refuse(
            Stage::Stale,
            format!(
                "the saved plan does not match, nothing was written:\n{}",
                problems.join("\n")
            ),
        );
        return report;
    }
    if !pending(&plan, &report) {
        report.finish(Outcome::new(Status::NothingToDo));
        return report;
    }
    let outcome = exec.execute(policy, &plan, &mut report);
    report.finish(outcome);
    report
}

/// Whether a saved plan is the plan `apply` would make now: made from the same effective
/// policy (digest), for the same target, kernel and network namespace, with every entry
/// the same (name, action, before, after). The fresh plan is derived from the policy and
/// the catalog, so a saved entry that was edited, duplicated, reordered or added cannot
/// match; a "before" that moved on is reported as stale.
fn check_saved(saved: &SavedPlan, fresh: &Plan, report: &Report) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if saved.format_version != crate::report::FORMAT_VERSION || saved.command != Command::Plan {
        return Err(vec![format!(
            "not a tcppolicy plan of format version {} (made by `tcppolicy plan --out`)",
            crate::report::FORMAT_VERSION
        )]);
    }
    if saved.target != fresh.target {
        problems.push(format!(
            "the plan is for target `{}`, not `{}`",
            esc(&saved.target),
            fresh.target
        ));
    }
    if saved.digest.as_deref() != Some(fresh.digest.as_str()) {
        problems.push(format!(
            "the plan was made from another version of the policy: its digest is `{}`, the \
             policy's is `{}`",
            esc(saved.digest.as_deref().unwrap_or("none")),
            fresh.digest
        ));
    }
    if saved.kernel_release != report.kernel_release {
        problems.push(format!(
            "the plan was made on kernel {}, this is {}",
            esc(&saved.kernel_release),
            report.kernel_release
        ));
    }
    if saved.netns != report.netns {
        problems.push(format!(
            "the plan was made in network namespace {}, this is {}",
            esc(&saved.netns),
            report.netns
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for e in &fresh.entries {
        let Some(s) = saved.entries.iter().find(|s| s.name == e.name) else {
            problems.push(format!("the plan has no entry for `{}`", e.name));
            continue;
        };
        if s.before != e.before {
            problems.push(format!(
                "`{}` is `{}` now, the plan expected `{}`",
                e.name,
                esc(e.before.as_deref().unwrap_or("absent")),
                esc(s.before.as_deref().unwrap_or("absent"))
            ));
        } else if s.action != e.action || s.after != e.after {
            problems.push(format!(
                "the plan's entry for `{}` does not follow from the policy: it says {:?} to \
                 `{}`, the policy gives {:?} to `{}`",
                e.name,
                s.action,
                esc(s.after.as_deref().unwrap_or("nothing")),
                e.action,
                esc(e.after.as_deref().unwrap_or("nothing"))
            ));
        }
    }
    for s in &saved.entries {
        if !fresh.entries.iter().any(|e| e.name == s.name) {
            problems.push(format!(
                "the plan names `{}`, which the policy does not set",
                esc(&s.name)
            ));
        }
    }
    let names: Vec<&str> = fresh.entries.iter().map(|e| e.name.as_str()).collect();
    let saved_names: Vec<&str> = saved.entries.iter().map(|e| e.name.as_str()).collect();
    if problems.is_empty() && names != saved_names {
        problems.push(format!(
            "the plan's entries are not the policy's: {} entries where the policy has {} \
             (duplicated, added or reordered entries)",
            saved_names.len(),
            names.len()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn esc(s: &str) -> String {
    let s: String = s.chars().take(200).collect();
    tcppolicy_core::text::escape_line(&s).into_owned()
}
