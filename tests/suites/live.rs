//! The `live` target against the real kernel, each test in fresh network namespaces:
//! apply changes exactly what the plan said, a second apply writes nothing, kernel
//! rejections and injected faults roll everything back, stale plans are refused, and
//! concurrent applies serialise on the lock.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tcppolicy_core::catalog::Param;
use tcppolicy_core::compile::{compile_file, compile_str};
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::Action;
use tcppolicy_exec::report::Status;
use tcppolicy_exec::sysctl::{LiveSysctl, Sysctl, SysctlError};
use tcppolicy_tests::{cli as run, command, describe as text, live_apply, live_plan, netns, repo};

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/live").join(name)
}

fn compile(path: &Path) -> EffectivePolicy {
    let c = compile_file(path);
    let errors: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    c.policy
        .unwrap_or_else(|| panic!("{} does not compile: {errors:?}", path.display()))
}

/// `tcppolicy apply --plan` with a test lock file.
fn apply_saved(lock: &Path, plan: &Path) -> Output {
    run(&[
        "apply",
        "--lock-file",
        lock.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
    ])
}

#[test]
fn apply_changes_exactly_what_the_plan_said_and_nothing_else() {
    let policy = compile(&fixture("twenty-four.yaml"));
    netns::in_fresh_netns(move || {
        let before = netns::snapshot();
        let plan = live_plan(&policy, &LiveSysctl::new());
        assert_eq!(
            plan.summary.change, 24,
            "the fixture changes all 24 settings in a fresh netns"
        );
        let report = live_apply(&policy, &LiveSysctl::new());
        assert_eq!(report.outcome.status, Status::Applied);
        let diff = netns::changed(&before, &netns::snapshot());
        let expected: BTreeMap<String, (String, String)> = plan
            .entries
            .iter()
            .map(|e| &e.plan)
            .filter(|e| e.action == Action::Change)
            .map(|e| {
                (
                    e.name.clone(),
                    (e.before.clone().unwrap(), e.after.clone().unwrap()),
                )
            })
            .collect();
        assert_eq!(
            diff, expected,
            "the kernel changed in exactly the planned places, to the planned values"
        );
    });
}

/// Counts writes, to prove a second apply writes nothing.
struct Counting {
    inner: LiveSysctl,
    writes: Cell<usize>,
}

impl Sysctl for Counting {
    fn read(&self, p: &'static Param) -> Result<Option<String>, SysctlError> {
        self.inner.read(p)
    }
    fn write(&self, p: &'static Param, v: &str) -> Result<String, SysctlError> {
        self.writes.set(self.writes.get() + 1);
        self.inner.write(p, v)
    }
    fn check_writable(&self, p: &'static Param) -> Result<(), SysctlError> {
        self.inner.check_writable(p)
    }
    fn read_only(&self, p: &'static Param) -> bool {
        self.inner.read_only(p)
    }
}

