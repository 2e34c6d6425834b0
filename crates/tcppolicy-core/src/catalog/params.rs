//! Catalog data. One entry per parameter, in three sorted groups: `net.core.*`,
//! `net.ipv4.*` present on current kernels (including the few that only exist after 6.18),
//! then parameters removed from the kernel.
//!
//! Sources: `../shared/reference/kernel-tcp-params.tsv` and `kernel-tcp-notes.md` (measured
//! on Linux 6.18.44 in a fresh network namespace, read from Debian linux-source 6.12.117
//! `net/ipv4/sysctl_net_ipv4.c`, `tcp_ipv4.c:tcp_sk_init`, `tcp.c:tcp_init`,
//! `Documentation/networking/ip-sysctl.rst`), re-checked by the `catalog_kernel` suite.
//!
//! Conventions:
//! - `min`/`max` are what the kernel enforces on the running 6.18 kernel; `domain` is what
//!   the documentation gives meaning to (outside it is a warning, not an error).
//! - `added` is the first kernel with the parameter in the 2.6+ line; `v(2, 2)` means
//!   "ancient". 2.6.x releases are written with [`v26`].
//! - A default history only records changes we could tie to a version; when the version
//!   was not certain we kept fewer entries.

use super::DefaultValue::{Computed, Fixed};
use super::{
    DefaultSince, DefaultValue, Domain, EarlierScope, Kind, Limit, NameKind, Obsolete, Param,
    Scope, Storage, Unit,
};
use crate::version::{Version, v};

/// A default that has not changed since the parameter was added.
const fn always(value: DefaultValue) -> DefaultSince {
    DefaultSince {
        since: None,
        value,
        source: "",
    }
}

/// A default in force from `major.minor` on, with where the change is recorded.
const fn since(major: u16, minor: u16, value: DefaultValue, source: &'static str) -> DefaultSince {
    DefaultSince {
        since: Some(v(major, minor)),
        value,
        source,
    }
}

/// A default in force from 2.6.`patch` on, with where the change is recorded.
const fn since26(patch: u16, value: DefaultValue, source: &'static str) -> DefaultSince {
    DefaultSince {
        since: Some(v26(patch)),
        value,
        source,
    }
}

/// A `major.minor.patch` release (for parameters that appeared in a stable release).
const fn v3(major: u16, minor: u16, patch: u16) -> Version {
    Version {
        major,
        minor,
        patch,
    }
}

/// A 2.6.x release (the 2.6 line numbered features by its third component).
const fn v26(patch: u16) -> Version {
    Version {
        major: 2,
        minor: 6,
        patch,
    }
}

/// Template: a per-netns `u8` flag documented as 0/1 but accepting 0..=255
/// (`proc_dou8vec_minmax` without `extra2`).
const U8_FLAG: Param = Param {
    name: "",
    kind: Kind::Boolean,
    storage: Storage::U8,
    unit: Unit::None,
    min: Limit::Type,
    max: Limit::Type,
    domain: Domain::Range(0, 1),
    defaults: &[],
    scope: Scope::Netns,
    earlier_scope: None,
    read_only: false,
    added: v(2, 2),
    added_source: "",
    removed: None,
    removed_source: "",
    obsolete: None,
    summary: "",
    source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dou8vec_minmax; probed on 6.18.44",
};

/// Template: a per-netns `u8` flag the kernel really limits to 0/1
/// (`proc_dou8vec_minmax` with `extra1 = SYSCTL_ZERO`, `extra2 = SYSCTL_ONE`).
const U8_BOOL: Param = Param {
    max: Limit::Value(1),
    source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dou8vec_minmax, extra2=SYSCTL_ONE; \
             probed on 6.18.44",
    ..U8_FLAG
};

/// Template: a per-netns `int` with no kernel bounds (`proc_dointvec`).
const INT: Param = Param {
    kind: Kind::Integer,
    storage: Storage::Int,
    domain: Domain::Bounds,
    source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec[_minmax]; probed on 6.18.44",
    ..U8_FLAG
};

/// Template: a per-netns `u8` integer (`proc_dou8vec_minmax`).
const U8: Param = Param {
    kind: Kind::Integer,
    domain: Domain::Bounds,
    ..U8_FLAG
};

/// Template: a per-netns `unsigned int` (`proc_douintvec[_minmax]`).
const UINT: Param = Param {
    storage: Storage::UInt,
    source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_douintvec[_minmax]; probed on 6.18.44",
    ..INT
};

/// Template: a per-netns `unsigned long` (`proc_doulongvec_minmax`).
const ULONG: Param = Param {
    storage: Storage::ULong,
    source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_doulongvec_minmax; probed on 6.18.44",
    ..INT
};

/// Template: seconds stored as jiffies (`proc_dointvec_jiffies`): ±INT_MAX/HZ, negative
/// values accepted.
const JIFFIES: Param = Param {
    storage: Storage::Jiffies,
    unit: Unit::Seconds,
    source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec_jiffies; probed on 6.18.44 \
             (HZ=250: ±8589934 accepted, ±8589935 EINVAL)",
    ..INT
};

/// Template: a string-valued parameter (names, lists, keys).
const TEXT: Param = Param {
    kind: Kind::Text,
    storage: Storage::Text,
    ..INT
};

/// Template: a `net.core` integer.
const CORE_INT: Param = Param {
    source: "net/core/sysctl_net_core.c (6.12.117) proc_dointvec[_minmax]; probed on 6.18.44",
    ..INT
};

/// Template: a parameter that no longer exists.
const REMOVED: Param = Param {
    source: "tcp(7); kernel git history",
    ..INT
};

/// Template: a removed 0/1 flag.
const REMOVED_FLAG: Param = Param {
    kind: Kind::Boolean,
    domain: Domain::Range(0, 1),
    ..REMOVED
};

/// `net.core.rmem_max` and `wmem_max` changed together.
const MEM_MAX_DEFAULTS: &[DefaultSince] = &[
    always(Fixed("212992")),
    since(
        6,
        18,
        Fixed("4194304"),
        "a6d4f25888b8 \"net: set net.core.rmem_max and net.core.wmem_max to 4 MB\" (6.18)",
    ),
];

