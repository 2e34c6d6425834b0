//! Generated files are committed and must match what the code generates now:
//! shell completions and man pages (the schema has its own test in tcppolicy-core).
//! Regenerate them with `scripts/update-assets`.
//!
//! And what a newcomer reads in them reads cleanly (issue 15): `--help` and the man pages
//! at 80 columns (rendered by the real `man`, groff and tbl), and the completions run in
//! the real bash and fish (zsh: its syntax check).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcppolicy_tests::{cli, command, describe, repo};

/// Every command with a help page and a man page of its own.
const COMMANDS: &[&str] = &[
    "check",
    "explain",
    "plan",
    "apply",
    "recover",
    "diff",
    "import",
    "emit",
    "schema",
    "catalog",
    "completions",
    "man",
];

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
    assert!(main.contains(".SH \"EXIT STATUS\""), "{main}");
}

#[test]
fn every_command_has_help_with_examples() {
    for command in COMMANDS {
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

/// `tcppolicy [COMMAND] --help` with the terminal width given by `COLUMNS`.
fn help(command: Option<&str>, columns: usize) -> String {
    let mut c = command_at(columns);
    c.args(command).arg("--help");
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn command_at(columns: usize) -> Command {
    let mut c = command();
    c.env("COLUMNS", columns.to_string()).env("NO_COLOR", "1");
    c
}

/// From `Examples:` on: what the help says after the options.
fn examples_on(help: &str) -> &str {
    &help[help.find("\nExamples:\n").expect("an Examples section")..]
}

/// At 80 columns nothing of a help page is wider than 80, and its examples, description
/// and exit status are laid out exactly as on an unlimited terminal: no example line,
/// comment or paragraph is split by clap's wrapping (issue 15: `apply --help` printed
/// `# ` alone on a line at 80 columns).
#[test]
fn help_reads_cleanly_at_80_columns() {
    for command in std::iter::once(None).chain(COMMANDS.iter().map(|c| Some(*c))) {
        let narrow = help(command, 80);
        let wide = help(command, 1000);
        for line in narrow.lines() {
            assert!(
                line.chars().count() <= 80,
                "`{command:?} --help` has a line over 80 columns: {line}"
            );
        }
        assert_eq!(
            examples_on(&narrow),
            examples_on(&wide),
            "`{command:?} --help`: clap rewrapped the examples at 80 columns"
        );
        // The text above the examples (description, target and column legends) too.
        let after_options = |h: &str| {
            let from = h.find("Print help").map_or(0, |i| i);
            h[from..].lines().skip(2).collect::<Vec<_>>().join("\n")
        };
        assert_eq!(
            after_options(&narrow),
            after_options(&wide),
            "`{command:?} --help`: the description was rewrapped at 80 columns"
        );
    }
}

/// `catalog --help` explains every SCOPE the table shows.
#[test]
fn catalog_help_has_the_scope_legend() {
    let text = help(Some("catalog"), 80);
    let out = cli(&["catalog"]);
    let table = String::from_utf8(out.stdout).unwrap();
    let header = table.lines().next().unwrap();
    let (from, to) = (
        header.find("SCOPE").unwrap(),
        header.find("KERNELS").unwrap(),
    );
    let scopes: BTreeSet<&str> = table.lines().skip(1).map(|l| l[from..to].trim()).collect();
    assert_eq!(
        scopes,
        BTreeSet::from(["global", "host", "netns", "read-only"]),
        "{table}"
    );
    for scope in scopes {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{scope}  "))),
            "`catalog --help` does not explain SCOPE `{scope}`:\n{text}"
        );
    }
}

/// A committed man page rendered by the real `man` at 80 columns.
fn man_at_80(page: &Path) -> String {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANWIDTH", "80")
        .env("LANG", "C.UTF-8")
        .env_remove("MANPAGER")
        .env_remove("PAGER")
        .output()
        .expect("man (man-db) runs; scripts/test installs it");
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        out.stderr.is_empty(),
        "{} renders with warnings: {}",
        page.display(),
        describe(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The lines of a rendered page's section (between its heading and the next).
fn section<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != name)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect()
}

fn man_pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repo().join("assets/man"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    pages
}

/// Every man page reads cleanly at 80 columns: a real NAME, a DESCRIPTION that does not
/// repeat it, a SYNOPSIS with value placeholders, the exit status as a table, examples as
/// written (never refilled or hyphenated), and SEE ALSO naming only pages that exist.
#[test]
fn man_pages_read_cleanly_at_80_columns() {
    let pages = man_pages();
    let names: BTreeSet<String> = pages
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for command in COMMANDS {
        assert!(
            names.contains(&format!("tcppolicy-{command}.1")),
            "{names:?}"
        );
    }
    assert!(names.contains("tcppolicy-policy.5"), "{names:?}");
    for page in &pages {
        let file = page.file_name().unwrap().to_string_lossy().into_owned();
        let (stem, _) = file.rsplit_once('.').unwrap();
        let source = std::fs::read_to_string(page).unwrap();
        let text = man_at_80(page);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{file}: over 80 columns: {line}"
            );
            assert!(!line.contains('\u{2010}'), "{file}: hyphenated: {line}");
        }
        // NAME: `tcppolicy-plan - Show what ...`, not the crate's description.
        let name = section(&text, "NAME").join(" ");
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            name.starts_with(&format!("{stem} - ")),
            "{file}: NAME is `{name}`"
        );
        assert!(!name.contains("tcppolicy:"), "{file}: NAME is `{name}`");
        let summary = name.split_once(" - ").unwrap().1.to_string();
        // DESCRIPTION says more than the summary.
        let description = section(&text, "DESCRIPTION").join(" ");
        let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            description.len() > summary.len() + 40 && !description.starts_with(&summary),
            "{file}: DESCRIPTION repeats NAME: {description}"
        );
        // EXAMPLES: every line of the `.EX` block, as written, at the page's indent.
        let mut in_example = false;
        let mut example_lines = 0;
        for line in source.lines() {
            match line {
                ".EX" => in_example = true,
                ".EE" => in_example = false,
                l if in_example && !l.is_empty() => {
                    let written = l.trim_start_matches("\\&").replace("\\-", "-");
                    let written = written.replace("\\*(Aq", "'").replace("\\\\", "\\");
                    example_lines += 1;
                    assert!(
                        text.lines().any(|r| r.trim_start() == written.trim_start()
                            && r.len() - r.trim_start().len() >= 7),
                        "{file}: the example line `{written}` is not shown as written:\n{text}"
                    );
                }
                _ => {}
            }
        }
        assert!(example_lines > 0, "{file} has no examples");
        // SEE ALSO: only pages that exist, never clap's `help`.
        let see_also = section(&text, "SEE ALSO").join(" ");
        assert!(!see_also.contains("tcppolicy-help"), "{file}: {see_also}");
        for reference in see_also
            .split([',', ' '])
            .filter(|r| r.starts_with("tcppolicy"))
        {
            let (page_name, section) = reference.trim_end_matches(')').split_once('(').unwrap();
            assert!(
                names.contains(&format!("{page_name}.{section}")),
                "{file}: SEE ALSO names {reference}, which is not a page"
            );
        }
        if file.ends_with(".5") {
            continue;
        }
        // SYNOPSIS: every option that takes a value (`\fB\-\-root\fR \fIDIR\fR` in
        // OPTIONS) shows its placeholder.
        let synopsis = section(&text, "SYNOPSIS").join(" ");
        let synopsis = synopsis.split_whitespace().collect::<Vec<_>>().join(" ");
        let lines: Vec<&str> = source.lines().collect();
        let options = lines
            .iter()
            .skip_while(|l| **l != ".SH OPTIONS")
            .take_while(|l| !l.starts_with(".SH EXIT") && !l.starts_with(".SH \"EXIT"));
        let mut placeholders = 0;
        for (head, next) in options.clone().zip(options.skip(1)) {
            if *head != ".TP" || !next.starts_with("\\fB\\-") || !next.contains("\\fI") {
                continue;
            }
            let plain = next
                .replace("\\fB", "")
                .replace("\\fI", "")
                .replace("\\fR", "")
                .replace("\\-", "-");
            let long = plain.rsplit(", ").next().unwrap();
            if long.starts_with("--") {
                placeholders += 1;
                assert!(
                    synopsis.contains(&format!("[{long}]")),
                    "{file}: SYNOPSIS lacks `[{long}]`: {synopsis}"
                );
            }
        }
        let takes_values = ["plan.1", "apply.1", "check.1", "import.1", "man.1"];
        if takes_values.iter().any(|f| file.ends_with(f)) {
            assert!(placeholders > 0, "{file}: no option with a value found");
        }
        // EXIT STATUS: a table, each status on the line of its meaning.
        let exit = section(&text, "EXIT STATUS");
        let rows: Vec<&&str> = exit
            .iter()
            .filter(|l| {
                l.split_whitespace()
                    .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                    .is_some()
                    && l.trim_start()
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
            })
            .collect();
        if file == "tcppolicy.1" {
            for command in ["check", "plan", "apply", "diff", "others"] {
                assert!(
                    exit.iter()
                        .any(|l| l.trim_start().starts_with(&format!("{command} "))
                            && l.split_whitespace().nth(1).is_some_and(|w| w == "0")
                            && l.split_whitespace().count() > 2),
                    "{file}: no exit status row for {command}:\n{}",
                    exit.join("\n")
                );
            }
        } else {
            assert!(
                rows.iter().any(|l| {
                    let mut w = l.split_whitespace();
                    w.next() == Some("0") && w.next().is_some()
                }),
                "{file}: EXIT STATUS is not a table:\n{}",
                exit.join("\n")
            );
        }
    }
}

