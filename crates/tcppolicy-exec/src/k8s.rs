//! `emit k8s`: a `container: true` policy as a pod's `securityContext.sysctls`
//! (SPEC §10).
//!
//! The output is one strategic-merge patch for the pod template of a workload
//! (Deployment by default; StatefulSet, DaemonSet, or a Pod): `apiVersion`, `kind` and
//! `metadata.name` name the target, as a kustomize `patches:` entry needs, and the same
//! file works with `kubectl patch KIND NAME --patch-file FILE`. It sets the pod-level
//! `securityContext.sysctls` list (which has no merge key, so the patch replaces the whole
//! list: the policy is the pod's complete set) and two pod annotations naming the policy
//! and its digest. Each sysctl is classified for the Kubernetes version and node kernel
//! ([`tcppolicy_core::k8s::classify`]); the unsafe ones are listed with the
//! `KubeletConfiguration` every node needs, as comment lines (a second YAML document
//! would break `kubectl patch`, and the kubelet's configuration lives on the nodes).
//!
//! **Invariant: no policy text produces YAML structure.** Every scalar is written as a
//! JSON string (a valid double-quoted YAML scalar with every character escaped), and
//! rationale, paths and notes only ever become comment lines through
//! [`comment_lines`](crate::sysctld::comment_lines).

use crate::sysctld::comment_lines;
use std::collections::HashMap;
use std::fmt::Write as _;
use tcppolicy_core::catalog::{DefaultValue, Start, netns_start};
use tcppolicy_core::diagnostic::{Diagnostic, Label};
use tcppolicy_core::effective::{EffectivePolicy, EffectiveSetting, Target};
use tcppolicy_core::k8s::{self, Class, NotSettable, SafeSysctl};
use tcppolicy_core::load::SpanTable;
use tcppolicy_core::source::{FileId, Span};
use tcppolicy_core::value::Value;
use tcppolicy_core::version::Version;

/// The object the patch targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `apps/v1` Deployment (pod template at `spec.template`).
    Deployment,
    /// `apps/v1` StatefulSet.
    StatefulSet,
    /// `apps/v1` DaemonSet.
    DaemonSet,
    /// `v1` Pod (pod spec at `spec`).
    Pod,
}

impl Workload {
    fn api_version(self) -> &'static str {
        match self {
            Workload::Pod => "v1",
            _ => "apps/v1",
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Workload::Deployment => "Deployment",
            Workload::StatefulSet => "StatefulSet",
            Workload::DaemonSet => "DaemonSet",
            Workload::Pod => "Pod",
        }
    }
}

/// What to render for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The Kubernetes version of the cluster (decides the safe set).
    pub kubernetes: Version,
    /// The node kernel (decides what exists, what is namespaced, and kernel defaults).
    pub kernel: Version,
    /// The object the patch targets.
    pub workload: Workload,
    /// Its `metadata.name`.
    pub name: String,
}

/// Why nothing can be rendered before looking at a single setting.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SetupError {
    /// The policy is for the host.
    #[error(
        "`emit k8s` renders `container: true` policies: `{0}` is a host policy (its settings \
         are for the host's own network namespace)"
    )]
    HostPolicy(String),
    /// Kubernetes without pod-level sysctls.
    #[error(
        "Kubernetes {0} has no pod-level `securityContext.sysctls`: it needs {min} or newer",
        min = k8s::MIN_KUBERNETES
    )]
    KubernetesTooOld(Version),
    /// A node kernel older than what tcppolicy knows about namespacing.
    #[error(
        "tcppolicy knows which parameters are per network namespace from Linux {floor} on: \
         node kernel {0}",
        floor = tcppolicy_core::catalog::NETNS_HISTORY_FLOOR
    )]
    KernelTooOld(Version),
    /// The node kernel is outside the policy's range.
    #[error("node kernel {kernel} is outside the policy's `kernel` range `{range}`")]
    KernelOutOfRange {
        /// The node kernel.
        kernel: Version,
        /// The policy's range.
        range: String,
    },
    /// Not a Kubernetes object name.
    #[error(
        "not a Kubernetes object name (lower-case letters, digits, `-` and `.`, at most 253 \
         characters): `{0}`"
    )]
    InvalidName(String),
}

