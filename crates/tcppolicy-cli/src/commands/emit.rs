//! `tcppolicy emit`.

use super::policy;
use crate::cli::{EmitArgs, EmitFormat, ReportFormat};
use crate::output;
use std::process::ExitCode;
use tcppolicy_core::version::Version;
use tcppolicy_exec::{ansible, sysctld, system};

pub fn run(args: &EmitArgs) -> anyhow::Result<ExitCode> {
    let (_, policy) = policy::compile(&args.policy, ReportFormat::Human);
    let Some(policy) = policy else {
        return Ok(ExitCode::from(1));
    };
    let kernel = Version::parse_release(&system::kernel_release());
    let text = match args.format {
        EmitFormat::Ansible => {
            let file = args
                .sysctl_file
                .clone()
                .unwrap_or_else(|| sysctld::default_path(&policy.name));
            ansible::render(&policy, kernel, &file)
        }
        EmitFormat::SysctlD => sysctld::render(&policy, kernel),
    };
    match &args.out {
        None => output::out(&text),
        Some(out) => {
            let outcome = tcppolicy_exec::files::write_file_atomic(
                out,
                text.as_bytes(),
                tcppolicy_exec::files::FILE_MODE,
            )?;
            output::err(&format!("{} {:?}\n", out.display(), outcome).to_lowercase());
        }
    }
    Ok(ExitCode::SUCCESS)
}
