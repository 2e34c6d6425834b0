//! `tcppolicy plan`.

use super::policy::{self, Target};
use super::sysctld;
use crate::cli::{PlanArgs, ReportFormat};
use crate::output;
use anyhow::Context;
use std::process::ExitCode;
use tcppolicy_exec::live;
use tcppolicy_exec::sysctl::LiveSysctl;

pub fn run(args: &PlanArgs) -> anyhow::Result<ExitCode> {
    policy::json_errors(args.format, || plan(args))
}

fn plan(args: &PlanArgs) -> anyhow::Result<ExitCode> {
    let target = Target::parse(&args.target.target, args.target.root.as_deref())?;
    let (compilation, policy) = policy::compile(&args.policy, args.format);
    let Some(policy) = policy else {
        return Ok(ExitCode::from(1));
    };
    let (plan, extra) = match &target {
        Target::Live => {
            live::check_kernel(&policy)?;
            (live::plan(&policy, &LiveSysctl::new())?, None)
        }
        Target::SysctlD(path) => {
            let (plan, shadow) =
                sysctld::plan(&policy, path.as_deref(), args.target.root.as_deref())?;
            (plan, Some(shadow))
        }
        Target::Ansible(path) => {
            let extra = sysctld::plan_ansible(&policy, path, args.target.root.as_deref())?;
            let ctx = tcppolicy_core::plan::Context {
                target: format!("ansible:{}", path.display()),
                kernel_release: tcppolicy_exec::system::kernel_release(),
                netns: tcppolicy_exec::system::netns_id(),
            };
            // The tasks file is the unit: the per-key entries show what it sets.
            let plan = tcppolicy_core::plan::diff(&policy, &ctx, |_| {
                tcppolicy_core::plan::Observed::Unset
            });
            (plan, Some(extra))
        }
    };
    let pending = match &extra {
        Some(e) if matches!(target, Target::Ansible(_)) => e.file_changes,
        Some(e) => e.file_changes || !plan.in_sync(),
        None => !plan.in_sync(),
    };
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&plan)? + "\n")
            .with_context(|| format!("cannot write the plan to `{}`", out.display()))?;
    }
    match args.format {
        ReportFormat::Human => {
            output::out(&policy::render_plan(&plan));
            if let Some(shadow) = &extra {
                output::out(&shadow.human);
            }
        }
        ReportFormat::Json => {
            let mut doc = serde_json::to_value(&plan)?;
            doc["diagnostics"] = serde_json::Value::Array(policy::diagnostics_json(&compilation));
            if let Some(shadow) = extra {
                doc["file"] = shadow.file;
                doc["shadowing"] = shadow.json;
            }
            output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
    }
    Ok(if pending {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
