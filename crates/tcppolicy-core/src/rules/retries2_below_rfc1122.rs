//! Established connections that give up sooner than RFC 1122's 100 seconds.

use super::established_timeout::{rto_max_ms, timeout_ms};
use super::{Ctx, Rule};
use crate::derived::human_ms;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    RETRIES2_BELOW_RFC1122,
    "TP601",
    "retries2-below-rfc1122",
    Warning,
    "established connections give up sooner than RFC 1122's 100 seconds",
    "RFC 1122 (4.2.3.5) asks that an established connection keep retransmitting for at \
     least 100 seconds before giving up. The timeout follows `tcp_retries2` and the RTO \
     cap `tcp_rto_max_ms` (6.15+), with the same model as `established-timeout`: with the \
     default 120 s cap, `tcp_retries2` = 8 gives at least 102.2 s and every step below \
     halves it (5 gives 12.6 s); with `tcp_rto_max_ms` = 2000, 8 gives only 13 s. Low \
     values turn a short network blip into broken connections. ip-sysctl.rst gives 8 as \
     the minimum and asks to recheck `tcp_retries2` after lowering `tcp_rto_max_ms`."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&RETRIES2_BELOW_RFC1122],
    check,
};

/// RFC 1122's R2 for established connections, in ms.
const RFC1122_MS: u64 = 100_000;

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // The setting that shortens the timeout: `tcp_retries2`, else `tcp_rto_max_ms`.
    let Some(s) = ctx
        .get("net.ipv4.tcp_retries2")
        .or_else(|| ctx.get("net.ipv4.tcp_rto_max_ms"))
    else {
        return;
    };
    if ctx.int(s.param.name).is_none() {
        return; // a bound, not a value: the outcome is not known
    }
    let Some((n, ms)) = timeout_ms(ctx) else {
        return;
    };
    if ms >= RFC1122_MS {
        return;
    }
    let rto_max = rto_max_ms(ctx);
    out.push(
        Diagnostic::new(
            &RETRIES2_BELOW_RFC1122,
            ctx.value(s),
            format!(
                "established connections give up after at least {} (RFC 1122 asks for \
                 100 s): `tcp_retries2` {n} with `tcp_rto_max_ms` {rto_max}",
                human_ms(ms)
            ),
        )
        .help(if rto_max < crate::derived::RTO_MAX_MS {
            "raise `tcp_retries2` until the timeout reaches 100 s, or raise `tcp_rto_max_ms`"
        } else {
            "use 8 or more"
        }),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn five_is_too_low_eight_is_fine() {
        assert_eq!(
            only(
                "TP601",
                settings("  net.ipv4.tcp_retries2:\n    value: 5\n    rationale: r\n")
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP601",
                settings("  net.ipv4.tcp_retries2:\n    value: 8\n    rationale: r\n")
            ),
            Vec::<u32>::new()
        );
    }

    /// Issue 10: `tcp_retries2: 8` with `tcp_rto_max_ms: 2000` gives up after 13 s.
    #[test]
    fn a_lower_rto_cap_counts() {
        let body = "  net.ipv4.tcp_retries2:\n    value: 8\n    rationale: r\n  net.ipv4.tcp_rto_max_ms:\n    value: 2000\n    rationale: r\n";
        let text = format!("tcppolicy: 1\nname: t\nkernel: \">=6.15\"\nsettings:\n{body}");
        assert_eq!(only("TP601", crate::rules::testing::run(&text)), vec![6]);
        // The cap alone, with the default 15 retries: 27 s.
        let body = "  net.ipv4.tcp_rto_max_ms:\n    value: 2000\n    rationale: r\n";
        let text = format!("tcppolicy: 1\nname: t\nkernel: \">=6.15\"\nsettings:\n{body}");
        assert_eq!(only("TP601", crate::rules::testing::run(&text)), vec![6]);
    }
}