/// Why `emit k8s` refused a policy.
#[derive(Debug)]
pub enum Refusal {
    /// Before any setting was looked at.
    Setup(SetupError),
    /// Settings a pod cannot set, with a diagnostic at each.
    Diagnostics(Vec<Diagnostic>),
}

/// One sysctl of the pod, or a setting that is deliberately not written.
#[derive(Debug)]
pub struct PodSysctl<'a> {
    /// The policy setting.
    pub setting: &'a EffectiveSetting,
    /// The value written, or `None` when the pod gets no sysctl for it.
    pub value: Option<String>,
    /// How the kubelet treats it.
    pub class: Class,
    /// How the value was derived (comment lines).
    pub notes: Vec<String>,
}

/// A policy classified for a pod.
#[derive(Debug)]
pub struct PodSysctls<'a> {
    /// Every setting of the policy, in policy order.
    pub entries: Vec<PodSysctl<'a>>,
    /// What it was classified for.
    pub options: Options,
}

impl PodSysctls<'_> {
    /// Names the kubelet must allow (`allowedUnsafeSysctls`), in policy order.
    pub fn unsafe_names(&self) -> Vec<&'static str> {
        self.written()
            .filter(|e| matches!(e.class, Class::Unsafe { .. }))
            .map(|e| e.setting.param.name)
            .collect()
    }

    /// Names every kubelet admits, in policy order.
    pub fn safe_names(&self) -> Vec<&'static str> {
        self.written()
            .filter(|e| matches!(e.class, Class::Safe(_)))
            .map(|e| e.setting.param.name)
            .collect()
    }

    /// The sysctls the pod sets, `(name, value)`, in policy order.
    pub fn sysctls(&self) -> Vec<(&'static str, &str)> {
        self.written()
            .filter_map(|e| Some((e.setting.param.name, e.value.as_deref()?)))
            .collect()
    }

    fn written(&self) -> impl Iterator<Item = &PodSysctl<'_>> {
        self.entries.iter().filter(|e| e.value.is_some())
    }
}

/// Classify every setting of `policy` for a pod. `spans` (the compilation's span table)
/// places the diagnostics at the settings' lines.
pub fn classify<'a>(
    policy: &'a EffectivePolicy,
    spans: &HashMap<FileId, SpanTable>,
    options: Options,
) -> Result<PodSysctls<'a>, Refusal> {
    check_setup(policy, &options).map_err(Refusal::Setup)?;
    let label = |s: &EffectiveSetting, value: bool| {
        let span = spans.get(&s.origin.file).map_or(Span::point(0), |t| {
            if value {
                t.value(&format!("{}/{}", s.origin.pointer, s.target.field()))
            } else {
                t.key(&s.origin.pointer)
            }
        });
        Label::new(s.origin.file, span)
    };
    let mut diagnostics = Vec::new();
    let mut entries = Vec::new();
    for s in &policy.settings {
        let p = s.param;
        match k8s::classify(p, options.kubernetes, options.kernel) {
            Err(why) => {
                let (message, note) = match why {
                    NotSettable::Absent => (
                        format!(
                            "a pod cannot set a parameter the node kernel does not have: \
                             `{}` on Linux {}",
                            p.name, options.kernel
                        ),
                        format!("`{}` exists {}", p.name, p.lifetime_text()),
                    ),
                    NotSettable::NotNamespaced => (
                        format!(
                            "a pod cannot set a parameter that is not per network namespace \
                             on the node kernel: `{}` on Linux {}",
                            p.name, options.kernel
                        ),
                        match netns_start(p.name).and_then(|e| e.netns_since) {
                            Some(since) => {
                                format!("`{}` is per network namespace from Linux {since}", p.name)
                            }
                            None => format!("`{}` is {}", p.name, p.scope),
                        },
                    ),
                };
                diagnostics.push(
                    Diagnostic::new(&k8s::NOT_SETTABLE_IN_POD, label(s, false), message)
                        .note(note)
                        .help("set it on the nodes, or render for newer node kernels (`--kernel`)"),
                );
            }
            Ok(class) => {
                let (value, notes) = pod_value(s, options.kernel);
                entries.push(PodSysctl {
                    setting: s,
                    value,
                    class,
                    notes,
                });
            }
        }
    }
    let written: Vec<(&str, Vec<i128>)> = entries
        .iter()
        .filter_map(|e| {
            let text = e.value.as_deref()?;
            let v = Value::parse_kernel(e.setting.param.kind, text)?;
            Some((e.setting.param.name, v.ints()))
        })
        .collect();
    for (later, first, why) in k8s::order_conflict(&written) {
        let (Some(a), Some(b)) = (policy.get(later), policy.get(first)) else {
            continue;
        };
        let secondary = label(b, false);
        diagnostics.push(
            Diagnostic::new(
                &k8s::POD_SYSCTL_ORDER,
                label(a, true),
                format!("the container runtime writes pod sysctls in no fixed order: {why}"),
            )
            .secondary(Label::with_message(
                secondary.file,
                secondary.span,
                "must be written first",
            ))
            .help(
                "choose values both write orders accept, or set them from an init container \
                 with `tcppolicy apply`",
            ),
        );
    }
    if diagnostics.is_empty() {
        Ok(PodSysctls { entries, options })
    } else {
        Err(Refusal::Diagnostics(diagnostics))
    }
}

