//! The catalog against the running kernel, in a fresh network namespace.
//!
//! Every test enters its own fresh network namespace, so writes never reach the host and
//! the tests do not interfere with each other. Failures are collected and reported
//! together, each naming the parameter and the value involved.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use rustix::io::Errno;
use tcppolicy_core::catalog::{self, Kind, NameKind, PARAMS, Param, Scope, Storage};
use tcppolicy_core::version::Version;
use tcppolicy_tests::netns;

#[test]
fn fresh_netns_is_isolated_from_the_host() {
    let host = netns::read("net.ipv4.tcp_syn_retries").unwrap();
    netns::in_fresh_netns(|| {
        netns::write("net.ipv4.tcp_syn_retries", "3").unwrap();
        assert_eq!(netns::read("net.ipv4.tcp_syn_retries").unwrap(), "3");
        let out = std::process::Command::new("cat")
            .arg("/proc/sys/net/ipv4/tcp_syn_retries")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    });
    assert_eq!(netns::read("net.ipv4.tcp_syn_retries").unwrap(), host);
}

/// The catalog's lifetime (`added`/`removed`) and `scope` fields agree with what a fresh
/// child namespace (and, read-only, the initial one) shows on the running kernel.
#[test]
fn catalog_presence_matches_lifetime_and_scope_in_a_fresh_netns() {
    let kernel = running_kernel();
    // Read-only look at the caller's namespace, for the initial-namespace-only parameters.
    let initial = in_initial_netns();
    let in_caller: Vec<bool> = PARAMS.iter().map(|p| netns::exists(p.name)).collect();
    let failures = netns::in_fresh_netns(move || {
        let mut failures = Vec::new();
        for (p, &in_caller) in PARAMS.iter().zip(&in_caller) {
            let present = netns::exists(p.name);
            if !p.exists_on(kernel) {
                if present || in_caller {
                    failures.push(format!(
                        "`{}` should not exist on {kernel} (added {}, removed {}) but is \
                         present (fresh netns: {present}, caller's netns: {in_caller})",
                        p.name,
                        p.added,
                        p.removed.map_or("never".to_string(), |r| r.to_string()),
                    ));
                }
                continue;
            }
            match p.scope {
                Scope::InitNetns => {
                    if present {
                        failures.push(format!(
                            "`{}` is scoped to the initial netns but is present in a fresh netns",
                            p.name
                        ));
                    }
                    if initial && !in_caller {
                        failures.push(format!(
                            "`{}` should exist on {kernel} in the initial netns but is missing",
                            p.name
                        ));
                    }
                }
                Scope::Netns | Scope::GlobalReadOnlyInChild => {
                    if !present {
                        failures.push(format!(
                            "`{}` should exist on {kernel} in a fresh netns (scope: {}) but is \
                             missing",
                            p.name, p.scope
                        ));
                        continue;
                    }
                    match std::fs::metadata(p.proc_path()) {
                        Ok(meta) => {
                            let mode = meta.permissions().mode() & 0o777;
                            let writable = mode & 0o222 != 0;
                            if writable != p.writable_in_child_netns() {
                                failures.push(format!(
                                    "`{}` has mode {mode:o} in a fresh netns but the catalog \
                                     says writable in a child netns: {}",
                                    p.name,
                                    p.writable_in_child_netns()
                                ));
                            }
                        }
                        Err(e) => failures.push(format!("`{}`: cannot stat: {e}", p.name)),
                    }
                }
            }
        }
        failures
    });
    report(&failures, "in the catalog's presence and scope");
}

/// Every fixed default the catalog records for the running kernel is what a fresh netns
/// shows, before anything is written there.
#[test]
fn catalog_fixed_defaults_match_a_fresh_netns() {
    let kernel = running_kernel();
    let failures = netns::in_fresh_netns(move || {
        let mut failures = Vec::new();
        let mut compared = 0;
        for p in present_params(kernel) {
            let Some(expected) = p.fixed_default(Some(kernel)) else {
                continue;
            };
            if p.scope == Scope::GlobalReadOnlyInChild {
                // A child namespace shows the host's global value, which the host may
                // have tuned: only a freshly booted host proves these defaults.
                continue;
            }
            compared += 1;
            match netns::read(p.name) {
                Ok(actual) if words(&actual) == words(expected) => {}
                Ok(actual) => failures.push(format!(
                    "`{}` reads `{actual}` in a fresh netns but the catalog's default for \
                     {kernel} is `{expected}`",
                    p.name
                )),
                Err(e) => failures.push(format!("`{}`: cannot read: {e}", p.name)),
            }
        }
        if compared < 50 {
            failures.push(format!(
                "only {compared} fixed defaults were compared; the catalog looks incomplete"
            ));
        }
        failures
    });
    report(&failures, "in the catalog's fixed defaults");
}

