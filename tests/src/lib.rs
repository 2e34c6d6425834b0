//! Helpers shared by the end-to-end suites.

pub mod netns;

use std::path::PathBuf;

/// The `tcppolicy` binary built by this `cargo test` run.
///
/// # Panics
/// When it has not been built (`cargo test --workspace` builds it; so does
/// `cargo build -p tcppolicy-cli`).
pub fn bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    // target/<profile>/deps/<test> → target/<profile>/tcppolicy
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("test binaries live in target/<profile>/deps");
    let bin = dir.join("tcppolicy");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p tcppolicy-cli` (scripts/test does)",
        bin.display()
    );
    bin
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A private directory for locks and journals (`TCPPOLICY_RUN_DIR`), one per test
/// process, so no test touches the host's `/run/tcppolicy`. It is left in the temporary
/// directory (a static is never dropped); its files are a few bytes each.
pub fn run_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::Builder::new()
            .prefix("tcppolicy-run-")
            .tempdir()
            .expect("a temporary directory");
        std::fs::set_permissions(
            d.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("chmod 0700");
        d
    })
    .path()
    .join("run")
}

/// The `tcppolicy` binary as a command, with [`run_dir`] for its locks and journals.
pub fn command() -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.env("TCPPOLICY_RUN_DIR", run_dir());
    c
}

/// Run the `tcppolicy` binary with `args` in the calling thread's network namespace.
pub fn cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    command().args(args).output().expect("tcppolicy runs")
}

/// Options for the live executor in tests: locks and journals in [`run_dir`].
pub fn live_options() -> tcppolicy_exec::live::LiveOptions {
    tcppolicy_exec::live::LiveOptions {
        run_dir: run_dir(),
        ..Default::default()
    }
}

/// Plan `policy` against the live kernel of the calling thread's namespace.
pub fn live_plan(
    policy: &tcppolicy_core::effective::EffectivePolicy,
    sysctl: &dyn tcppolicy_exec::sysctl::Sysctl,
) -> tcppolicy_exec::report::Report {
    let mut live = tcppolicy_exec::live::Live::new(sysctl, live_options());
    tcppolicy_exec::executor::plan(&mut live, policy)
}

/// Apply `policy` to the live kernel of the calling thread's namespace.
pub fn live_apply(
    policy: &tcppolicy_core::effective::EffectivePolicy,
    sysctl: &dyn tcppolicy_exec::sysctl::Sysctl,
) -> tcppolicy_exec::report::Report {
    let mut live = tcppolicy_exec::live::Live::new(sysctl, live_options());
    tcppolicy_exec::executor::apply(&mut live, policy, None)
}

/// Status, stdout and stderr of a finished command, for assertion messages.
pub fn describe(o: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `PATH` with the directory of the built `tcppolicy` first, for tools that run it by name
/// (pre-commit hooks, shell recipes).
pub fn path_with_bin() -> String {
    format!(
        "{}:{}",
        bin()
            .parent()
            .expect("the binary is in a directory")
            .display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Run a shell command line on a pseudo-terminal (`script` from util-linux) with
/// `TERM=xterm-256color`, colour forcing removed and `NO_COLOR` set or not, and return
/// what the terminal received.
pub fn on_a_terminal(command: &str, dir: &std::path::Path, no_color: bool) -> String {
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", command, "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
