//! One module per subcommand.

mod apply;
mod catalog;
mod check;
mod completions;
mod diff;
mod drift;
mod emit;
mod explain;
mod import;
mod plan;
mod policy;
mod recover;
pub(crate) mod report;

use crate::cli::{Cli, Command};
use crate::{man, output};
use anyhow::Context;
use std::process::ExitCode;

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Recover(args) => recover::run(&args),
        Command::Drift(args) => drift::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Emit(args) => emit::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Catalog(args) => catalog::run(&args),
        Command::Schema => {
            let schema = tcppolicy_core::schema::json_schema();
            output::out(&format!("{}\n", serde_json::to_string_pretty(&schema)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => completions::run(shell),
        Command::Man { out_dir } => {
            match out_dir {
                None => output::out(&man::main_page()),
                Some(dir) => {
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("cannot create `{}`", dir.display()))?;
                    for page in man::pages() {
                        let path = dir.join(&page.file);
                        std::fs::write(&path, page.text)
                            .with_context(|| format!("cannot write `{}`", path.display()))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
