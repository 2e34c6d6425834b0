//! Command-line definitions. The man page and shell completions are generated from these
//! (`tcppolicy man`, `tcppolicy completions SHELL`) and committed under `assets/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit status:
  check      0 clean (warnings allowed), 1 errors (or warnings with --deny warnings),
             2 usage or internal failure
  plan       0 in sync, 2 changes pending, 1 error
  apply      0 applied (or nothing to do), 1 error (the system is left as it was)
  others     0 success, 1 error, 2 usage";

/// Linux TCP kernel parameters as code: check policies, plan and apply them, render
/// sysctl.d drop-ins and Ansible tasks.
#[derive(Debug, Parser)]
#[command(name = "tcppolicy", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies against the catalog and the rules (a directory is searched for
    /// policy files).
    #[command(after_help = "Examples:
  tcppolicy check examples/web-frontend.yaml
  tcppolicy check policies/                      # every policy file below policies/
  tcppolicy check --format github policies/      # annotations in GitHub Actions
  tcppolicy check --deny warnings policies/      # warnings fail the check

Exit status: 0 clean (warnings allowed), 1 errors (or warnings with --deny warnings),
2 usage or internal failure.")]
    Check(CheckArgs),
    /// Explain a parameter (type, bounds, default, derived timeouts) or a diagnostic code.
    #[command(after_help = "Examples:
  tcppolicy explain net.ipv4.tcp_syn_retries
  tcppolicy explain tcp_syn_retries --value 2    # connect() timeout for 2 retries
  tcppolicy explain TP507                        # long description of a code
  tcppolicy explain --list                       # every diagnostic code")]
    Explain(ExplainArgs),
    /// Print the JSON Schema of the policy language.
    #[command(after_help = "Example:
  tcppolicy schema > schemas/tcppolicy.schema.json

Editors use it through the modeline
  # yaml-language-server: $schema=../schemas/tcppolicy.schema.json")]
    Schema,
    /// List every parameter in the catalog.
    #[command(after_help = "Examples:
  tcppolicy catalog
  tcppolicy catalog --format json | jq '.[] | select(.scope == \"netns\")'")]
    Catalog(CatalogArgs),
    /// Print shell completions.
    #[command(after_help = "Example:
  tcppolicy completions bash > /etc/bash_completion.d/tcppolicy")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Example:
  tcppolicy man > /usr/local/share/man/man1/tcppolicy.1")]
    Man,
}

/// Output formats for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style snippets for people.
    Human,
    /// One JSON document with every diagnostic.
    Json,
    /// GitHub Actions workflow commands (annotations on the lines at fault).
    Github,
}

/// What `--deny` can make fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail the check.
    Warnings,
}

/// `tcppolicy check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Policy files or directories to search for them (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// Leave out notes (derived figures and hints).
    #[arg(long)]
    pub no_notes: bool,
}

/// `tcppolicy explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A parameter (`net.ipv4.tcp_syn_retries`, `tcp_syn_retries`) or a code (`TP507`,
    /// `syncookies-disabled`).
    #[arg(required_unless_present = "list")]
    pub topic: Option<String>,
    /// For a parameter: show the derived figures for this value too.
    #[arg(long)]
    pub value: Option<String>,
    /// List every diagnostic code.
    #[arg(long, conflicts_with = "topic")]
    pub list: bool,
}

/// `tcppolicy catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
    pub format: CatalogFormat,
}

/// Catalog output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    /// One line per parameter.
    Table,
    /// A JSON array with every field.
    Json,
}
