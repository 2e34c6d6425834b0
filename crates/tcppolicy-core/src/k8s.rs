//! Kubernetes pod sysctls: which parameters a pod may set through
//! `securityContext.sysctls`, and what the kubelet must allow for the rest (SPEC §10).
//!
//! The kubelet admits a pod's sysctls when they are in its built-in *safe* set (namespaced
//! and isolated from other pods: `pkg/kubelet/sysctl/safe_sysctls.go`) or listed in its
//! `allowedUnsafeSysctls` configuration, which accepts only sysctls the kubelet knows to
//! be namespaced (every `net.*`). The safe set grew release by release, and the kubelet
//! drops an entry whose kernel is too old for it to be namespaced; [`SAFE_SYSCTLS`]
//! records both for the parameters of the catalog. Whether a parameter is per network
//! namespace at all comes from the catalog ([`crate::catalog::per_netns_on`]).
//!
//! The container runtime writes pod sysctls in no fixed order (runc ranges over a Go map),
//! so two values the kernel accepts only in one order make a pod fail at random:
//! [`order_conflict`] finds them.

use crate::catalog::{NETNS_HISTORY_FLOOR, Param, per_netns_on};
use crate::diagnostic::code;
use crate::version::{Version, v};

code!(
    NOT_SETTABLE_IN_POD,
    "TP408",
    "not-settable-in-pod",
    Error,
    "a pod cannot set this parameter on the node kernel",
    "`tcppolicy emit k8s` renders a policy as pod sysctls, which the container runtime \
     writes inside the pod's own network namespace. A parameter that does not exist on \
     the node kernel (`--kernel`), or that is not yet per network namespace there \
     (`net.core.optmem_max` before 6.8), cannot be set by a pod: the pod would fail to \
     start. Set it on the node instead, or target newer node kernels. Parameters that are \
     never per network namespace are refused by the compiler already (TP405)."
);
code!(
    POD_SYSCTL_ORDER,
    "TP409",
    "pod-sysctl-order",
    Error,
    "two pod sysctls are accepted by the kernel in one order only",
    "The container runtime writes a pod's sysctls in no fixed order (runc iterates a Go \
     map). The kernel checks some values against others when they are written: \
     `tcp_reordering` must not exceed the current `tcp_max_reordering`, and \
     `ip_unprivileged_port_start` must not exceed the low end of the current \
     `ip_local_port_range` (and the other way round). When a policy needs one written \
     before the other, the pod fails to start whenever the runtime picks the other order. \
     Choose values that work in both orders, starting from what a new network namespace \
     has (`tcp_max_reordering` 300, `ip_local_port_range` 32768-60999, \
     `ip_unprivileged_port_start` 1024), or set them from an init container with \
     `tcppolicy apply`, which orders its writes."
);

/// The oldest Kubernetes with the pod-level `securityContext.sysctls` field (beta in
/// 1.11, GA in 1.21; annotations before).
pub const MIN_KUBERNETES: Version = v(1, 11);

/// The newest Kubernetes whose safe set [`SAFE_SYSCTLS`] was read from.
pub const NEWEST_KNOWN_KUBERNETES: Version = v(1, 37);

/// A catalog parameter in the kubelet's safe set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SafeSysctl {
    /// Dotted sysctl name.
    pub name: &'static str,
    /// The first Kubernetes release whose kubelet treats it as safe.
    pub since: Version,
    /// The node kernel the kubelet requires before it treats the sysctl as safe (the
    /// version that namespaced it), if it checks one.
    pub kernel: Option<Version>,
    /// Where this was read.
    pub source: &'static str,
}

