//! `tcppolicy drift` end to end (SPEC §11, issue 13), with the real components:
//!
//! - drift injected in a fresh network namespace and a temporary root — `sysctl -w` on one
//!   key, a shadowing `99-zz.conf` on another, a deleted drop-in, an edited drop-in — shows
//!   up on exactly the affected keys and layers, in the JSON report and in the textfile,
//!   and nothing else; an in-sync host reports no drift;
//! - the textfile passes the real `promtool check metrics`, and a real
//!   `prometheus-node-exporter`, started in a network namespace the test made and bound to
//!   127.0.0.1, serves its series over HTTP, also while the file is being replaced;
//! - the example alerting rules pass `promtool check rules` and `promtool test rules`;
//! - `emit systemd` units pass `systemd-analyze verify`, their command lines read back
//!   from systemd's own parser exactly, and `drift`/`apply` work under the restrictions
//!   the units ask for (no capabilities, read-only `/` and `/proc/sys`);
//! - `--netns` checks another process's namespace.

use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tcppolicy_tests::{bin, cli, command, describe, netns, repo};

// ---------------------------------------------------------------------------------------
// helpers

const SYN: &str = "net.ipv4.tcp_syn_retries";
const KA_TIME: &str = "net.ipv4.tcp_keepalive_time";
const FIN: &str = "net.ipv4.tcp_fin_timeout";
const SOMAXCONN: &str = "net.core.somaxconn";
const KA_PROBES: &str = "net.ipv4.tcp_keepalive_probes";
const BACKLOG: &str = "net.core.netdev_max_backlog";

/// Six settings: exact values, an `at_least`, an `at_most`, and a parameter a child
/// network namespace does not have (not applicable on the live layer).
const POLICY: &str = "\
tcppolicy: 1
name: drifty
kernel: \">=5.10\"
settings:
  net.ipv4.tcp_syn_retries:
    value: 3
    rationale: Fail fast on dead upstreams.
  net.ipv4.tcp_keepalive_time:
    value: 600
    rationale: Find dead peers within the load balancer's idle timeout.
  net.ipv4.tcp_fin_timeout:
    value: 30
    rationale: Free orphaned FIN_WAIT_2 sockets sooner.
  net.core.somaxconn:
    at_least: 8192
    rationale: Accept bursts of new connections.
  net.ipv4.tcp_keepalive_probes:
    at_most: 5
    rationale: Give up on a dead peer after five probes.
  net.core.netdev_max_backlog:
    value: 2000
    rationale: Host-wide queue; absent in a container's namespace.
";

const DROP_IN: &str = "/etc/sysctl.d/90-tcppolicy-drifty.conf";

/// What a missing drop-in, or one tcppolicy did not write, drifts.
const EVERY_KEY_ON_BOOT: &[(&str, &str)] = &[
    (SYN, "boot"),
    (KA_TIME, "boot"),
    (FIN, "boot"),
    (SOMAXCONN, "boot"),
    (KA_PROBES, "boot"),
    (BACKLOG, "boot"),
];

/// A policy file and an image root with its drop-in, in a temporary directory.
struct Host {
    dir: tempfile::TempDir,
}

impl Host {
    fn new() -> Host {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("drifty.yaml"), POLICY).unwrap();
        std::fs::create_dir_all(dir.path().join("root/etc/sysctl.d")).unwrap();
        std::fs::create_dir_all(dir.path().join("root/usr/lib/sysctl.d")).unwrap();
        std::fs::create_dir_all(dir.path().join("textfile")).unwrap();
        Host { dir }
    }

    fn policy(&self) -> PathBuf {
        self.dir.path().join("drifty.yaml")
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    fn textfile_dir(&self) -> PathBuf {
        self.dir.path().join("textfile")
    }

    fn drop_in(&self) -> PathBuf {
        self.root().join(DROP_IN.trim_start_matches('/'))
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel.trim_start_matches('/'))
    }

    /// Apply the policy to the calling thread's namespace and to the drop-in in the root.
    fn converge(&self) {
        converge(&self.policy(), &self.root());
    }

    /// `drift` of both layers with `--format json --textfile`: (exit status, report).
    fn drift(&self) -> (i32, Json) {
        let (root, textfile, policy) = (self.root(), self.textfile_dir(), self.policy());
        let (code, report) = drift_json(
            &[
                &both_layers(&root)[..],
                &[
                    "--textfile".as_ref(),
                    textfile.as_os_str(),
                    policy.as_os_str(),
                ],
            ]
            .concat(),
        );
        (code.unwrap_or(-1), report)
    }

    fn textfile(&self) -> String {
        std::fs::read_to_string(self.textfile_dir().join("tcppolicy-drifty.prom")).unwrap()
    }
}

