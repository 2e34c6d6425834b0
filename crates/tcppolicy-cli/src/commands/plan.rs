//! `tcppolicy plan`.

use super::policy;
use crate::cli::PlanArgs;
use std::process::ExitCode;
use tcppolicy_exec::files;
use tcppolicy_exec::report::{Command, Stage};

pub fn run(args: &PlanArgs) -> anyhow::Result<ExitCode> {
    let name = policy::target_name(&args.target.target);
    if let Err(e) = policy::enter_target_netns(&args.target) {
        let mut r = policy::refused(Command::Plan, name, Stage::Observe, e);
        return Ok(policy::print(&mut r, args.format, None));
    }
    let (compilation, compiled) = policy::compile(&args.policy, args.format);
    let mut report = match &compiled {
        None => policy::not_compiled(
            Command::Plan,
            &args.target.target,
            &args.policy,
            &compilation,
        ),
        Some(p) => policy::run_target(Command::Plan, p, &args.target, None, None),
    };
    if let Some(out) = &args.out
        && report.ok
    {
        report.diagnostics = policy::diagnostics_json(&compilation);
        let text = serde_json::to_string_pretty(&report)? + "\n";
        if let Err(e) = files::write_file_atomic(out, text.as_bytes(), files::FILE_MODE) {
            report.refuse(Stage::Write, format!("cannot save the plan: {e}"));
        }
    }
    Ok(policy::print(&mut report, args.format, Some(&compilation)))
}