/// Every writable parameter accepts the bounds the catalog gives and rejects one past them
/// with EINVAL; names, port lists and keys accept well-formed and reject malformed values;
/// read-only parameters refuse writes.
#[test]
fn catalog_bounds_and_formats_are_enforced_by_the_kernel_in_a_fresh_netns() {
    let kernel = running_kernel();
    let failures = netns::in_fresh_netns(move || {
        let mut failures = Vec::new();
        let hz = probe_hz(&mut failures);
        for p in present_params(kernel) {
            if !p.writable_in_child_netns() {
                check_refuses_writes(p, &mut failures);
                continue;
            }
            match p.kind {
                Kind::Integer | Kind::Boolean | Kind::Vector(_) => {
                    check_numeric(p, hz, &mut failures);
                }
                Kind::Name(NameKind::CongestionControl) => {
                    check_congestion_control(p, &mut failures);
                }
                Kind::PortList => check_port_list(p, &mut failures),
                Kind::Text if p.name == "net.ipv4.tcp_fastopen_key" => {
                    check_fastopen_key(p, &mut failures);
                }
                Kind::Name(_) | Kind::NameList(_) | Kind::Text => failures.push(format!(
                    "`{}` is writable in a child netns but this suite has no probe for {}",
                    p.name,
                    p.kind.describe()
                )),
            }
        }
        failures
    });
    report(&failures, "in the catalog's bounds and formats");
}

/// The catalog knows every `net.ipv4.tcp_*` entry of a fresh netns (and, when the suite
/// runs in the initial netns, of that one too).
#[test]
fn fresh_netns_has_no_tcp_parameter_unknown_to_the_catalog() {
    let caller = in_initial_netns().then(unknown_tcp_params);
    let fresh = netns::in_fresh_netns(unknown_tcp_params);
    let mut failures = Vec::new();
    if !fresh.is_empty() {
        failures.push(format!(
            "the fresh netns has {} `net.ipv4.tcp_*` parameter(s) unknown to the catalog: {}",
            fresh.len(),
            fresh.join(", ")
        ));
    }
    if let Some(caller) = caller.filter(|c| !c.is_empty()) {
        failures.push(format!(
            "the initial netns has {} `net.ipv4.tcp_*` parameter(s) unknown to the catalog: {}",
            caller.len(),
            caller.join(", ")
        ));
    }
    report(&failures, "in the catalog's coverage");
}

// ---- helpers --------------------------------------------------------------------------

/// The running kernel, from `uname -r`.
fn running_kernel() -> Version {
    let out = Command::new("uname")
        .arg("-r")
        .output()
        .expect("cannot run `uname -r`");
    let release = String::from_utf8_lossy(&out.stdout);
    Version::parse_release(release.trim())
        .unwrap_or_else(|| panic!("cannot parse the kernel release: `{}`", release.trim()))
}

/// Whether the calling thread is in the initial network namespace: its namespace has the
/// fixed inode of `init_net` (`PROC_NET_INIT_INO`, recent kernels), or is the namespace of
/// PID 1 when that is readable. When neither can tell, the checks that need the initial
/// namespace are skipped rather than failed.
fn in_initial_netns() -> bool {
    const PROC_NET_INIT_INO: u64 = 0xEFFF_FFF9;
    let Ok(me) = std::fs::read_link("/proc/thread-self/ns/net") else {
        return false;
    };
    me.to_string_lossy() == format!("net:[{PROC_NET_INIT_INO}]")
        || std::fs::read_link("/proc/1/ns/net").is_ok_and(|init| init == me)
}

/// Catalog parameters that exist on `kernel` and are present in the calling thread's
/// namespace.
fn present_params(kernel: Version) -> impl Iterator<Item = &'static Param> {
    PARAMS
        .iter()
        .filter(move |p| p.exists_on(kernel) && netns::exists(p.name))
}

