//! The `sysctl.d` target end to end, with the real consumers of drop-ins:
//!
//! - a rendered drop-in covering every kind of value loads with the real `sysctl -p` and
//!   the real `systemd-sysctl`, each in a fresh network namespace, and every value reads
//!   back from `/proc/sys` (semantic comparison);
//! - rationale text crafted to inject assignments renders to comments only, and neither
//!   tool sets anything from it;
//! - `write_atomic` on a real directory: mode 0644, no rewrite of identical content;
//! - the shadowing analysis on fixture trees (`tests/fixtures/shadow/`), checked against
//!   expectations and against what the real `systemd-sysctl` and `sysctl --system` do with
//!   the same tree, run in a fresh network namespace and a private mount namespace that
//!   shows them only the fixture (never the host's `/etc/sysctl.d`).

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};
use tcppolicy_core::catalog;
use tcppolicy_core::compile::compile_str;
use tcppolicy_core::effective::{EffectivePolicy, Target};
use tcppolicy_core::plan;
use tcppolicy_core::value::Value;
use tcppolicy_core::version::Version;
use tcppolicy_exec::files::{FILE_MODE, Root, WriteOutcome};
use tcppolicy_exec::sysctld::{self, KeyShadow, Rules, Setter};
use tcppolicy_exec::system;
use tcppolicy_tests::{cli, describe, netns, repo};

// ---------------------------------------------------------------------------------------
// helpers

/// Write a file at a path on this machine, atomically, as the drop-in target does.
fn write_file(path: &Path, text: &str) -> WriteOutcome {
    tcppolicy_exec::files::write_file_atomic(path, text.as_bytes(), FILE_MODE).unwrap()
}

/// Write the drop-in at `target` (a path on the target system) inside `root`.
fn write_in(root: &Path, target: &Path, text: &str) -> WriteOutcome {
    Root::open(root)
        .unwrap()
        .write_atomic(target, text.as_bytes(), FILE_MODE)
        .unwrap()
}

/// What the drop-in at `target` inside `root` says for `param`.
fn observe(root: &Path, target: &Path, param: &catalog::Param) -> plan::Observed {
    let file = root.join(target.strip_prefix("/").unwrap());
    match std::fs::read_to_string(file) {
        Ok(text) => sysctld::observed(&sysctld::parse(&text), param),
        Err(_) => plan::Observed::Unset,
    }
}

/// The shadowing analysis inside `root`.
fn analyse(root: &Path, ours: &Path, content: Option<&str>, keys: &[&str]) -> Vec<KeyShadow> {
    sysctld::analyse(&Root::open(root).unwrap(), ours, content, keys)
        .unwrap()
        .keys
}

fn compile(name: &str, text: &str) -> EffectivePolicy {
    let c = compile_str(Path::new(name), text);
    let errors: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code.id, d.message))
        .collect();
    c.policy
        .unwrap_or_else(|| panic!("{name} does not compile: {errors:#?}"))
}

fn kernel() -> Option<Version> {
    Version::parse_release(&system::kernel_release())
}

/// The real consumers of drop-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    /// procps `sysctl`.
    Procps,
    /// systemd's `systemd-sysctl`.
    Systemd,
}

impl Tool {
    const BOTH: [Tool; 2] = [Tool::Procps, Tool::Systemd];

    /// The binary. Fails loudly (never skips) when it is missing.
    fn binary(self) -> PathBuf {
        let candidates: &[&str] = match self {
            Tool::Procps => &["/usr/sbin/sysctl", "/sbin/sysctl"],
            Tool::Systemd => &[
                "/lib/systemd/systemd-sysctl",
                "/usr/lib/systemd/systemd-sysctl",
            ],
        };
        candidates
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| {
                panic!("{self:?} is not installed (looked for {candidates:?}); it is required")
            })
    }

    /// Arguments that load one file.
    fn load_file(self, file: &Path) -> Vec<String> {
        let file = file.display().to_string();
        match self {
            Tool::Procps => vec!["-p".into(), file],
            Tool::Systemd => vec![file],
        }
    }

    /// Arguments that apply the whole search path, as at boot.
    fn boot(self) -> Vec<String> {
        match self {
            Tool::Procps => vec!["--system".into()],
            Tool::Systemd => Vec::new(),
        }
    }

    fn rules(self) -> Rules {
        match self {
            Tool::Procps => Rules::Procps,
            Tool::Systemd => Rules::Systemd,
        }
    }
}

/// Run `tool` on one file in the calling thread's network namespace; it must succeed.
fn load(tool: Tool, file: &Path) -> Output {
    let out = Command::new(tool.binary())
        .args(tool.load_file(file))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool:?}: {e}"));
    assert!(
        out.status.success(),
        "{tool:?} failed to load {}:\n{}",
        file.display(),
        describe(&out)
    );
    out
}

/// The `key = value` lines of a drop-in, checking that every other line is a comment.
fn assignment_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(line);
    }
    out
}

