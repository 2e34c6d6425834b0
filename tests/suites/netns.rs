//! `--netns` (SPEC §10, issue 11): tune the namespace that matters — a container's —
//! from outside it. Every test runs inside an outer fresh network namespace, so a mistake
//! could only ever change that one, never the host's; the "container" is a process the
//! test starts in a namespace of its own (`unshare --net sleep`), reached by the path
//! `/proc/PID/ns/net`, or a named namespace (`ip netns add`) in a private mount namespace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use tcppolicy_tests::{bin, cli, describe, netns, repo, run_dir};

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/live/twenty-four.yaml")
}

/// A process in a network namespace of its own, killed when dropped.
struct Container(Child);

impl Container {
    fn start() -> Container {
        let child = Command::new("unshare")
            .args(["--net", "sleep", "600"])
            .spawn()
            .expect("unshare (util-linux) runs");
        let c = Container(child);
        // Wait until the child is in its own namespace.
        let mine = netns::netns_id();
        for _ in 0..500 {
            if std::fs::read_link(c.ns()).is_ok_and(|l| l.display().to_string() != mine) {
                return c;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the container never got its own network namespace");
    }

    fn ns(&self) -> String {
        format!("/proc/{}/ns/net", self.0.id())
    }

    fn id(&self) -> String {
        std::fs::read_link(self.ns()).unwrap().display().to_string()
    }

    /// A value as the container sees it.
    fn read(&self, key: &str) -> String {
        let out = Command::new("nsenter")
            .arg(format!("--net={}", self.ns()))
            .args(["cat", &netns::proc_path(key)])
            .output()
            .expect("nsenter (util-linux) runs");
        assert!(out.status.success(), "{}", describe(&out));
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn write(&self, key: &str, value: &str) {
        let out = Command::new("nsenter")
            .arg(format!("--net={}", self.ns()))
            .args([
                "sh",
                "-c",
                &format!("echo '{value}' > {}", netns::proc_path(key)),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", describe(&out));
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn apply_by_path_changes_the_container_and_nothing_of_the_caller() {
    netns::in_fresh_netns(|| {
        let c = Container::start();
        let mine = netns::snapshot();
        assert_eq!(c.read("net.ipv4.tcp_syn_retries"), "6");
        let out = cli(&[
            "plan",
            "--netns",
            &c.ns(),
            "--format",
            "json",
            p(&fixture()),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            doc["netns"],
            c.id(),
            "the report names the target namespace"
        );
        let out = cli(&["apply", "--netns", &c.ns(), p(&fixture())]);
        assert!(out.status.success(), "{}", describe(&out));
        assert_eq!(c.read("net.ipv4.tcp_syn_retries"), "3");
        assert_eq!(c.read("net.ipv4.tcp_keepalive_time"), "600");
        assert_eq!(
            netns::changed(&mine, &netns::snapshot()),
            BTreeMap::new(),
            "the caller's namespace is untouched"
        );
        let out = cli(&["plan", "--netns", &c.ns(), p(&fixture())]);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        // The caller's own namespace still differs.
        let out = cli(&["plan", p(&fixture())]);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        // import reads the container, not the caller.
        c.write("net.ipv4.tcp_fin_timeout", "17");
        let out = cli(&["import", "--netns", &c.ns(), "--name", "c"]);
        assert!(out.status.success(), "{}", describe(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("net.ipv4.tcp_fin_timeout:\n    value: 17"),
            "{text}"
        );
        assert!(
            text.contains("net.ipv4.tcp_syn_retries:\n    value: 3"),
            "{text}"
        );
    });
}

#[test]
fn apply_by_name_in_run_netns() {
    // `ip netns add` mounts under /run/netns: do it in a private mount namespace, with a
    // private /run/netns, inside a fresh network namespace.
    let script = format!(
        "set -eu
mkdir -p /run/netns
mount -t tmpfs tcppolicy-test /run/netns
ip netns add tcppolicy-t1
{bin} apply --netns tcppolicy-t1 {policy}
ip netns exec tcppolicy-t1 cat /proc/sys/net/ipv4/tcp_syn_retries
cat /proc/sys/net/ipv4/tcp_syn_retries
{bin} plan --netns tcppolicy-t1 {policy} >/dev/null
",
        bin = bin().display(),
        policy = fixture().display()
    );
    let out = Command::new("unshare")
        .args([
            "--net",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            &script,
        ])
        .env("TCPPOLICY_RUN_DIR", run_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().rev().take(2).collect();
    assert_eq!(
        lines,
        ["6", "3"],
        "the named namespace got 3, the caller kept 6: {stdout}"
    );
}

#[test]
fn the_lock_and_the_journal_belong_to_the_target_namespace() {
    netns::in_fresh_netns(|| {
        let c = Container::start();
        // An apply into the container is killed half-way (SIGKILL at its 5th write).
        let out = Command::new("strace")
            .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=pwrite64", "-e"])
            .arg("inject=pwrite64:signal=KILL:when=5")
            .arg(bin())
            .args(["apply", "--netns", &c.ns(), p(&fixture())])
            .env("TCPPOLICY_RUN_DIR", run_dir())
            .output()
            .expect("strace runs");
        assert!(out.status.code().is_none(), "killed: {}", describe(&out));
        let key: String = c.id().chars().filter(char::is_ascii_digit).collect();
        assert!(run_dir().join(format!("netns-{key}.journal")).exists());
        // The caller's namespace has no interrupted apply; the container's has.
        let out = cli(&["plan", "--format", "json", p(&fixture())]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(doc["interrupted_apply"].is_null(), "{doc:#}");
        let out = cli(&["apply", "--netns", &c.ns(), p(&fixture())]);
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("tcppolicy recover"));
        let out = cli(&["recover", "--netns", &c.ns()]);
        assert!(out.status.success(), "{}", describe(&out));
        assert_eq!(c.read("net.ipv4.tcp_syn_retries"), "6");
        assert_eq!(c.read("net.ipv4.tcp_max_reordering"), "300");
        // The lock: held in the container's namespace, it blocks applies to the container
        // only, whatever lock file they use.
        let holder = Command::new("nsenter")
            .arg(format!("--net={}", c.ns()))
            .args([
                "socat",
                "ABSTRACT-LISTEN:tcppolicy-apply-lock,fork",
                "SYSTEM:true",
            ])
            .spawn()
            .expect("socat runs");
        let mut holder = Container(holder);
        let listening = || {
            let out = Command::new("nsenter")
                .arg(format!("--net={}", c.ns()))
                .args(["cat", "/proc/net/unix"])
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).contains("@tcppolicy-apply-lock")
        };
        for _ in 0..500 {
            if listening() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let out = cli(&[
            "apply",
            "--lock-timeout",
            "1",
            "--netns",
            &c.ns(),
            p(&fixture()),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("pid {}", holder.0.id())), "{err}");
        let out = cli(&["apply", "--lock-timeout", "1", p(&fixture())]);
        assert!(
            out.status.success(),
            "the caller's namespace is not locked: {}",
            describe(&out)
        );
        let _ = holder.0.kill();
    });
}

#[test]
fn netns_errors_are_clear_and_change_nothing() {
    netns::in_fresh_netns(|| {
        let mine = netns::snapshot();
        for (spec, why) in [
            ("/proc/self/ns/uts", "not a network namespace"),
            (
                "tcppolicy-no-such-namespace",
                "/run/netns/tcppolicy-no-such-namespace",
            ),
            ("/nonexistent/ns", "No such file"),
        ] {
            for verb in ["plan", "apply"] {
                let out: Output = cli(&[verb, "--netns", spec, p(&fixture())]);
                assert_eq!(
                    out.status.code(),
                    Some(1),
                    "{verb} {spec}: {}",
                    describe(&out)
                );
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(err.contains(why), "{verb} {spec}: {err}");
            }
        }
        let out = cli(&[
            "plan",
            "--netns",
            "/proc/self/ns/net",
            "--target",
            "sysctl.d",
            p(&fixture()),
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("only applies to the `live` target"));
        assert_eq!(netns::changed(&mine, &netns::snapshot()), BTreeMap::new());
    });
}

/// Issue 11: a host policy's plan says which settings containers will not see; a
/// container policy's plan says which settings a new namespace already has.
#[test]
fn plans_say_what_containers_see() {
    netns::in_fresh_netns(|| {
        let host = repo().join("examples/web-frontend.yaml");
        let out = cli(&["plan", p(&host)]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("note[TP406]: containers do not see")
                && text.contains("`net.ipv4.tcp_keepalive_time`"),
            "{}",
            describe(&out)
        );
        let dir = tempfile::tempdir().unwrap();
        let pod = dir.path().join("pod.yaml");
        std::fs::write(
            &pod,
            "tcppolicy: 1\nname: pod\ncontainer: true\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 6\n    rationale: Pinned.\n  net.ipv4.tcp_fin_timeout:\n    value: 20\n    rationale: Shorter.\n",
        )
        .unwrap();
        let out = cli(&["plan", p(&pod)]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("warning[TP407]") && err.contains("net.ipv4.tcp_syn_retries"),
            "{}",
            describe(&out)
        );
        assert!(!err.contains("tcp_fin_timeout`: 20"), "{err}");
    });
}
