//! A drift report as a Prometheus text exposition file, for node_exporter's textfile
//! collector (SPEC §11).
//!
//! The collector reads every `*.prom` file of its directory at each scrape, so the file
//! is replaced atomically ([`crate::files::write_file_atomic`]: a temporary file in the
//! same directory, hidden and named `*.tmp`, renamed over the name), and a scrape never
//! sees half of it. Series:
//!
//! - `tcppolicy_drift{policy,key,layer}`: 1 when the key drifts on the layer, else 0
//!   (a key not applicable is 0, and listed in `tcppolicy_not_applicable`);
//! - `tcppolicy_drop_in_drift{policy,path}`: 1 when the drop-in as a whole is missing,
//!   not tcppolicy's, not byte-identical to the rendering, or not read at boot;
//! - `tcppolicy_not_applicable{policy,key,layer}`: 1 for each key that cannot be checked
//!   on a layer here;
//! - `tcppolicy_policy_info{policy,digest}`: 1;
//! - `tcppolicy_last_check_timestamp_seconds{policy}`: when the check was made.
//!
//! Label values are escaped as the exposition format requires (`\\`, `\"`, `\n`).

use super::{DriftReport, KeyState, Layer};
use crate::files::{self, FILE_MODE};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The file name for a policy: `tcppolicy-<name>.prom` (the name reduced as for the
/// drop-in, [`crate::sysctld::file_stem`]).
pub fn file_name(policy: &str) -> String {
    format!("tcppolicy-{}.prom", crate::sysctld::file_stem(policy))
}

/// Escape a label value: backslash, double quote and line feed.
pub fn label_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Escape a HELP text: backslash and line feed.
fn help_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

/// One metric family: HELP, TYPE and its samples.
struct Family<'a> {
    out: &'a mut String,
}

impl<'a> Family<'a> {
    fn new(out: &'a mut String, name: &str, help: &str) -> Self {
        let _ = writeln!(out, "# HELP {name} {}", help_text(help));
        let _ = writeln!(out, "# TYPE {name} gauge");
        Family { out }
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", label_value(v)))
            .collect();
        let _ = writeln!(self.out, "{name}{{{}}} {value}", labels.join(","));
    }
}

/// The exposition text of a completed check (`None` for a check that could not be
/// made: the previous file is then left as it is, and its timestamp ages).
pub fn render(r: &DriftReport) -> Option<String> {
    let policy = r.policy.as_deref().filter(|_| r.ok)?;
    let digest = r.digest.as_deref().unwrap_or_default();
    let mut out = String::new();

    let name = "tcppolicy_drift";
    let mut f = Family::new(
        &mut out,
        name,
        "Whether a setting of a tcppolicy policy drifted (1) or not (0) on a layer: live \
         (the running kernel) or boot (the drop-in and the files that win at boot).",
    );
    for layer in [Layer::Live, Layer::Boot] {
        for k in &r.keys {
            if let Some(state) = k.state(layer) {
                let drift = u8::from(state == KeyState::Drift);
                f.sample(
                    name,
                    &[
                        ("policy", policy),
                        ("key", &k.name),
                        ("layer", layer.name()),
                    ],
                    drift,
                );
            }
        }
    }

    if let Some(d) = &r.drop_in {
        let name = "tcppolicy_drop_in_drift";
        let path = d.path.display().to_string();
        Family::new(
            &mut out,
            name,
            "Whether the policy's sysctl.d drop-in is missing, not written by tcppolicy, not \
             byte-identical to what the policy renders, or not read at boot (1), or not (0).",
        )
        .sample(
            name,
            &[("policy", policy), ("path", &path)],
            u8::from(d.drifts()),
        );
    }

    let not_applicable: Vec<(&str, Layer)> = [Layer::Live, Layer::Boot]
        .into_iter()
        .flat_map(|layer| {
            r.keys
                .iter()
                .filter(move |k| k.state(layer) == Some(KeyState::NotApplicable))
                .map(move |k| (k.name.as_str(), layer))
        })
        .collect();
    if !not_applicable.is_empty() {
        let name = "tcppolicy_not_applicable";
        let mut f = Family::new(
            &mut out,
            name,
            "A setting of a tcppolicy policy that cannot be checked on a layer here (absent, \
             read-only in this network namespace, or without a fixed value); not drift.",
        );
        for (key, layer) in not_applicable {
            f.sample(
                name,
                &[("policy", policy), ("key", key), ("layer", layer.name())],
                1,
            );
        }
    }

    let name = "tcppolicy_policy_info";
    Family::new(
        &mut out,
        name,
        "The tcppolicy policy checked and the digest of its effective settings.",
    )
    .sample(name, &[("policy", policy), ("digest", digest)], 1);

    let name = "tcppolicy_last_check_timestamp_seconds";
    Family::new(
        &mut out,
        name,
        "When tcppolicy drift last checked the policy, in seconds since the epoch.",
    )
    .sample(name, &[("policy", policy)], r.checked_at);
    Some(out)
}

