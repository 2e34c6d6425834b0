//! Signals and the journal (SPEC §9, issue 9): a live apply of 24 settings interrupted at
//! every write k, by the real kernel delivering the signal through `strace`'s fault
//! injection (`-e inject=pwrite64:signal=SIG:when=k`, every parameter write is one
//! `pwrite64`), each run in a fresh network namespace.
//!
//! - SIGINT, SIGTERM, SIGHUP: every value is as before, the exit status is 128 + the
//!   signal, and no journal is left;
//! - SIGKILL: the journal stays; `plan` reports the interrupted apply, `apply` refuses
//!   to run over it, `tcppolicy recover` restores every value exactly (read back) and
//!   removes the journal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcppolicy_tests::{bin, cli, describe, netns, repo, run_dir};

const SETTINGS: usize = 24;

fn policy() -> PathBuf {
    repo().join("tests/fixtures/live/twenty-four.yaml")
}

/// `tcppolicy apply POLICY` with `signal` delivered when it makes its `k`-th `pwrite64`.
fn apply_with_signal(signal: &str, k: usize) -> Output {
    Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=pwrite64", "-e"])
        .arg(format!("inject=pwrite64:signal={signal}:when={k}"))
        .arg(bin())
        .arg("apply")
        .arg(policy())
        .env("TCPPOLICY_RUN_DIR", run_dir())
        .output()
        .expect("strace runs (scripts/test installs it)")
}

/// The journal of the calling thread's namespace.
fn journal() -> PathBuf {
    let id: String = netns::netns_id()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    run_dir().join(format!("netns-{id}.journal"))
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

#[test]
fn sigint_sigterm_sighup_at_every_write_leave_every_value_as_before() {
    let mut failures = Vec::new();
    for (signal, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        for k in 1..=SETTINGS {
            let failure = netns::in_fresh_netns(move || {
                let before = netns::snapshot();
                let out = apply_with_signal(signal, k);
                let changed = netns::changed(&before, &netns::snapshot());
                let status = out.status.code();
                let ok = status == Some(128 + number)
                    && changed.is_empty()
                    && !exists(&journal())
                    && String::from_utf8_lossy(&out.stderr).contains("every value is back");
                (!ok).then(|| {
                    format!(
                        "SIG{signal} at write {k}: status {status:?}, changed {changed:?}, journal \
                         left: {}\n{}",
                        exists(&journal()),
                        describe(&out)
                    )
                })
            });
            failures.extend(failure);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn sigkill_at_every_write_leaves_a_journal_that_recover_restores() {
    let mut failures = Vec::new();
    for k in 1..=SETTINGS {
        let failure = netns::in_fresh_netns(move || {
            let before = netns::snapshot();
            let out = apply_with_signal("KILL", k);
            let mut problems = Vec::new();
            if out.status.code().is_some() {
                problems.push(format!("not killed: {}", describe(&out)));
            }
            if !exists(&journal()) {
                problems.push("no journal after SIGKILL".to_string());
            }
            // Killed on entering its k-th write: k - 1 values (or k) hold new values.
            let half = netns::changed(&before, &netns::snapshot()).len();
            if half + 1 < k || half > k {
                problems.push(format!("{half} values changed when killed at write {k}"));
            }
            // The next plan reports it; the next apply refuses to run over it.
            let plan = cli(&["plan", "--format", "json", policy().to_str().unwrap()]);
            let doc: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap_or_default();
            if doc["interrupted_apply"]["policy"] != "twenty-four" {
                problems.push(format!("plan does not report it: {}", describe(&plan)));
            }
            let apply = cli(&["apply", policy().to_str().unwrap()]);
            if apply.status.code() != Some(1)
                || !String::from_utf8_lossy(&apply.stderr).contains("tcppolicy recover")
            {
                problems.push(format!("apply ran over it: {}", describe(&apply)));
            }
            let recover = cli(&["recover"]);
            if !recover.status.success() {
                problems.push(format!("recover failed: {}", describe(&recover)));
            }
            let changed = netns::changed(&before, &netns::snapshot());
            if changed != BTreeMap::new() {
                problems.push(format!("after recover: {changed:?}"));
            }
            if exists(&journal()) {
                problems.push("the journal is still there after recover".into());
            }
            // And the system is usable again: a plain apply goes through.
            let again = cli(&["apply", policy().to_str().unwrap()]);
            if !again.status.success() {
                problems.push(format!("apply after recover: {}", describe(&again)));
            }
            (!problems.is_empty())
                .then(|| format!("SIGKILL at write {k}:\n{}", problems.join("\n")))
        });
        failures.extend(failure);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_journal_is_removed_after_success_and_recover_has_nothing_to_do() {
    netns::in_fresh_netns(|| {
        let out = cli(&["apply", policy().to_str().unwrap()]);
        assert!(out.status.success(), "{}", describe(&out));
        assert!(!exists(&journal()));
        let out = cli(&["recover", "--format", "json"]);
        assert!(out.status.success(), "{}", describe(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["command"], "recover");
        assert_eq!(doc["outcome"]["status"], "nothing_to_do");
    });
}

/// A journal from an earlier boot (where /run survives reboots) describes values the
/// reboot already reset: it is reported, never recovered from, and an apply removes it.
#[test]
fn a_journal_of_an_earlier_boot_is_stale_not_an_interrupted_apply() {
    netns::in_fresh_netns(|| {
        let out = apply_with_signal("KILL", 3);
        assert!(out.status.code().is_none(), "{}", describe(&out));
        let text = std::fs::read_to_string(journal()).unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["boot_id"] = "00000000-0000-0000-0000-000000000000".into();
        std::fs::write(journal(), doc.to_string()).unwrap();
        let out = cli(&["plan", "--format", "json", policy().to_str().unwrap()]);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(report["interrupted_apply"].is_null(), "{report:#}");
        assert!(
            report["warnings"].to_string().contains("earlier boot"),
            "{report:#}"
        );
        let out = cli(&["recover"]);
        assert!(out.status.success(), "{}", describe(&out));
        assert!(!exists(&journal()), "recover removed the stale journal");
        let out = cli(&["apply", policy().to_str().unwrap()]);
        assert!(out.status.success(), "{}", describe(&out));
    });
}
