//! `tcppolicy emit systemd`: a service and a timer that run `tcppolicy drift --textfile`
//! periodically (SPEC §11), and optionally re-apply the policy.
//!
//! Nothing from a policy or a path can give a unit file structure: the policy's name is
//! reduced to `[a-z0-9-]` before it becomes a unit name or a description; provenance goes
//! into comment lines only, through [`crate::sysctld::comment_lines`]; every word of a
//! command line is quoted and escaped as systemd.service(5) reads command lines (`%`
//! specifiers, `$` variables, backslash escapes, quotes); paths with control characters
//! are refused.
//!
//! The service runs with the hardening that leaves `drift` (and `apply`) working: it
//! needs the host's network namespace (never `PrivateNetwork=`), read access to
//! `/proc/sys`, the sysctl.d directories and the policy, and write access to the
//! textfile directory only; re-applying also needs `/proc/sys` writable
//! (`ProtectKernelTunables=` off), `CAP_NET_ADMIN`, `/etc/sysctl.d` and `/run/tcppolicy`.

use crate::drift::Layer;
use crate::sysctld::comment_lines;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tcppolicy_core::effective::EffectivePolicy;

/// Where node_exporter's textfile collector reads on Debian and Ubuntu
/// (`prometheus-node-exporter`'s default `--collector.textfile.directory`).
pub const DEFAULT_TEXTFILE_DIR: &str = "/var/lib/prometheus/node-exporter";

/// Where the binary is installed by default.
pub const DEFAULT_BINARY: &str = "/usr/local/bin/tcppolicy";

/// How often the check runs by default.
pub const DEFAULT_INTERVAL: &str = "15min";

/// What the units run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The `tcppolicy` binary on the host (absolute).
    pub binary: PathBuf,
    /// The policy file on the host (absolute).
    pub policy: PathBuf,
    /// node_exporter's textfile directory (absolute).
    pub textfile_dir: PathBuf,
    /// The interval, a systemd time span (`15min`, `1h 30min`).
    pub interval: String,
    /// The layers to check (`--layer`); empty: both.
    pub layers: Vec<Layer>,
    /// After the check, apply the policy to what was checked: the live kernel, its
    /// drop-in.
    pub reapply: bool,
}

/// One unit file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Its file name (`tcppolicy-drift-web.service`).
    pub name: String,
    /// Its content.
    pub text: String,
}

/// The units' name without suffix: `tcppolicy-drift-<name>` (the name reduced as for the
/// drop-in, [`crate::sysctld::file_stem`], which leaves only `[a-z0-9-]`).
fn unit_stem(policy: &str) -> String {
    format!("tcppolicy-drift-{}", crate::sysctld::file_stem(policy))
}

/// Check that `path` is absolute and has no control character (which no unit file
/// syntax can carry in every place a path goes).
fn check_path(what: &str, path: &Path) -> Result<String, String> {
    check_path_as(what, path, false)
}

/// [`check_path`], and for the executable also no quote or backslash: systemd refuses
/// them there ("Executable name contains special characters", systemd 252).
fn check_path_as(what: &str, path: &Path, executable: bool) -> Result<String, String> {
    let text = path.to_str().ok_or_else(|| {
        format!(
            "{what} must be valid UTF-8: `{}`",
            tcppolicy_core::text::escape_line(&path.to_string_lossy())
        )
    })?;
    if !path.is_absolute() {
        return Err(format!("{what} must be an absolute path: `{text}`"));
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "{what} must not contain control characters: `{}`",
            tcppolicy_core::text::escape_line(text)
        ));
    }
    if executable && text.contains(['"', '\'', '\\']) {
        return Err(format!(
            "{what} must not contain quotes or backslashes, which systemd refuses in an \
             executable's path: `{text}`"
        ));
    }
    Ok(text.to_string())
}

/// Check a systemd time span: numbers with units, separated by spaces (`15min`,
/// `1h 30min`, `900`), not zero.
///
/// # Errors
/// A message naming the span.
pub fn check_interval(span: &str) -> Result<(), String> {
    const UNITS: &[&str] = &[
        "", "usec", "us", "msec", "ms", "seconds", "second", "sec", "s", "minutes", "minute",
        "min", "m", "hours", "hour", "hr", "h", "days", "day", "d", "weeks", "week", "w",
    ];
    let bad = || {
        format!(
            "not a systemd time span (a number and a unit, e.g. `15min` or `1h 30min`): `{}`",
            tcppolicy_core::text::escape_line(span)
        )
    };
    let mut total_nonzero = false;
    let mut tokens = 0;
    for token in span.split(' ').filter(|t| !t.is_empty()) {
        tokens += 1;
        let digits = token.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = token.split_at(digits);
        if number.is_empty() || !UNITS.contains(&unit) {
            return Err(bad());
        }
        total_nonzero |= number.bytes().any(|b| b != b'0');
    }
    if tokens == 0 || !total_nonzero || span.len() > 64 {
        return Err(bad());
    }
    Ok(())
}