/// Write the exposition of `r` into `dir` (which must exist) atomically, as
/// [`file_name`] of the policy. Returns the path written, or `None` when the check could
/// not be made (nothing is written).
///
/// # Errors
/// I/O failures, naming the path; the previous file is then untouched.
pub fn write(dir: &Path, r: &DriftReport) -> io::Result<Option<PathBuf>> {
    let (Some(text), Some(policy)) = (render(r), r.policy.as_deref()) else {
        return Ok(None);
    };
    let path = dir.join(file_name(policy));
    files::write_file_atomic(&path, text.as_bytes(), FILE_MODE)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::{DriftStatus, KeyDrift, LiveKey};

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_value(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(label_value("a\nb"), r"a\nb");
        assert_eq!(
            label_value("net.ipv4.tcp_syn_retries"),
            "net.ipv4.tcp_syn_retries"
        );
    }

    #[test]
    fn file_names_stay_in_the_directory_and_end_in_prom() {
        assert_eq!(file_name("web"), "tcppolicy-web.prom");
        assert_eq!(file_name("../x"), "tcppolicy----x.prom");
        assert_eq!(file_name(""), "tcppolicy-policy.prom");
    }

    fn report() -> DriftReport {
        let mut r = DriftReport::new(vec![Layer::Live]);
        r.policy = Some("we\"b".into());
        r.digest = Some("ab".into());
        r.checked_at = 1_700_000_000;
        let key = |name: &str, state| KeyDrift {
            name: name.into(),
            desired: "1".into(),
            source: "x.yaml:1".into(),
            live: Some(LiveKey {
                state,
                observed: None,
                expected: None,
                reason: None,
            }),
            boot: None,
        };
        r.keys = vec![
            key("net.ipv4.tcp_syn_retries", KeyState::Drift),
            key("net.ipv4.tcp_sack", KeyState::InSync),
            key("net.core.rmem_max", KeyState::NotApplicable),
        ];
        r.finish();
        r
    }

    #[test]
    fn one_series_per_key_and_layer_with_help_and_type() {
        let r = report();
        assert_eq!(r.outcome.status, DriftStatus::Drift);
        let text = render(&r).unwrap();
        let expected = "\
# HELP tcppolicy_drift Whether a setting of a tcppolicy policy drifted (1) or not (0) on a layer: live (the running kernel) or boot (the drop-in and the files that win at boot).
# TYPE tcppolicy_drift gauge
tcppolicy_drift{policy=\"we\\\"b\",key=\"net.ipv4.tcp_syn_retries\",layer=\"live\"} 1
tcppolicy_drift{policy=\"we\\\"b\",key=\"net.ipv4.tcp_sack\",layer=\"live\"} 0
tcppolicy_drift{policy=\"we\\\"b\",key=\"net.core.rmem_max\",layer=\"live\"} 0
# HELP tcppolicy_not_applicable A setting of a tcppolicy policy that cannot be checked on a layer here (absent, read-only in this network namespace, or without a fixed value); not drift.
# TYPE tcppolicy_not_applicable gauge
tcppolicy_not_applicable{policy=\"we\\\"b\",key=\"net.core.rmem_max\",layer=\"live\"} 1
# HELP tcppolicy_policy_info The tcppolicy policy checked and the digest of its effective settings.
# TYPE tcppolicy_policy_info gauge
tcppolicy_policy_info{policy=\"we\\\"b\",digest=\"ab\"} 1
# HELP tcppolicy_last_check_timestamp_seconds When tcppolicy drift last checked the policy, in seconds since the epoch.
# TYPE tcppolicy_last_check_timestamp_seconds gauge
tcppolicy_last_check_timestamp_seconds{policy=\"we\\\"b\"} 1700000000
";
        assert_eq!(text, expected);
    }

    #[test]
    fn a_failed_check_writes_nothing() {
        let mut r = report();
        r.refuse(crate::report::Stage::Kernel, "no");
        assert_eq!(render(&r), None);
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(write(dir.path(), &r).unwrap(), None);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
