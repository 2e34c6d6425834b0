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
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

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
    use clap::{CommandFactory as _, FromArgMatches as _};
    let mut command = cli::Cli::command();
    let mut matches = command.get_matches_mut();
    let args = cli::Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|e| e.format(&mut command).exit());
    std::mem::forget(matches);
    std::mem::forget(command);
    args
}
