//! `tcp_retries2` too low for RFC 1122.

use super::{Ctx, Rule};
use crate::derived::{RTO_MAX_MS, human_ms, retries2_timeout_ms};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    RETRIES2_BELOW_RFC1122,
    "TP601",
    "retries2-below-rfc1122",
    Warning,
    "`tcp_retries2` below 8 kills connections sooner than RFC 1122's 100 seconds",
    "RFC 1122 (4.2.3.5) asks that an established connection keep retransmitting for at \
     least 100 seconds before giving up. With the minimum RTO of 200 ms, `tcp_retries2` = \
     8 gives about 102 s; every step below halves it (5 gives about 12.6 s). Low values turn \
     a short network blip into broken connections. ip-sysctl.rst gives 8 as the minimum."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&RETRIES2_BELOW_RFC1122],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_retries2") else {
        return;
    };
    let Some(n) = ctx.int("net.ipv4.tcp_retries2") else {
        return;
    };
    if (0..8).contains(&n) {
        let ms = retries2_timeout_ms(n as u64, RTO_MAX_MS);
        out.push(
            Diagnostic::new(
                &RETRIES2_BELOW_RFC1122,
                ctx.value(s),
                format!(
                    "established connections give up after about {} (RFC 1122 asks for 100 s): {n}",
                    human_ms(ms)
                ),
            )
            .help("use 8 or more"),
        );
    }
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
}
