//! `tcppolicy completions SHELL`: clap_complete's static scripts, plus what its fish
//! generator leaves out.

use crate::output;
use clap_complete::Shell;
use std::fmt::Write;
use std::process::ExitCode;

pub fn run(shell: Shell) -> anyhow::Result<ExitCode> {
    let mut cmd = crate::cli::command(true);
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tcppolicy", &mut buf);
    let mut script = String::from_utf8(buf)?;
    if shell == Shell::Fish {
        script.push_str(&fish_positionals(&cmd));
    }
    output::out(&script);
    Ok(ExitCode::SUCCESS)
}

/// clap_complete's fish generator completes options only: add the possible values of each
/// command's positionals (`explain`'s parameters and codes, `emit`'s formats, the shells),
/// with the same helper functions its script defines.
fn fish_positionals(top: &clap::Command) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    let mut s = String::new();
    for sub in top.get_subcommands() {
        for arg in sub.get_positionals() {
            for value in arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
            {
                let _ = write!(
                    s,
                    "complete -c tcppolicy -n \"__fish_tcppolicy_using_subcommand {}\" -f -a {}",
                    sub.get_name(),
                    quote(value.get_name())
                );
                if let Some(help) = value.get_help() {
                    let _ = write!(s, " -d {}", quote(&help.to_string()));
                }
                s.push('\n');
            }
        }
    }
    s
}
