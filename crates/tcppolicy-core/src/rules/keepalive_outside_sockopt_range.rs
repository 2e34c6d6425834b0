//! Keepalive sysctls outside what the socket options allow.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    KEEPALIVE_OUTSIDE_SOCKOPT_RANGE,
    "TP608",
    "keepalive-outside-sockopt-range",
    Warning,
    "a keepalive value outside the range the per-socket options accept",
    "The sysctls `tcp_keepalive_time` and `tcp_keepalive_intvl` accept any int seconds \
     (even negative), and `tcp_keepalive_probes` 0..255, but the per-socket options that \
     override them are limited to TCP_KEEPIDLE/TCP_KEEPINTVL 1..32767 and TCP_KEEPCNT \
     1..127. Values outside those ranges (or zero and negative ones) behave strangely or \
     cannot be reproduced per socket."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&KEEPALIVE_OUTSIDE_SOCKOPT_RANGE],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (name, max, opt) in [
        ("net.ipv4.tcp_keepalive_time", 32767, "TCP_KEEPIDLE"),
        ("net.ipv4.tcp_keepalive_intvl", 32767, "TCP_KEEPINTVL"),
        ("net.ipv4.tcp_keepalive_probes", 127, "TCP_KEEPCNT"),
    ] {
        let (Some(s), Some(v)) = (ctx.get(name), ctx.int(name)) else {
            continue;
        };
        if !(1..=max).contains(&v) {
            out.push(
                Diagnostic::new(
                    &KEEPALIVE_OUTSIDE_SOCKOPT_RANGE,
                    ctx.value(s),
                    format!("`{name}` is outside the range {opt} accepts (1 to {max}): {v}"),
                )
                .help(format!("use a value from 1 to {max}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_zero_probes_and_huge_idle() {
        assert_eq!(
            only(
                "TP608",
                settings("  net.ipv4.tcp_keepalive_probes:\n    value: 0\n    rationale: r\n")
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP608",
                settings("  net.ipv4.tcp_keepalive_time:\n    value: 10h\n    rationale: r\n")
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP608",
                settings("  net.ipv4.tcp_keepalive_time:\n    value: 10m\n    rationale: r\n")
            ),
            Vec::<u32>::new()
        );
    }
}