/// `net.ipv4.tcp_*` names in the calling thread's namespace that the catalog lacks.
fn unknown_tcp_params() -> Vec<String> {
    let entries = std::fs::read_dir("/proc/sys/net/ipv4").expect("cannot list /proc/sys/net/ipv4");
    let mut unknown: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("tcp_"))
        .map(|name| format!("net.ipv4.{name}"))
        .filter(|name| catalog::lookup(name).is_none())
        .collect();
    unknown.sort();
    unknown
}

/// Panic with every failure, if any.
fn report(failures: &[String], what: &str) {
    assert!(
        failures.is_empty(),
        "{} mismatch(es) {what}:\n  - {}",
        failures.len(),
        failures.join("\n  - ")
    );
}

/// A value's whitespace-separated words (the kernel separates vector elements by tabs).
fn words(value: &str) -> Vec<&str> {
    value.split_whitespace().collect()
}

fn is_errno(e: &io::Error, errno: Errno) -> bool {
    e.raw_os_error() == Some(errno.raw_os_error())
}

/// Write `value` and expect success; on success and when `check_read_back`, expect it to
/// read back unchanged (whitespace-insensitively).
fn expect_accepted(
    p: &Param,
    value: &str,
    why: &str,
    check_read_back: bool,
    failures: &mut Vec<String>,
) {
    match netns::write(p.name, value) {
        Ok(()) if check_read_back => match netns::read(p.name) {
            Ok(back) if words(&back) == words(value) => {}
            Ok(back) => failures.push(format!(
                "`{}` accepted {why} `{value}` but reads back `{back}`",
                p.name
            )),
            Err(e) => failures.push(format!("`{}`: cannot read back: {e}", p.name)),
        },
        Ok(()) => {}
        Err(e) => failures.push(format!("`{}` rejected {why} `{value}`: {e}", p.name)),
    }
}

/// Write `value` and expect it to fail with `errno`. Restores `restore` if it was accepted.
fn expect_rejected(
    p: &Param,
    value: &str,
    why: &str,
    errno: Errno,
    restore: &str,
    failures: &mut Vec<String>,
) {
    match netns::write(p.name, value) {
        Ok(()) => {
            failures.push(format!(
                "`{}` accepted {why} `{value}`; expected {}",
                p.name,
                io::Error::from_raw_os_error(errno.raw_os_error())
            ));
            restore_value(p.name, restore, failures);
        }
        Err(e) if is_errno(&e, errno) => {}
        Err(e) => failures.push(format!(
            "`{}` rejected {why} `{value}` with `{e}`; expected {}",
            p.name,
            io::Error::from_raw_os_error(errno.raw_os_error())
        )),
    }
}

/// Write back an original value. An empty value is written as a newline: a zero-length
/// write leaves list parameters unchanged.
fn restore_value(name: &str, value: &str, failures: &mut Vec<String>) {
    let text = if value.is_empty() { "\n" } else { value };
    if let Err(e) = netns::write(name, text) {
        failures.push(format!("`{name}`: cannot restore `{value}`: {e}"));
    }
}

/// Find `CONFIG_HZ`: the one candidate for which `tcp_keepalive_time` (jiffies-backed)
/// accepts `INT_MAX / HZ` and rejects one more.
fn probe_hz(failures: &mut Vec<String>) -> Option<u32> {
    const NAME: &str = "net.ipv4.tcp_keepalive_time";
    let original = match netns::read(NAME) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!("`{NAME}`: cannot read to probe CONFIG_HZ: {e}"));
            return None;
        }
    };
    let matching: Vec<u32> = [100u32, 250, 300, 1000]
        .into_iter()
        .filter(|&hz| {
            let max = i32::MAX / hz as i32;
            netns::write(NAME, &max.to_string()).is_ok()
                && netns::write(NAME, &(max + 1).to_string()).is_err()
        })
        .collect();
    restore_value(NAME, &original, failures);
    match matching.as_slice() {
        [hz] => Some(*hz),
        _ => {
            failures.push(format!(
                "cannot determine CONFIG_HZ from `{NAME}`: candidates matching: {matching:?}"
            ));
            None
        }
    }
}

