//! Figures derived from parameters: how long connect() waits, how long a dead peer goes
//! unnoticed, how long an established connection retransmits before giving up.
//!
//! The models follow `net/ipv4/tcp_timer.c` (`tcp_model_timeout`, the SYN_SENT branch of
//! `tcp_write_timeout`, the linear SYN backoff of 6.5+) and were checked against
//! measurements on 6.18.44 (`../shared/reference/kernel-tcp-notes.md` §6, §7).

/// Initial RTO for SYNs (`TCP_TIMEOUT_INIT`), ms.
pub const SYN_RTO_MS: u64 = 1_000;
/// Minimum RTO (`TCP_RTO_MIN`), ms: the base of the `tcp_retries2` model.
pub const RTO_MIN_MS: u64 = 200;
/// Maximum RTO (`TCP_RTO_MAX`, `tcp_rto_max_ms` default), ms.
pub const RTO_MAX_MS: u64 = 120_000;

/// `tcp_model_timeout`: the time `boundary` exponential retransmissions take from
/// `rto_base`, with the RTO capped at `rto_max` (all ms).
pub fn model_timeout_ms(boundary: u64, rto_base: u64, rto_max: u64) -> u64 {
    let thresh = u64::from((rto_max / rto_base.max(1)).max(1).ilog2());
    if boundary <= thresh {
        ((2u64 << boundary) - 1) * rto_base
    } else {
        ((2u64 << thresh) - 1) * rto_base + (boundary - thresh) * rto_max
    }
}

/// When connect() gives up on an unanswered SYN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectTimeout {
    /// Milliseconds from the first SYN until connect() fails with ETIMEDOUT.
    pub gives_up_after_ms: u64,
    /// SYNs sent in total (the first plus retransmissions).
    pub syns_sent: u64,
}

/// Simulate the SYN_SENT retransmission timer for `syn_retries` and
/// `syn_linear_timeouts` (0 on kernels before 6.5).
pub fn connect_timeout(syn_retries: u64, linear_timeouts: u64, rto_max_ms: u64) -> ConnectTimeout {
    let budget = model_timeout_ms(syn_retries, SYN_RTO_MS, rto_max_ms);
    let max_retransmits = syn_retries + linear_timeouts;
    let (mut t, mut rto, mut retransmits) = (0u64, SYN_RTO_MS, 0u64);
    loop {
        t += rto;
        if retransmits >= max_retransmits || t >= budget {
            return ConnectTimeout {
                gives_up_after_ms: t,
                syns_sent: retransmits + 1,
            };
        }
        retransmits += 1;
        if retransmits > linear_timeouts {
            rto = (rto * 2).min(rto_max_ms);
        }
    }
}

/// Seconds an idle connection to a dead peer survives with keepalive on:
/// `time + probes × intvl`.
pub fn keepalive_detection_s(time_s: i128, intvl_s: i128, probes: i128) -> i128 {
    time_s + probes * intvl_s
}

/// The timeout budget of `tcp_retries2` (ms) with the RTO capped at `rto_max_ms`. It is a
/// lower bound of when the connection gives up: it dies at the first RTO after this budget
/// (measured on 6.18: 3 retries give up after 7.0 s, where the budget is 3 s).
pub fn retries2_timeout_ms(retries2: u64, rto_max_ms: u64) -> u64 {
    model_timeout_ms(retries2, RTO_MIN_MS, rto_max_ms)
}

/// The values a policy leaves in place, by parameter name: its exact value, or the
/// kernel default where it sets none (`None` when unknown, e.g. for `at_least`).
pub type Values<'a> = &'a dyn Fn(&str) -> Option<i128>;

/// The RTO cap the values leave in place: `tcp_rto_max_ms`, else the fixed 120 s of
/// kernels before 6.15.
pub fn rto_max_ms(value: Values<'_>) -> u64 {
    value("net.ipv4.tcp_rto_max_ms")
        .and_then(|m| u64::try_from(m).ok())
        .unwrap_or(RTO_MAX_MS)
}

