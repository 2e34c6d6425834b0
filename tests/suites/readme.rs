//! The README runs as shown, from a fresh clone's point of view (issue 15).
//!
//! Which blocks run, and how, is the convention written at the top of README.md (an HTML
//! comment) and in ARCHITECTURE.md:
//!
//! - ```` ```console ```` blocks run, each in a fresh network namespace (commands that
//!   apply touch only it) and a scratch directory holding a copy of `examples/` and
//!   `schemas/`. Every `$ ` line is a bash command, continued by the lines after it that
//!   start with `> ` (a shell's second prompt); `sudo` runs its command as is (the suite
//!   runs as root). The lines up to the next `$ ` line are its stdout and stderr,
//!   compared with snapbox: `...` alone on a line matches any lines, `[..]` any text in
//!   a line. A command that exits non-zero must be followed by `$ echo $?`.
//! - ```` ```yaml ```` blocks parse; a policy (top-level `tcppolicy:`) passes
//!   `tcppolicy check --deny warnings` as a file in `examples/`.
//! - ```` ```sh ```` blocks pass `bash -n`.
//!
//! trycmd reads Markdown too, and was the first choice: it cannot run a command inside
//! a network namespace of the test's choosing (it spawns from its own worker threads,
//! and a spawned process inherits the spawning thread's namespace), it runs no shell
//! (`echo $?`, `mkdir`, here-documents, `sudo`), and it writes exit statuses as `? 2`
//! lines a reader would not type. So the blocks are extracted here (pulldown-cmark)
//! and compared with snapbox, the matcher trycmd itself uses, with the same wildcards.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use tcppolicy_tests::{bin, describe, netns, path_with_bin, repo, run_dir};

/// A fenced code block: its language, the README line of its opening fence, its text.
#[derive(Debug, Clone)]
struct Block {
    lang: String,
    line: usize,
    text: String,
}

/// One `$ ` command of a console block and the output shown under it.
#[derive(Debug, Clone)]
struct Step {
    line: usize,
    command: String,
    expected: String,
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).expect("README.md is readable")
}