#[test]
fn a_second_apply_writes_nothing() {
    let policy = compile(&fixture("twenty-four.yaml"));
    netns::in_fresh_netns(move || {
        let dir = tempfile::tempdir().unwrap();
        let first = Counting {
            inner: LiveSysctl::new(),
            writes: Cell::new(0),
        };
        live_apply(&policy, &first);
        assert_eq!(first.writes.get(), 24);
        let second = Counting {
            inner: LiveSysctl::new(),
            writes: Cell::new(0),
        };
        let report = live_apply(&policy, &second);
        assert_eq!(report.outcome.status, Status::NothingToDo);
        assert_eq!(second.writes.get(), 0, "the second apply wrote");
        assert_eq!(
            live_plan(&policy, &LiveSysctl::new()).outcome.status,
            Status::InSync
        );
        // The binary agrees: exit 0, plan exit 0, and it says so.
        let lock = dir.path().join("cli.lock");
        let out = run(&[
            "apply",
            "--lock-file",
            lock.to_str().unwrap(),
            fixture("twenty-four.yaml").to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("nothing to do"),
            "{}",
            text(&out)
        );
        let out = run(&["plan", fixture("twenty-four.yaml").to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    });
}

#[test]
fn a_value_the_kernel_rejects_rolls_back_every_earlier_write() {
    netns::in_fresh_netns(|| {
        let dir = tempfile::tempdir().unwrap();
        // The host raised the unprivileged port start; the policy's range (valid for the
        // compiler, which assumes the default 1024) is refused by the kernel with EINVAL.
        netns::write("net.ipv4.ip_unprivileged_port_start", "2000").unwrap();
        let policy = dir.path().join("p.yaml");
        std::fs::write(
            &policy,
            "tcppolicy: 1\nname: p\nkernel: \">=6.12\"\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 3\n    rationale: r\n  net.ipv4.tcp_retries2:\n    value: 9\n    rationale: r\n  net.core.somaxconn:\n    value: 9000\n    rationale: r\n  net.ipv4.ip_local_port_range:\n    value: [1500, 60999]\n    rationale: r\n  net.ipv4.tcp_keepalive_probes:\n    value: 3\n    rationale: r\n",
        )
        .unwrap();
        let before = netns::snapshot();
        let lock = dir.path().join("l.lock");
        let out = run(&[
            "apply",
            "--format",
            "json",
            "--lock-file",
            lock.to_str().unwrap(),
            policy.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["outcome"]["status"], "failed", "{report:#}");
        assert_eq!(report["outcome"]["failed"], "net.ipv4.ip_local_port_range");
        assert!(
            !report["outcome"]["restored"].as_array().unwrap().is_empty(),
            "earlier writes happened and were restored: {report:#}"
        );
        assert_eq!(
            report["outcome"]["rollback_failures"],
            serde_json::json!([])
        );
        assert_eq!(
            netns::changed(&before, &netns::snapshot()),
            BTreeMap::new(),
            "everything is as before"
        );
        // The human report says what failed and that the system is back.
        let out = run(&[
            "apply",
            "--lock-file",
            lock.to_str().unwrap(),
            policy.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("failed at `net.ipv4.ip_local_port_range`") && err.contains("rolled back"),
            "{}",
            text(&out)
        );
        assert_eq!(netns::changed(&before, &netns::snapshot()), BTreeMap::new());
    });
}

/// Issue 9: a congestion control outside `tcp_allowed_congestion_control` in a child
/// namespace passed `plan` and failed at apply with a bare "Operation not permitted".
#[test]
fn a_congestion_control_not_allowed_in_a_child_netns_is_refused_at_plan_time() {
    netns::in_fresh_netns(|| {
        let available = netns::read("net.ipv4.tcp_available_congestion_control").unwrap();
        let allowed = netns::read("net.ipv4.tcp_allowed_congestion_control").unwrap();
        let forbidden = available
            .split_whitespace()
            .find(|cc| !allowed.split_whitespace().any(|a| a == *cc))
            .unwrap_or_else(|| panic!("no congestion control is available but not allowed (available: {available}; allowed: {allowed}); this test needs one, e.g. cubic with CONFIG_DEFAULT_TCP_CONG=bbr"))
            .to_string();
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("cc.yaml");
        std::fs::write(
            &policy,
            format!("tcppolicy: 1\nname: cc\nkernel: \">=6.12\"\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 4\n    rationale: r\n  net.ipv4.tcp_congestion_control:\n    value: {forbidden}\n    rationale: r\n  net.core.somaxconn:\n    value: 5000\n    rationale: r\n"),
        )
        .unwrap();
        let before = netns::snapshot();
        for command in ["plan", "apply"] {
            let out = run(&[command, policy.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(1), "{command}: {}", text(&out));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("net.ipv4.tcp_allowed_congestion_control")
                    && err.contains(&format!("`{}`", allowed.trim()))
                    && err.contains(&format!("`{forbidden}`")),
                "{command}: {}",
                text(&out)
            );
            assert!(!err.contains("Operation not permitted"), "{}", text(&out));
        }
        assert_eq!(netns::changed(&before, &netns::snapshot()), BTreeMap::new());
    });
}

#[test]
fn a_saved_plan_applies_only_while_its_before_values_hold() {
    netns::in_fresh_netns(|| {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.json");
        let lock = dir.path().join("l.lock");
        let policy = fixture("twenty-four.yaml");
        let out = run(&[
            "plan",
            "--out",
            plan.to_str().unwrap(),
            policy.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "changes pending: {}",
            text(&out)
        );
        // Something else changes one of the planned values.
        netns::write("net.ipv4.tcp_syn_retries", "5").unwrap();
        let before = netns::snapshot();
        let out = apply_saved(&lock, &plan);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("does not match"),
            "{}",
            text(&out)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("net.ipv4.tcp_syn_retries"),
            "{}",
            text(&out)
        );
        assert_eq!(
            netns::changed(&before, &netns::snapshot()),
            BTreeMap::new(),
            "a stale plan writes nothing"
        );
        // Restored, the plan applies and the result is what the plan said.
        netns::write("net.ipv4.tcp_syn_retries", "6").unwrap();
        let out = apply_saved(&lock, &plan);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(netns::read("net.ipv4.tcp_syn_retries").unwrap(), "3");
        plan
    });
}

#[test]
fn a_saved_plan_is_refused_in_another_network_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let p2 = plan.clone();
    netns::in_fresh_netns(move || {
        let out = run(&[
            "plan",
            "--out",
            p2.to_str().unwrap(),
            fixture("twenty-four.yaml").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    });
    let lock = dir.path().join("l.lock");
    netns::in_fresh_netns(move || {
        let before = netns::snapshot();
        let out = apply_saved(&lock, &plan);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("network namespace"),
            "{}",
            text(&out)
        );
        assert_eq!(netns::changed(&before, &netns::snapshot()), BTreeMap::new());
    });
}

#[test]
fn a_tampered_saved_plan_cannot_write_outside_the_catalog() {
    netns::in_fresh_netns(|| {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.json");
        let lock = dir.path().join("l.lock");
        let out = run(&[
            "plan",
            "--out",
            plan.to_str().unwrap(),
            fixture("twenty-four.yaml").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
        doc["entries"][0]["name"] = "kernel.panic".into();
        std::fs::write(&plan, doc.to_string()).unwrap();
        let before = netns::snapshot();
        let out = apply_saved(&lock, &plan);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("kernel.panic"),
            "{}",
            text(&out)
        );
        assert_eq!(netns::changed(&before, &netns::snapshot()), BTreeMap::new());
    });
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    /// The k-th write fails (1-based).
    Write(usize),
    /// The k-th read-back (a read right after a write) fails.
    ReadBack(usize),
    /// The k-th read-back returns a wrong value.
    CorruptReadBack(usize),
}

/// Fails one operation, otherwise the real kernel.
struct Faulty {
    inner: LiveSysctl,
    fault: Fault,
    writes: Cell<usize>,
}

impl Sysctl for Faulty {
    fn read(&self, p: &'static Param) -> Result<Option<String>, SysctlError> {
        self.inner.read(p)
    }
    fn write(&self, p: &'static Param, v: &str) -> Result<String, SysctlError> {
        let n = self.writes.get() + 1;
        self.writes.set(n);
        if let Fault::Write(k) = self.fault
            && k == n
        {
            return Err(SysctlError::Rejected {
                name: p.name,
                value: v.into(),
                source: std::io::Error::other("injected write failure"),
            });
        }
        // The write reaches the kernel; then its read-back fails or lies.
        let read_back = self.inner.write(p, v)?;
        match self.fault {
            Fault::ReadBack(k) if k == n => Err(SysctlError::Io {
                name: p.name,
                source: std::io::Error::other("injected read-back failure"),
            }),
            Fault::CorruptReadBack(k) if k == n => Ok("12345 garbage".into()),
            _ => Ok(read_back),
        }
    }
    fn check_writable(&self, p: &'static Param) -> Result<(), SysctlError> {
        self.inner.check_writable(p)
    }
    fn read_only(&self, p: &'static Param) -> bool {
        self.inner.read_only(p)
    }
}

fn inject_everywhere(make: fn(usize) -> Fault) {
    let policy = compile(&fixture("twenty-four.yaml"));
    let changes = 24;
    let mut failures = Vec::new();
    for k in 1..=changes {
        let policy = policy.clone();
        let result = netns::in_fresh_netns(move || {
            let before = netns::snapshot();
            let faulty = Faulty {
                inner: LiveSysctl::new(),
                fault: make(k),
                writes: Cell::new(0),
            };
            let report = live_apply(&policy, &faulty);
            let diff = netns::changed(&before, &netns::snapshot());
            let o = &report.outcome;
            match (o.status, diff.is_empty()) {
                (Status::Failed, true)
                    if o.rollback_failures.is_empty() && o.restored.len() == k =>
                {
                    None
                }
                (_, _) => Some(format!(
                    "{:?}: outcome {o:?}, changed after rollback: {diff:?}",
                    make(k)
                )),
            }
        });
        failures.extend(result);
    }
    assert!(
        failures.is_empty(),
        "{} of {changes} injections left the kernel changed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn failing_the_kth_write_for_every_k_leaves_every_value_as_before() {
    inject_everywhere(Fault::Write);
}

#[test]
fn failing_the_kth_read_back_for_every_k_leaves_every_value_as_before() {
    inject_everywhere(Fault::ReadBack);
}

#[test]
fn a_wrong_kth_read_back_for_every_k_leaves_every_value_as_before() {
    inject_everywhere(Fault::CorruptReadBack);
}

#[test]
fn concurrent_applies_of_two_policies_serialise_on_the_lock() {
    let a = compile(&fixture("twenty-four.yaml"));
    let b = compile(&fixture("twenty-four-b.yaml"));
    netns::in_fresh_netns(move || {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("apply.lock");
        let mut children = Vec::new();
        for i in 0..12 {
            let policy = if i % 2 == 0 {
                "twenty-four.yaml"
            } else {
                "twenty-four-b.yaml"
            };
            children.push(
                command()
                    .args([
                        "apply",
                        "--format",
                        "json",
                        "--lock-file",
                        lock.to_str().unwrap(),
                        fixture(policy).to_str().unwrap(),
                    ])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
        }
        let mut waited = 0;
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
            let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            waited += usize::from(r["lock_waited_ms"].as_u64().unwrap_or(0) > 0);
        }
        assert!(
            waited > 0,
            "no apply ever waited for the lock: the applies did not overlap"
        );
        let matches = |p: &EffectivePolicy| {
            let plan = live_plan(p, &LiveSysctl::new());
            plan.entries.iter().all(|e| e.plan.action == Action::InSync)
        };
        assert!(
            matches(&a) ^ matches(&b),
            "the namespace holds a mix of both policies"
        );
    });
}

/// A caller who is not root is told to run as root, and nothing is written: with a lock
/// file it may open, and with the default lock in a run directory only root may write
/// (as `/run/tcppolicy` is), where the lock must not fail first (issue 15).
#[test]
fn preflight_explains_a_non_root_caller_and_writes_nothing() {
    netns::in_fresh_netns(|| {
        let open = tempfile::tempdir().unwrap();
        std::fs::set_permissions(
            open.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o777),
        )
        .unwrap();
        // The policy where the other user can read it, whatever the checkout's modes
        // (a clone into `mktemp -d` is 0700).
        let policy = open.path().join("twenty-four.yaml");
        std::fs::copy(fixture("twenty-four.yaml"), &policy).unwrap();
        std::fs::set_permissions(&policy, std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .unwrap();
        let root_only = tempfile::tempdir().unwrap();
        let lock = open.path().join("l.lock");
        let cases = [
            (
                tcppolicy_tests::run_dir(),
                vec!["--lock-file", lock.to_str().unwrap()],
            ),
            (root_only.path().join("run"), vec![]),
        ];
        for (run_dir, lock_args) in cases {
            let before = netns::snapshot();
            let out = Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(tcppolicy_tests::bin())
                .env("TCPPOLICY_RUN_DIR", &run_dir)
                .arg("apply")
                .args(&lock_args)
                .arg(&policy)
                .output()
                .expect("setpriv (util-linux) runs");
            assert_eq!(out.status.code(), Some(1), "{}", text(&out));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("preflight failed") && err.contains("run as root"),
                "{}",
                text(&out)
            );
            assert!(
                lock_args.len() == 2 || !err.contains("lock"),
                "{}",
                text(&out)
            );
            assert_eq!(netns::changed(&before, &netns::snapshot()), BTreeMap::new());
        }
    });
}

#[test]
fn preflight_explains_a_read_only_proc_sys_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("l.lock");
    let script = format!(
        "mount --bind -o ro /proc/sys /proc/sys && exec {} apply --lock-file {} {}",
        tcppolicy_tests::bin().display(),
        lock.display(),
        fixture("twenty-four.yaml").display()
    );
    let out = Command::new("unshare")
        .env("TCPPOLICY_RUN_DIR", tcppolicy_tests::run_dir())
        .args(["--net", "--mount", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("read-only"),
        "{}",
        text(&out)
    );
}

#[test]
fn plan_and_apply_refuse_a_kernel_outside_the_policy_range() {
    let c = compile_str(
        Path::new("old.yaml"),
        "tcppolicy: 1\nname: old\nkernel: \"<4.0\"\nsettings: {}\n",
    );
    let policy = c.policy.expect("compiles");
    netns::in_fresh_netns(move || {
        for report in [
            live_plan(&policy, &LiveSysctl::new()),
            live_apply(&policy, &LiveSysctl::new()),
        ] {
            assert_eq!(report.outcome.status, Status::Refused);
            let err = report.outcome.error.unwrap_or_default();
            assert!(err.contains("outside the policy's kernel range"), "{err}");
        }
    });
}
