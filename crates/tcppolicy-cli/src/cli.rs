//! Command-line definitions. The man page and shell completions are generated from these
//! (`tcppolicy man`, `tcppolicy completions SHELL`) and committed under `assets/`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::docs::after_help;
use clap::builder::{PossibleValue, Resettable, StringValueParser, TypedValueParser};

/// Linux TCP kernel parameters as code.
#[derive(Debug, Parser)]
#[command(name = "tcppolicy", version, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The command line, with the text `--help` shows after each command's options (its
/// description, examples and exit status from `docs.rs`) when `help_text`. Wrapping that
/// text costs more instructions than compiling a policy, so a command line that cannot
/// show help is parsed without it.
pub fn command(help_text: bool) -> clap::Command {
    use clap::CommandFactory as _;
    let command = Cli::command();
    if !help_text {
        return command;
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    names
        .iter()
        .fold(command.after_help(after_help("")), |command, name| {
            command.mut_subcommand(name, |c| c.after_help(after_help(name)))
        })
}

/// A command's arguments, added to its `clap::Command` only when clap builds that command:
/// the one on the command line, or every one for help, completions and man pages.
/// Building the arguments of every command cost about 150 K instructions on every run,
/// a tenth of checking a policy.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T> std::ops::Deref for Deferred<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Self)
    }

    fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Self)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(
        &mut self,
        matches: &mut clap::ArgMatches,
    ) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(command: clap::Command) -> clap::Command {
        command.defer(|c| keep_about(c, T::augment_args))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        command.defer(|c| keep_about(c, T::augment_args_for_update))
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// Add a command's arguments with `augment`, keeping the summary the command already has
/// (the variant's doc comment): a derived `augment_args` also sets the `Args` struct's.
fn keep_about(
    command: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    let keep =
        |text: Option<clap::builder::StyledStr>| text.map_or(Resettable::Reset, Resettable::Value);
    augment(command)
        .about(keep(about))
        .long_about(keep(long_about))
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies against what the kernel accepts and report every problem.
    Check(Deferred<CheckArgs>),
    /// Explain a kernel parameter or a diagnostic code.
    Explain(Deferred<ExplainArgs>),
    /// Show what applying a policy would change, touching nothing.
    Plan(Deferred<PlanArgs>),
    /// Make the target match a policy: write, read back, roll back on failure.
    Apply(Deferred<ApplyArgs>),
    /// Restore the values an interrupted apply recorded (after SIGKILL or a power cut).
    Recover(Deferred<RecoverArgs>),
    /// Check that the host still matches a policy: on the running kernel and at boot.
    Drift(Deferred<DriftArgs>),
    /// Show what a change to policies does: values, timeouts, diagnostics.
    Diff(Deferred<DiffArgs>),
    /// Write a starter policy from the running kernel, sysctl.d files, `sysctl -a` dumps
    /// or TuneD profiles.
    Import(Deferred<ImportArgs>),
    /// Render a policy as Ansible tasks, a sysctl.d drop-in, a Kubernetes pod's sysctls
    /// or systemd units that check it for drift.
    Emit(Deferred<EmitArgs>),
    /// Print the JSON Schema of the policy language.
    Schema,
    /// List every kernel parameter tcppolicy knows.
    Catalog(Deferred<CatalogArgs>),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write every page to a directory.
    Man {
        /// Write every page here: `tcppolicy.1`, one `tcppolicy-COMMAND.1` per command,
        /// `tcppolicy-policy.5`.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
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
    #[arg(value_name = "PATH")]
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
    /// Skip named files without a top-level `tcppolicy:` key, as directory walks do (for
    /// hooks that pass every staged YAML file).
    #[arg(long)]
    pub policies_only: bool,
}

/// Where plan and apply act (`--target`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The running kernel.
    Live,
    /// A drop-in (path as on the target system; `None` for the default path).
    SysctlD(Option<PathBuf>),
    /// An Ansible tasks file.
    Ansible(PathBuf),
}

/// Parse `live`, `sysctl.d`, `sysctl.d:PATH`, `ansible:PATH`.
fn parse_target(text: &str) -> Result<Target, String> {
    match text.split_once(':') {
        None if text == "live" => Ok(Target::Live),
        None if text == "sysctl.d" => Ok(Target::SysctlD(None)),
        Some(("sysctl.d", path)) if path.starts_with('/') => {
            Ok(Target::SysctlD(Some(PathBuf::from(path))))
        }
        Some(("sysctl.d", path)) if !path.is_empty() => Err(format!(
            "`sysctl.d:PATH` needs an absolute path as on the target system: `{path}`"
        )),
        Some(("ansible", path)) if !path.is_empty() => Ok(Target::Ansible(PathBuf::from(path))),
        _ => Err("use `live`, `sysctl.d`, `sysctl.d:PATH` or `ansible:PATH`".into()),
    }
}

/// A value parser that accepts what `parse` accepts and offers `values` to shell
/// completion, without restricting the argument to them.
#[derive(Clone)]
struct Offering<P> {
    parse: P,
    values: fn() -> Vec<PossibleValue>,
}

impl<P: TypedValueParser> TypedValueParser for Offering<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<P::Value, clap::Error> {
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.values)().into_iter()))
    }
}

