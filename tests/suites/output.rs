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