fn check_setup(policy: &EffectivePolicy, o: &Options) -> Result<(), SetupError> {
    if !policy.container {
        return Err(SetupError::HostPolicy(policy.root.display().to_string()));
    }
    if o.kubernetes < k8s::MIN_KUBERNETES {
        return Err(SetupError::KubernetesTooOld(o.kubernetes));
    }
    if o.kernel < tcppolicy_core::catalog::NETNS_HISTORY_FLOOR {
        return Err(SetupError::KernelTooOld(o.kernel));
    }
    if let Some(range) = &policy.kernel
        && !range.contains(o.kernel)
    {
        return Err(SetupError::KernelOutOfRange {
            kernel: o.kernel,
            range: range.to_string(),
        });
    }
    let valid_name = !o.name.is_empty()
        && o.name.len() <= 253
        && o.name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if !valid_name {
        return Err(SetupError::InvalidName(o.name.escape_debug().to_string()));
    }
    Ok(())
}

/// The value a pod sysctl gets, starting from a new network namespace on `kernel`, and
/// notes on how it was derived.
fn pod_value(s: &EffectiveSetting, kernel: Version) -> (Option<String>, Vec<String>) {
    let p = s.param;
    let start = netns_start(p.name).map_or(Start::KernelDefault, |e| e.start);
    let fixed = match (start, p.default_for(Some(kernel))) {
        (Start::KernelDefault, Some(DefaultValue::Fixed(text))) => {
            Value::parse_kernel(p.kind, text)
        }
        _ => None,
    };
    let mut notes = Vec::new();
    let value = match &s.target {
        Target::Value(v) => Some(v.to_kernel()),
        Target::KernelDefault => match &fixed {
            Some(d) => {
                notes.push(format!(
                    "value: default, the kernel default on Linux {kernel}"
                ));
                Some(d.to_kernel())
            }
            None => {
                notes.push(format!(
                    "value: default, not set: tcppolicy knows no fixed default on Linux \
                     {kernel}, and a new network namespace starts with {}",
                    start.describe()
                ));
                None
            }
        },
        Target::AtLeast(n) | Target::AtMost(n) => {
            let at_least = matches!(s.target, Target::AtLeast(_));
            let field = s.target.field();
            Some(match fixed.as_ref().and_then(Value::as_int) {
                Some(d) => {
                    let v = if at_least { (*n).max(d) } else { (*n).min(d) };
                    notes.push(format!(
                        "{field} {n}: a new network namespace starts at the kernel default {d} \
                         on Linux {kernel}, so this is {v}"
                    ));
                    v.to_string()
                }
                None => {
                    notes.push(format!(
                        "{field} {n}: a new network namespace starts with {}, which tcppolicy \
                         cannot know here, so this is {n}",
                        start.describe()
                    ));
                    n.to_string()
                }
            })
        }
    };
    if p.short_name() == "tcp_congestion_control" {
        notes.push(
            "the algorithm must be loaded on the node and listed in its \
             net.ipv4.tcp_allowed_congestion_control, or the write fails with EPERM"
                .into(),
        );
    }
    (value, notes)
}

