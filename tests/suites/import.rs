//! `tcppolicy import`: starter policies from the live kernel, sysctl.d files, `sysctl -a`
//! dumps and TuneD profiles pass `check`, record where each value came from, say why
//! every other line was left out, and reproduce exactly what the real tools would have
//! set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tcppolicy_core::catalog::{PARAMS, Param, Scope};
use tcppolicy_core::version::Version;
use tcppolicy_tests::{bin, describe as text, netns, repo};

/// The one parameter whose value is a secret.
const SECRET: &str = "net.ipv4.tcp_fastopen_key";

/// `tcppolicy check` must find no error (warnings are the advice an import is for).
fn check(path: &Path) {
    let out = Command::new(bin()).arg("check").arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "the imported policy must pass check: {}\n{}",
        text(&out),
        std::fs::read_to_string(path).unwrap()
    );
}

fn running_kernel() -> Version {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    Version::parse_release(release.trim()).expect("the running kernel's release parses")
}

/// `>=MAJOR.MINOR` of the running kernel.
fn running_range() -> String {
    let k = running_kernel();
    format!(">={}.{}", k.major, k.minor)
}

/// Run `tcppolicy import` with `args`; the output must succeed.
fn import(args: &[&str], files: &[&Path]) -> (String, String) {
    let out = Command::new(bin())
        .arg("import")
        .args(args)
        .args(files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The settings of a policy text: name → the YAML of what it asks for (`value: …`,
/// `at_least: …`), without the rationale.
fn settings(yaml: &str) -> BTreeMap<String, String> {
    let doc: serde_json::Value = serde_saphyr::from_str(yaml).expect("the policy is YAML");
    let mut out = BTreeMap::new();
    if let Some(map) = doc["settings"].as_object() {
        for (name, s) in map {
            let mut s = s.clone();
            if let Some(o) = s.as_object_mut() {
                o.remove("rationale");
            }
            out.insert(name.clone(), s.to_string());
        }
    }
    out
}

/// Catalog parameters of the running kernel that a child namespace has and can write.
fn per_netns_params() -> Vec<&'static Param> {
    let kernel = running_kernel();
    PARAMS
        .iter()
        .filter(|p| {
            p.exists_on(kernel)
                && !p.read_only
                && p.scope_on(kernel) == Scope::Netns
                && netns::exists(p.name)
        })
        .collect()
}

/// Every per-namespace catalog value in the calling thread's namespace (the secret left
/// out: it is never imported, and its value is not printed).
fn per_netns_values(params: &[&'static Param]) -> BTreeMap<&'static str, String> {
    params
        .iter()
        .filter(|p| p.name != SECRET)
        .map(|p| {
            let v = netns::read(p.name).unwrap_or_else(|e| format!("<unreadable: {e}>"));
            (p.name, v.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

/// The real corpus and the derived encodings.
fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["real", "derived"] {
        let dir = repo().join("tests/fixtures/import").join(dir);
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".conf") || name.ends_with(".txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Congestion controls a child namespace may select without the kernel loading a module
/// for it (which would change the host): the allowed ones, all of them already loaded.
fn selectable_congestion_controls() -> Vec<String> {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_allowed_congestion_control")
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// `text` with every line that would write anything but a per-namespace catalog
/// parameter blanked (line numbers kept). The key is found the simplest way, independent
/// of tcppolicy's parser: the text before the first `=`, trimmed, with one leading `-`
/// dropped; a line is kept only when that is exactly a per-namespace name (dotted or
/// slashed). Also blanked, with the reason in the returned list: the secret (`import`
/// never takes it) and congestion controls a child namespace cannot select without the
/// kernel loading a module on the host.
fn per_netns_lines(text: &str, names: &[&str], selectable: &[String]) -> (String, Vec<String>) {
    let mut dropped = Vec::new();
    let kept: Vec<&str> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let t = line.trim_start_matches([' ', '\t']);
            let t = t.strip_prefix('-').unwrap_or(t);
            let Some((key, value)) = t.split_once('=') else {
                return "";
            };
            let key = key.trim_matches([' ', '\t']);
            let dotted = key.replace('/', ".");
            if key.starts_with('.') || !names.contains(&dotted.as_str()) {
                return "";
            }
            if dotted == SECRET {
                dropped.push(format!("line {}: the secret", i + 1));
                return "";
            }
            if dotted == "net.ipv4.tcp_congestion_control" {
                let name = value.trim_matches([' ', '\t', '\r']);
                if !selectable.iter().any(|s| s == name) {
                    dropped.push(format!(
                        "line {}: congestion control `{name}` is not loaded and allowed",
                        i + 1
                    ));
                    return "";
                }
            }
            line
        })
        .collect();
    (kept.join("\n"), dropped)
}

/// Lines of `text` that are neither blank nor comments, 1-based.
fn content_lines(text: &str) -> Vec<usize> {
    text.split('\n')
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_matches([' ', '\t', '\r']);
            !t.is_empty() && !t.starts_with(['#', ';'])
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Item 1 of the import issue: for every file of the corpus, `sysctl -p` in one fresh
/// namespace and `tcppolicy import` + `tcppolicy apply` in another leave every
/// per-namespace catalog parameter with the same value. Only per-namespace catalog keys
/// are ever written (see [`per_netns_lines`]); the import of the whole file must hold the
/// same per-namespace settings as the import of the filtered one, and every other line
/// of the whole file must be accounted for as a setting or a comment saying why not.
#[test]
fn import_sets_exactly_what_sysctl_p_sets_on_the_real_corpus() {
    let params = per_netns_params();
    assert!(
        params.len() > 40,
        "only {} per-namespace parameters",
        params.len()
    );
    let names: Vec<&str> = params.iter().map(|p| p.name).collect();
    let selectable = selectable_congestion_controls();
    let range = running_range();
    let files = corpus();
    let real = files
        .iter()
        .filter(|f| f.parent().unwrap().ends_with("real"))
        .count();
    assert!(real >= 25, "only {real} real files in the corpus");
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let (mut lines_total, mut settings_total, mut compared) = (0, 0, 0);
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(file).unwrap();
        let original = String::from_utf8_lossy(&bytes).into_owned();
        let (filtered, dropped) = per_netns_lines(&original, &names, &selectable);
        let filtered_path = dir.path().join(format!("filtered-{name}"));
        std::fs::write(&filtered_path, &filtered).unwrap();

        // The whole file: every content line is a setting or a comment that says why not.
        let (whole, stderr) = import(&["--kernel", &range], &[file.as_path()]);
        let shown = file.display().to_string();
        for n in content_lines(&original) {
            lines_total += 1;
            let at = format!("{shown}:{n}");
            let accounted = [".", ":", ";", ","]
                .iter()
                .any(|end| whole.contains(&format!("{at}{end}")));
            if !accounted {
                failures.push(format!(
                    "{name}: line {n} is neither a setting nor a comment"
                ));
            }
        }
        if !stderr.starts_with("imported ") {
            failures.push(format!("{name}: no summary on stderr: {stderr}"));
        }
        let whole_path = dir.path().join(format!("whole-{name}.yaml"));
        std::fs::write(&whole_path, &whole).unwrap();
        check(&whole_path);

        // The whole file and its per-namespace lines give the same per-namespace settings.
        let (part, _) = import(&["--kernel", &range], &[filtered_path.as_path()]);
        let part_settings = settings(&part);
        let whole_settings: BTreeMap<String, String> = settings(&whole)
            .into_iter()
            .filter(|(k, _)| names.contains(&k.as_str()))
            // Lines blanked on purpose (module loading) are not expected in `part`.
            .filter(|(k, v)| {
                k != "net.ipv4.tcp_congestion_control"
                    || selectable.iter().any(|s| v.contains(&format!("\"{s}\"")))
            })
            .collect();
        if whole_settings != part_settings {
            failures.push(format!(
                "{name}: the whole file and its per-namespace lines import differently:\n  \
                 whole: {whole_settings:?}\n  part:  {part_settings:?}"
            ));
        }
        settings_total += part_settings.len();
        let policy = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&policy, &part).unwrap();

        // `sysctl -p` in one fresh namespace, `tcppolicy apply` in another.
        let p = params.clone();
        let fp = filtered_path.clone();
        let (by_sysctl, sysctl_out) = netns::in_fresh_netns(move || {
            let out = Command::new("sysctl").arg("-p").arg(&fp).output().unwrap();
            (per_netns_values(&p), text(&out))
        });
        let p = params.clone();
        let lock = dir.path().join(format!("{name}.lock"));
        let pol = policy.clone();
        let (by_apply, apply_out) = netns::in_fresh_netns(move || {
            let out = Command::new(bin())
                .args(["apply", "--lock-file"])
                .arg(&lock)
                .arg(&pol)
                .output()
                .unwrap();
            (per_netns_values(&p), text(&out))
        });
        for (key, want) in &by_sysctl {
            compared += 1;
            let got = &by_apply[key];
            if got != want {
                failures.push(format!(
                    "{name}: {key}: sysctl -p left `{want}`, import + apply left `{got}`\n  \
                     dropped: {dropped:?}\n  sysctl: {sysctl_out}\n  apply: {apply_out}\n  \
                     policy:\n{part}"
                ));
            }
        }
    }
    // The figures, shown with `--nocapture`.
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "{} files ({real} real), {lines_total} content lines, {settings_total} per-namespace \
         settings, {compared} values compared",
            files.len()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn import_from_the_live_kernel_reproduces_its_values_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("imported.yaml");
    let p = policy.clone();
    let stderr = netns::in_fresh_netns(move || {
        netns::write("net.ipv4.tcp_syn_retries", "3").unwrap();
        netns::write("net.ipv4.tcp_rmem", "8192 262144 8388608").unwrap();
        netns::write("net.ipv4.tcp_slow_start_after_idle", "0").unwrap();
        netns::write("net.core.somaxconn", "16384").unwrap();
        netns::write(SECRET, "01234567-89abcdef-01234567-89abcdef").unwrap();
        let out = Command::new(bin())
            .args(["import", "--name", "fleet", "-o"])
            .arg(&p)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        assert!(out.stdout.is_empty(), "{}", text(&out));
        String::from_utf8(out.stderr).unwrap()
    });
    assert!(
        stderr.contains(" settings from the running kernel"),
        "{stderr}"
    );
    check(&policy);
    let yaml = std::fs::read_to_string(&policy).unwrap();
    for name in [
        "net.ipv4.tcp_syn_retries",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_slow_start_after_idle",
        "net.core.somaxconn",
    ] {
        assert!(
            yaml.contains(&format!("  {name}:\n")),
            "{name} missing:\n{yaml}"
        );
    }
    assert!(yaml.contains("Imported from the running kernel"), "{yaml}");
    assert!(
        !yaml.contains("net.ipv4.tcp_sack:"),
        "values at their default are left out:\n{yaml}"
    );
    // The range is the running kernel's, and the policy says so.
    assert!(
        yaml.contains(&format!("kernel: \"{}\"", running_range())),
        "{yaml}"
    );
    assert!(
        yaml.contains("# kernel range: the running kernel"),
        "{yaml}"
    );
    // Applied to another fresh namespace, the starter policy reproduces the values.
    netns::in_fresh_netns(move || {
        let lock = policy.with_extension("lock");
        let out = Command::new(bin())
            .args(["apply", "--lock-file"])
            .arg(&lock)
            .arg(&policy)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(netns::read("net.ipv4.tcp_syn_retries").unwrap(), "3");
        assert_eq!(
            netns::read("net.ipv4.tcp_rmem")
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["8192", "262144", "8388608"]
        );
        assert_eq!(
            netns::read("net.ipv4.tcp_slow_start_after_idle").unwrap(),
            "0"
        );
        assert_eq!(netns::read("net.core.somaxconn").unwrap(), "16384");
    });
}

/// `import --all` passes the CI recipe (`check --deny warnings`): the kernel's own values
/// the compiler warns about (a parameter with no effect on this kernel, one syncookies
/// makes ignored) are comments saying why, while a value someone chose keeps its warning
/// (issue 15).
#[test]
fn import_all_passes_check_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let (all, chosen) = (dir.path().join("all.yaml"), dir.path().join("chosen.yaml"));
    let (a, c) = (all.clone(), chosen.clone());
    netns::in_fresh_netns(move || {
        let out = Command::new(bin())
            .args(["import", "--all", "-o"])
            .arg(&a)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        // A value chosen on this host that the compiler warns about stays, with its
        // warning: the policy says what the host has.
        netns::write("net.ipv4.tcp_syncookies", "0").unwrap();
        let out = Command::new(bin())
            .args(["import", "--all", "-o"])
            .arg(&c)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    });
    let out = Command::new(bin())
        .args(["check", "--deny", "warnings"])
        .arg(&all)
        .output()
        .unwrap();
    let yaml = std::fs::read_to_string(&all).unwrap();
    assert!(out.status.success(), "{}\n{yaml}", text(&out));
    assert!(
        yaml.contains("net.ipv4.tcp_max_syn_backlog: the kernel's own value, left out: "),
        "{yaml}"
    );
    let out = Command::new(bin())
        .args(["check", "--deny", "warnings"])
        .arg(&chosen)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("warning[TP507]"), "{}", text(&out));
}

/// Secrets never enter a policy, from the live kernel (`--all` too) or from a dump, and
/// their value is never printed.
#[test]
fn secrets_never_enter_a_policy_from_any_source() {
    let key = "0badc0de-89abcdef-01234567-feedf00d";
    let dump = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        dump.path(),
        format!(
            "net.ipv4.tcp_fastopen = 3\n{SECRET} = {key}\nnet.ipv4.tcp_fastopen_key={key}, {key}\n"
        ),
    )
    .unwrap();
    let (yaml, stderr) = import(&["--kernel", ">=5.10"], &[dump.path()]);
    for out in [&yaml, &stderr] {
        assert!(!out.contains("0badc0de"), "{out}");
        assert!(!out.contains(&format!("  {SECRET}:")), "{out}");
    }
    assert!(yaml.contains(&format!(":2: {SECRET}: a secret")), "{yaml}");
    let real = repo().join("tests/fixtures/import/real/11-sysctl-a-dump-4.14-excerpt.txt");
    let (yaml, _) = import(&[], &[real.as_path()]);
    assert!(!yaml.contains(&format!("  {SECRET}:")), "{yaml}");
    let out = netns::in_fresh_netns(move || {
        netns::write(SECRET, "0badc0de-89abcdef-01234567-feedf00d").unwrap();
        Command::new(bin())
            .args(["import", "--all"])
            .output()
            .unwrap()
    });
    assert!(out.status.success(), "{}", text(&out));
    let all = text(&out);
    assert!(!all.contains("0badc0de"), "{all}");
    assert!(!all.contains(&format!("  {SECRET}:")), "{all}");
}

/// Every line that is not a setting is a comment saying why, with a did-you-mean for
/// misspelt names; the stderr summary counts them, also with `-o`.
#[test]
fn lines_that_are_not_settings_are_comments_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("99-mixed.conf");
    std::fs::write(
        &file,
        "net.ipv4.tcp_keepalive_intval = 30\n\
         kernel.pid_max = 4194304\n\
         sysctl -w net.core.somaxconn=4096\n\
         net.core.somaxconn = 8192 # the listen backlog\n\
         -net.ipv4.tcp_ecn\n\
         net.ipv4.tcp_syn_retries = 300\n\
         just some text\n\
         net.ipv4.tcp_tw_recycle = 1\n",
    )
    .unwrap();
    let out_path = dir.path().join("p.yaml");
    let out = Command::new(bin())
        .args(["import", "--kernel", ">=6.1", "-o"])
        .arg(&out_path)
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let yaml = std::fs::read_to_string(&out_path).unwrap();
    check(&out_path);
    let f = file.display().to_string();
    for (line, key, why) in [
        (
            1,
            "net.ipv4.tcp_keepalive_intval",
            "did you mean `net.ipv4.tcp_keepalive_intvl`?",
        ),
        (2, "kernel.pid_max", "outside tcppolicy's scope"),
        (
            3,
            "sysctl -w net.core.somaxconn",
            "`sysctl -w` does nothing in a sysctl.d file",
        ),
        (
            5,
            "net.ipv4.tcp_ecn",
            "excludes the key from glob assignments",
        ),
        (6, "net.ipv4.tcp_syn_retries", "rejected: "),
        (7, "just some text", "not an assignment"),
        (8, "net.ipv4.tcp_tw_recycle", "removed"),
    ] {
        let comment = yaml
            .lines()
            .find(|l| l.starts_with(&format!("# {f}:{line}: {key}: ")))
            .unwrap_or_else(|| panic!("line {line} is not listed:\n{yaml}"));
        assert!(comment.contains(why), "{comment}");
    }
    assert!(yaml.contains("# Not imported (7 lines):"), "{yaml}");
    assert!(
        yaml.contains("  net.core.somaxconn:\n    value: 8192\n"),
        "a trailing comment is what the kernel ignores: {yaml}"
    );
    assert!(
        yaml.contains("The kernel ignores `# the listen backlog`"),
        "{yaml}"
    );
    // The summary: counts, the first lines, and where the rest are.
    assert!(
        stderr.contains("imported 1 setting from 1 file; 7 lines not imported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `net.ipv4.tcp_keepalive_intvl`?"),
        "{stderr}"
    );
    assert!(stderr.contains("… and 2 more"), "{stderr}");
    // The compiler suggests the same name for the same typo.
    let typo = dir.path().join("typo.yaml");
    std::fs::write(
        &typo,
        "tcppolicy: 1\nname: t\nkernel: \">=6.1\"\nsettings:\n  net.ipv4.tcp_keepalive_intval:\n    value: 30\n    rationale: x\n",
    )
    .unwrap();
    let out = Command::new(bin())
        .arg("check")
        .arg(&typo)
        .output()
        .unwrap();
    assert!(
        text(&out).contains("net.ipv4.tcp_keepalive_intvl"),
        "{}",
        text(&out)
    );
}

/// `--kernel` sets the range; without it, a file import says where its range came from
/// and does not take this machine's kernel as the floor.
#[test]
fn the_kernel_range_is_given_or_explained() {
    let fixtures = repo().join("tests/fixtures/import");
    let file = fixtures.join("10-vendor.conf");
    let (yaml, _) = import(&["--kernel", ">=5.15"], &[file.as_path()]);
    assert!(yaml.contains("kernel: \">=5.15\""), "{yaml}");
    assert!(
        yaml.contains("# kernel range: the fleet's range, given with --kernel"),
        "{yaml}"
    );
    let (yaml, _) = import(&[], &[file.as_path()]);
    assert!(
        yaml.contains("# kernel range: not given: tcppolicy's default"),
        "{yaml}"
    );
    assert!(
        !yaml.contains(&format!("kernel: \"{}\"", running_range())),
        "{yaml}"
    );
    let out = Command::new(bin())
        .args(["import", "--kernel", "five"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("`--kernel` is not a kernel range"),
        "{}",
        text(&out)
    );
}

#[test]
fn import_from_files_keeps_the_boot_order_and_comments_out_what_cannot_be_held() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = repo().join("tests/fixtures/import");
    let (yaml, _) = import(
        &["--name", "from-files", "--kernel", ">=6.1"],
        &[
            fixtures.join("10-vendor.conf").as_path(),
            fixtures.join("99-local.conf").as_path(),
        ],
    );
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, &yaml).unwrap();
    check(&policy);
    // The later file wins, and the rationale names the file and line it came from.
    assert!(
        yaml.contains("  net.core.somaxconn:\n    value: 8192\n"),
        "{yaml}"
    );
    assert!(yaml.contains("99-local.conf:2."), "{yaml}");
    assert!(
        yaml.contains("10-vendor.conf:5: net.core.somaxconn: overridden by"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  net.ipv4.tcp_keepalive_time:\n    value: 600\n"),
        "slash-separated keys are read: {yaml}"
    );
    assert!(
        yaml.contains("  net.ipv4.tcp_rmem:\n    value: [4096, 87380, 6291456]\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  net.ipv4.ip_local_port_range:\n    value: [10240, 65535]\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("The `-` prefix made failures to set it silent at boot"),
        "{yaml}"
    );
    for (key, why) in [
        ("net.ipv4.tcp_tw_recycle", "removed"),
        ("net.ipv4.tcp_retries2", "rejected: "),
        (
            "net.ipv4.tcp_made_up_parameter",
            "not a parameter tcppolicy knows",
        ),
        ("kernel.pid_max", "outside tcppolicy's scope"),
    ] {
        let line = yaml
            .lines()
            .find(|l| l.starts_with('#') && l.contains(&format!(": {key}: ")))
            .unwrap_or_else(|| panic!("{key} not listed:\n{yaml}"));
        assert!(line.contains(why), "{line}");
    }
}

/// Real files with shell lines, a byte order mark and Windows line endings: each odd line
/// is reported for what it is.
#[test]
fn odd_real_files_are_reported_line_by_line() {
    let fixtures = repo().join("tests/fixtures/import");
    let w = fixtures.join("real/10-akoscomp-sysctl-w-lines.txt");
    let (yaml, _) = import(&["--kernel", ">=6.1"], &[w.as_path()]);
    assert!(yaml.contains("settings: {}"), "{yaml}");
    assert!(
        yaml.contains("`sysctl -w` does nothing in a sysctl.d file"),
        "{yaml}"
    );
    let bom = fixtures.join("derived/bom-09-brohui-aliyun.conf");
    let (yaml, _) = import(&["--kernel", ">=6.1"], &[bom.as_path()]);
    assert!(
        yaml.contains(":1: \\u{feff}vm.swappiness: the key starts with a UTF-8 byte order mark"),
        "{yaml}"
    );
    let crlf = fixtures.join("derived/crlf-09-brohui-aliyun.conf");
    let (yaml, _) = import(&["--kernel", ">=6.1"], &[crlf.as_path()]);
    let plain = fixtures.join("real/09-brohui-aliyun.conf");
    let (plain_yaml, _) = import(&["--kernel", ">=6.1"], &[plain.as_path()]);
    assert_eq!(settings(&yaml), settings(&plain_yaml), "{yaml}");
}

/// A TuneD profile: `>`/`<` become at_least/at_most, quotes are removed, TuneD's other
/// syntax is reported, never silently imported.
#[test]
fn tuned_profiles_import_with_their_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("tuned.conf");
    std::fs::write(
        &profile,
        "[main]\nsummary=web\ninclude=throughput-performance\n\n[sysctl]\n\
         net.core.somaxconn=>4096\n\
         net.ipv4.tcp_fin_timeout = <30\n\
         net.ipv4.tcp_rmem=\"4096 131072 16777216\"\n\
         net.ipv4.tcp_keepalive_time=${keepalive}\n\
         net.ipv4.tcp_syn_retries=4 # inline comment\n\
         kernel.pid_max=>4194304\n\n[vm]\ntransparent_hugepages=never\n",
    )
    .unwrap();
    let (yaml, _) = import(&["--kernel", ">=6.1"], &[profile.as_path()]);
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, &yaml).unwrap();
    check(&policy);
    for want in [
        "  net.core.somaxconn:\n    at_least: 4096\n",
        "  net.ipv4.tcp_fin_timeout:\n    at_most: 30\n",
        "  net.ipv4.tcp_rmem:\n    value: [4096, 131072, 16777216]\n",
        "  net.ipv4.tcp_syn_retries:\n    value: 4\n",
    ] {
        assert!(yaml.contains(want), "{want}\n{yaml}");
    }
    assert!(!yaml.contains("  net.ipv4.tcp_keepalive_time:"), "{yaml}");
    for want in [
        ":9: net.ipv4.tcp_keepalive_time: ",
        ":3: [main] include: TuneD merges the included profile `throughput-performance`",
        ":11: kernel.pid_max: outside tcppolicy's scope",
    ] {
        assert!(yaml.contains(want), "{want}\n{yaml}");
    }
}

/// Python's `configparser`, with the options TuneD's loader gives it, read against
/// `import` on every real TuneD profile: every `[sysctl]` option is either a setting
/// with the same numbers or a comment saying why not.
#[test]
fn real_tuned_profiles_read_as_tuned_reads_them() {
    let root = repo().join("tests/fixtures/import/tuned");
    let mut profiles: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().join("tuned.conf"))
        .filter(|p| p.exists())
        .collect();
    profiles.sort();
    assert!(profiles.len() >= 8, "{profiles:?}");
    let script = r#"
import configparser, json, sys
cfg = configparser.ConfigParser(delimiters=('=',), inline_comment_prefixes=('#',), strict=False)
cfg.optionxform = str
cfg.read_string(open(sys.argv[1], encoding='utf-8').read())
out = {}
for s in cfg.sections():
    if s == 'sysctl' or cfg.get(s, 'type', fallback=None) == 'sysctl':
        for k, v in cfg.items(s, raw=True):
            out[k] = v
print(json.dumps(out))
"#;
    let mut failures = Vec::new();
    for profile in &profiles {
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(profile)
            .output()
            .expect("python3 runs (the TuneD cross-check needs it)");
        assert!(out.status.success(), "{}", text(&out));
        let options: BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
        let (yaml, _) = import(&["--kernel", ">=6.1"], &[profile.as_path()]);
        let got = settings(&yaml);
        for (key, raw) in &options {
            let key = key.replace('/', ".");
            match got.get(&key) {
                Some(setting) => {
                    let v = raw.trim();
                    let v = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(v);
                    let v = v.trim_start_matches(['>', '<']);
                    let numbers: Vec<&str> = v.split_whitespace().collect();
                    let shown: String = setting
                        .chars()
                        .map(|c| if c.is_ascii_digit() { c } else { ' ' })
                        .collect();
                    if shown.split_whitespace().collect::<Vec<_>>() != numbers {
                        failures.push(format!(
                            "{}: {key}: TuneD reads `{raw}`, import holds {setting}",
                            profile.display()
                        ));
                    }
                }
                None if yaml.contains(&format!(": {key}: ")) => {}
                None => failures.push(format!(
                    "{}: {key} is neither a setting nor reported:\n{yaml}",
                    profile.display()
                )),
            }
        }
        for key in got.keys() {
            if !options.contains_key(key) && !options.contains_key(&key.replace('.', "/")) {
                failures.push(format!(
                    "{}: {key} is not a TuneD option",
                    profile.display()
                ));
            }
        }
        let policy = profile.with_file_name("imported.yaml");
        let tmp = tempfile::tempdir().unwrap();
        let policy = tmp.path().join(policy.file_name().unwrap());
        std::fs::write(&policy, &yaml).unwrap();
        check(&policy);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // What each profile is known for.
    let read = |name: &str| {
        import(
            &["--kernel", ">=6.1"],
            &[root.join(name).join("tuned.conf").as_path()],
        )
        .0
    };
    let y = read("network-throughput");
    assert!(
        y.contains("  net.ipv4.tcp_rmem:\n    value: [4096, 131072, 16777216]\n"),
        "{y}"
    );
    let y = read("openshift");
    assert!(y.contains(":7: [main] include: "), "{y}");
    assert!(
        y.contains(": kernel.pid_max: outside tcppolicy's scope"),
        "{y}"
    );
    let y = read("realtime");
    assert!(
        y.contains("${"),
        "the [variables] expansions are reported: {y}"
    );
    let y = read("oracle");
    assert!(
        y.contains("  net.ipv4.ip_local_port_range:\n    value: [9000, 65500]\n"),
        "{y}"
    );
}