/// The connect() timeout the values imply; `None` when `tcp_syn_retries` or
/// `tcp_syn_linear_timeouts` is unknown or out of bounds.
pub fn connect_timeout_of(value: Values<'_>) -> Option<ConnectTimeout> {
    let n = u64::try_from(value("net.ipv4.tcp_syn_retries")?).ok()?;
    let l = u64::try_from(value("net.ipv4.tcp_syn_linear_timeouts")?).ok()?;
    if !(1..=127).contains(&n) || l > 127 {
        return None; // out of bounds: reported by `out-of-bounds`
    }
    Some(connect_timeout(n, l, rto_max_ms(value)))
}

/// Keepalive's dead-peer detection time and the triple it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepaliveDetection {
    /// Milliseconds of silence until the connection is reset.
    pub after_ms: u64,
    /// `tcp_keepalive_time`, s.
    pub time_s: i128,
    /// `tcp_keepalive_intvl`, s.
    pub intvl_s: i128,
    /// `tcp_keepalive_probes`.
    pub probes: i128,
}

/// The keepalive detection time the values imply; `None` when part of the triple is
/// unknown, zero or out of bounds.
pub fn keepalive_detection_of(value: Values<'_>) -> Option<KeepaliveDetection> {
    let t = value("net.ipv4.tcp_keepalive_time")?;
    let i = value("net.ipv4.tcp_keepalive_intvl")?;
    let p = value("net.ipv4.tcp_keepalive_probes")?;
    let in_bounds = |v: i128, max: i128| (1..=max).contains(&v);
    if !(in_bounds(t, 8_589_934) && in_bounds(i, 8_589_934) && in_bounds(p, 255)) {
        return None; // zero, negative or out of bounds: other rules say what is wrong
    }
    Some(KeepaliveDetection {
        after_ms: u64::try_from(keepalive_detection_s(t, i, p) * 1000).ok()?,
        time_s: t,
        intvl_s: i,
        probes: p,
    })
}

/// The established-connection timeout (ms) the values imply; `None` when
/// `tcp_retries2` is unknown or out of bounds.
pub fn established_timeout_of(value: Values<'_>) -> Option<u64> {
    let n = u64::try_from(value("net.ipv4.tcp_retries2")?).ok()?;
    if n > 255 {
        return None; // out of bounds: reported by `out-of-bounds`
    }
    Some(retries2_timeout_ms(n, rto_max_ms(value)))
}

/// The derived figures, for tools that list them side by side (`tcppolicy diff`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    /// When connect() gives up on an unanswered SYN.
    ConnectTimeout,
    /// When keepalive notices a dead peer.
    KeepaliveDetection,
    /// When an established connection stops retransmitting.
    EstablishedTimeout,
}

/// One figure's value: milliseconds and the human text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureValue {
    /// Milliseconds.
    pub ms: u64,
    /// `7 s (3 SYNs)`, `3 min (2 min + 4 × 15 s)`, `at least 15 min 24.6 s`.
    pub text: String,
}

impl Figure {
    /// Every figure, in display order.
    pub const ALL: [Figure; 3] = [
        Figure::ConnectTimeout,
        Figure::KeepaliveDetection,
        Figure::EstablishedTimeout,
    ];