/// Apply `policy` to the calling thread's namespace and to its drop-in inside `root`.
fn converge(policy: &Path, root: &Path) {
    let o = cli(&["apply".as_ref(), policy.as_os_str()]);
    assert!(o.status.success(), "{}", describe(&o));
    let o = cli(&[
        "apply".as_ref(),
        "--target".as_ref(),
        "sysctl.d".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        policy.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", describe(&o));
}

/// `tcppolicy drift --format json ARGS`: (exit status, the report).
fn drift_json(args: &[&OsStr]) -> (Option<i32>, Json) {
    let mut all: Vec<&OsStr> = vec!["drift".as_ref(), "--format".as_ref(), "json".as_ref()];
    all.extend_from_slice(args);
    let o = cli(&all);
    let report = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", describe(&o)));
    (o.status.code(), report)
}

/// `--layer live --layer boot --root ROOT`.
fn both_layers(root: &Path) -> [&OsStr; 6] {
    [
        "--layer".as_ref(),
        "live".as_ref(),
        "--layer".as_ref(),
        "boot".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
    ]
}

/// `sysctl -w` with the real procps tool in the calling thread's namespace.
fn sysctl_w(key: &str, value: &str) {
    let o = Command::new("sysctl")
        .arg("-qw")
        .arg(format!("{key}={value}"))
        .output()
        .expect("sysctl (procps) runs");
    assert!(o.status.success(), "{}", describe(&o));
}

type Pairs = BTreeSet<(String, String)>;

fn pairs(list: &[(&str, &str)]) -> Pairs {
    list.iter()
        .map(|(k, l)| (k.to_string(), l.to_string()))
        .collect()
}

/// The (key, layer) pairs of a report whose state is `state`.
fn with_state(report: &Json, state: &str) -> Pairs {
    let mut out = Pairs::new();
    for k in report["keys"].as_array().unwrap() {
        for layer in ["live", "boot"] {
            if k[layer]["state"] == state {
                out.insert((k["name"].as_str().unwrap().into(), layer.into()));
            }
        }
    }
    out
}

/// One sample of a text exposition: name, labels sorted by name, value.
type Sample = (String, Vec<(String, String)>, String);

/// Parse the samples of a Prometheus text exposition (label values unescaped).
fn samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (name, rest) = match line.find('{') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => {
                let (n, v) = line.split_once(' ').unwrap();
                out.push((n.to_string(), Vec::new(), number(v.trim())));
                continue;
            }
        };
        let mut labels = Vec::new();
        let mut chars = rest.chars().peekable();
        loop {
            let label: String = chars.by_ref().take_while(|c| *c != '=').collect();
            assert_eq!(chars.next(), Some('"'), "{line}");
            let mut value = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some(c) => value.push(c),
                        None => panic!("{line}"),
                    },
                    '"' => break,
                    c => value.push(c),
                }
            }
            labels.push((label.trim_start_matches(',').to_string(), value));
            match chars.peek() {
                Some(',') => {
                    chars.next();
                    if chars.peek() == Some(&'}') {
                        chars.next();
                        break;
                    }
                }
                Some('}') => {
                    chars.next();
                    break;
                }
                other => panic!("{other:?} in {line}"),
            }
        }
        labels.sort();
        let value: String = chars.collect();
        out.push((name.to_string(), labels, number(value.trim())));
    }
    out
}

/// A sample value in one spelling (node_exporter writes `1.796e+09` for `1796000000`).
fn number(text: &str) -> String {
    text.parse::<f64>()
        .map_or_else(|_| text.to_string(), |f| f.to_string())
}

fn label<'a>(s: &'a Sample, name: &str) -> &'a str {
    s.1.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The (key, layer) pairs whose `tcppolicy_drift` is 1 in a textfile.
fn textfile_drift(text: &str) -> Pairs {
    samples(text)
        .iter()
        .filter(|s| s.0 == "tcppolicy_drift" && s.2 == "1")
        .map(|s| (label(s, "key").to_string(), label(s, "layer").to_string()))
        .collect()
}

fn drop_in_drift(text: &str) -> Option<String> {
    samples(text)
        .into_iter()
        .find(|s| s.0 == "tcppolicy_drop_in_drift")
        .map(|s| s.2)
}

/// Converge, inject, and check that exactly `expected` drifts, in the report and in the
/// textfile; `file` is whether the drop-in as a whole drifts. Returns the report.
fn injected(
    inject: impl FnOnce(&Host) + Send + 'static,
    expected: &[(&str, &str)],
    file: bool,
) -> Json {
    let expected = pairs(expected);
    netns::in_fresh_netns(move || {
        let host = Host::new();
        host.converge();
        let (code, before) = host.drift();
        assert_eq!(code, 0, "converged host: {before:#}");
        inject(&host);
        let (code, report) = host.drift();
        let drift_expected = !expected.is_empty() || file;
        assert_eq!(code, if drift_expected { 2 } else { 0 }, "{report:#}");
        assert_eq!(report["drift"], drift_expected, "{report:#}");
        assert_eq!(with_state(&report, "drift"), expected, "{report:#}");
        assert_eq!(
            with_state(&report, "not_applicable"),
            pairs(&[(BACKLOG, "live")]),
            "{report:#}"
        );
        let text = host.textfile();
        assert_eq!(textfile_drift(&text), expected, "{text}");
        assert_eq!(
            drop_in_drift(&text).as_deref(),
            Some(if file { "1" } else { "0" }),
            "{text}"
        );
        assert_eq!(report["summary"]["drift"], expected.len(), "{report:#}");
        report
    })
}

// ---------------------------------------------------------------------------------------
// Done when 1 and 3: each kind of drift on exactly its keys and layers

#[test]
fn an_in_sync_host_reports_no_drift() {
    netns::in_fresh_netns(|| {
        let host = Host::new();
        host.converge();
        let (code, report) = host.drift();
        assert_eq!(code, 0, "{report:#}");
        assert_eq!(report["format_version"], 2);
        assert_eq!(report["command"], "drift");
        assert_eq!(report["ok"], true);
        assert_eq!(report["drift"], false);
        assert_eq!(report["outcome"]["status"], "in_sync");
        assert_eq!(report["drop_in"]["state"], "identical");
        assert_eq!(report["drop_in"]["path"], DROP_IN);
        assert_eq!(with_state(&report, "drift"), Pairs::new());
        // Not applicable is reported as such, and is not drift.
        assert_eq!(
            with_state(&report, "not_applicable"),
            pairs(&[(BACKLOG, "live")])
        );
        assert_eq!(report["summary"]["live"]["in_sync"], 5);
        assert_eq!(report["summary"]["boot"]["in_sync"], 6);
        let text = host.textfile();
        assert_eq!(textfile_drift(&text), Pairs::new(), "{text}");
        let series: Vec<Sample> = samples(&text)
            .into_iter()
            .filter(|s| s.0 == "tcppolicy_drift")
            .collect();
        assert_eq!(series.len(), 12, "6 keys × 2 layers: {text}");
        assert!(series.iter().all(|s| s.2 == "0"), "{text}");
        assert!(
            text.contains(&format!(
                "tcppolicy_not_applicable{{policy=\"drifty\",key=\"{BACKLOG}\",layer=\"live\"}} 1"
            )),
            "{text}"
        );
    });
}