/// A scalar as a JSON string: a double-quoted YAML scalar with every character escaped.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// `comment_lines`, indented.
fn comments(out: &mut String, indent: usize, text: &str) {
    let mut lines = String::new();
    comment_lines(&mut lines, text);
    for line in lines.lines() {
        let _ = writeln!(out, "{:indent$}{line}", "");
    }
}

fn describe_class(class: Class, o: &Options) -> String {
    let kernel = |s: &SafeSysctl| {
        s.kernel
            .map(|k| format!(", node kernel {k} or newer"))
            .unwrap_or_default()
    };
    match class {
        Class::Safe(s) => format!("safe since Kubernetes {}{}", s.since, kernel(s)),
        Class::Unsafe { later: Some(s) } if o.kubernetes < s.since => format!(
            "unsafe on Kubernetes {}: the kubelet must allow it (safe from Kubernetes {}{})",
            o.kubernetes,
            s.since,
            kernel(s)
        ),
        Class::Unsafe { .. } => "unsafe: the kubelet must allow it (allowedUnsafeSysctls)".into(),
    }
}

/// Render the patch. Deterministic: the same policy, version and options give the same
/// bytes.
pub fn render(policy: &EffectivePolicy, pod: &PodSysctls<'_>) -> String {
    let o = &pod.options;
    let mut out = String::new();
    comments(
        &mut out,
        0,
        &format!(
            "Generated by tcppolicy {} from policy `{}`: do not edit, run `tcppolicy emit \
             k8s` again.\ndigest: sha256:{}",
            env!("CARGO_PKG_VERSION"),
            policy.name,
            policy.digest()
        ),
    );
    for f in &policy.files {
        comments(&mut out, 0, &format!("source: {}", f.display()));
    }
    out.push_str("#\n");
    let resource = o.workload.kind().to_lowercase();
    comments(
        &mut out,
        0,
        &format!(
            "A strategic-merge patch setting the pod-level securityContext.sysctls of {} `{}`. \
             Apply it with\n    kubectl patch {resource} {} --patch-file THIS_FILE\nor \
             list it under `patches:` in a kustomization.yaml. It replaces the pod's whole \
             sysctls list (the list has no merge key). Pods with hostNetwork: true share the \
             node's network namespace and may set none of these.",
            o.workload.kind(),
            o.name,
            o.name,
        ),
    );
    out.push_str("#\n");
    let newest = if o.kubernetes > k8s::NEWEST_KNOWN_KUBERNETES {
        format!(
            " (tcppolicy knows the safe set up to Kubernetes {})",
            k8s::NEWEST_KNOWN_KUBERNETES
        )
    } else {
        String::new()
    };
    comments(
        &mut out,
        0,
        &format!(
            "Classified for Kubernetes {} and node kernel Linux {}{newest}:",
            o.kubernetes, o.kernel
        ),
    );
    let unsafe_names = pod.unsafe_names();
    for (what, names) in [
        ("safe, admitted by every kubelet:", pod.safe_names()),
        (
            "unsafe but namespaced, the kubelet must allow them:",
            unsafe_names.clone(),
        ),
    ] {
        listing(
            &mut out,
            &format!("  {what}{}", if names.is_empty() { " none" } else { "" }),
        );
        for name in names {
            listing(&mut out, &format!("    {name}"));
        }
    }
    if !unsafe_names.is_empty() {
        out.push_str("#\n");
        comments(
            &mut out,
            0,
            "Every node that may run this pod needs, in its kubelet configuration file:",
        );
        out.push_str("#\n");
        listing(&mut out, "  apiVersion: kubelet.config.k8s.io/v1beta1");
        listing(&mut out, "  kind: KubeletConfiguration");
        listing(&mut out, "  allowedUnsafeSysctls:");
        for name in &unsafe_names {
            listing(&mut out, &format!("    - {}", quoted(name)));
        }
        out.push_str("#\n");
        comments(
            &mut out,
            0,
            &format!(
                "(or the kubelet flag --allowed-unsafe-sysctls={}). Without it the kubelet \
                 rejects the pod (SysctlForbidden). Pod Security admission at the baseline \
                 and restricted levels also rejects pods with unsafe sysctls: the pod's \
                 namespace needs the privileged level.",
                unsafe_names.join(",")
            ),
        );
    }
    let _ = writeln!(out, "apiVersion: {}", quoted(o.workload.api_version()));
    let _ = writeln!(out, "kind: {}", quoted(o.workload.kind()));
    out.push_str("metadata:\n");
    let _ = writeln!(out, "  name: {}", quoted(&o.name));
    let annotations = |out: &mut String, indent: usize| {
        let _ = writeln!(out, "{:indent$}annotations:", "");
        let _ = writeln!(
            out,
            "{:indent$}  {}: {}",
            "",
            quoted("tcppolicy/policy"),
            quoted(&policy.name)
        );
        let _ = writeln!(
            out,
            "{:indent$}  {}: {}",
            "",
            quoted("tcppolicy/digest"),
            quoted(&format!("sha256:{}", policy.digest()))
        );
    };
    let indent = if o.workload == Workload::Pod {
        annotations(&mut out, 2);
        out.push_str("spec:\n");
        2
    } else {
        out.push_str("spec:\n  template:\n    metadata:\n");
        annotations(&mut out, 6);
        out.push_str("    spec:\n");
        6
    };
    let _ = writeln!(out, "{:indent$}securityContext:", "");
    let items = pod.entries.iter().filter(|e| e.value.is_some()).count();
    let _ = writeln!(
        out,
        "{:indent$}  sysctls:{}",
        "",
        if items == 0 { " []" } else { "" }
    );
    let item = indent + 4;
    for e in &pod.entries {
        let s = e.setting;
        comments(
            &mut out,
            item,
            &format!("{}: {}", s.param.name, describe_class(e.class, o)),
        );
        comments(
            &mut out,
            item,
            &format!("source: {}:{}", s.origin.path.display(), s.origin.line),
        );
        for n in &e.notes {
            comments(&mut out, item, n);
        }
        comments(&mut out, item, &s.rationale);
        if let Some(value) = &e.value {
            let _ = writeln!(out, "{:item$}- name: {}", "", quoted(s.param.name));
            let _ = writeln!(out, "{:item$}  value: {}", "", quoted(value));
        }
    }
    out
}

