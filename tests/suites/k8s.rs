//! `tcppolicy emit k8s` (SPEC §10): the patch validates offline against the Kubernetes
//! schemas (the kubernetes-validate package in `.venv`, installed by
//! `scripts/python-env`), and the sysctls it sets take effect when written into a fresh
//! network namespace the way the container runtime writes them (runc: `/proc/sys/` plus
//! the name with dots turned into slashes, in no fixed order).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;
use tcppolicy_core::version::Version;
use tcppolicy_tests::{cli, describe, netns, repo};

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("TCPPOLICY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv"));
    let python = venv.join("bin/python");
    let ok = Command::new(&python)
        .args(["-c", "import kubernetes_validate"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{} cannot import kubernetes_validate: run scripts/python-env (or set \
         $TCPPOLICY_VENV)",
        python.display()
    );
    python
}

fn running_kernel() -> Version {
    let v = Version::parse_release(&tcppolicy_exec::system::kernel_release())
        .expect("the kernel release parses");
    Version { patch: 0, ..v }
}

/// `tcppolicy emit k8s` with `args`; panics unless it succeeds.
fn emit(policy: &Path, args: &[&str]) -> String {
    let mut all = vec!["emit", "k8s"];
    all.extend_from_slice(args);
    let policy = policy.display().to_string();
    all.push(&policy);
    let out = cli(&all);
    assert!(out.status.success(), "emit k8s failed: {}", describe(&out));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Run the validator on `text` for Kubernetes `version`: its JSON summary, or its error.
fn validate(text: &str, version: &str) -> Result<Json, String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("patch.yaml");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(venv_python())
        .arg(repo().join("tests/fixtures/k8s/validate.py"))
        .arg(&file)
        .arg(version)
        .output()
        .expect("python runs");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).expect("the validator prints JSON"))
    } else {
        Err(describe(&out))
    }
}

fn container_example() -> PathBuf {
    repo().join("examples/container.yaml")
}

fn buffers_fixture() -> PathBuf {
    repo().join("tests/fixtures/k8s/buffers.yaml")
}

#[test]
fn emitted_patches_validate_against_the_kubernetes_schemas() {
    let cases: [(PathBuf, &str, &str, &str); 5] = [
        (container_example(), "1.25", "deployment", "Deployment"),
        (container_example(), "1.29", "statefulset", "StatefulSet"),
        (container_example(), "1.32", "daemonset", "DaemonSet"),
        (container_example(), "1.37", "pod", "Pod"),
        (buffers_fixture(), "1.31", "deployment", "Deployment"),
    ];
    for (policy, version, kind, kind_name) in cases {
        let text = emit(&policy, &["--k8s-version", version, "--kind", kind]);
        let summary = validate(&text, version)
            .unwrap_or_else(|e| panic!("{} for {version}/{kind}:\n{e}\n{text}", policy.display()));
        assert_eq!(summary["kind"], kind_name);
        assert_eq!(summary["validated_version"], version);
        let sysctls = summary["sysctls"].as_array().expect("sysctls");
        assert!(sysctls.len() >= 6, "{summary}");
        // Every unsafe sysctl the header lists is one the pod sets.
        let names: Vec<&str> = sysctls.iter().filter_map(|s| s["name"].as_str()).collect();
        for allowed in summary["allowed_unsafe_sysctls"]
            .as_array()
            .expect("unsafe ones")
        {
            assert!(names.contains(&allowed.as_str().unwrap()), "{summary}");
        }
    }
}

/// The validator is not a rubber stamp: a value that is not a string, or a field the
/// schema does not have, fails it.
#[test]
fn the_schema_validation_rejects_what_kubernetes_would() {
    let text = emit(&container_example(), &["--k8s-version", "1.32"]);
    validate(&text, "1.32").expect("the emitted patch validates");
    let integer = text.replacen("value: \"120\"", "value: 120", 1);
    assert_ne!(integer, text);
    let e = validate(&integer, "1.32").expect_err("an integer sysctl value is invalid");
    assert!(e.contains("is not of type 'string'"), "{e}");
    let unknown = text.replacen(
        "      securityContext:\n",
        "      securityContext:\n        sysctl: []\n",
        1,
    );
    assert_ne!(unknown, text);
    let e = validate(&unknown, "1.32").expect_err("an unknown field is invalid");
    assert!(e.contains("sysctl"), "{e}");
}