/// tcppolicy-policy(5) is generated from the schema and the catalog: every top-level
/// field and every parameter is on it.
#[test]
fn the_policy_page_describes_the_language() {
    let text = man_at_80(&repo().join("assets/man/tcppolicy-policy.5"));
    let fields = section(&text, "FIELDS").join("\n");
    for field in [
        "tcppolicy",
        "name",
        "extends",
        "kernel",
        "container",
        "allow",
        "settings",
    ] {
        assert!(
            fields.lines().any(|l| l.trim_start().starts_with(field)),
            "FIELDS lacks `{field}`:\n{fields}"
        );
    }
    let settings = section(&text, "SETTINGS").join("\n");
    for key in ["value", "at_least", "at_most", "rationale"] {
        assert!(settings.contains(key), "SETTINGS lacks `{key}`");
    }
    let parameters = section(&text, "PARAMETERS").join("\n");
    for p in tcppolicy_core::catalog::PARAMS {
        assert!(parameters.contains(p.name), "PARAMETERS lacks {}", p.name);
    }
    let allow = section(&text, "ALLOW").join("\n");
    assert!(allow.contains("TP507 syncookies-disabled"), "{allow}");
}

/// Run the committed bash completion in bash: COMP_WORDS/COMP_CWORD set as bash sets
/// them, the completion function called, COMPREPLY printed.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = repo().join("assets/completions/tcppolicy.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n\
         _tcppolicy tcppolicy '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", describe(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Bash offers the targets for `--target` (not file names) and the parameters and
