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
  drift      0 no drift, 2 drift, 1 error
  diff       0 the effective policies are equal, 2 they differ, 1 error
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
    /// Show what applying a policy would change (nothing is touched).
    #[command(after_help = "Examples:
  tcppolicy plan examples/web-frontend.yaml                  # against the running kernel
  tcppolicy plan --format json --out plan.json policy.yaml   # save it for `apply --plan`
  tcppolicy plan --target sysctl.d policy.yaml               # against the drop-in, with shadowing
  tcppolicy plan --target sysctl.d --root /mnt/image policy.yaml

Exit status (like `terraform plan -detailed-exitcode`): 0 in sync, 2 changes pending,
1 error.")]
    Plan(PlanArgs),
    /// Make the target match the policy: write, read back, roll back on failure.
    #[command(after_help = "Examples:
  tcppolicy apply examples/web-frontend.yaml                 # the running kernel
  tcppolicy apply --plan plan.json                           # exactly a saved plan
  tcppolicy apply --target sysctl.d policy.yaml              # /etc/sysctl.d/90-tcppolicy-<name>.conf
  tcppolicy apply --target sysctl.d --root /mnt/image policy.yaml

Exit status: 0 applied (or nothing to do), 1 error (on a failed write every earlier
write is rolled back and the report says so).")]
    Apply(ApplyArgs),
    /// Restore the values an interrupted apply recorded (after SIGKILL or a power cut).
    #[command(after_help = "Examples:
  tcppolicy recover                                          # this network namespace
  tcppolicy recover --netns /proc/4242/ns/net                # a container's

A live apply records the values it is about to change in
/run/tcppolicy/netns-<id>.journal before its first write and removes the journal when it
finishes or has rolled back. If the apply was killed half-way, `plan` and `apply` report
it, and `recover` writes every recorded value back, reads it back, and removes the
journal.

Exit status: 0 recovered (or nothing to recover), 1 error.")]
    Recover(RecoverArgs),
    /// Check whether the host still matches a policy: the running kernel (live) and what
    /// the next boot will set (boot: the drop-in and the files that win over it).
    #[command(after_help = "Examples:
  tcppolicy drift /etc/tcppolicy/web.yaml                    # live and boot, for people
  tcppolicy drift --format json web.yaml                     # one JSON document
  tcppolicy drift --textfile /var/lib/prometheus/node-exporter web.yaml   # for node_exporter
  tcppolicy drift --root /mnt/image web.yaml                 # the boot layer of an image
  tcppolicy drift --netns /proc/4242/ns/net container.yaml   # a container's kernel values
  tcppolicy emit systemd -o /etc/systemd/system web.yaml     # run it every 15 minutes

live: a key drifts when the running kernel does not have the policy's value
(`at_least`/`at_most` respected); a parameter absent or read-only here is not applicable,
not drift. boot: a key drifts when the policy's drop-in is missing or not tcppolicy's, is
not read at boot, sets another value, or loses to another file with another value under
systemd-sysctl or `sysctl --system`; a drop-in that is not byte-identical to what the
policy renders now is drift of the file. Nothing is written, except the textfile
(replaced atomically).

Exit status: 0 no drift, 2 drift, 1 error (the check could not be made).")]
    Drift(DriftArgs),
    /// Show what a policy change does: per key the old and new value, the kernel default,
    /// the derived timeouts, the rationale, and the diagnostics introduced or resolved.
    #[command(after_help = "Examples:
  tcppolicy diff old/web.yaml web.yaml                   # two policy files
  tcppolicy diff old-policies/ policies/                 # two directories, paired by path
  tcppolicy diff --git HEAD~1 policies/web.yaml          # the policy and its bases as of HEAD~1
  tcppolicy diff --git origin/main                       # every policy a branch changes
  tcppolicy diff --git origin/main --format markdown     # a pull-request comment

Policies are compared after `extends`, units and defaults are resolved: reformatting,
reordering and `10m` vs `600` are no change; a change in a base shows in every policy
that extends it.

Exit status: 0 the effective policies are equal, 2 they differ, 1 error (including a
policy that does not compile on the new side).")]
    Diff(DiffArgs),
    /// Write a starter policy from the running kernel, sysctl.d files, `sysctl -a` dumps or
    /// TuneD profiles.
    #[command(after_help = "Examples:
  tcppolicy import --name web -o web.yaml                    # values that differ from the kernel defaults
  tcppolicy import --name web --kernel '>=5.15' /etc/sysctl.d/*.conf /etc/sysctl.conf
  tcppolicy import --name tuned /usr/lib/tuned/network-throughput/tuned.conf
  tcppolicy import --all --name snapshot                     # every parameter, to stdout

Files are read as `sysctl -p` reads them and each value as the kernel takes it
(`32768 # note` imports 32768); TuneD's `>`/`<` become `at_least`/`at_most`. The result
passes `tcppolicy check`; every line that did not become a setting is listed, with why,
as a comment at the end and on stderr. Secrets (`tcp_fastopen_key`) are never imported.
Each rationale says where the value came from: replace it with the real reason.")]
    Import(ImportArgs),
    /// Render a policy for other tools: an Ansible tasks file, a sysctl.d drop-in, a
    /// Kubernetes pod's sysctls, or systemd units that check it for drift.
    #[command(after_help = "Examples:
  tcppolicy emit ansible examples/web-frontend.yaml -o roles/tcp/tasks/sysctl.yml
  tcppolicy emit sysctl.d examples/web-frontend.yaml         # the drop-in, to stdout
  tcppolicy emit k8s --k8s-version 1.32 --kernel 6.1 examples/container.yaml -o k8s/tcp-sysctls.yaml
  tcppolicy emit systemd /etc/tcppolicy/web.yaml -o /etc/systemd/system
  tcppolicy emit systemd --reapply --interval 1h /etc/tcppolicy/web.yaml   # both units, to stdout

`emit k8s` renders a `container: true` policy as a strategic-merge patch of the pod's
securityContext.sysctls (for `kubectl patch` or a kustomization), with each sysctl
classified safe or unsafe for that Kubernetes version and node kernel, and the kubelet
configuration the unsafe ones need.

`emit systemd` writes tcppolicy-drift-<name>.service, which runs `tcppolicy drift
--textfile DIR POLICY` (and with `--reapply` then `apply` to the kernel and the drop-in),
and tcppolicy-drift-<name>.timer, which starts it every `--interval` (default 15min).
With `-o DIR` both files are written there; without, both are printed, each after a
comment line naming its file, as `systemctl cat` shows units.

Exit status: 0 rendered, 1 the policy has errors, sets something a pod cannot (k8s), or
an option cannot be expressed.")]
    Emit(EmitArgs),
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
    /// Print the man page (roff), or write every page to a directory.
    #[command(after_help = "Examples:
  tcppolicy man > /usr/local/share/man/man1/tcppolicy.1
  tcppolicy man --out-dir /usr/local/share/man/man1          # tcppolicy.1, tcppolicy-check.1, ...")]
    Man {
        /// Write `tcppolicy.1` and one `tcppolicy-<command>.1` per command here.
        #[arg(long)]
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

/// Where plan and apply act.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The target: `live` (the running kernel), `sysctl.d` or `sysctl.d:PATH` (a drop-in),
    /// `ansible:PATH` (an Ansible tasks file).
    #[arg(long, default_value = "live", value_parser = parse_target, value_name = "TARGET")]
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