/// What runc does with `linux.sysctl`: write each value to `/proc/sys/<name with dots as
/// slashes>` in the pod's namespace.
fn write_like_runc(sysctls: &[(String, String)]) -> Result<(), String> {
    for (name, value) in sysctls {
        let path = format!("/proc/sys/{}", name.replace('.', "/"));
        std::fs::write(&path, value).map_err(|e| format!("{name} = {value}: {e}"))?;
    }
    Ok(())
}

fn sysctls_of(text: &str) -> Vec<(String, String)> {
    let doc: Json = serde_saphyr::from_str(text).expect("the patch is YAML");
    let pod = if doc["kind"] == "Pod" {
        &doc["spec"]
    } else {
        &doc["spec"]["template"]["spec"]
    };
    pod["securityContext"]["sysctls"]
        .as_array()
        .expect("sysctls")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_sysctls_take_effect_in_a_fresh_namespace_in_any_order() {
    let kernel = running_kernel().to_string();
    for policy in [container_example(), buffers_fixture()] {
        let text = emit(&policy, &["--k8s-version", "1.32", "--kernel", &kernel]);
        let sysctls = sysctls_of(&text);
        assert!(sysctls.len() >= 6, "{text}");
        // runc ranges over a Go map: try every rotation, forwards and backwards.
        let mut orders = Vec::new();
        for k in 0..sysctls.len() {
            let mut forward = sysctls.clone();
            forward.rotate_left(k);
            let mut backward = forward.clone();
            backward.reverse();
            orders.push(forward);
            orders.push(backward);
        }
        for order in orders {
            let path = policy.clone();
            let failures = netns::in_fresh_netns(move || {
                let mut failures = Vec::new();
                if let Err(e) = write_like_runc(&order) {
                    return vec![format!("write failed: {e}")];
                }
                for (name, value) in &order {
                    match netns::read(name) {
                        Ok(read) if words(&read) == words(value) => {}
                        other => failures.push(format!("{name}: wrote `{value}`, read {other:?}")),
                    }
                }
                // And the policy agrees that this namespace now has what it asks for.
                let plan = cli(&["plan".as_ref(), path.as_os_str()]);
                if plan.status.code() != Some(0) {
                    failures.push(format!("plan is not in sync: {}", describe(&plan)));
                }
                failures
            });
            assert!(
                failures.is_empty(),
                "{}:\n{}",
                policy.display(),
                failures.join("\n")
            );
        }
    }
}

#[test]
fn order_dependent_sysctls_are_refused_where_one_write_order_fails() {
    let policy = repo().join("tests/fixtures/k8s/reordering.yaml");
    let out = cli(&[
        "emit".as_ref(),
        "k8s".as_ref(),
        "--k8s-version".as_ref(),
        "1.32".as_ref(),
        policy.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(out.stdout.is_empty(), "{}", describe(&out));
    assert!(stderr.contains("error[TP409]"), "{stderr}");
    assert!(stderr.contains("reordering.yaml:10:12"), "{stderr}");
    // The kernel really refuses one of the two orders in a new namespace.
    let (wrong, right) = netns::in_fresh_netns(|| {
        let wrong = write_like_runc(&[("net.ipv4.tcp_reordering".into(), "500".into())]);
        let right = write_like_runc(&[
            ("net.ipv4.tcp_max_reordering".into(), "1000".into()),
            ("net.ipv4.tcp_reordering".into(), "500".into()),
        ]);
        (wrong, right)
    });
    assert!(
        wrong.is_err_and(|e| e.contains("Invalid argument")),
        "tcp_reordering 500 before its maximum must fail"
    );
    right.expect("tcp_max_reordering first, then tcp_reordering");
}

fn words(value: &str) -> Vec<&str> {
    value.split_whitespace().collect()
}