#[test]
fn sysctl_w_on_one_key_drifts_that_key_on_the_live_layer_only() {
    injected(|_| sysctl_w(SYN, "6"), &[(SYN, "live")], false);
}

#[test]
fn at_least_and_at_most_are_respected_on_the_live_layer() {
    // Above the floor and below the ceiling: still what the policy asks for.
    injected(
        |_| {
            sysctl_w(SOMAXCONN, "16384");
            sysctl_w(KA_PROBES, "3");
        },
        &[],
        false,
    );
    // Below the floor and above the ceiling: drift.
    injected(
        |_| {
            sysctl_w(SOMAXCONN, "1024");
            sysctl_w(KA_PROBES, "9");
        },
        &[(SOMAXCONN, "live"), (KA_PROBES, "live")],
        false,
    );
}

#[test]
fn a_shadowing_99_zz_conf_drifts_that_key_on_the_boot_layer_only() {
    injected(
        |h| {
            std::fs::write(
                h.path("/usr/lib/sysctl.d/99-zz.conf"),
                format!("{KA_TIME} = 60\n"),
            )
            .unwrap();
        },
        &[(KA_TIME, "boot")],
        false,
    );
}

#[test]
fn a_later_file_with_the_same_value_or_meeting_a_bound_is_not_drift() {
    injected(
        |h| {
            std::fs::write(
                h.path("/etc/sysctl.d/99-zz.conf"),
                format!("{KA_TIME} = 600\n{SOMAXCONN} = 65535\n{KA_PROBES} = 2\n"),
            )
            .unwrap();
        },
        &[],
        false,
    );
}

#[test]
fn a_deleted_drop_in_drifts_every_key_on_the_boot_layer_only() {
    let report = injected(
        |h| std::fs::remove_file(h.drop_in()).unwrap(),
        EVERY_KEY_ON_BOOT,
        true,
    );
    assert_eq!(report["drop_in"]["state"], "missing", "{report:#}");
}

#[test]
fn an_edited_drop_in_drifts_the_edited_key_on_the_boot_layer_and_the_file() {
    injected(
        |h| {
            let text = std::fs::read_to_string(h.drop_in()).unwrap();
            let edited = text.replace(&format!("{FIN} = 30\n"), &format!("{FIN} = 45\n"));
            assert_ne!(text, edited);
            std::fs::write(h.drop_in(), edited).unwrap();
        },
        &[(FIN, "boot")],
        true,
    );
}

#[test]
fn a_drop_in_edited_in_a_comment_only_is_drift_of_the_file_not_of_a_key() {
    netns::in_fresh_netns(|| {
        let host = Host::new();
        host.converge();
        let text = std::fs::read_to_string(host.drop_in()).unwrap();
        std::fs::write(
            host.drop_in(),
            text.replacen("# policy: drifty", "# policy: drifty (checked by hand)", 1),
        )
        .unwrap();
        let (code, report) = host.drift();
        assert_eq!(code, 2, "{report:#}");
        assert_eq!(with_state(&report, "drift"), Pairs::new());
        let d = &report["drop_in"];
        assert_eq!(d["state"], "differs", "{report:#}");
        assert_eq!(d["assignments_differ"], false);
        assert_eq!(
            d["first_difference"]["found"],
            "# policy: drifty (checked by hand)"
        );
        assert_eq!(d["first_difference"]["expected"], "# policy: drifty");
        assert_eq!(drop_in_drift(&host.textfile()).as_deref(), Some("1"));
    });
}

#[test]
fn every_kind_at_once_drifts_the_union() {
    injected(
        |h| {
            sysctl_w(SYN, "6");
            std::fs::write(
                h.path("/usr/lib/sysctl.d/99-zz.conf"),
                format!("{KA_TIME} = 60\n"),
            )
            .unwrap();
            let text = std::fs::read_to_string(h.drop_in()).unwrap();
            std::fs::write(
                h.drop_in(),
                text.replace(&format!("{FIN} = 30\n"), &format!("{FIN} = 45\n")),
            )
            .unwrap();
        },
        &[(SYN, "live"), (KA_TIME, "boot"), (FIN, "boot")],
        true,
    );
}

#[test]
fn a_foreign_file_at_the_drop_in_path_is_drift_not_an_error() {
    let report = injected(
        |h| {
            let text = std::fs::read_to_string(h.drop_in()).unwrap();
            let body: String = text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(h.drop_in(), body).unwrap();
        },
        EVERY_KEY_ON_BOOT,
        true,
    );
    assert_eq!(report["drop_in"]["state"], "not_ours", "{report:#}");
    assert!(
        report["drop_in"]["detail"]
            .as_str()
            .unwrap()
            .contains("was not written by tcppolicy (it has no tcppolicy header)"),
        "{report:#}"
    );
}

