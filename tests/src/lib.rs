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

/// Run the `tcppolicy` binary with `args` in the calling thread's network namespace.
pub fn cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    std::process::Command::new(bin())
        .args(args)
        .output()
        .expect("tcppolicy runs")
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