/// One comment line of tcppolicy's own text and catalog names, kept as written (with
/// its indentation): never policy text, which goes through [`comments`].
fn listing(out: &mut String, line: &str) {
    debug_assert!(line.chars().all(|c| c.is_ascii() && !c.is_control()));
    let _ = writeln!(out, "# {line}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use tcppolicy_core::compile::compile_str;
    use tcppolicy_core::version::v;

    fn options(workload: Workload) -> Options {
        Options {
            kubernetes: v(1, 32),
            kernel: v(6, 1),
            workload,
            name: "web".into(),
        }
    }

    fn emit(text: &str, o: Options) -> Result<String, Refusal> {
        let c = compile_str(Path::new("t.yaml"), text);
        let policy = c.policy.expect("compiles");
        let pod = classify(&policy, &c.spans, o)?;
        Ok(render(&policy, &pod))
    }

    const POLICY: &str = "tcppolicy: 1\nname: t\ncontainer: true\nkernel: \">=5.15\"\nsettings:\n  net.ipv4.tcp_keepalive_time:\n    value: 2m\n    rationale: \"a: b # c\\n- name: evil\\r\\nvalue: x\\u2028y\"\n  net.core.somaxconn:\n    at_least: 16384\n    rationale: r\n  net.ipv4.tcp_rmem:\n    value: [4KiB, 128KiB, 8MiB]\n    rationale: r\n";

    #[test]
    fn policy_text_only_ever_becomes_comments_or_quoted_scalars() {
        let out = emit(POLICY, options(Workload::Deployment)).unwrap_or_else(|_| panic!());
        for line in out.lines() {
            let t = line.trim_start();
            let structural = [
                "apiVersion: \"",
                "kind: \"",
                "metadata:",
                "name: \"",
                "annotations:",
                "\"tcppolicy/",
                "spec:",
                "template:",
                "securityContext:",
                "sysctls:",
                "- name: \"",
                "value: \"",
            ];
            assert!(
                t.starts_with('#') || structural.iter().any(|s| t.starts_with(s)),
                "unexpected line {line:?} in\n{out}"
            );
        }
        assert_eq!(out.matches("- name: \"").count(), 3, "{out}");
        assert!(out.contains("value: \"120\""), "{out}");
        assert!(out.contains("value: \"16384\""), "{out}");
        assert!(out.contains("value: \"4096 131072 8388608\""), "{out}");
    }

    #[test]
    fn safe_and_unsafe_sysctls_and_the_kubelet_configuration() {
        let out = emit(POLICY, options(Workload::Deployment)).unwrap_or_else(|_| panic!());
        assert!(out.contains(
            "#   safe, admitted by every kubelet:\n#     net.ipv4.tcp_keepalive_time\n\
             #     net.ipv4.tcp_rmem\n#   unsafe but namespaced, the kubelet must allow them:\n\
             #     net.core.somaxconn\n"
        ));
        assert!(out.contains("#   allowedUnsafeSysctls:\n#     - \"net.core.somaxconn\"\n"));
        assert!(out.contains("--allowed-unsafe-sysctls=net.core.somaxconn)"));
        // On 1.31 tcp_rmem is not safe yet.
        let o = Options {
            kubernetes: v(1, 31),
            ..options(Workload::Deployment)
        };
        let out = emit(POLICY, o).unwrap_or_else(|_| panic!());
        assert!(out.contains("#     - \"net.ipv4.tcp_rmem\"\n"), "{out}");
        assert!(out.contains("tcp_rmem: unsafe on Kubernetes 1.31: the kubelet must allow it"));
        assert!(
            out.contains("Kubernetes 1.32, node kernel 4.15 or newer)"),
            "{out}"
        );
    }

    #[test]
    fn pods_and_workloads_put_the_sysctls_where_their_schema_has_them() {
        let pod = emit(POLICY, options(Workload::Pod)).unwrap_or_else(|_| panic!());
        assert!(pod.contains("apiVersion: \"v1\"\nkind: \"Pod\"\n"));
        assert!(pod.contains("\nspec:\n  securityContext:\n    sysctls:\n"));
        let sts = emit(POLICY, options(Workload::StatefulSet)).unwrap_or_else(|_| panic!());
        assert!(sts.contains("kind: \"StatefulSet\""));
        assert!(sts.contains("\n    spec:\n      securityContext:\n        sysctls:\n"));
    }

    #[test]
    fn refuses_host_policies_old_kernels_and_parameters_a_pod_cannot_set() {
        let host = POLICY.replace("container: true\n", "");
        assert!(matches!(
            emit(&host, options(Workload::Pod)),
            Err(Refusal::Setup(SetupError::HostPolicy(_)))
        ));
        let o = Options {
            kernel: v(4, 14),
            ..options(Workload::Pod)
        };
        assert!(matches!(
            emit(POLICY, o),
            Err(Refusal::Setup(SetupError::KernelTooOld(_)))
        ));
        let optmem = "tcppolicy: 1\nname: t\ncontainer: true\nkernel: \">=6.1\"\nsettings:\n  net.core.optmem_max:\n    value: 64KiB\n    rationale: r\n";
        let Err(Refusal::Diagnostics(d)) = emit(optmem, options(Workload::Pod)) else {
            panic!("optmem_max is not namespaced on 6.1");
        };
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.id, "TP408");
        assert_eq!(
            d[0].notes,
            ["`net.core.optmem_max` is per network namespace from Linux 6.8"]
        );
        let o = Options {
            kernel: v(6, 8),
            ..options(Workload::Pod)
        };
        assert!(emit(optmem, o).is_ok());
    }

    #[test]
    fn order_dependent_pairs_are_refused_at_the_setting() {
        let text = "tcppolicy: 1\nname: t\ncontainer: true\nsettings:\n  net.ipv4.tcp_max_reordering:\n    value: 1000\n    rationale: r\n  net.ipv4.tcp_reordering:\n    value: 500\n    rationale: r\n";
        let Err(Refusal::Diagnostics(d)) = emit(text, options(Workload::Pod)) else {
            panic!("tcp_reordering 500 needs tcp_max_reordering first");
        };
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.id, "TP409");
        assert_eq!(d[0].secondary.len(), 1);
    }
}