/// One word of a command line, as systemd reads `ExecStart=` (systemd.service(5),
/// "Command lines"): `%` is a specifier everywhere (`%%`), `$` starts a variable in
/// arguments (`$$`), backslash starts an escape, and quotes group. A word with anything
/// but `[A-Za-z0-9/._:=,+@-]` is double-quoted with `\\` and `\"` escaped.
fn exec_word(word: &str, argument: bool) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '.' | '_' | ':' | '=' | ',' | '+' | '@' | '-')
        });
    if plain {
        return word.to_string();
    }
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '%' => out.push_str("%%"),
            '$' if argument => out.push_str("$$"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A command line: the binary, then its arguments.
fn command_line(binary: &str, args: &[&str]) -> String {
    let mut words = vec![exec_word(binary, false)];
    words.extend(args.iter().map(|a| exec_word(a, true)));
    words.join(" ")
}

/// A path in a path-list setting (`ReadWritePaths=`): `%` escaped, quoted when needed.
fn path_word(path: &str) -> String {
    exec_word(path, false)
}

/// Render the service and the timer for `policy`.
///
/// # Errors
/// A message when an option cannot be expressed: a relative path, a path with control
/// characters, an interval that is not a time span.
pub fn render(policy: &EffectivePolicy, o: &Options) -> Result<[Unit; 2], String> {
    let binary = check_path_as("`--binary`", &o.binary, true)?;
    let policy_path = check_path("the policy path", &o.policy)?;
    let textfile_dir = check_path("`--textfile-dir`", &o.textfile_dir)?;
    check_interval(&o.interval)?;
    let stem = unit_stem(&policy.name);
    let service = format!("{stem}.service");
    let timer = format!("{stem}.timer");
    // The name is `[a-z0-9-]` after unit_stem; the description repeats it.
    let name = &stem["tcppolicy-drift-".len()..];

    let mut head = String::new();
    comment_lines(
        &mut head,
        &format!(
            "Generated by tcppolicy {} from policy `{}` (`tcppolicy emit systemd`).",
            env!("CARGO_PKG_VERSION"),
            policy.name
        ),
    );
    head.push_str("#\n");
    comment_lines(&mut head, &format!("policy: {}", policy.name));
    comment_lines(&mut head, &format!("digest: sha256:{}", policy.digest()));
    comment_lines(&mut head, &format!("source: {policy_path}"));
    head.push_str("#\n");

    let mut s = head.clone();
    comment_lines(
        &mut s,
        &format!(
            "Checks the policy against the running kernel and its sysctl.d drop-in (`tcppolicy \
             drift`), started every {} by {timer}, and writes the result to {}/{} for \
             node_exporter's textfile collector.{}",
            o.interval,
            textfile_dir.trim_end_matches('/'),
            crate::drift::textfile::file_name(&policy.name),
            if o.reapply {
                " Then applies the policy to the running kernel and to the drop-in, so what \
                 drifted is put back (the next check shows it)."
            } else {
                ""
            }
        ),
    );
    let checks = |l: Layer| o.layers.is_empty() || o.layers.contains(&l);
    let mut drift = vec!["drift"];
    for l in &o.layers {
        drift.extend(["--layer", l.name()]);
    }
    drift.extend(["--textfile", &textfile_dir, "--", &policy_path]);
    let _ = write!(
        s,
        "\n[Unit]\n\
         Description=tcppolicy drift check of policy {name}\n\
         Documentation=man:tcppolicy-drift(1)\n\
         After=systemd-sysctl.service local-fs.target\n\
         \n[Service]\n\
         Type=oneshot\n\
         # Exit status 2 means \"drift found\": the check itself succeeded.\n\
         SuccessExitStatus=2\n\
         ExecStart={}\n",
        command_line(&binary, &drift)
    );
    if o.reapply && checks(Layer::Live) {
        let _ = writeln!(
            s,
            "ExecStart={}",
            command_line(&binary, &["apply", "--", &policy_path])
        );
    }
    if o.reapply && checks(Layer::Boot) {
        let _ = writeln!(
            s,
            "ExecStart={}",
            command_line(
                &binary,
                &["apply", "--target", "sysctl.d", "--", &policy_path]
            )
        );
    }
    s.push_str(
        "\n# Hardening. Not PrivateNetwork=: /proc/sys/net shows the network namespace of \
         the\n# process, and the check is about the host's.\n\
         NoNewPrivileges=yes\n\
         ProtectSystem=strict\n",
    );
    let _ = writeln!(s, "ReadWritePaths={}", path_word(&textfile_dir));
    let writes_kernel = o.reapply && checks(Layer::Live);
    if o.reapply && checks(Layer::Boot) {
        s.push_str("# apply writes the drop-in.\nReadWritePaths=/etc/sysctl.d\n");
    }
    if writes_kernel {
        s.push_str(
            "# apply takes its lock and writes its journal in /run/tcppolicy (kept for\n\
             # `tcppolicy recover` after a crash).\n\
             RuntimeDirectory=tcppolicy\n\
             RuntimeDirectoryMode=0700\n\
             RuntimeDirectoryPreserve=yes\n\
             # Writing /proc/sys/net: root's own permission, and CAP_NET_ADMIN for the \
             handlers\n# that check it (a congestion control loaded on demand).\n\
             CapabilityBoundingSet=CAP_NET_ADMIN\n",
        );
    } else {
        s.push_str(
            "# drift reads /proc/sys and root's files and writes the textfile directory, \
             which\n# must be root's (as Debian's is): no capability is needed.\n\
             CapabilityBoundingSet=\n\
             ProtectKernelTunables=yes\n",
        );
    }
    s.push_str(
        "ProtectHome=read-only\n\
         PrivateTmp=yes\n\
         PrivateDevices=yes\n\
         ProtectKernelModules=yes\n\
         ProtectKernelLogs=yes\n\
         ProtectControlGroups=yes\n\
         ProtectClock=yes\n\
         ProtectHostname=yes\n\
         RestrictNamespaces=yes\n\
         RestrictAddressFamilies=AF_UNIX\n\
         RestrictRealtime=yes\n\
         RestrictSUIDSGID=yes\n\
         LockPersonality=yes\n\
         MemoryDenyWriteExecute=yes\n\
         SystemCallArchitectures=native\n\
         UMask=0022\n",
    );

    let mut t = head;
    comment_lines(
        &mut t,
        &format!(
            "Starts {service} every {} (and a few minutes after boot). Enable with `systemctl \
             enable --now {timer}`.",
            o.interval
        ),
    );
    let _ = write!(
        t,
        "\n[Unit]\n\
         Description=Periodic tcppolicy drift check of policy {name}\n\
         Documentation=man:tcppolicy-drift(1)\n\
         \n[Timer]\n\
         OnBootSec=2min\n\
         OnUnitActiveSec={}\n\
         Unit={service}\n\
         \n[Install]\n\
         WantedBy=timers.target\n",
        o.interval
    );
    Ok([
        Unit {
            name: service,
            text: s,
        },
        Unit {
            name: timer,
            text: t,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_escaped_as_systemd_reads_them() {
        assert_eq!(
            exec_word("/usr/local/bin/tcppolicy", false),
            "/usr/local/bin/tcppolicy"
        );
        assert_eq!(exec_word("--textfile", true), "--textfile");
        assert_eq!(exec_word("/a b/%h$x", false), "\"/a b/%%h$x\"");
        assert_eq!(exec_word("/a b/%h$x", true), "\"/a b/%%h$$x\"");
        assert_eq!(exec_word(r#"/a"b\c;"#, true), r#""/a\"b\\c;""#);
        assert_eq!(exec_word("", true), "\"\"");
    }

    #[test]
    fn intervals_are_time_spans() {
        for ok in ["15min", "1h 30min", "900", "2d", "1w"] {
            assert_eq!(check_interval(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "0",
            "0min",
            "15 min",
            "15min\nExecStart=/bin/sh",
            "-1s",
            "1x",
            "1.5h",
        ] {
            assert!(check_interval(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn paths_must_be_absolute_without_control_characters() {
        assert!(check_path("p", Path::new("web.yaml")).is_err());
        assert!(check_path("p", Path::new("/etc/x\ny")).is_err());
        assert!(check_path("p", Path::new("/etc/x y")).is_ok());
        assert!(check_path("p", Path::new("/etc/x\"y")).is_ok());
        assert!(check_path_as("p", Path::new("/etc/x\"y"), true).is_err());
        assert!(check_path_as("p", Path::new("/etc/x\\y"), true).is_err());
    }
}