/// [`parse_target`] as a value parser.
type ParseTarget = fn(&str) -> Result<Target, String>;

/// `--target`: [`parse_target`], offering its forms (a path follows the colon).
fn target_parser() -> Offering<ParseTarget> {
    Offering {
        parse: parse_target,
        values: || {
            [
                ("live", "the running kernel"),
                (
                    "sysctl.d",
                    "the drop-in /etc/sysctl.d/90-tcppolicy-NAME.conf",
                ),
                ("sysctl.d:", "a drop-in at an absolute path"),
                ("ansible:", "an Ansible tasks file"),
            ]
            .into_iter()
            .map(|(name, help)| PossibleValue::new(name).help(help))
            .collect()
        },
    }
}

/// `explain TOPIC`: any text (a short parameter name; a misspelling gets a suggestion),
/// offering every parameter name, code and code name. Short names (`tcp_syn_retries`)
/// are offered hidden: bash completes them, the menus of zsh and fish show each
/// parameter once.
fn topic_parser() -> Offering<StringValueParser> {
    Offering {
        parse: StringValueParser::new(),
        values: || {
            let params = tcppolicy_core::catalog::PARAMS.iter().flat_map(|p| {
                [
                    PossibleValue::new(p.name).help(first_sentence(p.summary)),
                    PossibleValue::new(p.short_name()).hide(true),
                ]
            });
            let codes = tcppolicy_core::codes::all().iter().flat_map(|c| {
                [
                    PossibleValue::new(c.id).help(c.summary),
                    PossibleValue::new(c.name).help(c.summary),
                ]
            });
            params.chain(codes).collect()
        },
    }
}

/// A summary's first sentence, for completion menus.
fn first_sentence(text: &str) -> &str {
    text.split_once(". ")
        .map_or(text, |(first, _)| first)
        .trim_end_matches('.')
}

/// Where plan and apply act.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The target: `live` (the running kernel), `sysctl.d` or `sysctl.d:PATH` (a drop-in),
    /// `ansible:PATH` (an Ansible tasks file).
    #[arg(
        long,
        default_value = "live",
        value_parser = target_parser(),
        value_name = "TARGET",
        hide_possible_values = true
    )]
    pub target: Target,
    /// Resolve every file path inside this directory (image builds); it must exist. Only
    /// for file targets.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Replace a file at the target that tcppolicy did not write (no tcppolicy header).
    #[arg(long)]
    pub force: bool,
    /// Act in this network namespace: a name under /run/netns/ or a path such as
    /// /proc/PID/ns/net (live target).
    #[arg(long, value_name = "NAME|PATH")]
    pub netns: Option<String>,
}

/// Output formats for plans and apply reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people.
    Human,
    /// A versioned JSON document (`format_version`).
    Json,
}

/// `tcppolicy plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// Target.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Also save the plan (JSON) here, for `apply --plan`; replaced atomically, never
    /// written through a link.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// How applies wait for each other.
