//! `tcppolicy import`.

use crate::cli::ImportArgs;
use crate::output;
use anyhow::{Context, bail};
use std::path::Path;
use std::process::ExitCode;
use tcppolicy_core::version::Version;
use tcppolicy_exec::import;
use tcppolicy_exec::sysctl::LiveSysctl;
use tcppolicy_exec::system;

pub fn run(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let name_ok = !args.name.is_empty()
        && args.name.len() <= 64
        && args
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !args.name.starts_with('-');
    if !name_ok {
        bail!(
            "`--name` must be lower-case letters, digits and `-`: `{}`",
            args.name.escape_debug()
        );
    }
    let kernel = Version::parse_release(&system::kernel_release());
    let (found, skipped) = if args.files.is_empty() {
        (
            import::from_live(&LiveSysctl::new(), kernel, &system::netns_id(), args.all)?,
            Vec::new(),
        )
    } else {
        let paths: Vec<&Path> = args.files.iter().map(|p| p.as_path()).collect();
        import::from_files(&paths)?
    };
    let text = import::render(&args.name, kernel, &found, skipped);
    match &args.out {
        None => output::out(&text),
        Some(out) => {
            if out.exists() && !args.force {
                bail!("`{}` exists; use --force to overwrite it", out.display());
            }
            tcppolicy_exec::files::write_file_atomic(
                out,
                text.as_bytes(),
                tcppolicy_exec::files::FILE_MODE,
            )
            .with_context(|| format!("cannot write `{}`", out.display()))?;
            output::err(&format!(
                "wrote {} ({} settings)\n",
                out.display(),
                text.matches("\n    rationale:").count()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
