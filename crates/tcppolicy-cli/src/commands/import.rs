//! `tcppolicy import`.

use crate::cli::ImportArgs;
use crate::output;
use anyhow::{Context, bail};
use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;
use tcppolicy_core::version::{Version, VersionRange};
use tcppolicy_exec::import::{self, KernelChoice};
use tcppolicy_exec::sysctl::LiveSysctl;
use tcppolicy_exec::system;

/// How many lines that were not imported the stderr summary shows.
const SUMMARY_LINES: usize = 5;

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
    if let Err(e) = super::policy::enter_netns(args.netns.as_deref()) {
        bail!("{e}");
    }
    if let Some(range) = &args.kernel {
        VersionRange::parse(range).with_context(|| {
            format!(
                "`--kernel` is not a kernel range: `{}`",
                range.escape_debug()
            )
        })?;
    }
    let (imported, choice, from) = if args.files.is_empty() {
        let kernel = Version::parse_release(&system::kernel_release());
        let imported =
            import::from_live(&LiveSysctl::new(), kernel, &system::netns_id(), args.all)?;
        (
            imported,
            KernelChoice::live(kernel),
            "the running kernel".to_string(),
        )
    } else {
        let paths: Vec<&Path> = args.files.iter().map(|p| p.as_path()).collect();
        let n = paths.len();
        let from = format!("{n} {}", if n == 1 { "file" } else { "files" });
        (import::from_files(&paths)?, KernelChoice::files(), from)
    };
    let choice = match &args.kernel {
        Some(range) => KernelChoice::given(range),
        None => choice,
    };
    let rendered = import::render(&args.name, &imported, &choice);
    match &args.out {
        None => output::out(&rendered.text),
        Some(out) => {
            if out.exists() && !args.force {
                bail!("`{}` exists; use --force to overwrite it", out.display());
            }
            tcppolicy_exec::files::write_file_atomic(
                out,
                rendered.text.as_bytes(),
                tcppolicy_exec::files::FILE_MODE,
            )
            .with_context(|| format!("cannot write `{}`", out.display()))?;
            output::err(&format!(
                "wrote {} ({} settings)\n",
                out.display(),
                rendered.settings
            ));
        }
    }
    output::err(&summary(&rendered, &from));
    Ok(ExitCode::SUCCESS)
}

/// The stderr summary: how many settings, how many lines were left out, and the first of
/// them.
fn summary(r: &import::Rendered, from: &str) -> String {
    let mut s = format!(
        "imported {} {} from {from}",
        r.settings,
        if r.settings == 1 {
            "setting"
        } else {
            "settings"
        }
    );
    if r.skipped.is_empty() {
        s.push('\n');
        return s;
    }
    let n = r.skipped.len();
    let _ = writeln!(
        s,
        "; {n} {} not imported (listed with the reason at the end of the policy):",
        if n == 1 { "line" } else { "lines" }
    );
    for sk in r.skipped.iter().take(SUMMARY_LINES) {
        let _ = writeln!(s, "  {}", import::describe(sk));
    }
    if n > SUMMARY_LINES {
        let _ = writeln!(s, "  … and {} more", n - SUMMARY_LINES);
    }
    s
}