#[derive(Debug, Args)]
pub struct LockArgs {
    /// The lock file that serialises applies (default: one per network namespace under
    /// /run/tcppolicy). Applies in one network namespace also exclude each other through
    /// a lock of the namespace itself, whatever the file.
    #[arg(long, env = "TCPPOLICY_LOCK_FILE", value_name = "FILE")]
    pub lock_file: Option<PathBuf>,
    /// Seconds to wait for another apply to release the lock.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub lock_timeout: u64,
}

/// `tcppolicy apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The policy file (with `--plan`: the policy the plan was made from; default: the
    /// plan's own policy path).
    #[arg(required_unless_present = "plan")]
    pub policy: Option<PathBuf>,
    /// Apply exactly this saved plan; refused unless it was made from this policy (same
    /// digest) and the system still has its "before" values, kernel and network
    /// namespace.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Target.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Locking.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `tcppolicy recover`.
#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// Recover in this network namespace: a name under /run/netns/ or a path such as
    /// /proc/PID/ns/net.
    #[arg(long, value_name = "NAME|PATH")]
    pub netns: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Locking.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// A layer `drift` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DriftLayer {
    /// The running kernel.
    Live,
    /// What the next boot sets: the drop-in and the files that win over it.
    Boot,
}

impl DriftLayer {
    /// The layer it names.
    pub fn layer(self) -> tcppolicy_exec::drift::Layer {
        match self {
            DriftLayer::Live => tcppolicy_exec::drift::Layer::Live,
            DriftLayer::Boot => tcppolicy_exec::drift::Layer::Boot,
        }
    }
}

/// The drop-in `drift` checks (`--target`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropInTarget(pub Option<PathBuf>);

/// Parse `sysctl.d` or `sysctl.d:PATH`.
fn parse_drop_in(text: &str) -> Result<DropInTarget, String> {
    match parse_target(text) {
        Ok(Target::SysctlD(path)) => Ok(DropInTarget(path)),
        Ok(_) => Err(
            "drift checks the live kernel and a drop-in: use `sysctl.d` or `sysctl.d:PATH`".into(),
        ),
        Err(e) if text.starts_with("sysctl.d:") => Err(e),
        Err(_) => Err("use `sysctl.d` or `sysctl.d:PATH`".into()),
    }
}

/// `tcppolicy drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// Check this layer (repeat for both). Default: both; only `boot` with `--root`
    /// alone, only `live` with `--netns` alone.
    #[arg(long, value_enum, value_name = "LAYER")]
    pub layer: Vec<DriftLayer>,
    /// The drop-in of the boot layer: `sysctl.d` (/etc/sysctl.d/90-tcppolicy-<name>.conf)
    /// or `sysctl.d:PATH`.
    #[arg(long, default_value = "sysctl.d", value_parser = parse_drop_in, value_name = "TARGET")]
    pub target: DropInTarget,
    /// Resolve the boot layer's files inside this directory (an image, a mounted host).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Check the live layer in this network namespace: a name under /run/netns/ or a path
    /// such as /proc/PID/ns/net.
    #[arg(long, value_name = "NAME|PATH")]
    pub netns: Option<String>,
    /// Also write the result for node_exporter's textfile collector into this directory
    /// (tcppolicy-<name>.prom, replaced atomically; not written when the check fails).
    #[arg(long, value_name = "DIR")]
    pub textfile: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people (coloured on a terminal).
    Human,
    /// A versioned JSON document.
    Json,
    /// A pull-request comment (GitHub-flavoured Markdown).
    Markdown,
}