/// Parameters whose bounds can only be written after moving another parameter out of the
/// way; each entry is restored (in reverse order) after the parameter itself.
fn setup_for(name: &str) -> &'static [(&'static str, &'static str)] {
    match name {
        // The range's low end must be >= ip_unprivileged_port_start.
        "net.ipv4.ip_local_port_range" => &[("net.ipv4.ip_unprivileged_port_start", "0")],
        // ip_unprivileged_port_start must be <= the range's low end.
        "net.ipv4.ip_unprivileged_port_start" => &[("net.ipv4.ip_local_port_range", "65535 65535")],
        _ => &[],
    }
}

/// Bounds of a numeric parameter: accepts min and max (every element at the bound), rejects
/// one past either bound (one element at a time) with EINVAL, and is restored afterwards.
fn check_numeric(p: &Param, hz: Option<u32>, failures: &mut Vec<String>) {
    let original = match netns::read(p.name) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!("`{}`: cannot read: {e}", p.name));
            return;
        }
    };
    let mut saved = Vec::new();
    for &(name, value) in setup_for(p.name) {
        match netns::read(name) {
            Ok(old) => saved.push((name, old)),
            Err(e) => failures.push(format!("`{name}`: cannot read for setup: {e}")),
        }
        if let Err(e) = netns::write(name, value) {
            failures.push(format!(
                "`{name}`: cannot write `{value}` to prepare `{}`: {e}",
                p.name
            ));
        }
    }

    let other = |name: &str| netns::read(name).ok()?.trim().parse::<i128>().ok();
    let min = p.limit_value(p.min, false, hz, &other);
    let max = p.limit_value(p.max, true, hz, &other);
    let elements: Vec<String> = words(&original).iter().map(|s| s.to_string()).collect();
    let expected_len = match p.kind {
        Kind::Vector(labels) => labels.len(),
        _ => 1,
    };
    if elements.len() != expected_len {
        failures.push(format!(
            "`{}` reads `{original}`: {} element(s), the catalog expects {expected_len}",
            p.name,
            elements.len()
        ));
    } else {
        // ms-jiffies values are rounded to jiffies on read-back.
        let read_back = p.storage != Storage::MsJiffies;
        for (bound, which) in [(min, "its minimum"), (max, "its maximum")] {
            let value = vec![bound.to_string(); expected_len].join(" ");
            expect_accepted(p, &value, which, read_back, failures);
        }
        restore_value(p.name, &original, failures);
        for (past, which) in [
            (min - 1, "one below its minimum"),
            (max + 1, "one above its maximum"),
        ] {
            for i in 0..expected_len {
                let mut value = elements.clone();
                value[i] = past.to_string();
                let value = value.join(" ");
                expect_rejected(p, &value, which, Errno::INVAL, &original, failures);
            }
        }
    }

    restore_value(p.name, &original, failures);
    for (name, old) in saved.iter().rev() {
        restore_value(name, old, failures);
    }
}

/// `tcp_congestion_control`: every available-and-allowed algorithm is accepted, an unknown
/// name fails with ENOENT, an available but not allowed one with EPERM.
fn check_congestion_control(p: &Param, failures: &mut Vec<String>) {
    let list = |name: &str| -> Vec<String> {
        netns::read(name)
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let original = match netns::read(p.name) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!("`{}`: cannot read: {e}", p.name));
            return;
        }
    };
    let available = list("net.ipv4.tcp_available_congestion_control");
    let allowed = list("net.ipv4.tcp_allowed_congestion_control");
    let usable: Vec<&String> = available.iter().filter(|a| allowed.contains(a)).collect();
    if usable.is_empty() {
        failures.push(format!(
            "`{}`: no algorithm is both available ({available:?}) and allowed ({allowed:?})",
            p.name
        ));
    }
    for name in usable {
        expect_accepted(
            p,
            name,
            "the available and allowed algorithm",
            true,
            failures,
        );
    }
    expect_rejected(
        p,
        "nosuchcc",
        "the unknown algorithm",
        Errno::NOENT,
        &original,
        failures,
    );
    if let Some(name) = available.iter().find(|a| !allowed.contains(a)) {
        expect_rejected(
            p,
            name,
            "the available but not allowed algorithm",
            Errno::PERM,
            &original,
            failures,
        );
    }
    restore_value(p.name, &original, failures);
}

