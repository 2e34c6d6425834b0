//! The pre-commit hook (`.pre-commit-hooks.yaml`) run by the real `pre-commit` tool, from
//! the project's virtualenv (`scripts/python-env`), against a temporary repository with
//! one good and one bad policy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcppolicy_tests::{describe, path_with_bin, repo};

fn venv_tool(name: &str) -> PathBuf {
    let venv =
        std::env::var_os("TCPPOLICY_VENV").map_or_else(|| repo().join(".venv"), PathBuf::from);
    let tool = venv.join("bin").join(name);
    assert!(
        tool.exists(),
        "{} is missing: run scripts/python-env (scripts/test does)",
        tool.display()
    );
    tool
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", describe(&out));
}

/// `pre-commit try-repo <this repository> tcppolicy-check --files FILES` in `dir`.
fn try_repo(dir: &Path, home: &Path, files: &[&str]) -> Output {
    let path = path_with_bin();
    Command::new(venv_tool("pre-commit"))
        .arg("try-repo")
        .arg(repo())
        .arg("tcppolicy-check")
        .arg("--files")
        .args(files)
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_pre_commit_hook_passes_a_good_policy_and_fails_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::write(
        d.join("good.yaml"),
        "tcppolicy: 1\nname: good\nkernel: \">=6.1\"\nsettings:\n  net.ipv4.tcp_mtu_probing:\n    value: 1\n    rationale: Recover from PMTU black holes.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("bad.yaml"),
        "tcppolicy: 1\nname: bad\nkernel: \">=6.1\"\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 255\n    rationale: The man page says 255 is the maximum.\n",
    )
    .unwrap();
    std::fs::write(d.join("workflow.yml"), "on: push\njobs: {}\n").unwrap();
    git(d, &["add", "."]);

    let out = try_repo(d, home.path(), &["good.yaml", "workflow.yml"]);
    assert!(
        out.status.success(),
        "the good policy (and a non-policy YAML file) pass: {}",
        describe(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Passed"),
        "{}",
        describe(&out)
    );

    let out = try_repo(d, home.path(), &["good.yaml", "bad.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the bad policy fails: {}",
        describe(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Failed"), "{stdout}");
    assert!(
        stdout.contains("error[TP306]") && stdout.contains("bad.yaml:6:12"),
        "the diagnostic is shown: {stdout}"
    );
}