#[test]
fn the_human_report_names_each_cause_and_escapes_file_text() {
    netns::in_fresh_netns(|| {
        let host = Host::new();
        host.converge();
        sysctl_w(SYN, "6");
        // A value with a terminal escape sequence in a file that wins at boot.
        std::fs::write(
            host.path("/usr/lib/sysctl.d/99-zz.conf"),
            format!("{KA_TIME} = 60 \u{1b}[2J\u{1b}[1;31mowned\n"),
        )
        .unwrap();
        let (root, policy) = (host.root(), host.policy());
        let mut args: Vec<&OsStr> = vec!["drift".as_ref()];
        args.extend_from_slice(&both_layers(&root));
        args.push(policy.as_os_str());
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(
            out.contains(&format!("~ {SYN}\n      live: 6, the policy wants 3\n")),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "~ {KA_TIME}\n      live: in sync\n      boot: `/usr/lib/sysctl.d/99-zz.conf:1`"
            )),
            "{out}"
        );
        assert!(out.contains("\\u{1b}[2J"), "{out}");
        assert!(
            out.contains(&format!("- {BACKLOG}\n      live: not applicable")),
            "{out}"
        );
        assert!(
            out.contains("Drift: 2 of 6 keys (live 1, boot 1), 1 not applicable."),
            "{out}"
        );
    });
}

#[test]
fn errors_are_a_json_document_with_format_version_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "tcppolicy: 1\nname: bad\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 900\n    rationale: too many\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.yaml");
    for (policy, stage) in [(&bad, "compile"), (&missing, "compile")] {
        let (code, r) = drift_json(&[
            "--textfile".as_ref(),
            dir.path().as_os_str(),
            policy.as_os_str(),
        ]);
        assert_eq!(code, Some(1), "{r:#}");
        assert_eq!(r["format_version"], 2);
        assert_eq!(r["command"], "drift");
        assert_eq!(r["ok"], false);
        assert_eq!(r["outcome"]["status"], "refused");
        assert_eq!(r["outcome"]["stage"], stage, "{r:#}");
        assert!(!r["diagnostics"].as_array().unwrap().is_empty(), "{r:#}");
        // No textfile from a check that could not be made.
        assert!(!dir.path().join("tcppolicy-bad.prom").exists());
    }
    // Options that contradict the layers.
    let (code, r) = drift_json(&[
        "--layer".as_ref(),
        "live".as_ref(),
        "--root".as_ref(),
        dir.path().as_os_str(),
        bad.as_os_str(),
    ]);
    assert_eq!(code, Some(1), "{r:#}");
    assert_eq!(r["format_version"], 2);
    assert!(
        r["outcome"]["error"]
            .as_str()
            .unwrap()
            .contains("`--root` only applies to the boot layer"),
        "{r:#}"
    );
    // A textfile directory that does not exist: the check is made, the write fails.
    let policy = dir.path().join("ok.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let nope = dir.path().join("nope");
    let (code, r) = drift_json(&[
        "--layer".as_ref(),
        "boot".as_ref(),
        "--root".as_ref(),
        dir.path().as_os_str(),
        "--textfile".as_ref(),
        nope.as_os_str(),
        policy.as_os_str(),
    ]);
    assert_eq!(code, Some(1), "{r:#}");
    assert_eq!(r["outcome"]["stage"], "write", "{r:#}");
}

#[test]
fn a_kernel_outside_the_policy_s_range_is_an_error_not_a_report_of_keys() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("old.yaml");
    std::fs::write(&policy, POLICY.replace("\">=5.10\"", "\">=4.9, <4.10\"")).unwrap();
    let o = cli(&[
        "drift".as_ref(),
        "--layer".as_ref(),
        "live".as_ref(),
        policy.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error: cannot check the live layer: the running kernel"),
        "{err}"
    );
    assert!(
        !err.contains("in sync") && o.stdout.is_empty(),
        "{}",
        describe(&o)
    );
    let (code, r) = drift_json(&["--layer".as_ref(), "live".as_ref(), policy.as_os_str()]);
    assert_eq!(code, Some(1));
    assert_eq!(r["outcome"]["stage"], "kernel", "{r:#}");
    assert_eq!(r["keys"], serde_json::json!([]), "{r:#}");
}

// ---------------------------------------------------------------------------------------
// --netns