/// `ip_local_reserved_ports`: ports and ranges within the bounds are accepted; reversed
/// ranges and ports past the bounds are rejected.
fn check_port_list(p: &Param, failures: &mut Vec<String>) {
    let original = match netns::read(p.name) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!("`{}`: cannot read: {e}", p.name));
            return;
        }
    };
    let other = |_: &str| None;
    let min = p.limit_value(p.min, false, None, &other);
    let max = p.limit_value(p.max, true, None, &other);
    expect_accepted(p, "1000-2000,3000", "the port list", true, failures);
    expect_accepted(p, &min.to_string(), "its minimum port", true, failures);
    expect_accepted(p, &max.to_string(), "its maximum port", true, failures);
    for (value, why) in [
        ("2000-1000".to_string(), "the reversed range"),
        ((min - 1).to_string(), "one below its minimum port"),
        ((max + 1).to_string(), "one above its maximum port"),
    ] {
        expect_rejected(p, &value, why, Errno::INVAL, &original, failures);
    }
    restore_value(p.name, &original, failures);
}

/// `tcp_fastopen_key`: a key and a key with a backup are accepted, garbage is not.
fn check_fastopen_key(p: &Param, failures: &mut Vec<String>) {
    let original = match netns::read(p.name) {
        Ok(v) => v,
        Err(e) => {
            failures.push(format!("`{}`: cannot read: {e}", p.name));
            return;
        }
    };
    expect_accepted(
        p,
        "00000001-00000002-00000003-00000004",
        "the well-formed key",
        true,
        failures,
    );
    expect_accepted(
        p,
        "00000001-00000002-00000003-00000004,00000005-00000006-00000007-00000008",
        "the well-formed primary and backup keys",
        true,
        failures,
    );
    expect_rejected(
        p,
        "not-a-key",
        "the malformed key",
        Errno::INVAL,
        &original,
        failures,
    );
    restore_value(p.name, &original, failures);
}

/// A read-only parameter (everywhere, or global and read-only in a child netns) cannot be
/// opened for writing. Only `open` is attempted, so nothing is written even if it succeeds.
fn check_refuses_writes(p: &Param, failures: &mut Vec<String>) {
    match std::fs::OpenOptions::new().write(true).open(p.proc_path()) {
        Ok(_) => failures.push(format!(
            "`{}` can be opened for writing in a child netns, but the catalog says it is \
             read-only there (scope: {}, read_only: {})",
            p.name, p.scope, p.read_only
        )),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
        Err(e) => failures.push(format!(
            "`{}`: opening for writing failed with `{e}`; expected permission denied",
            p.name
        )),
    }
}

/// `value::kernel_write` (what `import` and the shadowing report rely on) predicts what
/// the running kernel does with every kind of text real files write after `=`: trailing
/// comments, a comment touching the number, hex and octal, short and long vectors, signs,
/// quotes, names with comments, port lists with spaces. Each case is written once (as
/// `sysctl -p` writes: the text and a newline, in one `write`) in a fresh network
/// namespace, and the value read back (or the error, or the partial vector) is compared
/// with the prediction; the parameter is restored after each case.
#[test]
fn kernel_write_model_matches_the_kernel_in_a_fresh_netns() {
    let kernel = running_kernel();
    let failures = netns::in_fresh_netns(move || {
        let mut failures = Vec::new();
        let mut cases = 0;
        for p in present_params(kernel).filter(|p| p.writable_in_child_netns()) {
            let Ok(original) = netns::read(p.name) else {
                failures.push(format!("`{}`: cannot read", p.name));
                continue;
            };
            for text in write_cases(p, &original) {
                cases += 1;
                check_write_case(p, &text, &original, &mut failures);
                restore_value(p.name, &original, &mut failures);
            }
        }
        if cases < 500 {
            failures.push(format!("only {cases} write cases were tried"));
        }
        // The figure, shown with `--nocapture`.
        #[allow(clippy::print_stderr)]
        {
            eprintln!("{cases} write cases compared with the kernel");
        }
        failures
    });
    report(&failures, "between `kernel_write` and the kernel");
}

