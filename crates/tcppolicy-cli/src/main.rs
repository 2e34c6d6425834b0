//! The `tcppolicy` binary: argument parsing, dispatch and rendering only.
//!
//! **Architecture Invariant:** only this crate prints, and only through `output`.

mod cli;
mod commands;
mod output;
mod render;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            output::err(&format!("error: {e:#}\n"));
            ExitCode::from(2)
        }
    }
}
