//! Minimum RTO not below maximum RTO.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};

code!(
    RTO_MIN_NOT_BELOW_MAX,
    "TP506",
    "rto-min-not-below-max",
    Error,
    "`tcp_rto_min_us` is not below `tcp_rto_max_ms`",
    "The retransmission timeout is clamped between `tcp_rto_min_us` (6.11+, microseconds, \
     default 200 ms) and `tcp_rto_max_ms` (6.15+, milliseconds, default 120 s). A minimum \
     at or above the maximum leaves no room for RTT-based timeouts. Note the different \
     units of the two parameters."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&RTO_MIN_NOT_BELOW_MAX],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let min = ctx.get("net.ipv4.tcp_rto_min_us");
    let max = ctx.get("net.ipv4.tcp_rto_max_ms");
    if min.is_none() && max.is_none() {
        return;
    }
    let (Some(min_us), Some(max_ms)) = (
        ctx.int_or_default("net.ipv4.tcp_rto_min_us"),
        ctx.int_or_default("net.ipv4.tcp_rto_max_ms"),
    ) else {
        return;
    };
    if min_us >= max_ms * 1000 {
        let at = min
            .or(max)
            .map(|s| ctx.value(s))
            .expect("one of the two is set");
        let mut d = Diagnostic::new(
            &RTO_MIN_NOT_BELOW_MAX,
            at,
            format!("`tcp_rto_min_us` ({min_us} us) is not below `tcp_rto_max_ms` ({max_ms} ms)"),
        );
        if let (Some(_), Some(m)) = (min, max) {
            let l = ctx.value(m);
            d = d.secondary(Label::with_message(l.file, l.span, "maximum set here"));
        }
        out.push(d.help("the minimum is in microseconds, the maximum in milliseconds"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn compares_across_units() {
        let found = settings(
            "  net.ipv4.tcp_rto_min_us:\n    value: 2s\n    rationale: r\n  net.ipv4.tcp_rto_max_ms:\n    value: 1s\n    rationale: r\n",
        );
        assert_eq!(only("TP506", found), vec![6]);
        let found = settings("  net.ipv4.tcp_rto_min_us:\n    value: 5ms\n    rationale: r\n");
        assert_eq!(only("TP506", found), Vec::<u32>::new());
    }
}