/// Texts to write to `p`, built around a valid value different from `original`.
fn write_cases(p: &Param, original: &str) -> Vec<String> {
    let base = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match p.kind {
        Kind::Name(_) => base(&[
            // Whether a well-formed name is registered is not the model's business.
            "reno",
            "reno # comment",
            " reno",
            "reno\t",
            "reno;",
            "",
        ]),
        Kind::PortList => base(&[
            "8080,9000-9100",
            "8080, 9000",
            "8080 # comment",
            "9000-9100,",
            "",
            "1-2-3",
            "9100-9000",
            "65536",
            "0x1f90",
            "-5",
        ]),
        Kind::Text => base(&[
            "00000001-00000002-00000003-00000004",
            "00000001-00000002-00000003-00000004 # comment",
            "1-2-3-4,5-6-7-8",
            "not-a-key",
            "",
        ]),
        Kind::NameList(_) => Vec::new(),
        Kind::Integer | Kind::Boolean | Kind::Vector(_) => {
            let other = |name: &str| netns::read(name).ok()?.trim().parse::<i128>().ok();
            let max = p.limit_value(p.max, true, None, &other);
            let current: Vec<i128> = words(original)
                .iter()
                .filter_map(|w| w.parse().ok())
                .collect();
            // A different valid value: one more (one less at the maximum).
            let changed: Vec<i128> = current
                .iter()
                .map(|&c| if c < max { c + 1 } else { c - 1 })
                .collect();
            let v = changed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let first = changed.first().copied().unwrap_or(1);
            let mut cases = vec![
                v.clone(),
                format!("{v} # 监听队列"),
                format!("{v}\t# comment"),
                format!("{v}# comment"),
                format!("{v} ; comment"),
                format!("{v} {v}"),
                format!("  {v}  "),
                format!("\"{v}\""),
                format!("{v},"),
                format!("+{first}"),
                format!("{first}.5"),
                format!("{first}k"),
                "".to_string(),
                "abc".to_string(),
                "99999999999999999999999".to_string(),
            ];
            if first > 0 {
                cases.push(format!("0x{first:x}"));
                cases.push(format!("0{first:o}"));
                cases.push(format!("-{first}"));
            }
            if changed.len() > 1 {
                let prefix = changed[..changed.len() - 1]
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ");
                cases.push(prefix.clone());
                cases.push(format!("{prefix} # comment"));
                cases.push(
                    changed
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                );
                cases.push(format!("{first}"));
            }
            if p.storage != Storage::Jiffies {
                // Jiffies bounds depend on CONFIG_HZ, which the model does not know.
                let min = p.limit_value(p.min, false, None, &other);
                cases.push((max + 1).to_string());
                cases.push((min - 1).to_string());
            }
            cases
        }
    }
}

/// Write `text` once and compare the outcome with `kernel_write`'s prediction.
fn check_write_case(p: &Param, text: &str, original: &str, failures: &mut Vec<String>) {
    use std::io::Write as _;
    use tcppolicy_core::value::{KernelWrite, Value, kernel_write};
    let other = |name: &str| {
        let param = catalog::lookup(name)?;
        Value::parse_kernel(param.kind, &netns::read(name).ok()?)
    };
    let predicted = kernel_write(p, text, &other);
    let result = std::fs::OpenOptions::new()
        .write(true)
        .open(p.proc_path())
        .and_then(|mut f| f.write(format!("{text}\n").as_bytes()));
    let after = netns::read(p.name).unwrap_or_default();
    let case = format!("`{}` ← `{}`", p.name, text.escape_debug());
    let parse = |s: &str| Value::parse_kernel(p.kind, s);
    match (&predicted, &result) {
        (KernelWrite::Takes { value, .. }, Ok(_)) => {
            let same = match (parse(&after), p.kind) {
                (_, Kind::Text) => true, // the key reads back reformatted
                (Some(got), _) => tcppolicy_core::plan::same(p, &got, value),
                (None, _) => false,
            };
            if !same {
                failures.push(format!("{case}: predicted `{value}`, reads `{after}`"));
            }
        }
        (KernelWrite::Prefix { elements, error }, _) => {
            let want: Vec<String> = elements
                .iter()
                .map(ToString::to_string)
                .chain(
                    words(original)
                        .into_iter()
                        .skip(elements.len())
                        .map(str::to_string),
                )
                .collect();
            if words(&after) != want || error.is_some() != result.is_err() {
                failures.push(format!(
                    "{case}: predicted `{}` (error: {error:?}), reads `{after}` (write: {result:?})",
                    want.join(" ")
                ));
            }
        }
        (KernelWrite::Rejects(why), Err(_)) => {
            if words(&after) != words(original) {
                failures.push(format!(
                    "{case}: predicted a rejection ({why}) but it reads `{after}`, not `{original}`"
                ));
            }
        }
        (predicted, result) => failures.push(format!(
            "{case}: predicted {predicted:?}, the write gave {result:?} and it reads `{after}`"
        )),
    }
}
