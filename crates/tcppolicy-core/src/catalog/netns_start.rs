//! What a new network namespace starts with, for every per-netns parameter.
//!
//! A container or pod gets a new network namespace, and the host's tuning does not follow
//! it there: the kernel's per-namespace init functions fill in each parameter when the
//! namespace is created. For almost every parameter that is the kernel's own default
//! (`tcp_sk_init()` and friends assign constants, and what they leave alone stays zero in
//! the zeroed `struct net`), so a keepalive or `somaxconn` set on the host never reaches a
//! pod. A few are copied from the initial namespace instead (`tcp_rmem`, `tcp_wmem`,
//! `tcp_congestion_control`), and `tcp_max_tw_buckets`/`tcp_max_syn_backlog` are computed
//! from the hash table the new namespace gets.
//!
//! "Copied from the initial namespace" means exactly that: a namespace created from inside
//! another child namespace still copies the initial namespace's value, not its parent's
//! (measured: a grandchild of the host gets the host's `tcp_rmem` although its parent set
//! another). The one parent-dependent input is `tcp_child_ehash_entries`, which
//! `tcp_set_hashinfo()` reads from the *creating* namespace.
//!
//! The data was read from the Linux 6.18 sources named in each entry (the two 6.19
//! parameters from the netdev patches that add them) and is checked against the running
//! kernel by the `netns_start` suite: in a fresh namespace whose parameters were all
//! changed, a child namespace is created and each value compared with what is recorded
//! here.

use super::{PARAMS, Param, Scope};
use crate::version::{Version, v};

/// Where a new network namespace's value of a parameter comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Start {
    /// The kernel's own default: a constant (or zero) set when the namespace is created,
    /// whatever the host or the creating namespace have set.
    KernelDefault,
    /// A copy of the initial (host) namespace's value at the moment the namespace is
    /// created. Later changes on the host do not reach it.
    CopyOfInit,
    /// Computed when the namespace is created from the size of the TCP hash table it gets
    /// (the creating namespace's `tcp_child_ehash_entries`, or the global table when that
    /// is 0) — never the value the host set for this parameter.
    FromHashSize,
}

impl Start {
    /// Whether a value the host sets for this parameter reaches namespaces created later.
    pub fn inherits_host_value(self) -> bool {
        self == Start::CopyOfInit
    }

    /// Short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Start::KernelDefault => "the kernel default",
            Start::CopyOfInit => "a copy of the host's value",
            Start::FromHashSize => "a value computed from the TCP hash table size",
        }
    }
}

/// The record for one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetnsStart {
    /// Dotted sysctl name.
    pub name: &'static str,
    /// Where a new namespace's value comes from.
    pub start: Start,
    /// The kernel source it was read from: file and function.
    pub source: &'static str,
    /// First kernel where the parameter is per network namespace, when that is later than
    /// [`NETNS_HISTORY_FLOOR`] (before it, the parameter was global and absent in a child
    /// namespace). `None`: per network namespace on every kernel from the floor on.
    pub netns_since: Option<Version>,
}

/// The oldest kernel for which tcppolicy records which parameters are per network
/// namespace. By 4.15 the last `tcp_*` parameters still global (`tcp_rmem`, `tcp_wmem`,
/// `tcp_sack`, `tcp_slow_start_after_idle`, ...) had been moved into the namespace
/// ("tcp: Namespace-ify sysctl_tcp_*", 4.15); later moves are recorded per entry.
pub const NETNS_HISTORY_FLOOR: Version = v(4, 15);

const TCP_SK_INIT: &str = "net/ipv4/tcp_ipv4.c: tcp_sk_init() (Linux 6.18)";
const TCP_SK_INIT_619: &str =
    "net/ipv4/tcp_ipv4.c: tcp_sk_init() (netdev patch adding it, for Linux 6.19)";
const TCP_SK_INIT_COPY: &str = "net/ipv4/tcp_ipv4.c: tcp_sk_init() copies init_net's array when net != &init_net \
     (Linux 6.18)";
const HASHINFO: &str = "net/ipv4/tcp_ipv4.c: tcp_set_hashinfo(), from the creating \
                        namespace's tcp_child_ehash_entries (Linux 6.18)";
const INET_INIT: &str = "net/ipv4/af_inet.c: inet_init_net() (Linux 6.18)";
const CORE_PREINIT: &str = "net/core/net_namespace.c: preinit_net_sysctl() (Linux 6.18)";
const ZEROED: &str = "not set by tcp_sk_init() or any other init function: zero in the \
                      zeroed struct net from net/core/net_namespace.c: net_alloc() \
                      (Linux 6.18)";

