//! How output behaves where users meet it: colour only on a terminal, `NO_COLOR`
//! honoured, a closed pipe is not an error.

use std::process::Command;
use tcppolicy_tests::{bin, describe, on_a_terminal, repo};

/// Run `tcppolicy check` on a policy with errors under a pseudo-terminal (`script`).
fn check_on_a_terminal(no_color: bool) -> String {
    let policy = repo().join("tests/cmd/check-errors.in/web.yaml");
    let command = format!("{} check {}", bin().display(), policy.display());
    on_a_terminal(&command, &repo(), no_color)
}

#[test]
fn diagnostics_are_coloured_on_a_terminal() {
    let out = check_on_a_terminal(false);
    assert!(out.contains("error[TP306]"), "{out}");
    assert!(
        out.contains("\u{1b}["),
        "no ANSI colour on a terminal:\n{out}"
    );
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    let out = check_on_a_terminal(true);
    assert!(out.contains("error[TP306]"), "{out}");
    assert!(!out.contains("\u{1b}["), "colour despite NO_COLOR:\n{out}");
}

#[test]
fn output_to_a_pipe_has_no_colour() {
    let policy = repo().join("tests/cmd/check-errors.in/web.yaml");
    let out = Command::new(bin())
        .arg("check")
        .arg(&policy)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\u{1b}'),
        "{}",
        describe(&out)
    );
}

#[test]
fn a_closed_pipe_ends_the_command_quietly_with_status_zero() {
    let out = Command::new("bash")
        .args([
            "-c",
            &format!(
                "set -o pipefail; {} catalog --format json | head -n 1",
                bin().display()
            ),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(out.stderr.is_empty(), "{}", describe(&out));
}

/// Every JSON document tcppolicy prints carries one version key with one value,
/// `"format_version": 2` (issue 15: `check` said `version`, the reports `format`).
#[test]
fn every_json_document_has_the_one_version_key() {
    let fixtures = repo().join("tests/cmd/diff-syn-retries.in");
    let api = fixtures.join("new.yaml");
    let old = fixtures.join("old.yaml");
    let run = |args: Vec<std::ffi::OsString>| -> serde_json::Value {
        let out = tcppolicy_tests::command().args(&args).output().unwrap();
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", describe(&out)))
    };
    let os = |args: &[&dyn AsRef<std::ffi::OsStr>]| -> Vec<std::ffi::OsString> {
        args.iter().map(|a| a.as_ref().to_os_string()).collect()
    };
    let mut documents = vec![
        ("check", run(os(&[&"check", &"--format", &"json", &api]))),
        ("catalog", run(os(&[&"catalog", &"--format", &"json"]))),
        (
            "diff",
            run(os(&[&"diff", &"--format", &"json", &old, &api])),
        ),
    ];
    let (a, r) = (api.clone(), run);
    let live = tcppolicy_tests::netns::in_fresh_netns(move || {
        ["plan", "apply"]
            .map(|verb| (verb, r(os(&[&verb, &"--format", &"json", &a]))))
            .into_iter()
            .chain([("recover", r(os(&[&"recover", &"--format", &"json"])))])
            .collect::<Vec<_>>()
    });
    documents.extend(live);
    for (command, doc) in &documents {
        assert_eq!(doc["format_version"], 2, "`{command}`: {doc:#}");
        for other in ["version", "format"] {
            assert!(
                doc.get(other).is_none(),
                "`{command}` has `{other}`: {doc:#}"
            );
        }
    }
    assert_eq!(documents.len(), 6);
    assert!(
        documents[1].1["parameters"]
            .as_array()
            .is_some_and(|p| p.len() > 100)
    );
}