/// The catalog parameters in the kubelet's safe set, from
/// `pkg/kubelet/sysctl/safe_sysctls.go` (formerly `whitelist.go`) and the kernel versions
/// in `pkg/util/kernel/constants.go` of kubernetes/kubernetes. The safe set's other
/// members (`kernel.shm_rmid_forced`, `net.ipv4.ping_group_range`) are not TCP
/// parameters.
pub static SAFE_SYSCTLS: &[SafeSysctl] = &[
    SafeSysctl {
        name: "net.ipv4.ip_local_port_range",
        since: v(1, 4),
        kernel: None,
        source: "the first safe set, pkg/kubelet/sysctl/whitelist.go (1.4)",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_syncookies",
        since: v(1, 4),
        kernel: None,
        source: "the first safe set, pkg/kubelet/sysctl/whitelist.go (1.4); namespaced \
                 since Linux 4.6, which the kubelet does not check",
    },
    SafeSysctl {
        name: "net.ipv4.ip_unprivileged_port_start",
        since: v(1, 22),
        kernel: None,
        source: "kubernetes/kubernetes#103326 (1.22)",
    },
    SafeSysctl {
        name: "net.ipv4.ip_local_reserved_ports",
        since: v(1, 27),
        kernel: Some(v(3, 16)),
        source: "kubernetes/kubernetes#115374 (1.27); \
                 IPLocalReservedPortsNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_keepalive_time",
        since: v(1, 29),
        kernel: Some(v(4, 5)),
        source: "kubernetes/kubernetes#118846 (1.29); TCPKeepAliveTimeNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_fin_timeout",
        since: v(1, 29),
        kernel: Some(v(4, 6)),
        source: "safe_sysctls.go (1.29); TCPFinTimeoutNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_keepalive_intvl",
        since: v(1, 29),
        kernel: Some(v(4, 5)),
        source: "safe_sysctls.go (1.29); TCPKeepAliveIntervalNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_keepalive_probes",
        since: v(1, 29),
        kernel: Some(v(4, 5)),
        source: "safe_sysctls.go (1.29); TCPKeepAliveProbesNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_rmem",
        since: v(1, 32),
        kernel: Some(v(4, 15)),
        source: "kubernetes/kubernetes#127489 (1.32); TCPReceiveMemoryNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_wmem",
        since: v(1, 32),
        kernel: Some(v(4, 15)),
        source: "kubernetes/kubernetes#127489 (1.32); TCPTransmitMemoryNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_slow_start_after_idle",
        since: v(1, 37),
        kernel: Some(v(4, 15)),
        source: "kubernetes/kubernetes#138389 (1.37); \
                 TCPSlowStartAfterIdleNamespacedKernelVersion",
    },
    SafeSysctl {
        name: "net.ipv4.tcp_notsent_lowat",
        since: v(1, 37),
        kernel: Some(v(4, 6)),
        source: "kubernetes/kubernetes#138389 (1.37); TCPNotSentLowatNamespacedKernelVersion",
    },
];

/// How the kubelet treats one pod sysctl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// In the safe set for this Kubernetes version and node kernel: every kubelet admits it.
    Safe(&'static SafeSysctl),
    /// Namespaced but not safe here: the kubelet admits it only when its
    /// `allowedUnsafeSysctls` lists it.
    Unsafe {
        /// The safe-set entry, when the sysctl is safe on newer Kubernetes or kernels.
        later: Option<&'static SafeSysctl>,
    },
}

/// Why a pod cannot set a parameter on a node kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSettable {
    /// The parameter does not exist on that kernel.
    Absent,
    /// It exists but is not per network namespace there.
    NotNamespaced,
}

/// Classify `p` for a pod on Kubernetes `k8s` and a node running `kernel` (at least
/// [`NETNS_HISTORY_FLOOR`]).
pub fn classify(p: &Param, k8s: Version, kernel: Version) -> Result<Class, NotSettable> {
    if !p.exists_on(kernel) {
        return Err(NotSettable::Absent);
    }
    if p.read_only || kernel < NETNS_HISTORY_FLOOR || !per_netns_on(p, kernel) {
        return Err(NotSettable::NotNamespaced);
    }
    let entry = SAFE_SYSCTLS.iter().find(|s| s.name == p.name);
    Ok(match entry {
        Some(s) if k8s >= s.since && s.kernel.is_none_or(|k| kernel >= k) => Class::Safe(s),
        later => Class::Unsafe { later },
    })
}

/// A Kubernetes version as users write it: `1.32`, `v1.32`, `1.32.3`, `v1.32.3-gke.100`.
pub fn parse_kubernetes_version(text: &str) -> Option<Version> {
    let text = text.trim();
    let text = text.strip_prefix('v').unwrap_or(text);
    let numeric: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let version = Version::parse(numeric.trim_end_matches('.'))?;
    (version.major == 1).then_some(version)
}

/// Two pod sysctls the kernel accepts in one order only, starting from a new network
/// namespace: `(must_come_later, must_come_first, why)`.
pub type OrderConflict = (&'static str, &'static str, String);