/// Compare every setting of `policy` with `/proc/sys` in the calling thread's namespace.
fn verify_policy(policy: &EffectivePolicy, kernel: Option<Version>) -> Vec<String> {
    let mut failures = Vec::new();
    for s in &policy.settings {
        let p = s.param;
        let expected = match &s.target {
            Target::Value(v) => v.clone(),
            _ => {
                let text = sysctld::rendered_value(s, kernel)
                    .unwrap_or_else(|| panic!("`{}` has no rendered value", p.name));
                Value::parse_kernel(p.kind, &text).unwrap()
            }
        };
        let text = match netns::read(p.name) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("`{}` cannot be read: {e}", p.name));
                continue;
            }
        };
        let Some(observed) = Value::parse_kernel(p.kind, &text) else {
            failures.push(format!(
                "`{}` reads `{text}`, not {}",
                p.name,
                p.kind.describe()
            ));
            continue;
        };
        if !plan::same(p, &observed, &expected) {
            failures.push(format!(
                "`{}` reads `{text}`, expected `{}`",
                p.name,
                expected.to_kernel()
            ));
        }
        let n = observed.as_int();
        match s.target {
            Target::AtLeast(min) if n.is_none_or(|n| n < min) => {
                failures.push(format!("`{}` = {text} is not at least {min}", p.name));
            }
            Target::AtMost(max) if n.is_none_or(|n| n > max) => {
                failures.push(format!("`{}` = {text} is not at most {max}", p.name));
            }
            _ => {}
        }
    }
    failures
}

// ---------------------------------------------------------------------------------------
// a) every kind of value, loaded by both real tools

/// A congestion control a child namespace may select, other than its current one
/// (`reno` is always built in and allowed).
fn pick_congestion_control() -> String {
    netns::in_fresh_netns(|| {
        let allowed = netns::read("net.ipv4.tcp_allowed_congestion_control").unwrap();
        let current = netns::read("net.ipv4.tcp_congestion_control").unwrap();
        let allowed: Vec<&str> = allowed.split_whitespace().collect();
        if allowed.contains(&"reno") && current != "reno" {
            return "reno".to_string();
        }
        allowed
            .iter()
            .find(|c| **c != current)
            .unwrap_or_else(|| panic!("no congestion control other than {current} is allowed"))
            .to_string()
    })
}

fn every_kind_policy(cc: &str) -> String {
    format!(
        r#"tcppolicy: 1
name: e2e-kinds
description: Every kind of value the sysctl.d target renders.
container: true
kernel: ">=5.15"
settings:
  net.ipv4.tcp_syn_retries: {{value: 4, rationale: an integer}}
  net.ipv4.tcp_slow_start_after_idle: {{value: false, rationale: a boolean written as 0}}
  net.ipv4.tcp_no_metrics_save: {{value: true, rationale: a boolean written as 1}}
  net.ipv4.tcp_rmem: {{value: [4KiB, 128KiB, 8MiB], rationale: a vector of sizes}}
  net.ipv4.tcp_wmem:
    value: {{min: 4096, default: 32KiB, max: 4MiB}}
    rationale: a vector in map form
  net.ipv4.tcp_congestion_control: {{value: {cc}, rationale: a name allowed in a child netns}}
  net.ipv4.ip_local_port_range: {{value: [20000, 60999], rationale: a port range}}
  net.ipv4.ip_local_reserved_ports:
    value: [30080, "40000-40010"]
    rationale: a port list with a range
  net.ipv4.tcp_keepalive_time: {{value: 10m, rationale: a duration in minutes}}
  net.ipv4.tcp_fin_timeout: {{value: 30s, rationale: a duration in seconds}}
  net.ipv4.tcp_notsent_lowat: {{value: 128KiB, rationale: a size}}
  net.core.somaxconn: {{at_least: 8192, rationale: at least above the default}}
  net.ipv4.tcp_keepalive_probes: {{at_most: 5, rationale: at most below the default}}
  net.ipv4.tcp_retries2: {{value: default, rationale: the kernel default}}
"#
    )
}