/// codes for `explain` (issue 15).
#[test]
fn bash_completes_targets_parameters_and_codes() {
    let targets = bash_complete(&["tcppolicy", "plan", "--target", ""]);
    assert_eq!(targets, ["live", "sysctl.d", "sysctl.d:", "ansible:"]);
    assert_eq!(
        bash_complete(&["tcppolicy", "apply", "--target", "an"]),
        ["ansible:"]
    );
    let mut params = bash_complete(&["tcppolicy", "explain", "net.ipv4.tcp_keepalive_"]);
    params.sort();
    assert_eq!(
        params,
        [
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
            "net.ipv4.tcp_keepalive_time",
        ]
    );
    let short = bash_complete(&["tcppolicy", "explain", "tcp_syn_ret"]);
    assert_eq!(short, ["tcp_syn_retries"]);
    let codes = bash_complete(&["tcppolicy", "explain", "TP50"]);
    assert!(codes.contains(&"TP507".to_string()), "{codes:?}");
    let names = bash_complete(&["tcppolicy", "explain", "syncookies-"]);
    assert_eq!(names, ["syncookies-disabled"]);
}

fn shell_checks(shell: &str, args: &[&str], file: &str) -> Output {
    Command::new(shell)
        .args(args)
        .arg(repo().join("assets/completions").join(file))
        .output()
        .unwrap_or_else(|e| panic!("{shell} runs ({e}); scripts/test installs it"))
}

/// The zsh and fish scripts parse; fish, which can complete a command line without a
/// terminal, offers the same targets, parameters and codes as bash.
#[test]
fn zsh_and_fish_completions_parse_and_fish_completes() {
    let out = shell_checks("zsh", &["-n"], "_tcppolicy");
    assert!(out.status.success(), "{}", describe(&out));
    let out = shell_checks("fish", &["--no-execute"], "tcppolicy.fish");
    assert!(out.status.success(), "{}", describe(&out));
    let zsh = std::fs::read_to_string(repo().join("assets/completions/_tcppolicy")).unwrap();
    assert!(zsh.contains("sysctl.d\\:") && zsh.contains("net.ipv4.tcp_syn_retries"));
    let complete = |line: &str| -> Vec<String> {
        let script = repo().join("assets/completions/tcppolicy.fish");
        let out = Command::new("fish")
            .args(["--no-config", "-c"])
            .arg(format!(
                "source '{}'; complete --do-complete '{line}'",
                script.display()
            ))
            .output()
            .expect("fish runs");
        assert!(out.status.success(), "{}", describe(&out));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    let mut targets = complete("tcppolicy plan --target ");
    targets.sort();
    assert_eq!(targets, ["ansible:", "live", "sysctl.d", "sysctl.d:"]);
    let params = complete("tcppolicy explain net.ipv4.tcp_syn_r");
    assert_eq!(params, ["net.ipv4.tcp_syn_retries"]);
    let codes = complete("tcppolicy explain TP50");
    assert!(codes.contains(&"TP507".to_string()), "{codes:?}");
}
