//! Generated files are committed and must match what the code generates now:
//! shell completions and man pages (the schema has its own test in tcppolicy-core).
//! Regenerate them with `scripts/update-assets`.

use std::collections::BTreeSet;
use tcppolicy_tests::{cli, describe, repo};

const STALE: &str = "stale: run scripts/update-assets and commit the result";

#[test]
fn committed_shell_completions_are_fresh() {
    for (shell, file) in [
        ("bash", "tcppolicy.bash"),
        ("zsh", "_tcppolicy"),
        ("fish", "tcppolicy.fish"),
    ] {
        let out = cli(&["completions", shell]);
        assert!(out.status.success(), "{}", describe(&out));
        let committed =
            std::fs::read(repo().join("assets/completions").join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "assets/completions/{file} is {STALE}"
        );
    }
}

#[test]
fn committed_man_pages_are_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(&["man".as_ref(), "--out-dir".as_ref(), dir.path().as_os_str()]);
    assert!(out.status.success(), "{}", describe(&out));
    let names = |d: &std::path::Path| -> BTreeSet<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let committed = repo().join("assets/man");
    assert_eq!(
        names(dir.path()),
        names(&committed),
        "the set of man pages is {STALE}"
    );
    for name in names(dir.path()) {
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        let old = std::fs::read(committed.join(&name)).unwrap();
        assert!(fresh == old, "assets/man/{name} is {STALE}");
    }
    // Every command has a page and the main page documents the exit codes.
    let main = std::fs::read_to_string(committed.join("tcppolicy.1")).unwrap();
    assert!(main.contains("Exit status"), "{main}");
}

#[test]
fn every_command_has_help_with_examples() {
    for command in [
        "check",
        "plan",
        "apply",
        "diff",
        "import",
        "emit",
        "explain",
        "schema",
        "catalog",
        "completions",
        "man",
    ] {
        let out = cli(&[command, "--help"]);
        assert!(out.status.success(), "{}", describe(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Example"),
            "`tcppolicy {command} --help` has no examples:\n{text}"
        );
    }
    let out = cli(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("tcppolicy {}", env!("CARGO_PKG_VERSION"))
    );
}