/// A process in a network namespace of its own, killed and reaped on drop (also when the
/// test panics).
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn netns_by_path_checks_another_process_s_namespace() {
    netns::in_fresh_netns(|| {
        let host = Host::new();
        let mine = netns::netns_id();
        let sleeper = Guard(
            Command::new("unshare")
                .args(["--net", "sleep", "600"])
                .spawn()
                .expect("unshare runs"),
        );
        let ns = format!("/proc/{}/ns/net", sleeper.0.id());
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_link(&ns)
            .map(|p| p.display().to_string())
            .ok()
            == Some(mine.clone())
        {
            assert!(
                Instant::now() < deadline,
                "unshare never entered its namespace"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let policy = host.policy();
        let run = |args: &[&str]| {
            let mut all: Vec<&OsStr> = args.iter().map(|a| a.as_ref()).collect();
            all.push(policy.as_os_str());
            cli(&all)
        };
        let o = run(&["apply", "--netns", &ns]);
        assert!(o.status.success(), "{}", describe(&o));
        let o = run(&["drift", "--netns", &ns, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
        let r: Json = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["layers"], serde_json::json!(["live"]), "{r:#}");
        assert_ne!(r["netns"], mine.as_str());
        // Drift inside the other namespace, made from inside it.
        let o = Command::new("nsenter")
            .arg(format!("--net={ns}"))
            .args(["sysctl", "-qw", &format!("{FIN}=45")])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", describe(&o));
        let o = run(&["drift", "--netns", &ns, "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let r: Json = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(with_state(&r, "drift"), pairs(&[(FIN, "live")]), "{r:#}");
        // The caller's namespace was never applied to: every exact value drifts there.
        let o = run(&["drift", "--layer", "live", "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let r: Json = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["netns"], mine.as_str());
        assert_eq!(
            with_state(&r, "drift"),
            pairs(&[
                (SYN, "live"),
                (KA_TIME, "live"),
                (FIN, "live"),
                (SOMAXCONN, "live"),
                (KA_PROBES, "live")
            ]),
            "{r:#}"
        );
        drop(sleeper);
    });
}

// ---------------------------------------------------------------------------------------
// Done when 2: the textfile with promtool and node_exporter

/// A real component the suite needs, by its Debian package; fails loudly when missing.
fn tool(name: &str, package: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/sbin", "/bin", "/sbin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!("`{name}` is missing: install the Debian package `{package}` (scripts/test does)");
}

fn run_ok(o: &Output) {
    assert!(o.status.success(), "{}", describe(o));
}

#[test]
fn the_textfile_passes_promtool_check_metrics() {
    netns::in_fresh_netns(|| {
        let host = Host::new();
        host.converge();
        sysctl_w(SYN, "6");
        std::fs::remove_file(host.drop_in()).unwrap();
        let (code, _) = host.drift();
        assert_eq!(code, 2);
        let text = host.textfile();
        let mut child = Command::new(tool("promtool", "prometheus"))
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        run_ok(&o);
        assert!(
            o.stdout.is_empty() && o.stderr.is_empty(),
            "promtool found problems: {}",
            describe(&o)
        );
        // Every family has HELP and TYPE; the required series are there.
        for family in [
            "tcppolicy_drift",
            "tcppolicy_policy_info",
            "tcppolicy_last_check_timestamp_seconds",
        ] {
            assert!(text.contains(&format!("# HELP {family} ")), "{text}");
            assert!(text.contains(&format!("# TYPE {family} gauge")), "{text}");
        }
        let all = samples(&text);
        let info: Vec<&Sample> = all
            .iter()
            .filter(|s| s.0 == "tcppolicy_policy_info")
            .collect();
        assert_eq!(info.len(), 1);
        assert_eq!(label(info[0], "policy"), "drifty");
        assert_eq!(label(info[0], "digest").len(), 64);
        let ts: Vec<&Sample> = all
            .iter()
            .filter(|s| s.0 == "tcppolicy_last_check_timestamp_seconds")
            .collect();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let t: u64 = ts[0].2.parse().unwrap();
        assert!(now.abs_diff(t) < 120, "{t} vs {now}");
    });
}

/// An HTTP GET over a plain TCP connection: the body.
fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    s.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no HTTP header"))?;
    if !head.starts_with("HTTP/1.") || !head.contains(" 200 ") {
        return Err(std::io::Error::other(format!("HTTP status: {head}")));
    }
    Ok(body.to_string())
}

#[test]
fn node_exporter_serves_the_series_over_http() {
    netns::in_fresh_netns(|| {
        let o = Command::new(tool("ip", "iproute2"))
            .args(["link", "set", "lo", "up"])
            .output()
            .unwrap();
        run_ok(&o);
        let host = Host::new();
        host.converge();
        sysctl_w(SYN, "6");
        let (code, _) = host.drift();
        assert_eq!(code, 2);
        let log = host.dir.path().join("node-exporter.log");
        let port = 9100;
        let exporter = Guard(
            Command::new(tool("prometheus-node-exporter", "prometheus-node-exporter"))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--collector.disable-defaults")
                .arg("--collector.textfile")
                .arg(format!(
                    "--collector.textfile.directory={}",
                    host.textfile_dir().display()
                ))
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .expect("node_exporter starts"),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        let body = loop {
            match http_get(port, "/metrics") {
                Ok(body) => break body,
                Err(e) => {
                    assert!(
                        Instant::now() < deadline,
                        "node_exporter does not answer: {e}\n{}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        };
        let served = samples(&body);
        assert!(
            served
                .iter()
                .any(|s| s.0 == "node_textfile_scrape_error" && s.2 == "0"),
            "{body}"
        );
        let mtime_files: Vec<&str> = served
            .iter()
            .filter(|s| s.0 == "node_textfile_mtime_seconds")
            .map(|s| label(s, "file"))
            .collect();
        assert_eq!(mtime_files.len(), 1, "{body}");
        assert!(mtime_files[0].ends_with("tcppolicy-drifty.prom"), "{body}");
        let ours = |all: &[Sample]| -> Vec<Sample> {
            let mut v: Vec<Sample> = all
                .iter()
                .filter(|s| s.0.starts_with("tcppolicy_"))
                .cloned()
                .collect();
            v.sort();
            v
        };
        let written = ours(&samples(&host.textfile()));
        assert_eq!(ours(&served), written, "{body}");
        assert!(
            served.iter().any(|s| s.0 == "tcppolicy_drift"
                && label(s, "key") == SYN
                && label(s, "layer") == "live"
                && s.2 == "1"),
            "{body}"
        );

        // While drift replaces the file again and again, every scrape sees all of it.
        let host_dir = host.dir.path().to_path_buf();
        let writer = std::thread::spawn({
            let policy = host.policy();
            let textfile = host.textfile_dir();
            move || {
                for _ in 0..40 {
                    let o = cli(&[
                        "drift".as_ref(),
                        "--layer".as_ref(),
                        "boot".as_ref(),
                        "--root".as_ref(),
                        host_dir.join("root").as_os_str(),
                        "--textfile".as_ref(),
                        textfile.as_os_str(),
                        policy.as_os_str(),
                    ]);
                    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
                }
            }
        });
        let mut scrapes = 0;
        while !writer.is_finished() || scrapes == 0 {
            let body = http_get(port, "/metrics").unwrap();
            let served = samples(&body);
            assert!(
                served
                    .iter()
                    .any(|s| s.0 == "node_textfile_scrape_error" && s.2 == "0"),
                "{body}"
            );
            let n = served.iter().filter(|s| s.0 == "tcppolicy_drift").count();
            assert!(
                n == 6 || n == 12,
                "a scrape saw part of a file: {n} series\n{body}"
            );
            scrapes += 1;
        }
        writer.join().unwrap();
        assert!(scrapes > 0);
        drop(exporter);
    });
}

#[test]
fn the_example_alerting_rules_pass_promtool_check_and_test() {
    let dir = repo().join("examples/monitoring");
    let o = Command::new(tool("promtool", "prometheus"))
        .args(["check", "rules", "tcppolicy-drift.rules.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    run_ok(&o);
    let o = Command::new(tool("promtool", "prometheus"))
        .args(["test", "rules", "tcppolicy-drift.rules.test.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    run_ok(&o);
}

// ---------------------------------------------------------------------------------------
// Done when 4: emit systemd

/// A directory with `man1/tcppolicy-drift.1` from the committed man pages, for
/// `systemd-analyze verify`, which checks `Documentation=man:` references with `man`.
fn manpath() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo().join("assets/man"), d.path().join("man1")).unwrap();
    d
}

/// `systemd-analyze verify` on unit files; with `debug` it also dumps each unit as systemd
/// parsed it.
fn verify(units: &[PathBuf], debug: bool) -> Output {
    let man = manpath();
    let mut c = Command::new(tool("systemd-analyze", "systemd"));
    c.arg("verify").args(units).env("MANPATH", man.path());
    if debug {
        c.env("SYSTEMD_LOG_LEVEL", "debug")
            .env("SYSTEMD_LOG_TARGET", "console");
    }
    c.output().unwrap()
}

/// The `Command Line:` entries of a unit dump, unquoted as systemd quotes them
/// (double quotes, backslash escapes) and with `$$` read as `$`, as at execution.
fn command_lines(dump: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in dump.lines() {
        let Some(rest) = line.trim().strip_prefix("Command Line: ") else {
            continue;
        };
        let mut words = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        let mut in_word = false;
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    quoted = !quoted;
                    in_word = true;
                }
                '\\' => {
                    word.push(chars.next().unwrap());
                    in_word = true;
                }
                ' ' if !quoted => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                c => {
                    word.push(c);
                    in_word = true;
                }
            }
        }
        if in_word {
            words.push(word);
        }
        let words: Vec<String> = words
            .into_iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w } else { expand(&w) })
            .collect();
        out.push(words);
    }
    out
}

/// What systemd makes of `$` in an argument when it runs the command: `$$` is a `$`,
/// any other `$` starts a variable (shown here as `<variable>`, never what was meant).
fn expand(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
        } else if chars.peek() == Some(&'$') {
            chars.next();
            out.push('$');
        } else {
            out.push_str("<variable>");
        }
    }
    out
}

fn emit_systemd(args: &[&OsStr]) -> Output {
    let mut all: Vec<&OsStr> = vec!["emit".as_ref(), "systemd".as_ref()];
    all.extend_from_slice(args);
    cli(&all)
}

#[test]
fn emit_systemd_units_pass_systemd_analyze_verify_and_read_back_exactly() {
    let host = Host::new();
    // Every character of a path that means something in a unit file (systemd refuses
    // quotes and backslashes in the executable's path, and so does `emit systemd`).
    let odd = host.dir.path().join("p in%h$HOME\"q'\\;");
    std::fs::create_dir_all(&odd).unwrap();
    let bin_dir = host.dir.path().join("b in%h$HOME;");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let binary = bin_dir.join("tcppolicy");
    std::os::unix::fs::symlink(bin(), &binary).unwrap();
    let policy = odd.join("web %n.yaml");
    std::fs::copy(host.policy(), &policy).unwrap();
    let textfile = odd.join("text files");
    let units = host.dir.path().join("units");
    std::fs::create_dir_all(&units).unwrap();
    for (reapply, layers) in [
        (false, &[][..]),
        (true, &[][..]),
        (true, &["live"][..]),
        (true, &["boot"][..]),
    ] {
        let live = layers.is_empty() || layers.contains(&"live");
        let boot = layers.is_empty() || layers.contains(&"boot");
        let mut args: Vec<&OsStr> = vec![
            "--binary".as_ref(),
            binary.as_os_str(),
            "--textfile-dir".as_ref(),
            textfile.as_os_str(),
            "--interval".as_ref(),
            "1h 30min".as_ref(),
            "-o".as_ref(),
            units.as_os_str(),
        ];
        if reapply {
            args.push("--reapply".as_ref());
        }
        for l in layers {
            args.extend::<[&OsStr; 2]>(["--layer".as_ref(), l.as_ref()]);
        }
        args.push(policy.as_os_str());
        let o = emit_systemd(&args);
        run_ok(&o);
        let service = units.join("tcppolicy-drift-drifty.service");
        let timer = units.join("tcppolicy-drift-drifty.timer");
        // Not a word from verify: it exits 0 on unknown keys and values it ignores, and
        // says so on stderr.
        let o = verify(&[service.clone(), timer.clone()], false);
        run_ok(&o);
        assert!(
            o.stdout.is_empty() && o.stderr.is_empty(),
            "systemd-analyze verify complains: {}",
            describe(&o)
        );
        let o = verify(&[service.clone(), timer.clone()], true);
        run_ok(&o);
        let log =
            String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout);
        let b = binary.display().to_string();
        let p = policy.display().to_string();
        let t = textfile.display().to_string();
        let mut check = vec![b.clone(), "drift".into()];
        for l in layers {
            check.extend(["--layer".to_string(), l.to_string()]);
        }
        check.extend(["--textfile".into(), t.clone(), "--".into(), p.clone()]);
        let mut expected = vec![check];
        if reapply && live {
            expected.push(vec![b.clone(), "apply".into(), "--".into(), p.clone()]);
        }
        if reapply && boot {
            expected.push(vec![
                b.clone(),
                "apply".into(),
                "--target".into(),
                "sysctl.d".into(),
                "--".into(),
                p.clone(),
            ]);
        }
        assert_eq!(command_lines(&log), expected, "{log}");
        let text = std::fs::read_to_string(&service).unwrap();
        assert!(text.contains("SuccessExitStatus=2\n"), "{text}");
        // Only an apply to the kernel needs /proc/sys writable and a capability.
        assert_eq!(
            text.contains("ProtectKernelTunables=yes\nCapabilityBoundingSet=\n")
                || text.contains("CapabilityBoundingSet=\nProtectKernelTunables=yes\n"),
            !(reapply && live),
            "{text}"
        );
        assert_eq!(
            text.contains("ReadWritePaths=/etc/sysctl.d\n"),
            reapply && boot,
            "{text}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("PrivateNetwork=")),
            "{text}"
        );
        let timer_text = std::fs::read_to_string(&timer).unwrap();
        assert!(
            timer_text.contains("OnUnitActiveSec=1h 30min\n"),
            "{timer_text}"
        );
    }
}

#[test]
fn emit_systemd_to_stdout_is_the_two_files_each_after_its_name() {
    let host = Host::new();
    let dir = host.dir.path().join("units");
    std::fs::create_dir_all(&dir).unwrap();
    let common: Vec<&OsStr> = vec![
        "--binary".as_ref(),
        "/usr/local/bin/tcppolicy".as_ref(),
        "--policy-path".as_ref(),
        "/etc/tcppolicy/drifty.yaml".as_ref(),
    ];
    let policy = host.policy();
    let mut args = common.clone();
    args.push(policy.as_os_str());
    let o = emit_systemd(&args);
    run_ok(&o);
    let stdout = String::from_utf8(o.stdout).unwrap();
    let mut args = common.clone();
    args.extend(["-o".as_ref(), dir.as_os_str(), policy.as_os_str()]);
    run_ok(&emit_systemd(&args));
    let service = std::fs::read_to_string(dir.join("tcppolicy-drift-drifty.service")).unwrap();
    let timer = std::fs::read_to_string(dir.join("tcppolicy-drift-drifty.timer")).unwrap();
    assert_eq!(
        stdout,
        format!(
            "# tcppolicy-drift-drifty.service\n{service}\n# tcppolicy-drift-drifty.timer\n{timer}"
        )
    );
    assert!(service.contains(
        "ExecStart=/usr/local/bin/tcppolicy drift --textfile /var/lib/prometheus/node-exporter -- /etc/tcppolicy/drifty.yaml\n"
    ));
}

#[test]
fn emit_systemd_refuses_what_a_unit_file_cannot_carry() {
    let host = Host::new();
    for (option, value, message) in [
        ("--policy-path", "relative.yaml", "must be an absolute path"),
        (
            "--policy-path",
            "/etc/x\nExecStart=/bin/sh",
            "control characters",
        ),
        (
            "--binary",
            "/usr/bin/x\rExecStart=/bin/sh",
            "control characters",
        ),
        ("--binary", "/opt/x\"y/tcppolicy", "quotes or backslashes"),
        (
            "--interval",
            "15min\nExecStart=/bin/sh",
            "not a systemd time span",
        ),
        ("--interval", "0", "not a systemd time span"),
    ] {
        let o = emit_systemd(&[option.as_ref(), value.as_ref(), host.policy().as_os_str()]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{option} {value:?}: {}",
            describe(&o)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(message), "{option} {value:?}: {err}");
        assert!(o.stdout.is_empty(), "nothing rendered: {}", describe(&o));
    }
}

/// Run `script` (sh) in a private mount namespace of the calling thread's network
/// namespace.
fn in_mount_ns(script: &str) -> Output {
    command_env(Command::new("unshare").args([
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-ec",
        script,
    ]))
}

fn command_env(c: &mut Command) -> Output {
    c.env("TCPPOLICY_RUN_DIR", tcppolicy_tests::run_dir())
        .output()
        .unwrap()
}

#[test]
fn drift_and_apply_work_under_the_units_restrictions() {
    // What the units ask systemd for, reproduced with util-linux: no capabilities (drift)
    // or CAP_NET_ADMIN only (apply), no new privileges, `/` read-only except the
    // directories the units name, and `/proc/sys` read-only for drift
    // (ProtectKernelTunables=yes).
    netns::in_fresh_netns(|| {
        let host = Host::new();
        host.converge();
        sysctl_w(SYN, "6");
        let run_dir = tcppolicy_tests::run_dir();
        std::fs::create_dir_all(&run_dir).unwrap();
        let b = bin().display().to_string();
        let policy = host.policy().display().to_string();
        let root = host.root().display().to_string();
        let tf = host.textfile_dir().display().to_string();
        let drift = format!(
            "mounts=\"/ $(findmnt -n -o TARGET --target '{root}')\"
             mount --bind -o ro /proc/sys /proc/sys
             mount --bind '{tf}' '{tf}'
             for m in $mounts; do mount -o remount,bind,ro \"$m\"; done
             if touch '{root}/probe' 2>/dev/null; then echo '/ is writable'; exit 99; fi
             setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- \
               '{b}' drift --format json --layer live --layer boot --root '{root}' \
               --textfile '{tf}' '{policy}' || test $? -eq 2"
        );
        let o = in_mount_ns(&drift);
        run_ok(&o);
        let r: Json = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(with_state(&r, "drift"), pairs(&[(SYN, "live")]), "{r:#}");
        assert_eq!(textfile_drift(&host.textfile()), pairs(&[(SYN, "live")]));

        let sysctl_d = format!("{root}/etc/sysctl.d");
        std::fs::remove_file(host.drop_in()).unwrap();
        let run = run_dir.display().to_string();
        let apply = format!(
            "mounts=\"/ $(findmnt -n -o TARGET --target '{root}') $(findmnt -n -o TARGET --target '{run}')\"
             mount --bind '{sysctl_d}' '{sysctl_d}'
             mount --bind '{run}' '{run}'
             for m in $mounts; do mount -o remount,bind,ro \"$m\"; done
             if touch '{root}/probe' 2>/dev/null; then echo '/ is writable'; exit 99; fi
             caps='--no-new-privs --inh-caps=-all --bounding-set=-all,+net_admin'
             setpriv $caps -- '{b}' apply '{policy}'
             setpriv $caps -- '{b}' apply --target sysctl.d --root '{root}' '{policy}'"
        );
        let o = in_mount_ns(&apply);
        run_ok(&o);
        let (code, r) = host.drift();
        assert_eq!(code, 0, "{r:#}");
    });
}

#[test]
fn drift_runs_from_the_command_line_the_unit_uses() {
    // The `--` the unit puts before the policy path keeps a path starting with `-` a path.
    netns::in_fresh_netns(|| {
        let host = Host::new();
        host.converge();
        let dashed = host.dir.path().join("-p.yaml");
        std::fs::copy(host.policy(), &dashed).unwrap();
        let o = command()
            .current_dir(host.dir.path())
            .args(["drift", "--layer", "live", "--", "-p.yaml"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    });
}

// ---------------------------------------------------------------------------------------
// The README

/// The fenced block of kind `kind` that follows `after` in `text`.
fn block_after<'a>(text: &'a str, after: &str, kind: &str) -> &'a str {
    let from = text.find(after).unwrap_or_else(|| panic!("no `{after}`")) + after.len();
    let open = format!("```{kind}\n");
    let start = text[from..].find(&open).unwrap() + from + open.len();
    let end = text[start..].find("\n```\n").unwrap() + start + 1;
    &text[start..end]
}

#[test]
fn the_readme_shows_the_example_alerting_rules_as_they_are() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let rules =
        std::fs::read_to_string(repo().join("examples/monitoring/tcppolicy-drift.rules.yml"))
            .unwrap();
    let body: String = rules
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        block_after(&readme, "Alerting rules for Prometheus", "yaml"),
        body,
        "README.md shows other rules than examples/monitoring/tcppolicy-drift.rules.yml"
    );
}

#[test]
fn the_readme_drift_example_is_real_output() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let policy = block_after(&readme, "## Drift\n", "yaml").to_string();
    let shown = block_after(&readme, "## Drift\n", "text").to_string();
    netns::in_fresh_netns(move || {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("web.yaml"), &policy).unwrap();
        // The sysctl.d search path replaced by empty directories, in a private mount
        // namespace: the host's files are neither seen nor touched.
        let script = format!(
            "for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d \\
                      /lib/sysctl.d; do
               if [ -d \"$d\" ]; then mount -t tmpfs tcppolicy-test \"$d\"; fi
               if [ -d \"$d\" ] && [ -n \"$(ls -A \"$d\")\" ]; then exit 97; fi
             done
             if [ -e /etc/sysctl.conf ]; then mount --bind /dev/null /etc/sysctl.conf; fi
             cd '{dir}'
             '{b}' apply web.yaml >/dev/null
             '{b}' apply --target sysctl.d web.yaml >/dev/null
             sysctl -qw net.ipv4.tcp_syn_retries=6
             echo 'net.ipv4.tcp_keepalive_time = 60' > /usr/lib/sysctl.d/99-zz.conf
             '{b}' drift web.yaml || echo \"exit $?\"",
            dir = dir.path().display(),
            b = bin().display()
        );
        let o = in_mount_ns(&script);
        run_ok(&o);
        let out = String::from_utf8(o.stdout).unwrap();
        let (first, rest) = out.split_once('\n').unwrap();
        let (shown_first, shown_rest) = shown.split_once('\n').unwrap();
        assert!(first.starts_with("drift of `web` (kernel "), "{out}");
        assert!(
            shown_first.starts_with("drift of `web` (kernel "),
            "{shown}"
        );
        assert_eq!(rest, format!("{shown_rest}exit 2\n"), "README.md is stale");
    });
}

#[test]
fn the_benchmark_policy_has_100_settings_and_no_drift_once_applied() {
    // bench/run times `drift` of this policy against `plan` (BENCHMARKS.md, issue 13).
    let path = repo().join("tests/fixtures/live/hundred.yaml");
    let c = tcppolicy_core::compile::compile_file(&path);
    let policy = c.policy.expect("hundred.yaml compiles");
    assert_eq!(policy.settings.len(), 100);
    netns::in_fresh_netns(move || {
        let root = tempfile::tempdir().unwrap();
        converge(&path, root.path());
        let (code, r) = drift_json(&[&both_layers(root.path())[..], &[path.as_os_str()]].concat());
        assert_eq!(code, Some(0), "{r:#}");
        assert_eq!(r["keys"].as_array().unwrap().len(), 100);
        assert_eq!(r["summary"]["boot"]["in_sync"], 100, "{r:#}");
    });
}