#[test]
fn drop_in_of_every_value_kind_loads_with_sysctl_p_and_systemd_sysctl() {
    let cc = pick_congestion_control();
    let policy = compile("e2e-kinds.yaml", &every_kind_policy(&cc));
    assert!(policy.container);
    for s in &policy.settings {
        assert!(
            s.param.writable_in_child_netns(),
            "`{}` is not writable in a child netns",
            s.param.name
        );
    }
    let kernel = kernel();
    let text = sysctld::render(&policy, kernel);
    assert_eq!(
        assignment_lines(&text).len(),
        policy.settings.len(),
        "one assignment per setting:\n{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("90-tcppolicy-e2e-kinds.conf");
    assert_eq!(write_file(&file, &text), WriteOutcome::Created);

    for tool in Tool::BOTH {
        let (policy, file) = (policy.clone(), file.clone());
        let failures = netns::in_fresh_netns(move || {
            // Move the `value: default` parameter off its default so the load must write it.
            netns::write("net.ipv4.tcp_retries2", "9").unwrap();
            load(tool, &file);
            verify_policy(&policy, kernel)
        });
        assert!(
            failures.is_empty(),
            "after {tool:?} loaded the drop-in:\n{}\n--- drop-in\n{text}",
            failures.join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------
// b) rationale cannot inject assignments

const INJECTION_POLICY: &str = r#"tcppolicy: 1
name: e2e-injection
description: "Injection attempts.\nnet.ipv4.tcp_sack = 0\rnet.ipv4.tcp_timestamps = 0"
owner: "team\nnet.ipv4.tcp_sack=0"
container: true
settings:
  net.ipv4.tcp_syn_retries:
    value: 3
    rationale: "Fail fast.\nnet.ipv4.tcp_sack = 0\r\nnet.ipv4.tcp_timestamps=0\rnet.ipv4.tcp_sack=0\0net.ipv4.tcp_timestamps = 0\Lnet.ipv4.tcp_sack = 0\vnet.ipv4.tcp_timestamps=0\fnet.ipv4.tcp_sack=0\Nnet.ipv4.tcp_timestamps=0\Pnet.ipv4.tcp_sack = 0\e[1A\t"
  net.ipv4.tcp_fin_timeout:
    value: 30s
    rationale: |
      A literal block.
      net.ipv4.tcp_timestamps=0
      ; net.ipv4.tcp_sack = 0
        -net.ipv4.tcp_sack = 0
"#;

#[test]
fn rationale_with_line_breaks_and_assignments_renders_to_comments_only() {
    let policy = compile("e2e-injection.yaml", INJECTION_POLICY);
    assert!(
        policy.settings[0].rationale.contains('\0'),
        "the compiler keeps the NUL"
    );
    let text = sysctld::render(&policy, kernel());
    assert_eq!(
        assignment_lines(&text),
        [
            "net.ipv4.tcp_syn_retries = 3",
            "net.ipv4.tcp_fin_timeout = 30"
        ],
        "{text}"
    );
    for bad in [
        '\r', '\0', '\u{0b}', '\u{0c}', '\u{1b}', '\u{85}', '\u{2028}', '\u{2029}',
    ] {
        assert!(!text.contains(bad), "{bad:?} in the drop-in:\n{text}");
    }
    assert!(
        text.contains("# net.ipv4.tcp_sack=0\\u{0}net.ipv4.tcp_timestamps = 0\n"),
        "{text}"
    );
    for rules in [Rules::Systemd, Rules::Procps] {
        let keys: Vec<String> = sysctld::parse_as(&text, rules)
            .into_iter()
            .map(|a| a.key)
            .collect();
        assert_eq!(
            keys,
            ["net.ipv4.tcp_syn_retries", "net.ipv4.tcp_fin_timeout"]
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("90-tcppolicy-e2e-injection.conf");
    write_file(&file, &text);
    for tool in Tool::BOTH {
        let file = file.clone();
        let (out, values) = netns::in_fresh_netns(move || {
            let out = load(tool, &file);
            let values: Vec<(String, String)> = [
                "net.ipv4.tcp_sack",
                "net.ipv4.tcp_timestamps",
                "net.ipv4.tcp_syn_retries",
                "net.ipv4.tcp_fin_timeout",
            ]
            .iter()
            .map(|k| (k.to_string(), netns::read(k).unwrap()))
            .collect();
            (out, values)
        });
        let values: BTreeMap<String, String> = values.into_iter().collect();
        assert_eq!(
            values["net.ipv4.tcp_sack"],
            "1",
            "{tool:?}: {}",
            describe(&out)
        );
        assert_eq!(
            values["net.ipv4.tcp_timestamps"],
            "1",
            "{tool:?}: {}",
            describe(&out)
        );
        assert_eq!(
            values["net.ipv4.tcp_syn_retries"], "3",
            "{tool:?}: the file was loaded"
        );
        assert_eq!(
            values["net.ipv4.tcp_fin_timeout"], "30",
            "{tool:?}: the file was loaded"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("tcp_sack") && !stdout.contains("tcp_timestamps"),
            "{tool:?} touched them: {stdout}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// c) write_atomic on a real directory

#[test]
fn write_atomic_is_0644_and_leaves_identical_content_alone() {
    let policy = compile("e2e-injection.yaml", INJECTION_POLICY);
    let text = sysctld::render(&policy, kernel());
    let root = tempfile::tempdir().unwrap();
    let target = sysctld::default_path(&policy.name);
    let file = root
        .path()
        .join("etc/sysctl.d/90-tcppolicy-e2e-injection.conf");
    assert_eq!(write_in(root.path(), &target, &text), WriteOutcome::Created);
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o644);
    assert_eq!(
        std::fs::metadata(root.path().join("etc/sysctl.d"))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777,
        0o755
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    // Age the file so that any rewrite would show in its modification time.
    let old = SystemTime::now() - Duration::from_secs(86_400);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let before = std::fs::metadata(&file).unwrap();
    assert_eq!(
        write_in(root.path(), &target, &text),
        WriteOutcome::Unchanged
    );
    let after = std::fs::metadata(&file).unwrap();
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    assert_eq!(before.ino(), after.ino());

    let changed = text.replace(
        "net.ipv4.tcp_syn_retries = 3",
        "net.ipv4.tcp_syn_retries = 4",
    );
    assert_eq!(
        write_in(root.path(), &target, &changed),
        WriteOutcome::Updated
    );
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o644);
    assert_ne!(meta.modified().unwrap(), before.modified().unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), changed);
    let entries: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        entries.len(),
        1,
        "no temporary files left behind: {entries:?}"
    );

    // The plan glue reads it back.
    let syn = catalog::lookup("net.ipv4.tcp_syn_retries").unwrap();
    assert_eq!(
        observe(root.path(), &target, syn),
        plan::Observed::Value("4".into())
    );
}

// ---------------------------------------------------------------------------------------
// d) shadowing on fixture trees, against expectations and the real tools

const KA: &str = "net.ipv4.tcp_keepalive_time";
const FIN: &str = "net.ipv4.tcp_fin_timeout";
const PROBES: &str = "net.ipv4.tcp_keepalive_probes";
const KEYS: [&str; 3] = [KA, FIN, PROBES];
/// Our drop-in in the fixture cases: `/etc/sysctl.d/90-tcppolicy-shadow.conf`.
const OURS: &str = "OURS";

const SHADOW_POLICY: &str = r#"tcppolicy: 1
name: shadow
container: true
settings:
  net.ipv4.tcp_keepalive_time: {value: 10m, rationale: ours}
  net.ipv4.tcp_fin_timeout: {value: 30s, rationale: ours}
"#;

/// One expected assignment: file (`OURS` for our drop-in), line (0: our line), value.
type S = (&'static str, usize, &'static str);

struct KeyExpect {
    key: &'static str,
    setters: &'static [S],
    systemd: Option<S>,
    procps: Option<S>,
}

struct Case {
    name: &'static str,
    /// Links to create in the copy (path in the tree, link target).
    links: &'static [(&'static str, &'static str)],
    /// Directories to create in the copy (git keeps no empty directories).
    dirs: &'static [&'static str],
    /// The real tools report errors for this tree (and apply the rest).
    tools_fail: bool,
    keys: &'static [KeyExpect],
}

const O_KA: S = (OURS, 0, "600");
const O_FIN: S = (OURS, 0, "30");

const NONE: KeyExpect = KeyExpect {
    key: PROBES,
    setters: &[],
    systemd: None,
    procps: None,
};

const CASES: &[Case] = &[
    Case {
        name: "etc-masks-vendor",
        links: &[],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[O_KA, ("/etc/sysctl.d/95-vendor.conf", 2, "102")],
                systemd: Some(("/etc/sysctl.d/95-vendor.conf", 2, "102")),
                procps: Some(("/etc/sysctl.d/95-vendor.conf", 2, "102")),
            },
            // /usr/lib/sysctl.d/95-vendor.conf sets it too, but is masked as a whole.
            KeyExpect {
                key: FIN,
                setters: &[O_FIN],
                systemd: Some(O_FIN),
                procps: Some(O_FIN),
            },
            NONE,
        ],
    },
    Case {
        name: "dev-null-mask",
        links: &[("etc/sysctl.d/95-vendor.conf", "/dev/null")],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[O_KA],
                systemd: Some(O_KA),
                procps: Some(O_KA),
            },
            KeyExpect {
                key: FIN,
                setters: &[O_FIN],
                systemd: Some(O_FIN),
                procps: Some(O_FIN),
            },
            NONE,
        ],
    },
    Case {
        name: "vendor-sorts-after-ours",
        links: &[],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[("/run/sysctl.d/10-early.conf", 2, "110"), O_KA],
                systemd: Some(O_KA),
                procps: Some(O_KA),
            },
            KeyExpect {
                key: FIN,
                setters: &[
                    ("/run/sysctl.d/10-early.conf", 3, "14"),
                    O_FIN,
                    ("/usr/lib/sysctl.d/99-vendor.conf", 2, "13"),
                ],
                systemd: Some(("/usr/lib/sysctl.d/99-vendor.conf", 2, "13")),
                procps: Some(("/usr/lib/sysctl.d/99-vendor.conf", 2, "13")),
            },
            NONE,
        ],
    },
    Case {
        name: "sysctl-conf",
        links: &[],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[O_KA, ("/etc/sysctl.conf", 2, "104")],
                systemd: Some(O_KA),
                procps: Some(("/etc/sysctl.conf", 2, "104")),
            },
            KeyExpect {
                key: FIN,
                setters: &[O_FIN],
                systemd: Some(O_FIN),
                procps: Some(O_FIN),
            },
            NONE,
        ],
    },
    Case {
        name: "debian-sysctl-conf-link",
        links: &[("etc/sysctl.d/99-sysctl.conf", "../sysctl.conf")],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[
                    O_KA,
                    ("/etc/sysctl.d/99-sysctl.conf", 2, "104"),
                    ("/etc/sysctl.conf", 2, "104"),
                ],
                systemd: Some(("/etc/sysctl.d/99-sysctl.conf", 2, "104")),
                procps: Some(("/etc/sysctl.conf", 2, "104")),
            },
            KeyExpect {
                key: FIN,
                setters: &[O_FIN],
                systemd: Some(O_FIN),
                procps: Some(O_FIN),
            },
            NONE,
        ],
    },
    Case {
        name: "ours-wins",
        links: &[],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[
                    ("/run/sysctl.d/10-early.conf", 1, "105"),
                    ("/usr/local/lib/sysctl.d/20-local.conf", 1, "106"),
                    ("/usr/lib/sysctl.d/50-default.conf", 1, "107"),
                    O_KA,
                ],
                systemd: Some(O_KA),
                procps: Some(O_KA),
            },
            KeyExpect {
                key: FIN,
                setters: &[("/usr/local/lib/sysctl.d/20-local.conf", 2, "15"), O_FIN],
                systemd: Some(O_FIN),
                procps: Some(O_FIN),
            },
            // Only `sysctl --system` reads hidden files.
            KeyExpect {
                key: PROBES,
                setters: &[("/run/sysctl.d/.hidden.conf", 2, "4")],
                systemd: None,
                procps: Some(("/run/sysctl.d/.hidden.conf", 2, "4")),
            },
        ],
    },
    // Entries that cannot be read still take their name (measured): both tools skip
    // the same-named vendor files and report an error.
    Case {
        name: "unreadable-entries-mask",
        links: &[("etc/sysctl.d/10-a.conf", "/nonexistent")],
        dirs: &["etc/sysctl.d/20-b.conf"],
        tools_fail: true,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[O_KA],
                systemd: Some(O_KA),
                procps: Some(O_KA),
            },
            KeyExpect {
                key: FIN,
                setters: &[O_FIN],
                systemd: Some(O_FIN),
                procps: Some(O_FIN),
            },
            NONE,
        ],
    },
    // Issue 10: a later file that sets the same values wins, and our setting holds.
    Case {
        name: "same-value-winner",
        links: &[],
        dirs: &[],
        tools_fail: false,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[
                    O_KA,
                    (
                        "/usr/lib/sysctl.d/99-vendor.conf",
                        2,
                        "600 # ten minutes, as the kernel reads it",
                    ),
                ],
                systemd: Some((
                    "/usr/lib/sysctl.d/99-vendor.conf",
                    2,
                    "600 # ten minutes, as the kernel reads it",
                )),
                procps: Some((
                    "/usr/lib/sysctl.d/99-vendor.conf",
                    2,
                    "600 # ten minutes, as the kernel reads it",
                )),
            },
            KeyExpect {
                key: FIN,
                setters: &[O_FIN, ("/usr/lib/sysctl.d/99-vendor.conf", 3, "30")],
                systemd: Some(("/usr/lib/sysctl.d/99-vendor.conf", 3, "30")),
                procps: Some(("/usr/lib/sysctl.d/99-vendor.conf", 3, "30")),
            },
            NONE,
        ],
    },
    // Issue 10: the last file sets a value the kernel refuses; the value before it stays.
    Case {
        name: "rejected-winner",
        links: &[],
        dirs: &[],
        tools_fail: true,
        keys: &[
            KeyExpect {
                key: KA,
                setters: &[O_KA, ("/usr/lib/sysctl.d/99-vendor.conf", 3, "ten minutes")],
                systemd: Some(("/usr/lib/sysctl.d/99-vendor.conf", 3, "ten minutes")),
                procps: Some(("/usr/lib/sysctl.d/99-vendor.conf", 3, "ten minutes")),
            },
            KeyExpect {
                key: FIN,
                setters: &[O_FIN, ("/usr/lib/sysctl.d/99-vendor.conf", 4, "31")],
                systemd: Some(("/usr/lib/sysctl.d/99-vendor.conf", 4, "31")),
                procps: Some(("/usr/lib/sysctl.d/99-vendor.conf", 4, "31")),
            },
            NONE,
        ],
    },
];

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        let ty = entry.file_type().unwrap();
        if ty.is_dir() {
            copy_tree(&entry.path(), &dest);
        } else if ty.is_symlink() {
            symlink(std::fs::read_link(entry.path()).unwrap(), dest).unwrap();
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// Copy a fixture case to a temporary root, complete it (empty directories, links), and
/// check that it only sets parameters a child network namespace owns.
fn prepare(case: &Case) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_tree(
        &repo().join("tests/fixtures/shadow").join(case.name),
        t.path(),
    );
    for dir in [
        "etc/sysctl.d",
        "run/sysctl.d",
        "usr/local/lib/sysctl.d",
        "usr/lib/sysctl.d",
    ] {
        std::fs::create_dir_all(t.path().join(dir)).unwrap();
    }
    for (path, target) in case.links {
        symlink(target, t.path().join(path)).unwrap();
    }
    for dir in case.dirs {
        std::fs::create_dir_all(t.path().join(dir)).unwrap();
    }
    for dir in [
        "etc/sysctl.d",
        "run/sysctl.d",
        "usr/local/lib/sysctl.d",
        "usr/lib/sysctl.d",
    ] {
        for entry in std::fs::read_dir(t.path().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            check_only_namespaced(&path);
        }
    }
    check_only_namespaced(&t.path().join("etc/sysctl.conf"));
    t
}

