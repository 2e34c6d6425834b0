//! The example policies in `examples/` are what users copy: each must compile without
//! errors or warnings (notes are fine), and policies that extend a base must actually pull
//! it in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tcppolicy_core::compile::{Compilation, compile_file};
use tcppolicy_core::diagnostic::Severity;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn example_files() -> Vec<PathBuf> {
    let dir = examples_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn render(c: &Compilation) -> String {
    let mut out = String::new();
    for d in &c.diagnostics {
        let f = c.sources.get(d.primary.file);
        let lc = f.line_col(d.primary.span.start);
        let _ = writeln!(
            out,
            "    {}[{}] {}:{}:{}: {}",
            d.severity,
            d.code.id,
            f.path().display(),
            lc.line,
            lc.column,
            d.message
        );
        if let Some(h) = &d.help {
            let _ = writeln!(out, "      help: {h}");
        }
    }
    out
}

/// The `extends` entries of a policy file, read from its text (one flow list).
fn extends_of(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("extends:"))
        .map(|rest| {
            rest.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|s| s.trim().trim_matches('"').trim_matches('\'').to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[test]
fn there_are_at_least_five_examples() {
    let files = example_files();
    assert!(
        files.len() >= 5,
        "expected at least 5 example policies in {}, found {}: {files:?}",
        examples_dir().display(),
        files.len()
    );
    for required in [
        "base.yaml",
        "web-frontend.yaml",
        "bulk-transfer.yaml",
        "latency-sensitive.yaml",
        "container.yaml",
    ] {
        assert!(
            files
                .iter()
                .any(|f| f.file_name().is_some_and(|n| n == required)),
            "examples/{required} is missing"
        );
    }
}

#[test]
fn every_example_compiles_without_errors_or_warnings() {
    let mut report = String::new();
    for file in example_files() {
        let c = compile_file(&file);
        let bad = c
            .diagnostics
            .iter()
            .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
            .count();
        if bad > 0 || c.policy.is_none() {
            let _ = writeln!(
                report,
                "\n{}: {} errors, {} warnings\n{}",
                file.display(),
                c.count(Severity::Error),
                c.count(Severity::Warning),
                render(&c)
            );
        }
    }
    assert!(report.is_empty(), "examples must compile cleanly:{report}");
}

#[test]
fn examples_include_the_bases_they_extend() {
    let mut report = String::new();
    let mut extending = 0;
    for file in example_files() {
        let bases = extends_of(&file);
        if bases.is_empty() {
            continue;
        }
        extending += 1;
        let c = compile_file(&file);
        let Some(policy) = &c.policy else {
            let _ = writeln!(
                report,
                "\n{}: no effective policy\n{}",
                file.display(),
                render(&c)
            );
            continue;
        };
        if !policy.files.first().is_some_and(|f| same_file(f, &file)) {
            let _ = writeln!(
                report,
                "\n{}: the effective policy's files should start with the policy itself: {:?}",
                file.display(),
                policy.files
            );
        }
        for base in bases {
            let base_path = file.parent().unwrap_or(Path::new(".")).join(&base);
            if !policy.files.iter().any(|f| same_file(f, &base_path)) {
                let _ = writeln!(
                    report,
                    "\n{}: extends `{base}` but the effective policy's files are {:?}",
                    file.display(),
                    policy.files
                );
            }
        }
    }
    assert!(
        extending >= 3,
        "at least three examples should extend a base, found {extending}"
    );
    assert!(report.is_empty(), "{report}");
}

#[test]
fn every_example_has_the_schema_modeline_a_kernel_range_and_real_rationales() {
    let mut report = String::new();
    for file in example_files() {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let name = file.display();
        if text.lines().next()
            != Some("# yaml-language-server: $schema=../schemas/tcppolicy.schema.json")
        {
            let _ = writeln!(report, "{name}: line 1 must be the schema modeline");
        }
        let c = compile_file(&file);
        let Some(policy) = &c.policy else {
            let _ = writeln!(report, "{name}: does not compile\n{}", render(&c));
            continue;
        };
        if policy.kernel.is_none() {
            let _ = writeln!(report, "{name}: has no `kernel` range");
        }
        for s in &policy.settings {
            let words = s.rationale.split_whitespace().count();
            if same_file(&s.origin.path, &file) && words < 12 {
                let _ = writeln!(
                    report,
                    "{name}:{}: the rationale for `{}` is too thin to review ({words} words)",
                    s.origin.line, s.param.name
                );
            }
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn the_container_example_is_container_safe_and_stands_alone() {
    let file = examples_dir().join("container.yaml");
    let c = compile_file(&file);
    let policy = c.policy.as_ref().expect("container.yaml compiles");
    assert!(
        policy.container,
        "container.yaml must set `container: true`"
    );
    assert_eq!(
        policy.files.len(),
        1,
        "container.yaml should not extend host policies: {:?}",
        policy.files
    );
    for s in &policy.settings {
        assert_eq!(
            s.param.scope,
            tcppolicy_core::catalog::Scope::Netns,
            "`{}` is not per network namespace",
            s.param.name
        );
        assert!(!s.param.read_only, "`{}` is read-only", s.param.name);
    }
}

/// The example CI workflow for a policy repository is valid YAML and runs `check` with
/// GitHub annotations, warnings denied.
#[test]
fn the_example_ci_workflow_checks_policies_with_github_annotations() {
    let path = examples_dir().join("ci/github-actions.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&text).expect("the workflow is YAML");
    let steps = doc["jobs"]["check"]["steps"]
        .as_array()
        .expect("jobs.check.steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("tcppolicy check --format github --deny warnings")),
        "{runs:?}"
    );
}

/// The ingress pair shows the host/pod split (SPEC §10, issue 11): the node policy is a
/// host policy with host-wide settings the pods cannot have, `check` tells it which of its
/// settings the pods do not see (TP406), and the pod policy repeats the ones the pods need.
#[test]
fn the_ingress_pair_splits_node_and_pod_settings() {
    let node = compile_file(&examples_dir().join("ingress-node.yaml"));
    let pod = compile_file(&examples_dir().join("container.yaml"));
    let node_policy = node.policy.as_ref().expect("ingress-node.yaml compiles");
    let pod_policy = pod.policy.as_ref().expect("container.yaml compiles");
    assert!(!node_policy.container && pod_policy.container);
    assert!(
        node_policy
            .settings
            .iter()
            .any(|s| s.param.scope != tcppolicy_core::catalog::Scope::Netns),
        "the node policy should hold host-wide settings"
    );
    let note = node
        .diagnostics
        .iter()
        .find(|d| d.code.id == "TP406")
        .expect("check tells the node policy what pods do not see");
    let repeated: Vec<&str> = pod_policy
        .settings
        .iter()
        .map(|s| s.param.name)
        .filter(|name| note.message.contains(&format!("`{name}`")))
        .collect();
    for needed in [
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.core.somaxconn",
    ] {
        assert!(
            repeated.contains(&needed),
            "container.yaml should repeat `{needed}`"
        );
    }
}

/// `bench/instructions` (the instruction counts of BENCHMARKS.md) runs every command of
/// `bench/commands` with this build's binary, `netns` cases in a fresh network namespace,
/// and checks each one's exit status; every example policy is among them.
#[test]
fn the_benchmark_harness_runs_every_command() {
    let repo = tcppolicy_tests::repo();
    let commands = std::fs::read_to_string(repo.join("bench/commands")).unwrap();
    let cases: Vec<&str> = commands
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    for example in example_files() {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            cases
                .iter()
                .any(|c| c.ends_with(&format!(" check examples/{name}"))),
            "bench/commands does not check examples/{name}"
        );
    }
    let out = std::process::Command::new(repo.join("bench/instructions"))
        .arg("--smoke")
        .arg("--bin")
        .arg(tcppolicy_tests::bin())
        .output()
        .expect("bench/instructions runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bench/instructions --smoke failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ran = stdout.lines().filter(|l| l.ends_with(" ran")).count();
    assert_eq!(ran, cases.len(), "{stdout}");
}
