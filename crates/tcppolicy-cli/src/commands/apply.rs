//! `tcppolicy apply`.

use super::policy;
use crate::cli::{ApplyArgs, Target};
use std::path::PathBuf;
use std::process::ExitCode;
use tcppolicy_exec::files;
use tcppolicy_exec::report::{Command, SavedPlan, Stage};

/// Largest saved plan read (a plan of every catalog parameter is well under 1 MiB).
const MAX_PLAN_BYTES: u64 = 8 * 1024 * 1024;

pub fn run(args: &ApplyArgs) -> anyhow::Result<ExitCode> {
    let name = policy::target_name(&args.target.target);
    let refuse = |stage, e: String| {
        let mut r = policy::refused(Command::Apply, name.clone(), stage, e);
        policy::print(&mut r, args.format, None)
    };
    if let Err(e) = policy::enter_target_netns(&args.target) {
        return Ok(refuse(Stage::Observe, e));
    }
    let saved = match &args.plan {
        None => None,
        Some(_) if args.target.target != Target::Live => {
            return Ok(refuse(
                Stage::Stale,
                "`--plan` applies saved plans of the `live` target only".into(),
            ));
        }
        Some(path) => match read_plan(path) {
            Ok(plan) => Some(plan),
            Err(e) => return Ok(refuse(Stage::Stale, e)),
        },
    };
    let policy_path = match (&args.policy, &saved) {
        (Some(p), _) => p.clone(),
        (None, Some(plan)) => match plan.files.first() {
            Some(f) => PathBuf::from(f),
            None => {
                return Ok(refuse(
                    Stage::Stale,
                    "the saved plan names no policy file: give the policy as an argument".into(),
                ));
            }
        },
        (None, None) => unreachable!("clap requires a policy or --plan"),
    };
    let (compilation, compiled) = policy::compile(&policy_path, args.format);
    let mut report = match &compiled {
        None => policy::not_compiled(
            Command::Apply,
            &args.target.target,
            &policy_path,
            &compilation,
        ),
        Some(p) => policy::run_target(
            Command::Apply,
            p,
            &args.target,
            Some(&args.lock),
            saved.as_ref(),
        ),
    };
    Ok(policy::print(&mut report, args.format, Some(&compilation)))
}

/// Read a saved plan: a regular file under the size cap, a plan document.
fn read_plan(path: &std::path::Path) -> Result<SavedPlan, String> {
    let bytes = files::read_regular(path, MAX_PLAN_BYTES)
        .map_err(|e| format!("cannot read the saved plan: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "`{}` is not a tcppolicy plan (made by `tcppolicy plan --out`): {e}",
            tcppolicy_core::text::escape_line(&path.display().to_string())
        )
    })
}
