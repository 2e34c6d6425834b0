//! The `tcppolicy` binary: argument parsing, dispatch and rendering only.
//!
//! **Architecture Invariant:** only this crate prints, and only through `output`.

mod cli;
mod commands;
mod docs;
mod man;
mod output;
mod render;

use std::process::ExitCode;

/// The static musl binary that is shipped uses dlmalloc (pure Rust) instead of musl's
/// own allocator, which hardens every call at a price a short-lived, single-threaded
/// process does not need to pay (BENCHMARKS.md, ARCHITECTURE.md).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: rustix_dlmalloc::GlobalDlmalloc = rustix_dlmalloc::GlobalDlmalloc;

fn main() -> ExitCode {
    let args = parse_args();
    // `check` keeps 1 for "the policy has errors" and 2 for everything else; for `plan`,
    // 2 means "changes pending" (for `drift`, "drift found"), so a failure there (and
    // everywhere else) is 1.
    let (failure, ok): (u8, &[u8]) = match args.command {
        cli::Command::Check(_) => (2, &[0]),
        cli::Command::Plan(_) | cli::Command::Drift(_) => (1, &[0, 2]),
        _ => (1, &[0]),
    };
    let code = match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            output::err(&format!(
                "error: {}\n",
                tcppolicy_core::text::escape_text(&format!("{e:#}"))
            ));
            ExitCode::from(failure)
        }
    };
    output::exit_status(code, ok, failure)
}

/// `Cli::parse()`, without dropping clap's command tree and matches: the process is about
/// to run one command and exit, and freeing the few hundred small allocations of every
/// subcommand's definition cost as much as a third of building them.
fn parse_args() -> cli::Cli {
    use clap::FromArgMatches as _;
    let mut command = cli::command(may_show_help(std::env::args_os().skip(1)));
    let mut matches = command.get_matches_mut();
    let args = cli::Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|e| e.format(&mut command).exit());
    std::mem::forget(matches);
    std::mem::forget(command);
    args
}

/// Whether a command line may make clap show help, whose text is then built: no
/// arguments, `help`, `--help`, or `-h` alone or among other short flags. Anything else
/// gets clap's errors, which do not include that text.
fn may_show_help(mut args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let mut any = false;
    let help = args.any(|a| {
        any = true;
        let a = a.to_string_lossy();
        a == "help"
            || a == "--help"
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('h'))
    });
    help || !any
}

#[cfg(test)]
mod tests {
    use super::may_show_help;

    #[test]
    fn help_text_is_built_when_help_may_be_shown() {
        let shows = |args: &[&str]| may_show_help(args.iter().map(std::ffi::OsString::from));
        for args in [
            &[][..],
            &["--help"],
            &["-h"],
            &["help"],
            &["help", "check"],
            &["check", "--help"],
            &["plan", "-h"],
            &["emit", "k8s", "-h"],
        ] {
            assert!(shows(args), "{args:?}");
        }
        for args in [
            &["--version"][..],
            &["check", "examples/base.yaml"],
            &["plan", "--format", "json", "p.yaml"],
            &["check", "--no-notes", "dir/help.yaml"],
        ] {
            assert!(!shows(args), "{args:?}");
        }
    }

    /// The command line is consistent with and without the help text (clap's checks).
    #[test]
    fn the_command_line_is_well_formed() {
        crate::cli::command(true).debug_assert();
        crate::cli::command(false).debug_assert();
    }
}