    /// Stable identifier: `connect_timeout`, `keepalive_detection`, `established_timeout`.
    pub fn id(self) -> &'static str {
        match self {
            Figure::ConnectTimeout => "connect_timeout",
            Figure::KeepaliveDetection => "keepalive_detection",
            Figure::EstablishedTimeout => "established_timeout",
        }
    }

    /// What it measures, for people.
    pub fn label(self) -> &'static str {
        match self {
            Figure::ConnectTimeout => "connect() gives up after",
            Figure::KeepaliveDetection => "keepalive detects a dead peer after",
            Figure::EstablishedTimeout => "an established connection gives up after",
        }
    }

    /// The parameters it depends on.
    pub fn inputs(self) -> &'static [&'static str] {
        match self {
            Figure::ConnectTimeout => &[
                "net.ipv4.tcp_syn_retries",
                "net.ipv4.tcp_syn_linear_timeouts",
                "net.ipv4.tcp_rto_max_ms",
            ],
            Figure::KeepaliveDetection => &[
                "net.ipv4.tcp_keepalive_time",
                "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes",
            ],
            Figure::EstablishedTimeout => &["net.ipv4.tcp_retries2", "net.ipv4.tcp_rto_max_ms"],
        }
    }

    /// The figure for `value`, or `None` when an input is unknown or out of bounds.
    pub fn of(self, value: Values<'_>) -> Option<FigureValue> {
        match self {
            Figure::ConnectTimeout => connect_timeout_of(value).map(|t| FigureValue {
                ms: t.gives_up_after_ms,
                text: format!("{} ({} SYNs)", human_ms(t.gives_up_after_ms), t.syns_sent),
            }),
            Figure::KeepaliveDetection => keepalive_detection_of(value).map(|k| FigureValue {
                ms: k.after_ms,
                text: format!(
                    "{} ({} s + {} × {} s)",
                    human_ms(k.after_ms),
                    k.time_s,
                    k.probes,
                    k.intvl_s
                ),
            }),
            Figure::EstablishedTimeout => established_timeout_of(value).map(|ms| FigureValue {
                ms,
                text: format!("at least {}", human_ms(ms)),
            }),
        }
    }
}

/// Format milliseconds for people: `7 s`, `3 min`, `15 min 24.6 s`, `2 h 11 min 15 s`.
pub fn human_ms(ms: u64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let s = if rest % 1000 == 0 {
        format!("{} s", rest / 1000)
    } else {
        let tenths = rest / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    };
    match (h, m, rest) {
        (0, 0, _) => s,
        (0, m, 0) => format!("{m} min"),
        (0, m, _) => format!("{m} min {s}"),
        (h, 0, 0) => format!("{h} h"),
        (h, m, 0) => format!("{h} h {m} min"),
        (h, m, _) => format!("{h} h {m} min {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeout_matches_measurements_on_6_18() {
        // (N, L) → (fails after s, SYNs), from kernel-tcp-notes.md §6.
        let table = [
            ((1, 0), (3, 2)),
            ((2, 0), (7, 3)),
            ((3, 0), (15, 4)),
            ((5, 0), (63, 6)),
            ((6, 0), (127, 7)),
            ((7, 0), (247, 8)),
            ((1, 4), (3, 3)),
            ((2, 4), (7, 6)),
            ((3, 4), (19, 8)),
            ((5, 4), (67, 10)),
            ((6, 4), (131, 11)),
            ((7, 4), (251, 12)),
            ((3, 2), (17, 6)),
        ];
        for ((n, l), (secs, syns)) in table {
            let t = connect_timeout(n, l, RTO_MAX_MS);
            assert_eq!(
                (t.gives_up_after_ms, t.syns_sent),
                (secs * 1000, syns),
                "tcp_syn_retries={n} tcp_syn_linear_timeouts={l}"
            );
        }
    }

    #[test]
    fn retries2_model_matches_the_documentation() {
        assert_eq!(retries2_timeout_ms(15, RTO_MAX_MS), 924_600);
        assert_eq!(retries2_timeout_ms(8, RTO_MAX_MS), 102_200);
        assert_eq!(retries2_timeout_ms(5, RTO_MAX_MS), 12_600);
        assert_eq!(retries2_timeout_ms(3, RTO_MAX_MS), 3_000);
    }

    #[test]
    fn keepalive_default_is_two_hours_eleven_minutes() {
        assert_eq!(keepalive_detection_s(7200, 75, 9), 7875);
        assert_eq!(human_ms(7_875_000), "2 h 11 min 15 s");
        assert_eq!(human_ms(924_600), "15 min 24.6 s");
        assert_eq!(human_ms(7_000), "7 s");
        assert_eq!(human_ms(180_000), "3 min");
        assert_eq!(human_ms(7_200_000), "2 h");
        assert_eq!(human_ms(7_260_000), "2 h 1 min");
        assert_eq!(human_ms(0), "0 s");
    }
}