/// Every fenced code block of a Markdown text, in order.
fn blocks(markdown: &str) -> Vec<Block> {
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                current = Some(Block {
                    lang: info.split_whitespace().next().unwrap_or("").to_string(),
                    line: line_of(range.start),
                    text: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(b) = current.as_mut() {
                    b.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// The commands of a console block with the output shown under each.
fn steps(block: &Block) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut continuing = false;
    for (i, line) in block.text.lines().enumerate() {
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(Step {
                line: block.line + 1 + i,
                command: command.to_string(),
                expected: String::new(),
            });
            continuing = true;
            continue;
        }
        let step = out.last_mut().unwrap_or_else(|| {
            panic!(
                "README.md:{}: a console block starts with a `$ ` command",
                block.line
            )
        });
        match line.strip_prefix("> ").or((line == ">").then_some("")) {
            Some(more) if continuing => {
                step.command.push('\n');
                step.command.push_str(more);
            }
            _ => {
                continuing = false;
                step.expected.push_str(line);
                step.expected.push('\n');
            }
        }
    }
    out
}

/// A scratch directory with what a fresh clone has at the paths the README uses.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["examples", "schemas"] {
        copy_tree(&repo().join(sub), &dir.path().join(sub));
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Output with its trailing blank lines trimmed and one final newline.
fn settle(text: &str) -> String {
    let text = text.trim_end_matches('\n');
    if text.is_empty() {
        String::new()
    } else {
        format!("{text}\n")
    }
}

/// Run a console block in a fresh network namespace; every mismatch, described.
fn run_console(block: &Block) -> Vec<String> {
    let steps = steps(block);
    let dir = scratch();
    let cwd = dir.path().to_path_buf();
    let results = netns::in_fresh_netns(move || {
        let mut prev = 0;
        let mut results = Vec::new();
        for step in &steps {
            // `(exit N)` gives `echo $?` the previous command's status, as in one shell.
            let script = format!(
                "exec 2>&1\nsudo() {{ \"$@\"; }}\n(exit {prev})\n{}\n",
                step.command
            );
            let out = Command::new("bash")
                .args(["--noprofile", "--norc", "-c", &script])
                .current_dir(&cwd)
                .env("PATH", path_with_bin())
                .env("TCPPOLICY_RUN_DIR", run_dir())
                .env("NO_COLOR", "1")
                .env_remove("COLUMNS")
                .output()
                .expect("bash runs");
            prev = out.status.code().unwrap_or(128);
            results.push((step.clone(), out));
        }
        results
    });
    drop(dir);
    let mut failures = Vec::new();
    for (i, (step, out)) in results.iter().enumerate() {
        let actual = settle(&String::from_utf8_lossy(&out.stdout));
        let expected = settle(&step.expected);
        let name = format!("README.md:{}: $ {}", step.line, step.command);
        let assert = snapbox::Assert::new().palette(snapbox::report::Palette::plain());
        if let Err(e) = assert.try_eq(
            Some(&name),
            snapbox::Data::text(actual.clone()),
            snapbox::Data::text(expected),
        ) {
            failures.push(format!(
                "{name}\n{e}\nthe whole output:\n{actual}{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let status = out.status.code();
        let shown = results
            .get(i + 1)
            .is_some_and(|(next, _)| next.command.trim() == "echo $?");
        if status != Some(0) && !shown {
            failures.push(format!(
                "{name}\nexits with {status:?}, and no `$ echo $?` follows to show it\n{}",
                describe(out)
            ));
        }
    }
    failures
}

#[test]
fn readme_console_blocks_run_as_shown() {
    let blocks: Vec<Block> = blocks(&readme())
        .into_iter()
        .filter(|b| b.lang == "console")
        .collect();
    assert!(
        blocks.len() >= 6,
        "the README's console blocks were not found: {blocks:?}"
    );
    let mut failures = Vec::new();
    let mut commands = 0;
    for block in &blocks {
        commands += steps(block).len();
        failures.extend(run_console(block));
    }
    assert!(commands >= 15, "only {commands} commands found");
    assert!(
        failures.is_empty(),
        "{} of the README's {commands} commands do not run as shown:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn readme_policies_pass_check_deny_warnings() {
    let dir = scratch();
    let mut failures = String::new();
    let mut policies = 0;
    for (i, block) in blocks(&readme())
        .into_iter()
        .filter(|b| b.lang == "yaml")
        .enumerate()
    {
        let doc: serde_json::Value = match serde_saphyr::from_str(&block.text) {
            Ok(doc) => doc,
            Err(e) => {
                let _ = writeln!(failures, "README.md:{}: not YAML: {e}", block.line);
                continue;
            }
        };
        if doc.get("tcppolicy").is_none() {
            continue;
        }
        policies += 1;
        let file = dir.path().join(format!("examples/readme-{i}.yaml"));
        std::fs::write(&file, &block.text).unwrap();
        let out = Command::new(bin())
            .args(["check", "--deny", "warnings"])
            .arg(&file)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        if !out.status.success() {
            let _ = writeln!(
                failures,
                "README.md:{}: the policy fails `tcppolicy check --deny warnings`:\n{}",
                block.line,
                describe(&out)
            );
        }
    }
    assert!(policies >= 1, "the README's policy example was not found");
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn readme_shell_blocks_are_valid_shell() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = String::new();
    let mut count = 0;
    for block in blocks(&readme()).into_iter().filter(|b| b.lang == "sh") {
        count += 1;
        let file = dir.path().join("block.sh");
        std::fs::write(&file, &block.text).unwrap();
        let out = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        if !out.status.success() {
            let _ = writeln!(
                failures,
                "README.md:{}: `bash -n` fails:\n{}",
                block.line,
                describe(&out)
            );
        }
    }
    assert!(count >= 5, "only {count} sh blocks found");
    assert!(failures.is_empty(), "{failures}");
}

/// The convention is written where an editor of the README sees it.
#[test]
fn readme_states_which_blocks_run() {
    let text = readme();
    let head = text.split("## ").next().unwrap_or_default();
    for needle in [
        "tests/suites/readme.rs",
        "```console blocks run",
        "```yaml blocks",
        "```sh blocks must pass `bash -n`",
    ] {
        assert!(
            head.contains(needle),
            "the README's opening comment lost `{needle}`"
        );
    }
}

/// The extraction itself: commands, continuation lines and expected output.
#[test]
fn console_steps_split_commands_continuations_and_output() {
    let block = Block {
        lang: "console".into(),
        line: 10,
        text: "$ cat > a <<'EOF'\n> x: 1\n> EOF\n$ tcppolicy check a\nout\n> not a continuation\n$ echo $?\n1\n"
            .into(),
    };
    let s = steps(&block);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].command, "cat > a <<'EOF'\nx: 1\nEOF");
    assert_eq!((s[0].line, s[0].expected.as_str()), (11, ""));
    assert_eq!(s[1].expected, "out\n> not a continuation\n");
    assert_eq!((s[2].line, s[2].expected.as_str()), (17, "1\n"));
}