const fn kernel_default(name: &'static str, source: &'static str) -> NetnsStart {
    NetnsStart {
        name,
        start: Start::KernelDefault,
        source,
        netns_since: None,
    }
}

const fn copy_of_init(name: &'static str, source: &'static str) -> NetnsStart {
    NetnsStart {
        start: Start::CopyOfInit,
        ..kernel_default(name, source)
    }
}

const fn from_hash_size(name: &'static str) -> NetnsStart {
    NetnsStart {
        start: Start::FromHashSize,
        ..kernel_default(name, HASHINFO)
    }
}

/// One record per parameter that is per network namespace on current kernels, sorted by
/// name.
pub static NETNS_START: &[NetnsStart] = &[
    NetnsStart {
        // f5769faeec36 "net: Namespace-ify sysctl_optmem_max" (6.8)
        netns_since: Some(v(6, 8)),
        ..kernel_default("net.core.optmem_max", CORE_PREINIT)
    },
    kernel_default("net.core.somaxconn", CORE_PREINIT),
    kernel_default("net.ipv4.ip_local_port_range", INET_INIT),
    kernel_default(
        "net.ipv4.ip_local_reserved_ports",
        "net/ipv4/sysctl_net_ipv4.c: ipv4_sysctl_init_net() allocates an empty bitmap \
         (Linux 6.18)",
    ),
    kernel_default("net.ipv4.ip_unprivileged_port_start", INET_INIT),
    kernel_default("net.ipv4.tcp_abort_on_overflow", ZEROED),
    kernel_default("net.ipv4.tcp_adv_win_scale", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_app_win", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_autocorking", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_backlog_ack_defer", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_base_mss", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_challenge_ack_limit", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_child_ehash_entries", ZEROED),
    kernel_default("net.ipv4.tcp_comp_sack_delay_ns", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_comp_sack_nr", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_comp_sack_rtt_percent", TCP_SK_INIT_619),
    kernel_default("net.ipv4.tcp_comp_sack_slack_ns", TCP_SK_INIT),
    copy_of_init(
        "net.ipv4.tcp_congestion_control",
        "net/ipv4/tcp_ipv4.c: tcp_sk_init() takes init_net's algorithm (reno if its \
         module cannot be referenced) (Linux 6.18)",
    ),
    kernel_default("net.ipv4.tcp_dsack", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_early_demux", INET_INIT),
    kernel_default("net.ipv4.tcp_early_retrans", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_ecn", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_ecn_fallback", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_ecn_option", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_ecn_option_beacon", TCP_SK_INIT),
    from_hash_size("net.ipv4.tcp_ehash_entries"),
    kernel_default("net.ipv4.tcp_fack", ZEROED),
    kernel_default("net.ipv4.tcp_fastopen", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_fastopen_blackhole_timeout_sec", TCP_SK_INIT),
    kernel_default(
        "net.ipv4.tcp_fastopen_key",
        "net/ipv4/tcp_fastopen.c: a namespace has no key until one is written or a Fast \
         Open socket needs one; it reads as zeros (Linux 6.18)",
    ),
    kernel_default("net.ipv4.tcp_fin_timeout", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_frto", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_fwmark_accept", ZEROED),
    kernel_default("net.ipv4.tcp_invalid_ratelimit", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_keepalive_intvl", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_keepalive_probes", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_keepalive_time", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_l3mdev_accept", ZEROED),
    kernel_default("net.ipv4.tcp_limit_output_bytes", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_max_reordering", TCP_SK_INIT),
    from_hash_size("net.ipv4.tcp_max_syn_backlog"),
    from_hash_size("net.ipv4.tcp_max_tw_buckets"),
    kernel_default("net.ipv4.tcp_migrate_req", ZEROED),
    kernel_default("net.ipv4.tcp_min_rtt_wlen", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_min_snd_mss", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_min_tso_segs", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_moderate_rcvbuf", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_mtu_probe_floor", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_mtu_probing", ZEROED),
    kernel_default("net.ipv4.tcp_no_metrics_save", ZEROED),
    kernel_default("net.ipv4.tcp_no_ssthresh_metrics_save", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_notsent_lowat", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_orphan_retries", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_pacing_ca_ratio", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_pacing_ss_ratio", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_pingpong_thresh", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_plb_cong_thresh", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_plb_enabled", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_plb_idle_rehash_rounds", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_plb_rehash_rounds", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_plb_suspend_rto_sec", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_probe_interval", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_probe_threshold", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_rcvbuf_low_rtt", TCP_SK_INIT_619),
    kernel_default("net.ipv4.tcp_recovery", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_reflect_tos", ZEROED),
    kernel_default("net.ipv4.tcp_reordering", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_retrans_collapse", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_retries1", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_retries2", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_rfc1337", ZEROED),
    copy_of_init("net.ipv4.tcp_rmem", TCP_SK_INIT_COPY),
    kernel_default("net.ipv4.tcp_rto_max_ms", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_rto_min_us", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_sack", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_shrink_window", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_slow_start_after_idle", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_stdurg", ZEROED),
    kernel_default("net.ipv4.tcp_syn_linear_timeouts", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_syn_retries", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_synack_retries", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_syncookies", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_thin_linear_timeouts", ZEROED),
    kernel_default("net.ipv4.tcp_timestamps", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_tso_rtt_log", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_tso_win_divisor", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_tw_reuse", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_tw_reuse_delay", TCP_SK_INIT),
    kernel_default("net.ipv4.tcp_window_scaling", TCP_SK_INIT),
    copy_of_init("net.ipv4.tcp_wmem", TCP_SK_INIT_COPY),
    kernel_default("net.ipv4.tcp_workaround_signed_windows", ZEROED),
];

/// What a new network namespace starts with for `name`; `None` for parameters that are
/// not per network namespace (or no longer exist).
pub fn netns_start(name: &str) -> Option<&'static NetnsStart> {
    NETNS_START
        .binary_search_by(|e| e.name.cmp(name))
        .ok()
        .map(|i| &NETNS_START[i])
}

/// The catalog parameters [`NETNS_START`] must cover: per network namespace and present
/// on current kernels (removed parameters have no namespace to start in).
pub fn per_netns_params() -> impl Iterator<Item = &'static Param> {
    PARAMS
        .iter()
        .filter(|p| p.scope == Scope::Netns && p.removed.is_none())
}

/// Whether `p` is per network namespace on `kernel` (`None`: any kernel from
/// [`NETNS_HISTORY_FLOOR`] on): it exists there, is per-netns today, and had already
/// moved into the namespace on that kernel.
pub fn per_netns_on(p: &Param, kernel: Version) -> bool {
    p.exists_on(kernel)
        && netns_start(p.name).is_some_and(|e| e.netns_since.is_none_or(|since| kernel >= since))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_per_netns_parameter_has_exactly_one_record() {
        let missing: Vec<&str> = per_netns_params()
            .filter(|p| netns_start(p.name).is_none())
            .map(|p| p.name)
            .collect();
        assert!(missing.is_empty(), "no netns_start record: {missing:?}");
        for e in NETNS_START {
            let p = super::super::lookup(e.name)
                .unwrap_or_else(|| panic!("`{}` is not in the catalog", e.name));
            assert_eq!(p.scope, Scope::Netns, "`{}` is not per-netns", e.name);
            assert!(p.removed.is_none(), "`{}` was removed", e.name);
            assert!(!e.source.is_empty());
            if let Some(since) = e.netns_since {
                assert!(since > NETNS_HISTORY_FLOOR && since > p.added, "{}", e.name);
            }
        }
    }

    #[test]
    fn records_are_sorted_and_unique_for_binary_search() {
        for pair in NETNS_START.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} / {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn only_buffers_and_congestion_control_follow_the_host() {
        let copied: Vec<&str> = NETNS_START
            .iter()
            .filter(|e| e.start.inherits_host_value())
            .map(|e| e.name)
            .collect();
        assert_eq!(
            copied,
            [
                "net.ipv4.tcp_congestion_control",
                "net.ipv4.tcp_rmem",
                "net.ipv4.tcp_wmem"
            ]
        );
    }

    #[test]
    fn optmem_max_is_per_netns_only_from_6_8() {
        let p = super::super::lookup("net.core.optmem_max").unwrap();
        assert!(!per_netns_on(p, v(6, 6)));
        assert!(per_netns_on(p, v(6, 8)));
        let sack = super::super::lookup("net.ipv4.tcp_sack").unwrap();
        assert!(per_netns_on(sack, v(5, 10)));
        let mem = super::super::lookup("net.ipv4.tcp_mem").unwrap();
        assert!(!per_netns_on(mem, v(6, 18)));
    }
}