fn check_only_namespaced(file: &Path) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    for a in sysctld::parse(&text) {
        let p = catalog::lookup(&a.key).unwrap_or_else(|| {
            panic!("{}: `{}` is not a catalog parameter", file.display(), a.key)
        });
        assert!(
            p.writable_in_child_netns(),
            "{}: `{}` is not per network namespace; the real tools would write it globally",
            file.display(),
            a.key
        );
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l == needle)
        .unwrap_or_else(|| panic!("`{needle}` not in\n{text}"))
        + 1
}

fn expect_setter(s: S, ours: &Path, our_lines: &BTreeMap<&str, usize>, key: &str) -> Setter {
    let (file, line, value) = s;
    if file == OURS {
        Setter {
            file: ours.to_path_buf(),
            line: our_lines[key],
            value: value.into(),
            rejected: None,
        }
    } else {
        Setter {
            file: PathBuf::from(file),
            line,
            value: value.into(),
            rejected: None,
        }
    }
}

#[test]
fn shadowing_matches_expectations_on_fixture_trees() {
    let policy = compile("shadow.yaml", SHADOW_POLICY);
    let ours = sysctld::default_path(&policy.name);
    assert_eq!(ours, Path::new("/etc/sysctl.d/90-tcppolicy-shadow.conf"));
    let content = sysctld::render(&policy, kernel());
    let our_lines = BTreeMap::from([
        (KA, line_of(&content, "net.ipv4.tcp_keepalive_time = 600")),
        (FIN, line_of(&content, "net.ipv4.tcp_fin_timeout = 30")),
    ]);
    let mut failures = Vec::new();
    for case in CASES {
        let root = prepare(case);
        let got = analyse(root.path(), &ours, Some(&content), &KEYS);
        for (k, e) in got.iter().zip(case.keys) {
            assert_eq!(k.key, e.key);
            let want = |s: Option<S>| s.map(|s| expect_setter(s, &ours, &our_lines, e.key));
            let setters: Vec<Setter> = e
                .setters
                .iter()
                .map(|s| expect_setter(*s, &ours, &our_lines, e.key))
                .collect();
            // What the kernel takes, what is in force and whether ours holds are checked
            // by the tests below; here, who sets the key and who comes last.
            let mut got = k.clone();
            for s in got
                .setters
                .iter_mut()
                .chain(got.systemd_winner.iter_mut())
                .chain(got.procps_winner.iter_mut())
            {
                s.rejected = None;
            }
            let expected = KeyShadow {
                key: e.key.to_string(),
                setters,
                systemd_winner: want(e.systemd),
                procps_winner: want(e.procps),
                ours_wins_systemd: e.systemd.is_some_and(|s| s.0 == OURS),
                ours_wins_procps: e.procps.is_some_and(|s| s.0 == OURS),
                systemd_effective: got.systemd_effective.clone(),
                procps_effective: got.procps_effective.clone(),
                in_effect_systemd: got.in_effect_systemd,
                in_effect_procps: got.in_effect_procps,
            };
            if got != expected {
                failures.push(format!(
                    "{}: {}\n  got      {k:?}\n  expected {expected:?}",
                    case.name, e.key
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shadowing_of_the_drop_in_on_disk_when_no_content_is_given() {
    let case = CASES.iter().find(|c| c.name == "ours-wins").unwrap();
    let root = prepare(case);
    let ours = Path::new("/etc/sysctl.d/90-tcppolicy-shadow.conf");
    let got = analyse(
        root.path(),
        ours,
        None,
        &["net/ipv4/tcp_keepalive_time", FIN],
    );
    assert_eq!(got[0].key, KA, "keys are normalised");
    assert_eq!(
        got[0].systemd_winner,
        Some(Setter {
            file: ours.to_path_buf(),
            line: 2,
            value: "108".into(),
            rejected: None,
        })
    );
    assert!(got[0].ours_wins_systemd && got[0].ours_wins_procps);
    assert_eq!(
        got[1].systemd_winner.as_ref().map(|s| s.value.as_str()),
        Some("15")
    );
    assert!(!got[1].ours_wins_systemd && !got[1].ours_wins_procps);
}

/// Issue 10: a winner with our value (or one meeting our `at_least`) is in effect, not a
/// loss; a winner the kernel refuses is named, and the value before it is in force.
#[test]
fn shadowing_judges_same_values_bounds_and_rejected_winners() {
    let policy = compile("shadow.yaml", SHADOW_POLICY);
    let ours = sysctld::default_path(&policy.name);
    let content = sysctld::render(&policy, kernel());
    let judged = |case: &str, policy: &EffectivePolicy| {
        let root = prepare(CASES.iter().find(|c| c.name == case).unwrap());
        let mut keys = analyse(root.path(), &ours, Some(&content), &KEYS);
        sysctld::shadow::judge(&mut keys, &ours, policy, kernel());
        keys
    };
    let same = judged("same-value-winner", &policy);
    for k in &same[..2] {
        assert!(!k.ours_wins_systemd && !k.ours_wins_procps, "{k:?}");
        assert!(
            k.in_effect_systemd && k.in_effect_procps,
            "same value: in effect: {k:?}"
        );
    }
    let rejected = judged("rejected-winner", &policy);
    let ka = &rejected[0];
    let last = &ka.setters[1];
    assert!(
        last.rejected.as_deref().is_some_and(|r| !r.is_empty()),
        "{ka:?}"
    );
    // systemd-sysctl writes only the winner: refused, the key keeps its boot value.
    assert_eq!(ka.systemd_effective, None, "{ka:?}");
    assert!(!ka.in_effect_systemd, "{ka:?}");
    // procps writes every line in order: ours stays in force.
    assert_eq!(
        ka.procps_effective.as_ref().map(|s| s.file.clone()),
        Some(ours.clone())
    );
    assert!(ka.in_effect_procps, "{ka:?}");
    let fin = &rejected[1];
    assert!(
        !fin.in_effect_systemd && !fin.in_effect_procps,
        "31 is not ours: {fin:?}"
    );
    // at_least 25 is met by the vendor's 31; at_most 25 is not.
    for (bound, holds) in [("at_least: 25", true), ("at_most: 25", false)] {
        let p = compile(
            "shadow.yaml",
            &SHADOW_POLICY.replace(
                "net.ipv4.tcp_fin_timeout: {value: 30s, rationale: ours}",
                &format!("net.ipv4.tcp_fin_timeout: {{{bound}, rationale: ours}}"),
            ),
        );
        let keys = judged("rejected-winner", &p);
        assert_eq!(keys[1].in_effect_systemd, holds, "{bound}: {:?}", keys[1]);
    }
    // The human report says so.
    let root = prepare(
        CASES
            .iter()
            .find(|c| c.name == "same-value-winner")
            .unwrap(),
    );
    let file = root.path().join("p.yaml");
    std::fs::write(&file, SHADOW_POLICY.replace("container: true\n", "")).unwrap();
    let out = cli(&[
        "plan",
        "--target",
        "sysctl.d",
        "--root",
        root.path().to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("0 where this drop-in loses at boot"),
        "{}",
        describe(&out)
    );
    assert!(
        text.contains("with a value that meets this policy: in effect"),
        "{text}"
    );
    assert!(!text.contains("warning: this drop-in loses"), "{text}");
}

/// Run `tool` as at boot, in a private mount namespace where `/etc/sysctl.d`,
/// `/run`, `/usr/local`, `/usr/lib/sysctl.d` and `/etc/sysctl.conf` are the fixture
/// tree's (bind mounts; nothing of the host's configuration is visible), in the calling
/// thread's (fresh) network namespace.
fn boot_with(tool: Tool, tree: &Path, may_fail: bool) -> Output {
    const SCRIPT: &str = r#"set -eu
T=$1
shift
mount --bind "$T/etc/sysctl.d" /etc/sysctl.d
mount --bind "$T/usr/lib/sysctl.d" /usr/lib/sysctl.d
mount --bind "$T/run" /run
mount --bind "$T/usr/local" /usr/local
if [ -e "$T/etc/sysctl.conf" ]; then
  mount --bind "$T/etc/sysctl.conf" /etc/sysctl.conf
else
  mount --bind /dev/null /etc/sysctl.conf
fi
for d in etc/sysctl.d run/sysctl.d usr/local/lib/sysctl.d usr/lib/sysctl.d lib/sysctl.d; do
  src=$d
  [ "$d" = lib/sysctl.d ] && src=usr/lib/sysctl.d
  if [ "$(ls -A "/$d")" != "$(ls -A "$T/$src")" ]; then
    echo "/$d does not show the fixture; refusing to run" >&2
    exit 97
  fi
done
exec "$@"
"#;
    let unshare = ["/usr/bin/unshare", "/bin/unshare"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("unshare(1) from util-linux is required");
    let out = Command::new(unshare)
        .args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            SCRIPT,
            "sh",
        ])
        .arg(tree)
        .arg(tool.binary())
        .args(tool.boot())
        .output()
        .unwrap_or_else(|e| panic!("cannot run unshare: {e}"));
    assert_ne!(out.status.code(), Some(97), "{}", describe(&out));
    assert!(
        out.status.success() || may_fail,
        "{tool:?} at boot failed:\n{}",
        describe(&out)
    );
    out
}

/// The precedence model against the real tools: for every fixture case, the value each
/// tool leaves in a fresh network namespace is the winner `analyse` names for its rules
/// (or the namespace default when nothing sets the key).
#[test]
fn shadowing_agrees_with_real_systemd_sysctl_and_sysctl_system() {
    let policy = compile("shadow.yaml", SHADOW_POLICY);
    let ours = sysctld::default_path(&policy.name);
    let content = sysctld::render(&policy, kernel());
    let defaults: BTreeMap<String, String> = netns::in_fresh_netns(|| {
        KEYS.iter()
            .map(|k| (k.to_string(), netns::read(k).unwrap()))
            .collect()
    });
    let mut failures = Vec::new();
    for case in CASES {
        let root = prepare(case);
        write_in(root.path(), &ours, &content);
        let analysis = analyse(root.path(), &ours, None, &KEYS);
        for tool in Tool::BOTH {
            let tree = root.path().to_path_buf();
            let may_fail = case.tools_fail;
            let (out, values) = netns::in_fresh_netns(move || {
                let out = boot_with(tool, &tree, may_fail);
                let values: BTreeMap<String, String> = KEYS
                    .iter()
                    .map(|k| (k.to_string(), netns::read(k).unwrap()))
                    .collect();
                (out, values)
            });
            for k in &analysis {
                // The value in force: the last assignment the kernel takes.
                let winner = match tool.rules() {
                    Rules::Systemd => &k.systemd_effective,
                    Rules::Procps => &k.procps_effective,
                };
                let expected = winner.as_ref().map_or_else(
                    || defaults[&k.key].clone(),
                    |w| {
                        let p = catalog::lookup(&k.key).unwrap();
                        tcppolicy_core::value::kernel_takes(p, &w.value)
                            .unwrap()
                            .to_kernel()
                    },
                );
                if values[&k.key] != expected {
                    failures.push(format!(
                        "{} / {tool:?}: `{}` is {} after the real tool, analyse says {expected} \
                         ({winner:?})\n{}",
                        case.name,
                        k.key,
                        values[&k.key],
                        describe(&out)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------
// the plan against the drop-in

/// apply∘plan is empty: before the drop-in exists every setting is to be added; after
/// writing what `render` produced, the plan made from the file on disk is in sync.
#[test]
fn plan_from_the_written_drop_in_is_in_sync() {
    let policy = compile("e2e-kinds.yaml", &every_kind_policy("reno"));
    let release = system::kernel_release();
    let ctx = plan::Context {
        target: "sysctl.d:/etc/sysctl.d/90-tcppolicy-e2e-kinds.conf".into(),
        kernel_release: release.clone(),
        netns: "n/a".into(),
    };
    let root = tempfile::tempdir().unwrap();
    let target = sysctld::default_path(&policy.name);
    let diff = |root: &Path| plan::diff(&policy, &ctx, |p| observe(root, &target, p));

    let before = diff(root.path());
    assert_eq!(before.summary.change, policy.settings.len(), "{before:#?}");

    let text = sysctld::render(&policy, Version::parse_release(&release));
    write_in(root.path(), &target, &text);
    let after = diff(root.path());
    assert!(after.in_sync(), "{after:#?}\n--- drop-in\n{text}");
    assert_eq!(after.summary.in_sync, policy.settings.len());
}

// ------------------------------------------------------------------------------------------
// The command line: `plan`/`apply --target sysctl.d --root` as an image build uses them.

#[test]
fn cli_plan_and_apply_of_a_drop_in_under_a_root_tree() {
    let root = tempfile::tempdir().unwrap();
    let vendor = root.path().join("usr/lib/sysctl.d");
    std::fs::create_dir_all(&vendor).unwrap();
    std::fs::write(
        vendor.join("99-vendor.conf"),
        "net.ipv4.tcp_syn_retries = 4\n",
    )
    .unwrap();
    let policy = root.path().join("web.yaml");
    std::fs::write(
        &policy,
        "tcppolicy: 1\nname: web\nkernel: \">=6.12\"\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 2\n    rationale: Fail fast.\n  net.core.somaxconn:\n    at_least: 8192\n    rationale: Bursts.\n",
    )
    .unwrap();
    let (p, r) = (policy.to_str().unwrap(), root.path().to_str().unwrap());
    let args = |verb: &'static str| vec![verb, "--target", "sysctl.d", "--root", r, p];
    // Before: the file is to be created (exit 2), and the vendor file shadows one key.
    let out = cli(&args("plan"));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The file is named where it is written, under the root (issue 15), and as the
    // target system will see it.
    assert!(
        stdout.contains(&format!(
            "file {r}/etc/sysctl.d/90-tcppolicy-web.conf: create"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("`/etc/sysctl.d/90-tcppolicy-web.conf` on the target system"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/usr/lib/sysctl.d/99-vendor.conf:1 = 4"),
        "{stdout}"
    );
    assert!(
        stdout.contains("loses to another file at boot under systemd-sysctl"),
        "{stdout}"
    );
    // Apply writes it under the root, never under the host's /etc.
    let out = cli(&args("apply"));
    assert!(out.status.success(), "{}", describe(&out));
    let file = root.path().join("etc/sysctl.d/90-tcppolicy-web.conf");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("net.ipv4.tcp_syn_retries = 2\n")
            && text.contains("net.core.somaxconn = 8192\n"),
        "{text}"
    );
    assert!(!Path::new("/etc/sysctl.d/90-tcppolicy-web.conf").exists());
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o644
    );
    // After: in sync (exit 0); a second apply leaves the file untouched.
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let out = cli(&args("apply"));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("unchanged"),
        "{}",
        describe(&out)
    );
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
    let out = cli(&args("plan"));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // JSON carries the file's content before and after, for Ansible's --diff.
    let out = cli(&[
        "plan", "--format", "json", "--target", "sysctl.d", "--root", r, p,
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["file"]["action"], "unchanged");
    assert_eq!(doc["file"]["before"], doc["file"]["after"]);
    assert_eq!(doc["shadowing"][0]["key"], "net.ipv4.tcp_syn_retries");
    assert_eq!(doc["shadowing"][0]["ours_wins_systemd"], false);
}

/// `--target ansible:PATH`: after an apply, a plan compares task by task and finds every
/// key in sync, exit 0 (issue 15: it listed every key as a change yet said "unchanged");
/// a changed value is a change of that key only.
#[test]
fn cli_plan_of_an_ansible_tasks_file_after_apply_is_in_sync_per_key() {
    let root = tempfile::tempdir().unwrap();
    let policy = root.path().join("web.yaml");
    let write_policy = |retries: u8| {
        std::fs::write(
            &policy,
            format!(
                "tcppolicy: 1\nname: web\nkernel: \">=6.1\"\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: {retries}\n    rationale: Fail fast.\n  net.core.somaxconn:\n    at_least: 8192\n    rationale: Bursts.\n"
            ),
        )
        .unwrap();
    };
    write_policy(2);
    let (p, r) = (policy.to_str().unwrap(), root.path().to_str().unwrap());
    let args = |verb: &'static str| {
        vec![
            verb,
            "--format",
            "json",
            "--target",
            "ansible:tasks.yml",
            "--root",
            r,
            p,
        ]
    };
    let json = |out: &Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", describe(out)))
    };
    let actions = |doc: &serde_json::Value| -> Vec<(String, String)> {
        doc["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let field = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                (field("name"), field("action"))
            })
            .collect()
    };
    let out = cli(&args("apply"));
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(json(&out)["changed"], true);
    assert!(root.path().join("tasks.yml").exists());
    let out = cli(&args("plan"));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let doc = json(&out);
    assert_eq!(doc["outcome"]["status"], "in_sync", "{doc:#}");
    assert_eq!(doc["file"]["action"], "unchanged", "{doc:#}");
    assert_eq!(
        actions(&doc),
        [
            ("net.ipv4.tcp_syn_retries".into(), "in_sync".into()),
            ("net.core.somaxconn".into(), "in_sync".into())
        ]
    );
    write_policy(3);
    let out = cli(&args("plan"));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let doc = json(&out);
    assert_eq!(
        actions(&doc),
        [
            ("net.ipv4.tcp_syn_retries".into(), "change".into()),
            ("net.core.somaxconn".into(), "in_sync".into())
        ]
    );
    assert_eq!(doc["file"]["action"], "update", "{doc:#}");
}

#[test]
fn cli_warns_when_the_drop_in_is_not_read_at_boot() {
    let root = tempfile::tempdir().unwrap();
    let policy = root.path().join("p.yaml");
    std::fs::write(
        &policy,
        "tcppolicy: 1\nname: p\nkernel: \">=6.12\"\nsettings:\n  net.ipv4.tcp_syn_retries:\n    value: 3\n    rationale: r\n",
    )
    .unwrap();
    let (p, r) = (policy.to_str().unwrap(), root.path().to_str().unwrap());
    for target in ["sysctl.d:/opt/tcp.conf", "sysctl.d:/etc/sysctl.d/tcp.cfg"] {
        let out = cli(&["plan", "--target", target, "--root", r, p]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("neither systemd-sysctl nor `sysctl --system` reads it at boot"),
            "{target}: {}",
            describe(&out)
        );
        let out = cli(&[
            "plan", "--format", "json", "--target", target, "--root", r, p,
        ]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["file"]["read_at_boot"], false, "{target}");
    }
    let out = cli(&[
        "plan", "--format", "json", "--target", "sysctl.d", "--root", r, p,
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["file"]["read_at_boot"], true);
}
