//! `tcppolicy recover`.

use super::policy;
use crate::cli::RecoverArgs;
use std::process::ExitCode;
use tcppolicy_exec::live;
use tcppolicy_exec::report::{Command, Stage};
use tcppolicy_exec::sysctl::LiveSysctl;

pub fn run(args: &RecoverArgs) -> anyhow::Result<ExitCode> {
    if let Err(e) = policy::enter_netns(args.netns.as_deref()) {
        let mut r = policy::refused(Command::Recover, "live".into(), Stage::Observe, e);
        return Ok(policy::print(&mut r, args.format, None));
    }
    let mut report = live::recover(&LiveSysctl::new(), policy::live_options(Some(&args.lock)));
    Ok(policy::print(&mut report, args.format, None))
}
