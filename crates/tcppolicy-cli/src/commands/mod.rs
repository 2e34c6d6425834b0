//! One module per subcommand.

mod apply;
mod catalog;
mod check;
mod diff;
mod drift;
mod emit;
mod explain;
mod import;
mod plan;
mod policy;
mod recover;
mod report;

use crate::cli::{Cli, Command};
use crate::output;
use anyhow::Context;
use clap::CommandFactory;
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
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "tcppolicy", &mut buf);
            output::out(&String::from_utf8(buf)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out_dir } => {
            let render = |cmd: clap::Command| -> anyhow::Result<String> {
                let mut buf = Vec::new();
                clap_mangen::Man::new(cmd).render(&mut buf)?;
                Ok(String::from_utf8(buf)?)
            };
            let top = Cli::command();
            match out_dir {
                None => output::out(&render(top)?),
                Some(dir) => {
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("cannot create `{}`", dir.display()))?;
                    let mut pages = vec![("tcppolicy.1".to_string(), render(top.clone())?)];
                    for sub in top.get_subcommands() {
                        let name = format!("tcppolicy-{}", sub.get_name());
                        let page = sub.clone().name(name.clone()).display_name(name.clone());
                        pages.push((format!("{name}.1"), render(page)?));
                    }
                    for (file, text) in pages {
                        let path = dir.join(file);
                        std::fs::write(&path, text)
                            .with_context(|| format!("cannot write `{}`", path.display()))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