/// `tcppolicy diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Without `--git`: OLD and NEW, two policy files or two directories of policies.
    /// With `--git`: policy files or directories to compare (default: every policy below
    /// the current directory that the change touches).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Compare the working tree with this git revision (a commit, branch or tag).
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// `tcppolicy import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// sysctl.d files, `sysctl -a` dumps or TuneD profiles (`tuned.conf`), later ones
    /// overriding earlier ones (default: the running kernel in this network namespace).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The fleet's kernel range for the policy, e.g. `>=5.15` (default: the running
    /// kernel when reading it, tcppolicy's default floor when reading files).
    #[arg(long, value_name = "RANGE")]
    pub kernel: Option<String>,
    /// The policy's name.
    #[arg(long, default_value = "imported")]
    pub name: String,
    /// From the running kernel: every parameter, not only those that differ from their
    /// kernel default.
    #[arg(long)]
    pub all: bool,
    /// Write the policy here instead of to stdout (refused if the file exists, unless
    /// `--force`).
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// Overwrite `--out` if it exists.
    #[arg(long)]
    pub force: bool,
    /// Read the running kernel in this network namespace: a name under /run/netns/ or a
    /// path such as /proc/PID/ns/net (a container's).
    #[arg(long, value_name = "NAME|PATH", conflicts_with = "files")]
    pub netns: Option<String>,
}

/// What `emit` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmitFormat {
    /// An Ansible tasks file using `ansible.posix.sysctl`.
    Ansible,
    /// A sysctl.d drop-in.
    #[value(name = "sysctl.d")]
    SysctlD,
    /// A Kubernetes patch setting the pod's `securityContext.sysctls`.
    K8s,
    /// A systemd service and timer that run `tcppolicy drift --textfile` periodically.
    Systemd,
}

/// `tcppolicy emit`.
#[derive(Debug, Args)]
pub struct EmitArgs {
    /// What to render.
    #[arg(value_enum)]
    pub format: EmitFormat,
    /// The policy file.
    pub policy: PathBuf,
    /// Write here (atomically) instead of to stdout. For `systemd`: a directory, where
    /// the service and the timer are written.
    #[arg(short, long)]
    pub out: Option<PathBuf>,
    /// For `ansible`: the file `ansible.posix.sysctl` persists values in (default
    /// /etc/sysctl.d/90-tcppolicy-<name>.conf).
    #[arg(long)]
    pub sysctl_file: Option<PathBuf>,
    /// For `k8s`: the cluster's Kubernetes version (`1.32`, `v1.32.3`); it decides which
    /// sysctls are safe.
    #[arg(long, value_name = "VERSION", required_if_eq("format", "k8s"))]
    pub k8s_version: Option<String>,
    /// For `k8s`: the nodes' kernel (`6.1`); default: the lowest of the policy's `kernel`
    /// range (5.10 without one).
    #[arg(long, value_name = "VERSION")]
    pub kernel: Option<String>,
    /// For `k8s`: the kind of object the patch targets.
    #[arg(long, value_enum, default_value_t = K8sKind::Deployment)]
    pub kind: K8sKind,
    /// For `k8s`: the name of the object the patch targets (default: the policy's name).
    #[arg(long)]
    pub name: Option<String>,
    /// For `systemd`: the tcppolicy binary on the host.
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
    /// For `systemd`: where the policy file is on the host (default: POLICY as an
    /// absolute path).
    #[arg(long, value_name = "PATH")]
    pub policy_path: Option<PathBuf>,
    /// For `systemd`: node_exporter's textfile directory.
    #[arg(long, value_name = "DIR")]
    pub textfile_dir: Option<PathBuf>,
    /// For `systemd`: how often to check, a systemd time span.
    #[arg(long, value_name = "SPAN")]
    pub interval: Option<String>,
    /// For `systemd`: check only this layer (repeat for both; default both), as `drift
    /// --layer` does.
    #[arg(long, value_enum, value_name = "LAYER")]
    pub layer: Vec<DriftLayer>,
    /// For `systemd`: after each check, apply the policy to what was checked (the
    /// running kernel, the drop-in).
    #[arg(long)]
    pub reapply: bool,
}

/// What `emit k8s` patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum K8sKind {
    /// A Deployment's pod template.
    Deployment,
    /// A StatefulSet's pod template.
    Statefulset,
    /// A DaemonSet's pod template.
    Daemonset,
    /// A Pod.
    Pod,
}

/// `tcppolicy explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A parameter (`net.ipv4.tcp_syn_retries`, `tcp_syn_retries`) or a code (`TP507`,
    /// `syncookies-disabled`).
    #[arg(
        required_unless_present = "list",
        value_parser = topic_parser(),
        value_name = "TOPIC",
        hide_possible_values = true
    )]
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