/// Find the pairs of `values` (name and the integers written) that the kernel accepts
/// in one order only, starting from a new namespace (`tcp_max_reordering` 300,
/// `ip_local_port_range` 32768-60999, `ip_unprivileged_port_start` 1024 — the
/// namespace's kernel defaults, see [`crate::catalog::netns_start`]).
pub fn order_conflict(values: &[(&str, Vec<i128>)]) -> Vec<OrderConflict> {
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_slice())
    };
    let mut out = Vec::new();
    if let (Some([reordering]), Some([max])) = (
        get("net.ipv4.tcp_reordering"),
        get("net.ipv4.tcp_max_reordering"),
    ) && *reordering > 300
        && reordering <= max
    {
        out.push((
            "net.ipv4.tcp_reordering",
            "net.ipv4.tcp_max_reordering",
            format!(
                "`net.ipv4.tcp_reordering` {reordering} is accepted only after \
                 `net.ipv4.tcp_max_reordering` {max} (a new namespace's maximum is 300)"
            ),
        ));
    }
    if let (Some([start]), Some([low, _])) = (
        get("net.ipv4.ip_unprivileged_port_start"),
        get("net.ipv4.ip_local_port_range"),
    ) && start <= low
    {
        if *start > 32768 {
            out.push((
                "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.ip_local_port_range",
                format!(
                    "`net.ipv4.ip_unprivileged_port_start` {start} is accepted only after \
                     `net.ipv4.ip_local_port_range` starts at {low} (a new namespace's \
                     range starts at 32768)"
                ),
            ));
        } else if *low < 1024 {
            out.push((
                "net.ipv4.ip_local_port_range",
                "net.ipv4.ip_unprivileged_port_start",
                format!(
                    "`net.ipv4.ip_local_port_range` starting at {low} is accepted only after \
                     `net.ipv4.ip_unprivileged_port_start` {start} (a new namespace's \
                     unprivileged ports start at 1024)"
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Scope, lookup};

    fn param(name: &str) -> &'static Param {
        lookup(name).unwrap_or_else(|| panic!("{name} is in the catalog"))
    }

    #[test]
    fn safe_set_names_per_netns_catalog_parameters_in_release_order() {
        for s in SAFE_SYSCTLS {
            let p = param(s.name);
            assert_eq!(p.scope, Scope::Netns, "{}", s.name);
            assert!(s.since <= NEWEST_KNOWN_KUBERNETES && s.since.major == 1);
            assert!(
                s.kernel.is_none_or(|k| k <= NETNS_HISTORY_FLOOR),
                "{}",
                s.name
            );
        }
        assert!(SAFE_SYSCTLS.windows(2).all(|w| w[0].since <= w[1].since));
    }

    #[test]
    fn the_safe_set_grows_with_the_kubernetes_version() {
        let keepalive = param("net.ipv4.tcp_keepalive_time");
        assert!(matches!(
            classify(keepalive, v(1, 28), v(6, 1)),
            Ok(Class::Unsafe { later: Some(s) }) if s.since == v(1, 29)
        ));
        assert!(matches!(
            classify(keepalive, v(1, 29), v(6, 1)),
            Ok(Class::Safe(_))
        ));
        let rmem = param("net.ipv4.tcp_rmem");
        assert!(matches!(
            classify(rmem, v(1, 31), v(6, 1)),
            Ok(Class::Unsafe { .. })
        ));
        assert!(matches!(
            classify(rmem, v(1, 32), v(6, 1)),
            Ok(Class::Safe(_))
        ));
        let lowat = param("net.ipv4.tcp_notsent_lowat");
        assert!(matches!(
            classify(lowat, v(1, 36), v(6, 1)),
            Ok(Class::Unsafe { .. })
        ));
        assert!(matches!(
            classify(lowat, v(1, 37), v(6, 1)),
            Ok(Class::Safe(_))
        ));
        let somaxconn = param("net.core.somaxconn");
        assert_eq!(
            classify(somaxconn, v(1, 37), v(6, 1)),
            Ok(Class::Unsafe { later: None })
        );
    }

    #[test]
    fn the_node_kernel_decides_what_exists_and_what_is_namespaced() {
        assert_eq!(
            classify(param("net.core.optmem_max"), v(1, 32), v(6, 6)),
            Err(NotSettable::NotNamespaced)
        );
        assert!(classify(param("net.core.optmem_max"), v(1, 32), v(6, 8)).is_ok());
        assert_eq!(
            classify(param("net.ipv4.tcp_rto_max_ms"), v(1, 32), v(6, 12)),
            Err(NotSettable::Absent)
        );
        assert_eq!(
            classify(param("net.ipv4.tcp_mem"), v(1, 32), v(6, 12)),
            Err(NotSettable::NotNamespaced)
        );
        assert_eq!(
            classify(param("net.ipv4.tcp_ehash_entries"), v(1, 32), v(6, 12)),
            Err(NotSettable::NotNamespaced)
        );
    }

    #[test]
    fn kubernetes_versions_parse_as_written() {
        assert_eq!(parse_kubernetes_version("1.32"), Some(v(1, 32)));
        assert_eq!(
            parse_kubernetes_version("v1.29.4-gke.1043"),
            Some(Version {
                major: 1,
                minor: 29,
                patch: 4
            })
        );
        assert_eq!(parse_kubernetes_version("2.1"), None);
        assert_eq!(parse_kubernetes_version("latest"), None);
    }

    #[test]
    fn order_conflicts_are_pairs_only_one_write_order_accepts() {
        let c = order_conflict(&[
            ("net.ipv4.tcp_reordering", vec![500]),
            ("net.ipv4.tcp_max_reordering", vec![1000]),
        ]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].0, "net.ipv4.tcp_reordering");
        assert!(
            order_conflict(&[
                ("net.ipv4.tcp_reordering", vec![200]),
                ("net.ipv4.tcp_max_reordering", vec![1000]),
            ])
            .is_empty()
        );
        let ports = |start: i128, low: i128| {
            order_conflict(&[
                ("net.ipv4.ip_unprivileged_port_start", vec![start]),
                ("net.ipv4.ip_local_port_range", vec![low, 60999]),
            ])
        };
        assert!(ports(80, 20000).is_empty());
        assert_eq!(
            ports(40000, 40001)[0].0,
            "net.ipv4.ip_unprivileged_port_start"
        );
        assert_eq!(ports(0, 1000)[0].0, "net.ipv4.ip_local_port_range");
    }
}