/// Every parameter tcppolicy knows.
pub static PARAMS: &[Param] = &[
    // ---- net.core.* -------------------------------------------------------------------
    Param {
        name: "net.core.default_qdisc",
        kind: Kind::Name(NameKind::Qdisc),
        scope: Scope::InitNetns,
        added: v(3, 12),
        added_source: "6da7c8fcbcbd \"qdisc: allow setting default queuing discipline\" (3.12)",
        defaults: &[always(Computed(
            "CONFIG_DEFAULT_NET_SCH: pfifo_fast upstream, fq_codel on many distributions",
        ))],
        summary: "Queueing discipline attached to network devices that get no explicit qdisc \
                  (set before the device comes up, or re-attach the root qdisc). fq is the \
                  usual choice for paced TCP such as BBR.",
        source: "net/core/sysctl_net_core.c (6.12.117) set_default_qdisc; absent in a child \
                 netns on 6.18.44 (init netns only, not write-probed)",
        ..TEXT
    },
    Param {
        name: "net.core.netdev_max_backlog",
        added: v(2, 4),
        added_source: "net/core/sysctl_net_core.c core_table in Linux 2.4 (kernel.org/pub/linux/kernel/people/marcelo/linux-2.4)",
        unit: Unit::Packets,
        scope: Scope::InitNetns,
        defaults: &[always(Fixed("1000"))],
        summary: "Per-CPU limit of packets queued between the driver and the stack \
                  (backlog/RPS queue) before drops. Global; it does not size any TCP queue.",
        source: "net/core/sysctl_net_core.c (6.12.117) proc_dointvec; absent in a child netns \
                 on 6.18.44 (init netns only, not write-probed)",
        ..CORE_INT
    },
    Param {
        name: "net.core.optmem_max",
        added: v(2, 4),
        added_source: "net/core/sysctl_net_core.c core_table in Linux 2.4 (kernel.org/pub/linux/kernel/people/marcelo/linux-2.4)",
        unit: Unit::Bytes,
        min: Limit::Value(0),
        defaults: &[
            always(Fixed("20480")),
            since(
                6,
                8,
                Fixed("131072"),
                "4944566706b2 \"net: increase optmem_max default value\" (6.8)",
            ),
        ],
        earlier_scope: Some(EarlierScope {
            until: v(6, 8),
            scope: Scope::InitNetns,
            source: "f5769faeec36 \"net: Namespace-ify sysctl_optmem_max\" (6.8)",
        }),
        summary: "Maximum ancillary buffer (socket option memory, e.g. for MSG_ZEROCOPY \
                  notifications or filters) per socket. Per netns on current kernels.",
        ..CORE_INT
    },
    Param {
        name: "net.core.rmem_default",
        added: v(2, 4),
        added_source: "net/core/sysctl_net_core.c core_table in Linux 2.4 (kernel.org/pub/linux/kernel/people/marcelo/linux-2.4)",
        unit: Unit::Bytes,
        min: Limit::Value(2304),
        scope: Scope::GlobalReadOnlyInChild,
        defaults: &[always(Fixed("212992"))],
        summary: "Initial receive buffer of non-TCP sockets. TCP ignores it and starts from \
                  tcp_rmem[1]. Minimum is SOCK_MIN_RCVBUF (2304 on x86_64).",
        source: "net/core/sysctl_net_core.c (6.12.117) extra1=min_rcvbuf; read-only in a child \
                 netns on 6.18.44 (not write-probed)",
        ..CORE_INT
    },
    Param {
        name: "net.core.rmem_max",
        added: v(2, 4),
        added_source: "net/core/sysctl_net_core.c core_table in Linux 2.4 (kernel.org/pub/linux/kernel/people/marcelo/linux-2.4)",
        unit: Unit::Bytes,
        min: Limit::Value(2304),
        scope: Scope::GlobalReadOnlyInChild,
        defaults: MEM_MAX_DEFAULTS,
        summary: "Cap on SO_RCVBUF (the kernel doubles the request, so the effective cap is \
                  2x this). It does not limit TCP receive autotuning, which follows tcp_rmem[2]; \
                  setting SO_RCVBUF disables autotuning for that socket.",
        source: "net/core/sysctl_net_core.c (6.12.117) extra1=min_rcvbuf; netdev 2025-08 \
                 \"net: set net.core.rmem_max and net.core.wmem_max to 4 MB\"; read-only in a \
                 child netns on 6.18.44 (not write-probed)",
        ..CORE_INT
    },
    Param {
        name: "net.core.somaxconn",
        added: v3(2, 4, 25),
        added_source: "listen(2) (man-pages 6.03): before Linux 2.4.25 the limit was the hard-coded SOMAXCONN",
        min: Limit::Value(0),
        defaults: &[
            always(Fixed("128")),
            since(
                5,
                4,
                Fixed("4096"),
                "19f92a030ca6 \"net: increase SOMAXCONN to 4096\" (5.4); listen(2)",
            ),
        ],
        summary: "Upper limit on the backlog passed to listen(); larger backlogs are silently \
                  capped to it. Raise it together with the application's own backlog.",
        ..CORE_INT
    },
    Param {
        name: "net.core.wmem_default",
        added: v(2, 4),
        added_source: "net/core/sysctl_net_core.c core_table in Linux 2.4 (kernel.org/pub/linux/kernel/people/marcelo/linux-2.4)",
        unit: Unit::Bytes,
        min: Limit::Value(4608),
        scope: Scope::GlobalReadOnlyInChild,
        defaults: &[always(Fixed("212992"))],
        summary: "Initial send buffer of non-TCP sockets. TCP ignores it and starts from \
                  tcp_wmem[1]. Minimum is SOCK_MIN_SNDBUF (4608 on x86_64).",
        source: "net/core/sysctl_net_core.c (6.12.117) extra1=min_sndbuf; read-only in a child \
                 netns on 6.18.44 (not write-probed)",
        ..CORE_INT
    },
    Param {
        name: "net.core.wmem_max",
        added: v(2, 4),
        added_source: "net/core/sysctl_net_core.c core_table in Linux 2.4 (kernel.org/pub/linux/kernel/people/marcelo/linux-2.4)",
        unit: Unit::Bytes,
        min: Limit::Value(4608),
        scope: Scope::GlobalReadOnlyInChild,
        defaults: MEM_MAX_DEFAULTS,
        summary: "Cap on SO_SNDBUF (doubled by the kernel). It does not limit TCP send \
                  autotuning, which follows tcp_wmem[2].",
        source: "net/core/sysctl_net_core.c (6.12.117) extra1=min_sndbuf; netdev 2025-08 \
                 \"net: set net.core.rmem_max and net.core.wmem_max to 4 MB\"; read-only in a \
                 child netns on 6.18.44 (not write-probed)",
        ..CORE_INT
    },
    // ---- net.ipv4.* ---------------------------------------------------------------------
    Param {
        name: "net.ipv4.ip_local_port_range",
        added_source: "ip(7) (man-pages 6.03): since Linux 2.2",
        kind: Kind::Vector(&["low", "high"]),
        min: Limit::Value(1),
        max: Limit::Value(65535),
        defaults: &[
            always(Fixed("32768 61000")),
            since(
                4,
                6,
                Fixed("32768 60999"),
                "07f4c90062f8 \"tcp/dccp: try to not exhaust ip_local_port_range in connect()\" (4.6)",
            ),
        ],
        summary: "Ephemeral ports used by connect() and bind(port 0). The kernel rejects \
                  high < low and low < ip_unprivileged_port_start; a same-parity pair is \
                  accepted but only logs a warning (connect() prefers even ports, bind() odd).",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) ipv4_local_port_range \
                 (ip_local_port_range_min/max = 1/65535); default 60999 with \
                 \"tcp/dccp: try to not exhaust ip_local_port_range in connect()\" (4.6); \
                 probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.ip_local_reserved_ports",
        kind: Kind::PortList,
        storage: Storage::Text,
        min: Limit::Value(0),
        max: Limit::Value(65535),
        added: v26(35),
        added_source: "kernel-tcp-params.tsv: 2.6.35 (proc_do_large_bitmap in net/ipv4/sysctl_net_ipv4.c)",
        defaults: &[always(Fixed(""))],
        summary: "Comma-separated ports and ranges the kernel never picks as ephemeral ports. \
                  Explicit bind() to them still works. Reversed ranges and ports above 65535 \
                  are rejected; an empty value clears the list.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_do_large_bitmap; probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.ip_unprivileged_port_start",
        min: Limit::Value(0),
        max: Limit::Value(65535),
        added: v(4, 11),
        added_source: "4548b683b781 \"Introduce a sysctl that modifies the value of PROT_SOCK\" (4.11)",
        defaults: &[always(Fixed("1024"))],
        summary: "First port an unprivileged process may bind (ports below need \
                  CAP_NET_BIND_SERVICE). The kernel rejects a value above the current \
                  ip_local_port_range low end.",
        source: "net/ipv4/sysctl_net_ipv4.c ipv4_privileged_ports (4.11, \"Introduce a sysctl that \
                 modifies the value of PROT_SOCK\"); probed on 6.18.44 (0 and 65535 accepted when \
                 the range allows, -1/65536 EINVAL)",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_abort_on_overflow",
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Fixed("0"))],
        summary: "When the accept queue is full, reset the connection instead of dropping the \
                  final ACK (which lets the client retry). Only for listeners that truly cannot \
                  keep up; it usually hides the real problem.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_adv_win_scale",
        min: Limit::Value(-31),
        max: Limit::Value(31),
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        obsolete: Some(Obsolete {
            since: v(6, 6),
            note: "replaced by the per-socket scaling_ratio (dfa2f0483360 \"tcp: get rid of \
                   sysctl_tcp_adv_win_scale\"); still accepted, ignored",
        }),
        defaults: &[
            always(Fixed("2")),
            since(
                3,
                4,
                Fixed("1"),
                "b49960a05e32 \"tcp: change tcp_adv_win_scale and tcp_rmem[2]\" (3.4; also 3.2.18, \
                 3.3.5)",
            ),
        ],
        summary: "How the receive buffer was split between window and application overhead \
                  (positive: buf/2^n overhead; negative: buf - buf/2^-n). Has no effect since \
                  6.6, where the kernel measures the ratio per socket.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) extra1/2=tcp_adv_win_scale_min/max; \
                 ip-sysctl.rst; \
                 probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_allowed_congestion_control",
        kind: Kind::NameList(NameKind::CongestionControl),
        scope: Scope::GlobalReadOnlyInChild,
        added: v26(20),
        added_source: "kernelnewbies Linux_2_6_20 (\"TCP: Restrict congestion control choices for users via a sysctl\"); tcp(7) misprints 2.4.20",
        defaults: &[always(Computed(
            "reno plus the build's default algorithm (CONFIG_DEFAULT_TCP_CONG)",
        ))],
        summary: "Algorithms unprivileged processes (and child network namespaces) may select. \
                  Global: read-only inside containers, where setting tcp_congestion_control to \
                  an algorithm outside this list fails with EPERM.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_allowed_congestion_control (no \
                 .data, so 0444 in a child netns); probed on 6.18.44",
        ..TEXT
    },
    Param {
        name: "net.ipv4.tcp_app_win",
        max: Limit::Value(31),
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Fixed("31"))],
        summary: "Reserve max(window/2^n, mss) of the window for application buffering; 0 \
                  reserves nothing.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_autocorking",
        added: v(3, 14),
        added_source: "f54b311142a9 \"tcp: auto corking\" (3.14); tcp(7)",
        defaults: &[always(Fixed("1"))],
        summary: "Coalesce small writes while earlier packets are still queued in the qdisc or \
                  device, as if TCP_CORK were set briefly. Applications can still use \
                  TCP_CORK/TCP_NODELAY explicitly.",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_available_congestion_control",
        kind: Kind::NameList(NameKind::CongestionControl),
        scope: Scope::GlobalReadOnlyInChild,
        read_only: true,
        added: v26(13),
        added_source: "kernel-tcp-params.tsv: pluggable congestion control (2.6.13); tcp(7) misprints 2.4.20",
        defaults: &[always(Computed(
            "the algorithms registered: built in or loaded as modules",
        ))],
        summary: "Read-only list of congestion control algorithms currently registered. Loading \
                  a module (e.g. tcp_bbr) adds to it.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_tcp_available_congestion_control \
                 (mode 0444); checked on 6.18.44",
        ..TEXT
    },
    Param {
        name: "net.ipv4.tcp_available_ulp",
        scope: Scope::InitNetns,
        read_only: true,
        added: v(4, 13),
        added_source: "734942cc4ea6 \"tcp: ULP infrastructure\" (4.13)",
        defaults: &[always(Computed(
            "the upper layer protocols registered (e.g. tls, mptcp)",
        ))],
        summary: "Read-only list of TCP upper layer protocols (TCP_ULP socket option) currently \
                  registered. Init netns only.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_tcp_available_ulp in ipv4_table; \
                 absent in a child netns on 6.18.44",
        ..TEXT
    },
    Param {
        name: "net.ipv4.tcp_backlog_ack_defer",
        added: v(6, 7),
        added_source: "133c4c0d3717 \"tcp: defer regular ACK while processing socket backlog\" (6.7)",
        defaults: &[always(Fixed("1"))],
        summary: "Defer regular ACKs while the socket backlog is being processed, sending one \
                  ACK for the batch. Saves ACKs on busy receivers.",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_base_mss",
        unit: Unit::Bytes,
        added: v26(17),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.17",
        defaults: &[always(Fixed("1024"))],
        summary: "Starting MSS for packetization-layer path MTU discovery \
                  (tcp_mtu_probing). The kernel does not bound it; keep it at or above \
                  tcp_mtu_probe_floor. tcp(7)'s default of 512 is outdated.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_challenge_ack_limit",
        added: v(3, 6),
        added_source: "282f23c6ee34 \"tcp: implement RFC 5961 3.2\" (3.6)",
        defaults: &[
            always(Fixed("100")),
            since(
                4,
                7,
                Fixed("1000"),
                "75ff39ccc1bd \"tcp: make challenge acks less predictable\" (4.7)",
            ),
            since(
                6,
                0,
                Fixed("2147483647"),
                "79e3602caa6f \"tcp: make global challenge ack rate limitation per net-ns and \
                 default disabled\" (6.0)",
            ),
        ],
        summary: "Rate limit (per second, per netns since 6.0) on RFC 5961 challenge ACKs. The \
                  old global limit was a side channel (CVE-2016-5696); since 6.0 the default \
                  disables the limit.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec; tcp_sk_init; \
                 \"tcp: make challenge acks less predictable\" (4.7); \"tcp: make global challenge \
                 ack rate limitation per net-ns and default disabled\" (6.0); probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_child_ehash_entries",
        min: Limit::Value(0),
        max: Limit::Value(16_777_216),
        added: v(6, 1),
        added_source: "d1e5e6408b30 \"tcp: Introduce optional per-netns ehash.\" (6.1)",
        defaults: &[always(Fixed("0"))],
        summary: "Size of the established hash for network namespaces created later from this \
                  one (rounded up to a power of two). 0 makes them share the global hash. It \
                  also decides their default tcp_max_tw_buckets and tcp_max_syn_backlog.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_douintvec_minmax, \
                 extra2=tcp_child_ehash_entries_max; probed on 6.18.44",
        ..UINT
    },
    Param {
        name: "net.ipv4.tcp_comp_sack_delay_ns",
        unit: Unit::Nanoseconds,
        added: v(4, 18),
        added_source: "6d82aa242092 \"tcp: add tcp_comp_sack_delay_ns sysctl\" (2018-05, 4.18)",
        defaults: &[always(Fixed("1000000"))],
        summary: "Maximum delay before sending a compressed SACK (SACK compression); also \
                  capped at 5% of the RTT.",
        ..ULONG
    },
    Param {
        name: "net.ipv4.tcp_comp_sack_nr",
        added: v(4, 18),
        added_source: "9c21d2fc41c0 \"tcp: add tcp_comp_sack_nr sysctl\" (4.18)",
        defaults: &[always(Fixed("44"))],
        summary: "Maximum number of SACKs that may be compressed into one; 0 disables SACK \
                  compression.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_comp_sack_rtt_percent",
        unit: Unit::Percent,
        min: Limit::Value(1),
        max: Limit::Value(1000),
        added: v(6, 19),
        added_source: "416dd649f3aa \"tcp: add net.ipv4.tcp_comp_sack_rtt_percent\" (net-next 2025-11, 6.19)",
        defaults: &[always(Fixed("100"))],
        summary: "Percentage of the RTT used as the SACK compression delay (newer than 6.18).",
        source: "newer upstream net/ipv4/sysctl_net_ipv4.c (reference TSV, after 6.18); default \
                 from kernel-tcp-notes.md corrections (6.19 patches); absent on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_comp_sack_slack_ns",
        unit: Unit::Nanoseconds,
        added: v(5, 8),
        added_source: "a70437cc09a1 \"tcp: add hrtimer slack to sack compression\" (net-next 2020-04-30, 5.8)",
        defaults: &[always(Fixed("100000"))],
        summary: "Slack allowed on the SACK compression timer, letting it be batched with \
                  other timers.",
        ..ULONG
    },
    Param {
        name: "net.ipv4.tcp_congestion_control",
        kind: Kind::Name(NameKind::CongestionControl),
        added: v26(13),
        added_source: "kernel-tcp-params.tsv: pluggable congestion control (2.6.13); tcp(7) misprints 2.4.13",
        defaults: &[always(Computed(
            "CONFIG_DEFAULT_TCP_CONG (cubic upstream) in the initial netns; a new netns \
             inherits the initial netns's current value",
        ))],
        summary: "Congestion control for new connections that do not choose one with \
                  TCP_CONGESTION. Unknown names fail with ENOENT (after trying to load \
                  tcp_<name>); in a child netns, names outside tcp_allowed_congestion_control \
                  fail with EPERM.",
        source: "net/ipv4/tcp_cong.c tcp_set_default_congestion_control; tcp_sk_init; probed on \
                 6.18.44 (reno/bbr ok, cubic EPERM in a child netns, unknown ENOENT)",
        ..TEXT
    },
    Param {
        name: "net.ipv4.tcp_dsack",
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Fixed("1"))],
        summary: "Send and accept duplicate SACKs (RFC 2883). Only effective when SACK is \
                  negotiated: with tcp_sack=0 it does nothing.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_early_demux",
        added: v(4, 13),
        added_source: "dddb64bcb346 (split from ip_early_demux, 4.13)",
        defaults: &[always(Fixed("1"))],
        summary: "Look up the established socket early in IP receive to reuse its cached route. \
                  Helps connection-heavy hosts; routers forwarding most traffic may turn it off.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_early_retrans",
        max: Limit::Value(4),
        domain: Domain::Set(&[0, 3, 4]),
        added: v(3, 5),
        added_source: "eed530b6c676 \"tcp: early retransmit\" (3.5)",
        defaults: &[
            always(Fixed("2")),
            since(
                3,
                10,
                Fixed("3"),
                "6ba8a3b19e76 \"tcp: Tail loss probe (TLP)\" (3.10)",
            ),
        ],
        summary: "Tail loss probe (TLP): 3 or 4 enable it, 0 disables it (1 and 2 also disable \
                  it since early retransmit itself was removed in 4.11). TLP relies on RACK \
                  (tcp_recovery bit 0x1) to work properly.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) extra1/2=0/4; ip-sysctl.rst; TLP and \
                 default 3 in 3.10; probed on 6.18.44",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_ecn",
        max: Limit::Value(2),
        domain: Domain::Range(0, 2),
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[
            always(Fixed("0")),
            since26(
                31,
                Fixed("2"),
                "tcp(7) (man-pages 6.03): 2 is the default since Linux 2.6.31",
            ),
        ],
        summary: "Explicit Congestion Notification: 0 off, 1 request it on outgoing and accept \
                  it on incoming connections, 2 accept it only when the peer asks (default). \
                  Kernels after 6.18 add the AccECN values 3..5.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) extra2=SYSCTL_TWO; server-side-only default \
                 2 since 2.6.31; probed on 6.18.44 (3 EINVAL)",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_ecn_fallback",
        added: v(4, 1),
        added_source: "492135557dc0 \"tcp: add rfc3168, section 6.1.1.1. fallback\" (4.1); tcp(7)",
        defaults: &[always(Fixed("1"))],
        summary: "Fall back to non-ECN when ECN negotiation looks broken on the path (e.g. \
                  retransmitted SYNs), instead of failing to connect.",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_ecn_option",
        max: Limit::Value(2),
        added: v(6, 18),
        added_source: "net/ipv4/sysctl_net_ipv4.c tcp_ecn_option (6.18 AccECN series); kernel-tcp-params.tsv",
        defaults: &[always(Fixed("2"))],
        summary: "When to send the AccECN TCP option once AccECN is negotiated: 0 never, \
                  1 sparingly (minimum option rules), 2 on every packet where it fits. Ignored \
                  without AccECN.",
        source: "sysctl_net_ipv4.c (6.18 AccECN series); probed on 6.18.44",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_ecn_option_beacon",
        max: Limit::Value(3),
        added: v(6, 18),
        added_source: "net/ipv4/sysctl_net_ipv4.c tcp_ecn_option_beacon (6.18 AccECN series); kernel-tcp-params.tsv",
        defaults: &[always(Fixed("3"))],
        summary: "How many times per RTT the AccECN option is sent even when nothing changed \
                  (beacon). Only used with tcp_ecn_option=2.",
        source: "sysctl_net_ipv4.c (6.18 AccECN series); probed on 6.18.44",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_ehash_entries",
        read_only: true,
        added: v(6, 1),
        added_source: "d1e5e6408b30 \"tcp: Introduce optional per-netns ehash.\" series (6.1)",
        defaults: &[always(Computed(
            "the established hash size chosen at boot from RAM; in a netns sharing the global \
             hash it is shown negated",
        ))],
        summary: "Read-only size of this netns's established-connection hash. Negative means \
                  the netns shares the initial netns's hash (tcp_child_ehash_entries=0).",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_tcp_ehash_entries (0444); checked \
                 on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_fack",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        obsolete: Some(Obsolete {
            since: v(4, 15),
            note: "FACK loss detection retired by 713bafea9292 (default already 0 since \
                   94bdc9785a11, 4.11); RACK replaced it",
        }),
        defaults: &[
            always(Fixed("1")),
            since(
                4,
                11,
                Fixed("0"),
                "94bdc9785a11 \"tcp: disable fack by default\" (4.11)",
            ),
        ],
        summary: "Forward acknowledgement loss detection on top of SACK. Off by default since \
                  4.11 and a no-op since 4.15 (RACK does the job); the sysctl only remains for \
                  compatibility.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dou8vec_minmax; ip-sysctl.rst \
                 (\"legacy option, it has no effect anymore\"); probed on 6.18.44",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_fastopen",
        domain: Domain::Mask(0x1 | 0x2 | 0x4 | 0x200 | 0x400),
        added: v(3, 6),
        added_source: "2100c8d2d9db \"net-tcp: Fast Open base\" (2012-07-19, 3.6) added the sysctl; tcp(7) says 3.7",
        defaults: &[
            always(Fixed("0")),
            since(
                3,
                13,
                Fixed("1"),
                "kernel-tcp-params.tsv: client enabled by default since 3.13 (commit not \
                 identified)",
            ),
        ],
        summary: "TCP Fast Open bit mask: 0x1 client, 0x2 server, 0x4 client without a cookie, \
                  0x200 server without a cookie, 0x400 all listeners without TCP_FASTOPEN. \
                  The kernel does not bound it; other bits mean nothing.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec; ip-sysctl.rst; client \
                 enabled by default since 3.13; probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_fastopen_blackhole_timeout_sec",
        unit: Unit::Seconds,
        min: Limit::Value(0),
        added: v(4, 12),
        added_source: "cf1ef3f0719b \"net/tcp_fastopen: Disable active side TFO in certain scenarios\" (net-next 2017-04-20, 4.12)",
        defaults: &[
            always(Fixed("3600")),
            since(
                5,
                14,
                Fixed("0"),
                "213ad73d0607 \"tcp: disable TFO blackhole logic by default\" (5.14)",
            ),
        ],
        summary: "Initial time active TFO stays disabled after a suspected middlebox black \
                  hole (doubles on repeat). 0, the default since 5.14, disables the detection.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_tfo_blackhole_detect_timeout, \
                 extra1=SYSCTL_ZERO; \"tcp: disable TFO blackhole logic by default\" (5.14); \
                 probed \
                 on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_fastopen_key",
        added: v(3, 7),
        added_source: "tcp(7) (man-pages 6.03): since Linux 3.7",
        defaults: &[always(Computed(
            "all zeros until a key is written; a random key is generated when TFO first \
             needs one",
        ))],
        summary: "TFO server cookie key(s): four 8-digit hex groups separated by dashes, \
                  optionally followed by a comma and a backup key. Secret (mode 0600); \
                  malformed keys fail with EINVAL.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_tcp_fastopen_key; probed on 6.18.44",
        ..TEXT
    },
    Param {
        name: "net.ipv4.tcp_fin_timeout",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("60"))],
        summary: "How long an orphaned socket stays in FIN_WAIT_2 (at least 3.5 RTO). It does \
                  NOT shorten TIME_WAIT, which is fixed at 60 s (TCP_TIMEWAIT_LEN); the equal \
                  default is why the two are often confused.",
        ..JIFFIES
    },
    Param {
        name: "net.ipv4.tcp_frto",
        domain: Domain::Range(0, 2),
        added: v(2, 6),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4.21/2.6",
        defaults: &[always(Fixed("2"))],
        summary: "F-RTO (RFC 5682) detection of spurious retransmission timeouts; any non-zero \
                  value enables it (1 and 2 are no longer distinguished), 0 disables it.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_fwmark_accept",
        added: v(3, 18),
        added_source: "84f39b08d786 \"net: support marking accepting TCP sockets\" (3.18)",
        defaults: &[always(Fixed("0"))],
        summary: "Give accepted sockets the fwmark of the incoming SYN when the listener has \
                  no mark, so replies follow the same policy routing.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_invalid_ratelimit",
        storage: Storage::MsJiffies,
        unit: Unit::Milliseconds,
        added: v(4, 0),
        added_source: "032ee4236954 \"tcp: helpers to mitigate ACK loops by rate-limiting out-of-window dupacks\" (4.0)",
        defaults: &[always(Fixed("500"))],
        summary: "Minimum interval between duplicate ACKs sent in reply to invalid segments \
                  (out-of-window, bad PAWS); 0 disables the limit. Rounded to jiffies.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec_ms_jiffies; probed on \
                 6.18.44 (0..2147483647 accepted, -1/2147483648 EINVAL; quirk: 4294967296 \
                 accepted and stored as 0)",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_keepalive_intvl",
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Fixed("75"))],
        summary: "Interval between keepalive probes. Dead-peer detection takes \
                  tcp_keepalive_time + tcp_keepalive_probes x tcp_keepalive_intvl \
                  (7875 s by default); TCP_KEEPINTVL overrides it per socket.",
        ..JIFFIES
    },
    Param {
        name: "net.ipv4.tcp_keepalive_probes",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("9"))],
        summary: "Unanswered keepalive probes before the connection is dropped. The sysctl \
                  accepts 0..255 although TCP_KEEPCNT is limited to 1..127.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_keepalive_time",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("7200"))],
        summary: "Idle time before the first keepalive probe, only for sockets with \
                  SO_KEEPALIVE. The sysctl is not capped at 32767 like TCP_KEEPIDLE.",
        ..JIFFIES
    },
    Param {
        name: "net.ipv4.tcp_l3mdev_accept",
        added: v(4, 11),
        added_source: "kernel-tcp-params.tsv: 4.11 (needs CONFIG_NET_L3_MASTER_DEV)",
        defaults: &[always(Fixed("0"))],
        summary: "Let a listener bound to no device accept connections arriving through an L3 \
                  master device (VRF). Needs CONFIG_NET_L3_MASTER_DEV.",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_limit_output_bytes",
        unit: Unit::Bytes,
        added: v(3, 6),
        added_source: "46d3ceabd8d9 \"tcp: TCP Small Queues\" (3.6)",
        defaults: &[
            always(Fixed("1048576")),
            since(
                6,
                16,
                Fixed("4194304"),
                "9ea3bfa61b09 \"tcp: increase tcp_limit_output_bytes default value to 4MB\" \
                 (6.16)",
            ),
        ],
        summary: "TCP Small Queues: bytes one flow may have queued in the qdisc and device. \
                  Limits bufferbloat; too low caps throughput on fast links.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec; tcp_sk_init; netdev \
                 2025-05 \"tcp: increase tcp_limit_output_bytes default value to 4MB\" (6.16); \
                 probed on 6.18.44; earlier values (131072, 262144) before 1 MiB not recorded",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_low_latency",
        kind: Kind::Boolean,
        domain: Domain::Range(0, 1),
        scope: Scope::InitNetns,
        added: v(2, 6),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4.21/2.6",
        obsolete: Some(Obsolete {
            since: v(4, 14),
            note: "the prequeue it controlled was removed (e7942d0633c4); the sysctl is a \
                   dummy",
        }),
        defaults: &[always(Fixed("0"))],
        summary: "Bypassed the prequeue to favour latency over throughput. A no-op since 4.14; \
                  present only in the initial netns.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) ipv4_table \"/* obsolete */\"; tcp(7); \
                 absent in a child netns on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_max_orphans",
        scope: Scope::InitNetns,
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Computed(
            "half the established hash size at boot (tcp_init)",
        ))],
        summary: "Maximum orphaned sockets (closed by the application, still in the kernel) \
                  before they are reset without ceremony. Protects memory against simple DoS; \
                  do not lower it.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) ipv4_table proc_dointvec; net/ipv4/tcp.c \
                 tcp_init; absent in a child netns on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_max_reordering",
        min: Limit::Value(1),
        added: v(3, 19),
        added_source: "dca145ffaa8d \"tcp: allow for bigger reordering level\" (net-next 2014-10-29, 3.19; CVE-2022-49571 lists >=3.19.0 as affected)",
        defaults: &[always(Fixed("300"))],
        summary: "Upper bound on the reordering degree TCP learns per connection; also the \
                  kernel's upper limit for tcp_reordering in the same netns.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_max_syn_backlog",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Computed(
            "max(128, established hash entries / 128) for this netns's hash",
        ))],
        summary: "With tcp_syncookies=0, unproven SYNs are dropped once the request queue is \
                  within a quarter of this. It no longer sizes any queue: the SYN queue limit \
                  is the listen() backlog (since 4.4), so raising it alone does nothing.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec; tcp_ipv4.c \
                 tcp_set_hashinfo; tcp_input.c tcp_conn_request; probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_max_tw_buckets",
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Computed(
            "established hash entries / 2 for this netns's hash",
        ))],
        summary: "Maximum TIME_WAIT sockets; beyond it new ones are destroyed at once \
                  (TCPTimeWaitOverflow). A DoS safeguard, not a tuning knob: do not lower it.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec; tcp_ipv4.c \
                 tcp_set_hashinfo; probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_mem",
        kind: Kind::Vector(&["min", "pressure", "max"]),
        storage: Storage::ULong,
        unit: Unit::Pages,
        scope: Scope::InitNetns,
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Computed(
            "from free buffer pages at boot (tcp_init_mem): about 4.7%, 6.25% and 9.4% of them",
        ))],
        summary: "Protocol-wide TCP memory thresholds in PAGES (not bytes): below min no \
                  pressure, above pressure TCP trims buffers, max is a hard limit. Writing byte \
                  values here is a classic mistake.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) ipv4_table proc_doulongvec_minmax; \
                 net/ipv4/tcp.c tcp_init_mem; absent in a child netns on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_migrate_req",
        added: v(5, 14),
        added_source: "f9ac779f881c \"net: Introduce net.ipv4.tcp_migrate_req.\" (5.14)",
        defaults: &[always(Fixed("0"))],
        summary: "When a SO_REUSEPORT listener closes, migrate its pending and queued \
                  connections to another listener in the group (an eBPF program may pick it).",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_min_rtt_wlen",
        unit: Unit::Seconds,
        min: Limit::Value(0),
        max: Limit::Value(86_400),
        added: v(4, 6),
        added_source: "f672258391b4 \"tcp: track min RTT using windowed min-filter\" (4.6)",
        defaults: &[always(Fixed("300"))],
        summary: "Window of the min-RTT filter used by congestion control and RACK; shorter \
                  reacts faster to path changes, longer resists RTT inflation.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_min_snd_mss",
        unit: Unit::Bytes,
        min: Limit::Value(48),
        max: Limit::Value(65535),
        added: v(5, 2),
        added_source: "5f3e2bf008c2 \"tcp: add tcp_min_snd_mss sysctl\" (5.2, CVE-2019-11479)",
        defaults: &[always(Fixed("48"))],
        summary: "Lowest MSS the kernel will use for sending, whatever the peer advertises \
                  (CVE-2019-11479 mitigation; also in stable kernels).",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_min_tso_segs",
        min: Limit::Value(1),
        added: v(3, 12),
        added_source: "95bd09eb2750 \"tcp: TSO packets automatic sizing\" (3.12)",
        defaults: &[always(Fixed("2"))],
        summary: "Minimum segments per TSO frame even for slow flows.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_moderate_rcvbuf",
        added: v26(7),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4.17/2.6.7",
        defaults: &[always(Fixed("1"))],
        summary: "Receive buffer autotuning, up to tcp_rmem[2]. Sockets that set SO_RCVBUF are \
                  excluded.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_mtu_probe_floor",
        unit: Unit::Bytes,
        min: Limit::Value(48),
        max: Limit::Value(65535),
        added: v(5, 4),
        added_source: "c04b79b6cfd7 \"tcp: add new tcp_mtu_probe_floor sysctl\" (5.4)",
        defaults: &[always(Fixed("48"))],
        summary: "Lowest MSS that MTU probing may fall back to.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_mtu_probing",
        domain: Domain::Range(0, 2),
        added: v26(17),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.17",
        defaults: &[always(Fixed("0"))],
        summary: "Packetization-layer PMTU discovery (RFC 4821): 0 off, 1 only after an ICMP \
                  black hole is detected, 2 always (starting at tcp_base_mss).",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_no_metrics_save",
        added: v26(6),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.6",
        defaults: &[always(Fixed("0"))],
        summary: "Do not cache per-destination metrics (RTT, cwnd...) from closed connections \
                  for new ones.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_no_ssthresh_metrics_save",
        added: v(5, 6),
        added_source: "65e6d90168f3 \"net-tcp: Disable TCP ssthresh metrics cache by default\" (net-next 2019-12-09, 5.6)",
        defaults: &[always(Fixed("1"))],
        summary: "Do not cache ssthresh in the per-destination metrics (on by default: a cached \
                  ssthresh from one bad period used to cripple later connections).",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_notsent_lowat",
        unit: Unit::Bytes,
        added: v(3, 12),
        added_source: "c9bee3b7fdec \"tcp: TCP_NOTSENT_LOWAT socket option\" (3.12)",
        defaults: &[always(Fixed("4294967295"))],
        summary: "Unsent bytes above which the socket is not reported writable (TCP_NOTSENT_LOWAT \
                  default). Lowering it (e.g. 16 KiB) cuts send-buffer latency for HTTP/2-style \
                  prioritisation.",
        ..UINT
    },
    Param {
        name: "net.ipv4.tcp_orphan_retries",
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Fixed("0"))],
        summary: "Retransmissions before an orphaned connection is killed. The stored default \
                  0 means 8 (hence tcp(7)'s \"default 8\").",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_pacing_ca_ratio",
        unit: Unit::Percent,
        min: Limit::Value(0),
        max: Limit::Value(1000),
        added: v(4, 3),
        added_source: "43e122b014c9 \"tcp: refine pacing rate determination\" (net-next 2015-08-25, 4.3)",
        defaults: &[always(Fixed("120"))],
        summary: "Pacing rate as a percentage of cwnd/RTT during congestion avoidance.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_pacing_ss_ratio",
        unit: Unit::Percent,
        min: Limit::Value(0),
        max: Limit::Value(1000),
        added: v(4, 3),
        added_source: "43e122b014c9 \"tcp: refine pacing rate determination\" (net-next 2015-08-25, 4.3)",
        defaults: &[always(Fixed("200"))],
        summary: "Pacing rate as a percentage of cwnd/RTT during slow start.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_pingpong_thresh",
        min: Limit::Value(1),
        added: v(6, 7),
        added_source: "562b1fdf061b \"tcp: Set pingpong threshold via sysctl\" (net-next 2023-10-16, 6.7); some 6.6.y stable releases carry it as a dependency (4ec8a98b3dc3)",
        defaults: &[always(Fixed("1"))],
        summary: "Request/response exchanges after which a connection is treated as \
                  interactive (delayed ACKs are then piggybacked on replies).",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_plb_cong_thresh",
        min: Limit::Value(0),
        max: Limit::Value(256),
        added: v(6, 2),
        added_source: "bd456f283b66 \"tcp: add sysctls for TCP PLB parameters\" (net-next 2022-09, 6.2)",
        defaults: &[always(Fixed("128"))],
        summary: "Protective Load Balancing: fraction of ECN-marked packets per RTT, out of \
                  256, that counts as a congested round.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_plb_enabled",
        added: v(6, 2),
        added_source: "bd456f283b66 \"tcp: add sysctls for TCP PLB parameters\" (net-next 2022-09, 6.2)",
        defaults: &[always(Fixed("0"))],
        summary: "Protective Load Balancing: change the IPv6 flow label after persistent \
                  congestion so that ECMP moves the flow to another path. Only with a \
                  congestion control that supports PLB (e.g. DCTCP).",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_plb_idle_rehash_rounds",
        max: Limit::Value(31),
        added: v(6, 2),
        added_source: "bd456f283b66 \"tcp: add sysctls for TCP PLB parameters\" (net-next 2022-09, 6.2)",
        defaults: &[always(Fixed("3"))],
        summary: "PLB: consecutive congested rounds after which an idle flow is rehashed.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_plb_rehash_rounds",
        max: Limit::Value(31),
        added: v(6, 2),
        added_source: "bd456f283b66 \"tcp: add sysctls for TCP PLB parameters\" (net-next 2022-09, 6.2)",
        defaults: &[always(Fixed("12"))],
        summary: "PLB: consecutive congested rounds after which a flow is rehashed.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_plb_suspend_rto_sec",
        unit: Unit::Seconds,
        added: v(6, 2),
        added_source: "bd456f283b66 \"tcp: add sysctls for TCP PLB parameters\" (net-next 2022-09, 6.2)",
        defaults: &[always(Fixed("60"))],
        summary: "PLB: how long rehashing stays suspended after an RTO, to avoid moving onto \
                  a black-holed path.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_probe_interval",
        unit: Unit::Seconds,
        min: Limit::Value(0),
        max: Limit::UIntPerHz,
        added: v(4, 1),
        added_source: "05cbc0db03e8 \"ipv4: Create probe timer for tcp PMTU as per RFC4821\" (4.1)",
        defaults: &[always(Fixed("600"))],
        summary: "How often MTU probing retries to raise the MSS.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_douintvec_minmax, \
                 extra2=u32_max_div_HZ; probed on 6.18.44 (HZ=250: 17179869 ok, 17179870 EINVAL)",
        ..UINT
    },
    Param {
        name: "net.ipv4.tcp_probe_threshold",
        unit: Unit::Bytes,
        added: v(4, 1),
        added_source: "05cbc0db03e8 \"ipv4: Create probe timer for tcp PMTU as per RFC4821\" (4.1)",
        defaults: &[always(Fixed("8"))],
        summary: "MTU probing stops once the search range is narrower than this many bytes.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_rcvbuf_low_rtt",
        unit: Unit::Microseconds,
        min: Limit::Value(0),
        added: v(6, 19),
        added_source: "ecfea98b7d0d \"tcp: add net.ipv4.tcp_rcvbuf_low_rtt\" (net-next 2025-11, 6.19)",
        defaults: &[always(Fixed("1000"))],
        summary: "RTT below which receive buffer autotuning grows the buffer less aggressively \
                  (newer than 6.18).",
        source: "newer upstream net/ipv4/sysctl_net_ipv4.c (reference TSV, after 6.18); default \
                 from kernel-tcp-notes.md corrections (6.19 patches); absent on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_recovery",
        domain: Domain::Mask(0x1 | 0x2 | 0x4),
        added: v(4, 4),
        added_source: "4f41b1c58a32 \"tcp: use RACK to detect losses\" (4.4)",
        defaults: &[always(Fixed("1"))],
        summary: "Loss recovery bit mask: 0x1 RACK loss detection, 0x2 static RACK reordering \
                  window, 0x4 no dupthresh fallback. TLP (tcp_early_retrans) relies on RACK.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_reflect_tos",
        added: v(5, 10),
        added_source: "ac8f1710c12b \"tcp: reflect tos value received in SYN to the socket\" (net-next 2020-09, 5.10)",
        defaults: &[always(Fixed("0"))],
        summary: "Reply to incoming connections with the TOS/traffic class of the client's SYN.",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_reordering",
        min: Limit::Value(1),
        max: Limit::Param("net.ipv4.tcp_max_reordering"),
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Fixed("3"))],
        summary: "Initial reordering degree (duplicate ACKs before fast retransmit). Kernels \
                  with the fix for CVE-2026-64422 (7.1.4, 6.18.39, 6.12.96 and other stable \
                  releases; mainline after 7.1) check it against the same netns's \
                  tcp_max_reordering when it is written, so raise tcp_max_reordering first; \
                  older kernels accept any int.",
        source: "efb8763d7bbb \"net: ipv4: bound TCP reordering sysctl writes and MTU probe \
                 sizes\" (CVE-2026-64422): proc_dointvec_minmax, extra1=1, \
                 extra2=&net->ipv4.sysctl_tcp_max_reordering; probed on 6.18.44",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_retrans_collapse",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("1"))],
        summary: "On retransmission, merge small segments into full-sized ones (works around \
                  some broken old printers).",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_retries1",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("3"))],
        summary: "RTOs after which TCP suspects the route: it asks for negative advice and \
                  starts MTU black-hole probing. It never kills the connection.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_retries2",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("15"))],
        summary: "RTO budget for an established connection before it is dropped: 15 gives at \
                  least 924.6 s of exponential backoff (it dies at the first timeout after \
                  that), less when tcp_rto_max_ms is lowered. RFC 1122 wants at least 100 s \
                  (8 or more).",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dou8vec_minmax; tcp_timer.c \
                 tcp_model_timeout; probed on 6.18.44",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_rfc1337",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("0"))],
        summary: "Ignore RSTs for sockets in TIME_WAIT instead of closing them early \
                  (TIME-WAIT assassination hazards, RFC 1337).",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_rmem",
        kind: Kind::Vector(&["min", "default", "max"]),
        unit: Unit::Bytes,
        min: Limit::Value(1),
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Computed(
            "min 4096, default 131072 (87380 on older kernels), max from RAM at boot, capped \
             at 32 MiB since 6.16 (6 MiB before); a new netns copies the initial netns's \
             current values",
        ))],
        summary: "Per-socket receive buffer in bytes: min guaranteed under memory pressure, \
                  initial size (overrides rmem_default for TCP), autotuning ceiling. rmem_max \
                  does not cap autotuning. The minimum per element is 1 on 6.18.44; kernels \
                  with the stable fix \"tcp: do not let tcp_rmem be set below 4096\" enforce \
                  4096.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec_minmax; tcp.c tcp_init; \
                 probed on 6.18.44 (per element 1..INT_MAX, no ordering check)",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_rto_max_ms",
        unit: Unit::Milliseconds,
        min: Limit::Value(1000),
        max: Limit::Value(120_000),
        added: v(6, 15),
        added_source: "1280c26228bd \"tcp: add tcp_rto_max_ms sysctl\" (net-next 2025-02, 6.15)",
        defaults: &[always(Fixed("120000"))],
        summary: "Upper bound on the retransmission timeout (TCP_RTO_MAX_MS overrides it per \
                  socket). Lowering it shortens the tcp_retries2 timeout: recheck both.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_rto_min_us",
        unit: Unit::Microseconds,
        min: Limit::Value(1),
        added: v(6, 11),
        added_source: "f086edef71be \"tcp: add sysctl_tcp_rto_min_us\" (net-next 2024-06, 6.11)",
        defaults: &[always(Fixed("200000"))],
        summary: "Lower bound on the retransmission timeout. The route's rto_min and BPF \
                  settings take precedence; keep it below tcp_rto_max_ms.",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_sack",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("1"))],
        summary: "Enable selective acknowledgements (RFC 2018). Loss recovery, DSACK and \
                  (historically) FACK depend on it.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_shrink_window",
        added: v(6, 5),
        added_source: "b650d953cd39 \"tcp: enforce receive buffer memory limits by allowing the tcp window to shrink\" (6.5)",
        defaults: &[always(Fixed("0"))],
        summary: "Allow the advertised receive window to shrink when memory runs short (RFC \
                  7323 permits it); by default the kernel never retracts the window.",
        ..U8_BOOL
    },
    Param {
        name: "net.ipv4.tcp_slow_start_after_idle",
        added: v26(18),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.18",
        defaults: &[always(Fixed("1"))],
        summary: "Reset cwnd to the initial window after an idle period of one RTO (RFC 2861). \
                  Often disabled for long-lived connections with bursty traffic.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_stdurg",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("0"))],
        summary: "Interpret the urgent pointer as RFC 1122 says rather than the BSD way most \
                  hosts use. Leave it off.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_syn_linear_timeouts",
        max: Limit::Value(127),
        added: v(6, 5),
        added_source: "ccce324dabfe \"tcp: make the first N SYN RTO backoffs linear\" (6.5)",
        defaults: &[always(Fixed("4"))],
        summary: "Number of SYN retransmissions at a constant 1 s RTO before exponential \
                  backoff starts; adds to tcp_syn_retries when computing the connect() \
                  timeout.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_syn_retries",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        min: Limit::Value(1),
        max: Limit::Value(127),
        defaults: &[
            always(Fixed("5")),
            since(
                3,
                7,
                Fixed("6"),
                "6c9ff979d192 \"tcp: Increase timeout for SYN segments\" (3.7); tcp(7)",
            ),
        ],
        summary: "How many times an active open retransmits its SYN before connect() fails \
                  with ETIMEDOUT. Bounded by MAX_TCP_SYNCNT (127), not 255.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_synack_retries",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("5"))],
        summary: "How many times a passive open retransmits its SYN-ACK (about 63 s with the \
                  default) before dropping the request.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_syncookies",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        domain: Domain::Range(0, 2),
        defaults: &[always(Fixed("1"))],
        summary: "SYN cookies: 1 send them when the SYN queue overflows, 2 always, 0 never \
                  (drop). Cookies lose TCP options unless timestamps are on. Needs \
                  CONFIG_SYN_COOKIES.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_thin_linear_timeouts",
        added: v26(34),
        added_source: "36e31b0af587 \"net: TCP thin linear timeouts\" (2.6.34)",
        defaults: &[always(Fixed("0"))],
        summary: "For thin streams (few packets in flight), use linear instead of exponential \
                  RTO backoff for the first retransmissions.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_timestamps",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        domain: Domain::Range(0, 2),
        defaults: &[always(Fixed("1"))],
        summary: "TCP timestamps (RFC 7323): 1 with a random per-connection offset, 2 without \
                  the offset, 0 off. PAWS, tcp_tw_reuse and syncookie options depend on them.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_tso_rtt_log",
        domain: Domain::Range(0, 31),
        added: v(5, 18),
        added_source: "65466904b015 \"tcp: adjust TSO packet sizes based on min_rtt\" (net-next 2022-03, 5.18)",
        defaults: &[always(Fixed("9"))],
        summary: "Scales TSO/GSO packet size with RTT (larger packets for longer RTT, in \
                  2^n usec steps); 0 disables it. Documented 0..31; 6.18.44 accepts 0..255, \
                  kernels with the stable fix \"tcp: limit tcp_tso_rtt_log to a valid shift \
                  count\" enforce 31.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117 enforces extra2=31); probed on 6.18.44 \
                 (255 accepted, 256 EINVAL)",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_tso_win_divisor",
        added: v26(9),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.9",
        defaults: &[always(Fixed("3"))],
        summary: "Maximum fraction (1/n) of the congestion window one TSO frame may use.",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_tw_reuse",
        max: Limit::Value(2),
        domain: Domain::Range(0, 2),
        added: v(2, 6),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4.19/2.6",
        defaults: &[
            always(Fixed("0")),
            since(
                4,
                19,
                Fixed("2"),
                "79e9fed46065 (loopback-only mode 2 and its default, 4.19; \
                 kernel-tcp-params.tsv)",
            ),
        ],
        summary: "Let connect() reuse a 4-tuple held by a TIME_WAIT socket when safe: 0 off, \
                  1 always, 2 loopback only. Needs TCP timestamps; never helps incoming \
                  connections.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) extra2=SYSCTL_TWO; tcp_ipv4.c \
                 tcp_twsk_unique; loopback mode and default 2 with 79e9fed46065 (approx. \
                 4.19); probed on 6.18.44",
        ..U8
    },
    Param {
        name: "net.ipv4.tcp_tw_reuse_delay",
        unit: Unit::Milliseconds,
        min: Limit::Value(1),
        max: Limit::Value(60_000),
        added: v(6, 14),
        added_source: "kernel-tcp-params.tsv: 6.14 (net-next 2024-12); tcp_ipv4.c tcp_twsk_unique reads sysctl_tcp_tw_reuse_delay",
        defaults: &[always(Fixed("1000"))],
        summary: "Minimum time since a TIME_WAIT socket last saw a timestamp before \
                  tcp_tw_reuse may hand its 4-tuple to a new connect() (hard-coded 1 s before \
                  6.14).",
        ..UINT
    },
    Param {
        name: "net.ipv4.tcp_window_scaling",
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.2",
        defaults: &[always(Fixed("1"))],
        summary: "Window scaling (RFC 7323). Without it the receive window is capped at 64 KiB \
                  whatever tcp_rmem says.",
        ..U8_FLAG
    },
    Param {
        name: "net.ipv4.tcp_wmem",
        kind: Kind::Vector(&["min", "default", "max"]),
        unit: Unit::Bytes,
        min: Limit::Value(1),
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.4",
        defaults: &[always(Computed(
            "min 4096, default 16384, max max(65536, min(4 MiB, RAM-based)) at boot; a new \
             netns copies the initial netns's current values",
        ))],
        summary: "Per-socket send buffer in bytes: min guaranteed under memory pressure, \
                  initial size (overrides wmem_default for TCP), autotuning ceiling. wmem_max \
                  does not cap autotuning.",
        source: "net/ipv4/sysctl_net_ipv4.c (6.12.117) proc_dointvec_minmax; tcp.c tcp_init; \
                 probed on 6.18.44 (per element 1..INT_MAX, no ordering check)",
        ..INT
    },
    Param {
        name: "net.ipv4.tcp_workaround_signed_windows",
        added: v26(26),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.26",
        defaults: &[always(Fixed("0"))],
        summary: "Assume the peer mishandles window scaling and keep the window below 32 KiB \
                  when it sends no scaling option (for broken old stacks).",
        ..U8_FLAG
    },
    // ---- removed ------------------------------------------------------------------------
    Param {
        name: "net.ipv4.tcp_abc",
        added: v26(15),
        added_source: "tcp(7) (man-pages 6.03): Linux 2.6.15 to Linux 3.8",
        removed_source: "ca2eb5679f8d \"tcp: remove Appropriate Byte Count support\" (3.9); tcp(7)",
        removed: Some(v(3, 9)),
        domain: Domain::Range(0, 2),
        defaults: &[always(Fixed("0"))],
        summary: "Appropriate Byte Counting (RFC 3465) for cwnd growth. Removed in 3.9 \
                  (ca2eb5679f8d).",
        ..REMOVED
    },
    Param {
        name: "net.ipv4.tcp_bic",
        added: v26(6),
        added_source: "tcp(7) (man-pages 6.03): Linux 2.4.27/2.6.6 to Linux 2.6.13",
        removed_source: "tcp(7) (man-pages 6.03): Linux 2.4.27/2.6.6 to Linux 2.6.13",
        removed: Some(v26(13)),
        defaults: &[always(Fixed("0"))],
        summary: "Enabled BIC congestion control before pluggable congestion control (2.6.13); \
                  use tcp_congestion_control=bic instead.",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_bic_fast_convergence",
        added: v26(6),
        added_source: "tcp(7) (man-pages 6.03): Linux 2.4.27/2.6.6 to Linux 2.6.13",
        removed_source: "tcp(7) (man-pages 6.03): Linux 2.4.27/2.6.6 to Linux 2.6.13",
        removed: Some(v26(13)),
        defaults: &[always(Fixed("1"))],
        summary: "BIC fast convergence tweak; became a tcp_bic module parameter in 2.6.13.",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_bic_low_window",
        added: v26(6),
        added_source: "tcp(7) (man-pages 6.03): Linux 2.4.27/2.6.6 to Linux 2.6.13",
        removed_source: "tcp(7) (man-pages 6.03): Linux 2.4.27/2.6.6 to Linux 2.6.13",
        removed: Some(v26(13)),
        defaults: &[always(Fixed("14"))],
        summary: "cwnd below which BIC behaved like Reno; became a tcp_bic module parameter in \
                  2.6.13.",
        ..REMOVED
    },
    Param {
        name: "net.ipv4.tcp_cookie_size",
        added: v26(33),
        added_source: "519855c508b9 \"TCPCT part 1c: sysctl_tcp_cookie_size\" (2.6.33)",
        removed_source: "1a2c6181c4a1 \"tcp: Remove TCPCT\" (3.10)",
        removed: Some(v(3, 10)),
        defaults: &[always(Fixed("0"))],
        summary: "Size of TCP Cookie Transactions (TCPCT) cookies. Removed with TCPCT in 3.10 \
                  (1a2c6181c4a1).",
        ..REMOVED
    },
    Param {
        name: "net.ipv4.tcp_dma_copybreak",
        unit: Unit::Bytes,
        added: v26(24),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.24",
        removed_source: "7bced397510a \"net_dma: simple removal\" (3.18)",
        removed: Some(v(3, 18)),
        defaults: &[always(Fixed("4096"))],
        summary: "Lower size limit for offloading receive copies to a DMA engine \
                  (CONFIG_NET_DMA). NET_DMA was removed in 3.18 (7bced397510a).",
        ..REMOVED
    },
    Param {
        name: "net.ipv4.tcp_frto_response",
        added: v26(22),
        added_source: "tcp(7) (man-pages 6.03): since Linux 2.6.22",
        removed_source: "e33099f96d99 \"tcp: implement RFC5682 F-RTO\" (3.10)",
        removed: Some(v(3, 10)),
        domain: Domain::Range(0, 2),
        defaults: &[always(Fixed("0"))],
        summary: "How cwnd was adjusted after F-RTO detected a spurious RTO. Removed by the \
                  RFC 5682 F-RTO rewrite in 3.10.",
        ..REMOVED
    },
    Param {
        name: "net.ipv4.tcp_max_ssthresh",
        added: v26(24),
        added_source: "kernel-tcp-params.tsv: 2.6.24 (RFC 3742 limited slow start)",
        removed_source: "9f9843a751d0 \"tcp: properly handle stretch acks in slow start\" (3.13)",
        removed: Some(v(3, 13)),
        defaults: &[always(Fixed("0"))],
        summary: "Limited slow start (RFC 3742) threshold. Removed in 3.13 (9f9843a751d0).",
        ..REMOVED
    },
    Param {
        name: "net.ipv4.tcp_rx_skb_cache",
        added: v(5, 1),
        added_source: "8b27dae5a2e8 \"tcp: add one skb cache for rx\" (5.1)",
        removed_source: "d8b81175e412 \"tcp: remove sk_{tr}x_skb_cache\" (5.16)",
        removed: Some(v(5, 16)),
        defaults: &[always(Fixed("0"))],
        summary: "Per-socket cache of one received skb. Removed in 5.16 (d8b81175e412).",
        source: "gregkh/linux sysctl_net_ipv4.c (5.x) proc_do_static_key; d8b81175e412; \
                 reference TSV (added approx. 5.1)",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_thin_dupack",
        added: v26(34),
        added_source: "7e38017557bc \"net: TCP thin dupack\" (2.6.34)",
        removed_source: "4a7f60094411 \"tcp: remove thin_dupack feature\" (4.11)",
        removed: Some(v(4, 11)),
        defaults: &[always(Fixed("0"))],
        summary: "Fast retransmit after one duplicate ACK for thin streams. Removed in 4.11 \
                  (4a7f60094411); RACK covers the case.",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_tw_recycle",
        added: v(2, 4),
        added_source: "tcp(7) (man-pages 6.03): Linux 2.4 to Linux 4.11",
        removed_source: "4396e46187ca \"tcp: remove tcp_tw_recycle\" (4.12); tcp(7)",
        removed: Some(v(4, 12)),
        defaults: &[always(Fixed("0"))],
        summary: "Fast recycling of TIME_WAIT sockets using per-host timestamps. It dropped \
                  SYNs from clients behind NAT and was removed in 4.12 (4396e46187ca).",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_tx_skb_cache",
        added: v(5, 1),
        added_source: "472c2e07eef0 \"tcp: add one skb cache for tx\" (5.1)",
        removed_source: "d8b81175e412 \"tcp: remove sk_{tr}x_skb_cache\" (5.16)",
        removed: Some(v(5, 16)),
        defaults: &[always(Fixed("0"))],
        summary: "Per-socket cache of one transmit skb. Removed in 5.16 (d8b81175e412).",
        source: "gregkh/linux sysctl_net_ipv4.c (5.x) proc_do_static_key; 472c2e07eef0, \
                 d8b81175e412; reference TSV (added approx. 5.1)",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_vegas_cong_avoid",
        added: v(2, 2),
        added_source: "kernel-tcp-params.tsv: 2.2 (2.1.8)",
        removed_source: "kernel-tcp-params.tsv: removed with pluggable congestion control in 2.6.13",
        removed: Some(v26(13)),
        defaults: &[always(Fixed("0"))],
        summary: "Enabled TCP Vegas before pluggable congestion control (2.6.13); use \
                  tcp_congestion_control=vegas instead.",
        ..REMOVED_FLAG
    },
    Param {
        name: "net.ipv4.tcp_westwood",
        added: v26(3),
        added_source: "tcp(7) (man-pages 6.03): Linux 2.4.26/2.6.3 to Linux 2.6.13",
        removed_source: "tcp(7) (man-pages 6.03): Linux 2.4.26/2.6.3 to Linux 2.6.13",
        removed: Some(v26(13)),
        defaults: &[always(Fixed("0"))],
        summary: "Enabled TCP Westwood+ before pluggable congestion control (2.6.13); use \
                  tcp_congestion_control=westwood instead.",
        ..REMOVED_FLAG
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::lookup;

    /// A recorded source names something one can look up: a commit id, a source or
    /// documentation file, a man page, a CVE, or a release changelog.
    fn is_source(text: &str) -> bool {
        let commit = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.len() >= 12 && w.bytes().all(|b| b.is_ascii_hexdigit()));
        let file = [
            ".c",
            ".h",
            ".rst",
            ".tsv",
            ".md",
            "(2)",
            "(7)",
            "CVE-",
            "kernelnewbies",
        ]
        .iter()
        .any(|f| text.contains(f));
        commit || file
    }

    /// Issue 10: every fact tied to a kernel version — when a parameter was added or
    /// removed, when its default changed, when it became a no-op, when its namespace scope
    /// changed — says where it is recorded.
    #[test]
    fn every_versioned_fact_has_a_source() {
        let mut missing = Vec::new();
        for p in PARAMS {
            if !is_source(p.added_source) {
                missing.push(format!("{}: added {} without a source", p.name, p.added));
            }
            if let Some(r) = p.removed
                && !is_source(p.removed_source)
            {
                missing.push(format!("{}: removed {r} without a source", p.name));
            }
            for d in p.defaults {
                if let Some(since) = d.since
                    && !is_source(d.source)
                {
                    missing.push(format!(
                        "{}: default changed in {since} without a source",
                        p.name
                    ));
                }
            }
            if let Some(o) = p.obsolete
                && !is_source(o.note)
            {
                missing.push(format!(
                    "{}: obsolete since {} without a source",
                    p.name, o.since
                ));
            }
            if let Some(e) = p.earlier_scope
                && !is_source(e.source)
            {
                missing.push(format!(
                    "{}: scope changed in {} without a source",
                    p.name, e.until
                ));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
        assert!(!is_source("approx. 4.4"));
    }

    fn exists(name: &str, major: u16, minor: u16) -> bool {
        lookup(name).unwrap().exists_on(v(major, minor))
    }

    fn default_on(name: &str, major: u16, minor: u16) -> Option<&'static str> {
        lookup(name).unwrap().fixed_default(Some(v(major, minor)))
    }

    /// Issue 10: the versions the kernel-source audit found wrong.
    #[test]
    fn audited_versions_are_right() {
        // tcp_backlog_ack_defer arrived in 6.7 (133c4c0d3717), tcp_pingpong_thresh too.
        assert!(exists("net.ipv4.tcp_backlog_ack_defer", 6, 7));
        assert!(!exists("net.ipv4.tcp_pingpong_thresh", 6, 6));
        assert!(exists("net.ipv4.tcp_pingpong_thresh", 6, 7));
        // optmem_max: 128 KiB and per netns both in 6.8.
        assert_eq!(default_on("net.core.optmem_max", 6, 7), Some("20480"));
        assert_eq!(default_on("net.core.optmem_max", 6, 8), Some("131072"));
        let optmem = lookup("net.core.optmem_max").unwrap();
        assert_eq!(optmem.scope_on(v(6, 7)), Scope::InitNetns);
        assert_eq!(optmem.scope_on(v(6, 8)), Scope::Netns);
        // tcp_adv_win_scale 2 -> 1 in 3.4; tcp_fastopen since 3.6.
        assert_eq!(default_on("net.ipv4.tcp_adv_win_scale", 3, 4), Some("1"));
        assert!(exists("net.ipv4.tcp_fastopen", 3, 6));
        // Defaults of the 6.19 parameters.
        assert_eq!(
            default_on("net.ipv4.tcp_comp_sack_rtt_percent", 6, 19),
            Some("100")
        );
        assert_eq!(
            default_on("net.ipv4.tcp_rcvbuf_low_rtt", 6, 19),
            Some("1000")
        );
        // Found while recording sources: the commits that added these landed earlier.
        assert!(exists("net.ipv4.tcp_comp_sack_slack_ns", 5, 8));
        assert!(exists("net.ipv4.tcp_max_reordering", 3, 19));
        assert!(exists("net.ipv4.tcp_no_ssthresh_metrics_save", 5, 6));
        assert!(exists("net.ipv4.tcp_pacing_ca_ratio", 4, 3));
        assert!(!exists(
            "net.ipv4.tcp_fastopen_blackhole_timeout_sec",
            4,
            11
        ));
        assert!(exists("net.ipv4.tcp_fastopen_blackhole_timeout_sec", 4, 12));
    }
}
