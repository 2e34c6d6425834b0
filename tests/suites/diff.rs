//! `tcppolicy diff` (issue 14): the JSON document against its committed schema, `--git`
//! against temporary git repositories with real commits made by the real `git`, the
//! `extends` checks for policies read from a revision, hostile policy text in every
//! output, the example CI workflow's diff step, and the README's example comment.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use tcppolicy_tests::{bin, describe, on_a_terminal, path_with_bin, repo};

/// Run `git ARGS` in `dir` and return its stdout; panics on failure.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs (scripts/test installs it)");
    assert!(out.status.success(), "git {args:?}: {}", describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A temporary git repository.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        Repo { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, message: &str) -> String {
        git(self.path(), &["add", "-A"]);
        git(
            self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
        );
        git(self.path(), &["rev-parse", "HEAD"]).trim().to_string()
    }

    /// `tcppolicy ARGS` run in `rel` below the repository.
    fn tcppolicy(&self, rel: &str, args: &[&str]) -> Output {
        Command::new(bin())
            .args(args)
            .current_dir(self.path().join(rel))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// `tcppolicy diff --format json ARGS` in `rel`, checked against the schema.
    fn diff_json(&self, rel: &str, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["diff", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.tcppolicy(rel, &all);
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", describe(&out)));
        assert_schema(&doc);
        (out.status.code().unwrap_or(-1), doc)
    }
}

fn policy(name: &str, extends: &[&str], settings: &[(&str, &str)]) -> String {
    let mut s = format!("tcppolicy: 1\nname: {name}\n");
    if !extends.is_empty() {
        s.push_str(&format!("extends: [{}]\n", extends.join(", ")));
    }
    s.push_str(if settings.is_empty() {
        "settings: {}\n"
    } else {
        "settings:\n"
    });
    for (key, value) in settings {
        s.push_str(&format!(
            "  {key}:\n    value: {value}\n    rationale: Because of {key}.\n"
        ));
    }
    s
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schemas/tcppolicy-diff.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the committed schema is a valid JSON Schema")
}

fn assert_schema(doc: &Value) {
    let errors: Vec<String> = validator()
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{errors:#?}\n{}",
        serde_json::to_string_pretty(doc).unwrap()
    );
}

/// (policy path, status) of every listed policy.
fn statuses(doc: &Value) -> Vec<(String, String)> {
    doc["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn policy_at<'a>(doc: &'a Value, path: &str) -> &'a Value {
    doc["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == path)
        .unwrap_or_else(|| panic!("no policy `{path}` in {doc:#}"))
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

/// Every `diff` case of `tests/cmd` (a `.toml` whose arguments start with `diff`), run
/// with `--format json`: the document matches the committed schema, and `ok`/`equal`
/// agree with the exit status.
#[test]
fn json_of_every_fixture_pair_matches_the_committed_schema_version_2() {
    let cmd = repo().join("tests/cmd");
    let mut seen = 0;
    for entry in std::fs::read_dir(&cmd).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("diff-") && name.ends_with(".toml")) {
            continue;
        }
        let case: toml_lite::Case = toml_lite::parse(&std::fs::read_to_string(&path).unwrap());
        if case.args.len() != 3 || case.args[0] != "diff" {
            continue; // usage cases, and the format variants of the same pair
        }
        let dir = cmd.join(case.cwd.unwrap_or_else(|| name.replace(".toml", ".in")));
        let out = Command::new(bin())
            .args(["diff", "--format", "json", &case.args[1], &case.args[2]])
            .current_dir(&dir)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", describe(&out)));
        assert_schema(&doc);
        assert_eq!(doc["format_version"], 2, "{name}");
        let code = out.status.code();
        let expected = match (doc["ok"].as_bool(), doc["equal"].as_bool()) {
            (Some(false), _) => Some(1),
            (Some(true), Some(true)) => Some(0),
            _ => Some(2),
        };
        assert_eq!(code, expected, "{name}: {}", describe(&out));
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} fixture pairs");
}

/// The smallest reader of the `args`/`fs.cwd` lines of a trycmd case.
mod toml_lite {
    pub struct Case {
        pub args: Vec<String>,
        pub cwd: Option<String>,
    }

    pub fn parse(text: &str) -> Case {
        let mut case = Case {
            args: Vec::new(),
            cwd: None,
        };
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("args = ") {
                case.args = serde_json::from_str(rest).expect("args is a JSON-compatible array");
            } else if let Some(rest) = line.strip_prefix("fs.cwd = ") {
                case.cwd = Some(serde_json::from_str(rest).expect("fs.cwd is a string"));
            }
        }
        case
    }
}

/// A repository with a base, two policies extending it (one through a middle file), a
/// policy that overrides what changes, and an unrelated one.
fn fleet() -> Repo {
    let r = Repo::new();
    r.write(
        "policies/common/base.yaml",
        &policy(
            "base",
            &[],
            &[
                ("net.ipv4.tcp_keepalive_time", "2m"),
                ("net.ipv4.tcp_retries2", "10"),
            ],
        ),
    );
    r.write(
        "policies/common/mid.yaml",
        &policy("mid", &["base.yaml"], &[("net.core.somaxconn", "4096")]),
    );
    r.write(
        "policies/web.yaml",
        &policy(
            "web",
            &["common/mid.yaml"],
            &[("net.ipv4.tcp_fin_timeout", "15s")],
        ),
    );
    r.write(
        "policies/api.yaml",
        &policy(
            "api",
            &["common/base.yaml"],
            &[("net.ipv4.tcp_syn_retries", "3")],
        ),
    );
    r.write(
        "policies/batch.yaml",
        &policy(
            "batch",
            &["common/base.yaml"],
            &[("net.ipv4.tcp_retries2", "15")],
        ),
    );
    r.write(
        "policies/solo.yaml",
        &policy("solo", &[], &[("net.ipv4.tcp_sack", "1")]),
    );
    r.write("README.md", "policies\n");
    r.commit("fleet");
    r
}

#[test]
fn git_mode_with_no_change_is_equal_and_compiles_nothing_twice() {
    let r = fleet();
    // Broken before and after, and untouched: not this change's business.
    r.write(
        "policies/orphan.yaml",
        &policy("orphan", &["never-there.yaml"], &[]),
    );
    r.commit("an orphan");
    let (code, doc) = r.diff_json("", &["--git", "HEAD"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["equal"], true);
    assert!(doc["policies"].as_array().unwrap().is_empty(), "{doc:#}");
    assert_eq!(doc["summary"]["unchanged"], 7);
    assert_eq!(doc["git"]["rev"], "HEAD");
    assert_eq!(
        doc["git"]["commit"].as_str().unwrap(),
        git(r.path(), &["rev-parse", "HEAD"]).trim()
    );
}

#[test]
fn git_mode_shows_a_base_change_in_every_policy_that_extends_it() {
    let r = fleet();
    r.write(
        "policies/common/base.yaml",
        &policy(
            "base",
            &[],
            &[
                ("net.ipv4.tcp_keepalive_time", "5m"),
                ("net.ipv4.tcp_retries2", "6"),
            ],
        ),
    );
    let (code, doc) = r.diff_json("", &["--git", "HEAD"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(
        statuses(&doc),
        [
            ("policies/api.yaml".into(), "changed".into()),
            ("policies/batch.yaml".into(), "changed".into()),
            ("policies/common/base.yaml".into(), "changed".into()),
            ("policies/common/mid.yaml".into(), "changed".into()),
            ("policies/web.yaml".into(), "changed".into()),
        ]
    );
    // solo.yaml extends nothing that changed: not even compiled against the revision.
    assert_eq!(doc["summary"]["unchanged"], 1);
    let web = policy_at(&doc, "policies/web.yaml");
    let keys: Vec<&str> = web["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_retries2"]
    );
    let retries = &web["settings"][1];
    assert_eq!(retries["old"]["desired"], "10");
    assert_eq!(retries["new"]["desired"], "6");
    assert_eq!(retries["old"]["source"], "policies/common/base.yaml:7");
    assert_eq!(retries["kernel_default"], "15");
    let figures: Vec<&str> = web["derived"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["figure"].as_str().unwrap())
        .collect();
    assert_eq!(figures, ["keepalive_detection", "established_timeout"]);
    assert_eq!(web["derived"][1]["new"]["text"], "at least 25.4 s");
    assert_eq!(codes(&web["diagnostics"]["introduced"]), ["TP601"]);
    assert_eq!(
        web["diagnostics"]["introduced"][0]["key"],
        "net.ipv4.tcp_retries2"
    );
    // batch overrides tcp_retries2: only the keepalive change reaches it.
    let batch = policy_at(&doc, "policies/batch.yaml");
    assert_eq!(batch["settings"].as_array().unwrap().len(), 1);
    assert!(
        batch["diagnostics"]["introduced"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn git_mode_compares_with_older_commits_and_from_a_subdirectory() {
    let r = fleet();
    r.write(
        "policies/api.yaml",
        &policy(
            "api",
            &["common/base.yaml"],
            &[("net.ipv4.tcp_syn_retries", "2")],
        ),
    );
    r.commit("api: fail faster");
    r.write(
        "policies/api.yaml",
        &policy(
            "api",
            &["common/base.yaml"],
            &[("net.ipv4.tcp_syn_retries", "1")],
        ),
    );
    // Against HEAD~1 (two changes ago) from inside policies/, naming the file.
    let (code, doc) = r.diff_json("policies", &["--git", "HEAD~1", "api.yaml"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(statuses(&doc), [("api.yaml".into(), "changed".into())]);
    let s = &doc["policies"][0]["settings"][0];
    assert_eq!(
        (&s["old"]["desired"], &s["new"]["desired"]),
        (&"3".into(), &"1".into())
    );
    assert_eq!(
        doc["policies"][0]["derived"][0]["old"]["text"],
        "19 s (8 SYNs)"
    );
    // A named policy the change does not touch is listed as unchanged.
    let (code, doc) = r.diff_json("policies", &["--git", "HEAD", "web.yaml"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(statuses(&doc), [("web.yaml".into(), "unchanged".into())]);
}

#[test]
fn git_mode_reformatting_is_no_change() {
    let r = fleet();
    r.write(
        "policies/common/base.yaml",
        "# Reformatted: other order, plain seconds, flow style.\ntcppolicy: 1\nname: base\nsettings:\n  net.ipv4.tcp_retries2: {value: 10, rationale: Because of net.ipv4.tcp_retries2.}\n  net.ipv4.tcp_keepalive_time:\n    value: 120\n    rationale: >-\n      Because of\n      net.ipv4.tcp_keepalive_time.\n",
    );
    let (code, doc) = r.diff_json("", &["--git", "HEAD"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(
        statuses(&doc).iter().all(|(_, s)| s == "unchanged"),
        "{doc:#}"
    );
    assert_eq!(doc["policies"].as_array().unwrap().len(), 5);
}

#[test]
fn git_mode_reports_added_deleted_renamed_and_untracked_policies() {
    let r = fleet();
    std::fs::remove_file(r.path().join("policies/solo.yaml")).unwrap();
    git(
        r.path(),
        &["mv", "policies/batch.yaml", "policies/batch-jobs.yaml"],
    );
    r.write(
        "policies/cache.yaml",
        &policy("cache", &[], &[("net.ipv4.tcp_syn_retries", "2")]),
    );
    // A YAML file that becomes a policy, and a policy that stops being one.
    r.write("policies/notes.yaml", "title: not a policy yet\n");
    r.commit("reshuffle");
    r.write(
        "policies/notes.yaml",
        &policy("notes", &[], &[("net.ipv4.tcp_sack", "1")]),
    );
    r.write("policies/api.yaml", "title: no longer a policy\n");
    // Untracked and not ignored: counts as added. Ignored: not seen.
    r.write(
        "policies/new.yaml",
        &policy("new", &["common/base.yaml"], &[]),
    );
    r.write(".gitignore", "policies/scratch.yaml\n");
    r.write(
        "policies/scratch.yaml",
        &policy("scratch", &[], &[("net.ipv4.tcp_sack", "1")]),
    );
    let (code, doc) = r.diff_json("", &["--git", "HEAD~1"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(
        statuses(&doc),
        [
            ("policies/api.yaml".into(), "removed".into()),
            ("policies/batch-jobs.yaml".into(), "unchanged".into()),
            ("policies/cache.yaml".into(), "added".into()),
            ("policies/new.yaml".into(), "added".into()),
            ("policies/notes.yaml".into(), "added".into()),
            ("policies/solo.yaml".into(), "removed".into()),
        ]
    );
    let renamed = policy_at(&doc, "policies/batch-jobs.yaml");
    assert_eq!(renamed["renamed_from"], "policies/batch.yaml");
    let removed = policy_at(&doc, "policies/solo.yaml");
    assert_eq!(removed["new"], Value::Null);
    assert_eq!(removed["settings"][0]["change"], "removed");
    let added = policy_at(&doc, "policies/cache.yaml");
    assert_eq!(added["old"], Value::Null);
    assert_eq!(added["derived"][0]["new"]["text"], "7 s (6 SYNs)");
    // A deleted file named on the command line.
    let (code, doc) = r.diff_json("", &["--git", "HEAD~1", "policies/solo.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(
        statuses(&doc),
        [("policies/solo.yaml".into(), "removed".into())]
    );
}

#[test]
fn git_mode_a_deleted_base_breaks_the_policies_that_extend_it() {
    let r = fleet();
    std::fs::remove_file(r.path().join("policies/common/mid.yaml")).unwrap();
    let (code, doc) = r.diff_json("", &["--git", "HEAD"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["ok"], false);
    let web = policy_at(&doc, "policies/web.yaml");
    assert_eq!(web["status"], "broken");
    assert_eq!(codes(&web["errors"]), ["TP202"]);
    assert_eq!(
        policy_at(&doc, "policies/common/mid.yaml")["status"],
        "removed"
    );
    let human = r.tcppolicy("", &["diff", "--git", "HEAD"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("! `web` (policies/web.yaml): does not compile (1 error)"),
        "{text}"
    );
    assert!(text.contains("error[TP202]"), "{text}");
}

/// The revision's policies go through the same `extends` checks as files on disk:
/// escape from the policy's directory (also through a symbolic link stored in the tree),
/// cycles, missing files, the size limit.
#[test]
fn git_mode_keeps_every_extends_check_for_the_revision() {
    let r = Repo::new();
    r.write(
        "secret.yaml",
        &policy("secret", &[], &[("net.ipv4.tcp_sack", "0")]),
    );
    r.write(
        "policies/escape.yaml",
        &policy("escape", &["../secret.yaml"], &[]),
    );
    r.write("policies/a.yaml", &policy("a", &["b.yaml"], &[]));
    r.write("policies/b.yaml", &policy("b", &["a.yaml"], &[]));
    r.write("policies/lost.yaml", &policy("lost", &["gone.yaml"], &[]));
    std::os::unix::fs::symlink("../secret.yaml", r.path().join("policies/link.yaml")).unwrap();
    r.write(
        "policies/linked.yaml",
        &policy("linked", &["link.yaml"], &[]),
    );
    let mut big = policy("big", &[], &[("net.ipv4.tcp_sack", "1")]);
    big.push_str(&format!("# {}\n", "x".repeat(2 << 20)));
    r.write("policies/big.yaml", &big);
    r.commit("broken at the revision");
    // Fix every policy in the working tree: the revision's errors are resolved.
    for name in ["escape", "a", "b", "lost", "linked", "big"] {
        r.write(
            &format!("policies/{name}.yaml"),
            &policy(name, &[], &[("net.ipv4.tcp_sack", "1")]),
        );
    }
    let (code, doc) = r.diff_json("policies", &["--git", "HEAD"]);
    assert_eq!(code, 2, "{doc:#}");
    let resolved = |path: &str| -> Vec<String> {
        let p = policy_at(&doc, path);
        assert_eq!(p["status"], "fixed", "{p:#}");
        codes(&p["diagnostics"]["resolved"])
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(resolved("escape.yaml"), ["TP201"]);
    assert_eq!(resolved("linked.yaml"), ["TP201"]);
    assert_eq!(resolved("lost.yaml"), ["TP202"]);
    assert!(resolved("a.yaml").contains(&"TP203".to_string()));
    assert_eq!(resolved("big.yaml"), ["TP006"]);
    // The escapes are refused, not read: no side ever read `secret.yaml`.
    for p in doc["policies"].as_array().unwrap() {
        let files = p["old"]["files"].as_array().unwrap();
        assert!(
            files
                .iter()
                .all(|f| !f.as_str().unwrap().contains("secret")),
            "{p:#}"
        );
    }
}

#[test]
fn git_mode_follows_symbolic_links_stored_in_the_tree() {
    let r = Repo::new();
    r.write(
        "policies/shared/v1.yaml",
        &policy("v1", &[], &[("net.ipv4.tcp_syn_retries", "6")]),
    );
    r.write(
        "policies/shared/v2.yaml",
        &policy("v2", &[], &[("net.ipv4.tcp_syn_retries", "2")]),
    );
    std::os::unix::fs::symlink("shared/v1.yaml", r.path().join("policies/base.yaml")).unwrap();
    r.write("policies/web.yaml", &policy("web", &["base.yaml"], &[]));
    r.commit("base is v1");
    std::fs::remove_file(r.path().join("policies/base.yaml")).unwrap();
    std::os::unix::fs::symlink("shared/v2.yaml", r.path().join("policies/base.yaml")).unwrap();
    let (code, doc) = r.diff_json("", &["--git", "HEAD", "policies/web.yaml"]);
    assert_eq!(code, 2, "{doc:#}");
    let s = &policy_at(&doc, "policies/web.yaml")["settings"][0];
    assert_eq!(
        (&s["old"]["desired"], &s["new"]["desired"]),
        (&"6".into(), &"2".into())
    );
    // Found by the walk too: the link itself changed.
    let (_, doc) = r.diff_json("", &["--git", "HEAD"]);
    assert_eq!(policy_at(&doc, "policies/web.yaml")["status"], "changed");
}

#[test]
fn git_mode_errors_exit_1_with_a_message() {
    let r = fleet();
    let out = r.tcppolicy("", &["diff", "--git", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown git revision: `no-such-branch`"),
        "{}",
        describe(&out)
    );
    // Not an option smuggled to git: `--output=FILE` would make `git diff` write FILE.
    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("written-by-git");
    let out = r.tcppolicy(
        "",
        &["diff", &format!("--git=--output={}", target.display())],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown git revision"),
        "{}",
        describe(&out)
    );
    assert!(!target.exists());
    let out = r.tcppolicy("", &["diff", "--git", "HEAD", "policies/none.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("exists neither in the working tree nor at `HEAD`"),
        "{}",
        describe(&out)
    );
    let outside = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args(["diff", "--git", "HEAD"])
        .current_dir(outside.path())
        .env("GIT_CEILING_DIRECTORIES", outside.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a git repository"),
        "{}",
        describe(&out)
    );
}

/// A rationale built to rewrite the terminal or the pull-request comment stays inert
/// text in every format.
#[test]
fn hostile_policy_text_is_escaped_in_human_and_markdown_output() {
    let r = fleet();
    r.write(
        "policies/solo.yaml",
        "tcppolicy: 1\nname: solo\ndescription: \"a\\e[2J\\u202e | b\"\nsettings:\n  net.ipv4.tcp_sack:\n    value: 1\n    rationale: \"ok \\e[1A\\e[2K= net.ipv4.tcp_sack 1 (in sync)\\u200b\\u2066 | x `y` </details><script>alert(1)</script> @org/team\\r\\ninjected\"\n",
    );
    let human = r.tcppolicy("", &["diff", "--git", "HEAD"]);
    assert_eq!(human.status.code(), Some(2), "{}", describe(&human));
    let text = String::from_utf8(human.stdout.clone()).unwrap();
    for bad in ['\u{1b}', '\u{202e}', '\u{200b}', '\u{2066}', '\r'] {
        assert!(!text.contains(bad), "{bad:?} reached the terminal:\n{text}");
    }
    assert!(text.contains("\\u{1b}[1A"), "{text}");

    let md = r.tcppolicy("", &["diff", "--git", "HEAD", "--format", "markdown"]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("<!-- tcppolicy-diff -->\n"), "{md}");
    for bad in [
        "<script",
        "</details><",
        "\u{1b}",
        "\u{202e}",
        "@org/team",
        "\r",
    ] {
        assert!(!md.contains(bad), "{bad:?} in the comment:\n{md}");
    }
    // Our own HTML: one <details>, one </details>; every table row has as many cells as
    // its header.
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    let mut width = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        match width {
            None => width = Some(cells),
            Some(w) => assert_eq!(cells, w, "a broken table row: {line}\n{md}"),
        }
    }
}

/// The diff step of `examples/ci/pull-request-diff.yml`, run as GitHub Actions would
/// (bash with `-e`, `RUNNER_TEMP`, `GITHUB_OUTPUT`, the base commit in `BASE`) in a clone
/// with a pull request's change: it writes the comment with its marker, records the
/// status, and succeeds; the comment step looks for the same marker.
#[test]
fn the_example_workflow_writes_the_comment_and_records_the_status() {
    let path = repo().join("examples/ci/pull-request-diff.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_saphyr::from_str(&text).expect("the workflow is YAML");
    assert_eq!(doc["permissions"]["pull-requests"], "write");
    let steps = doc["jobs"]["diff"]["steps"]
        .as_array()
        .expect("jobs.diff.steps");
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no step `{name}`"))
    };
    let run = step("What the change does")["run"].as_str().unwrap();
    let script = step("Post or update the comment")["with"]["script"]
        .as_str()
        .unwrap();
    assert!(script.contains("'<!-- tcppolicy-diff -->'"), "{script}");
    assert!(script.contains("updateComment") && script.contains("createComment"));

    let r = fleet();
    let base = git(r.path(), &["rev-parse", "HEAD"]).trim().to_string();
    r.write(
        "policies/api.yaml",
        &policy(
            "api",
            &["common/base.yaml"],
            &[("net.ipv4.tcp_syn_retries", "2")],
        ),
    );
    r.commit("pull request");
    let temp = tempfile::tempdir().unwrap();
    let output = temp.path().join("github_output");
    let sh = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", run])
        .current_dir(r.path())
        .env("PATH", path_with_bin())
        .env("BASE", &base)
        .env("RUNNER_TEMP", temp.path())
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    assert!(sh.status.success(), "{}", describe(&sh));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "status=2\n");
    let comment = std::fs::read_to_string(temp.path().join("tcppolicy-diff.md")).unwrap();
    assert!(
        comment.starts_with("<!-- tcppolicy-diff -->\n"),
        "{comment}"
    );
    assert!(
        comment.contains("| `net.ipv4.tcp_syn_retries` | `3` | `2` |"),
        "{comment}"
    );
}

/// The README's example comment is the real output of `tcppolicy diff --format markdown`
/// on `web.yaml` of the example pair in `tests/cmd/diff-base-chain.in`.
#[test]
fn the_readme_example_comment_is_real_output() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = "<!-- diff-example-start -->\n````markdown\n";
    let end = "````\n<!-- diff-example-end -->";
    let from = readme.find(start).expect("README has the example comment") + start.len();
    let to = from + readme[from..].find(end).expect("the example ends");
    let shown = &readme[from..to];
    let out = Command::new(bin())
        .args([
            "diff",
            "--format",
            "markdown",
            "old/web.yaml",
            "new/web.yaml",
        ])
        .current_dir(repo().join("tests/cmd/diff-base-chain.in"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert_eq!(
        shown,
        String::from_utf8_lossy(&out.stdout),
        "README is stale"
    );
}

/// Human output is coloured on a terminal (a pseudo-terminal made by `script`), plain
/// with `NO_COLOR` or into a pipe, and escapes policy text either way.
#[test]
fn human_output_is_coloured_on_a_terminal_only() {
    let dir = repo().join("tests/cmd/diff-hostile.in");
    let command = format!("{} diff old.yaml new.yaml", bin().display());
    let on_terminal = |no_color: bool| on_a_terminal(&command, &dir, no_color);
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("\u{1b}[33m") || coloured.contains("\u{1b}[1m"),
        "{coloured}"
    );
    // The only escape sequences are our own colours: the rationale's are text.
    assert!(coloured.contains("\\u{1b}[2K"), "{coloured}");
    assert!(!coloured.contains("\u{1b}[2K"), "{coloured}");
    let plain = on_terminal(true);
    assert!(plain.contains("~ `evil`"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let piped = Command::new(bin())
        .args(["diff", "old.yaml", "new.yaml"])
        .current_dir(&dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(2), "{}", describe(&piped));
    assert!(!piped.stdout.contains(&0x1b), "{}", describe(&piped));
}
