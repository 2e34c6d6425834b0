//! The `tcppolicy` binary: argument parsing, dispatch and rendering only.
//!
//! **Architecture Invariant:** only this crate prints, and only through `output`.

mod cli;
mod commands;
mod docs;
mod man;
mod output;
mod render;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
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
