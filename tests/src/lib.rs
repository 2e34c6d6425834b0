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
