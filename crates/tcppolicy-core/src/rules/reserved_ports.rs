//! Reserved ports and the local port range.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};
use crate::value::Value;

code!(
    RESERVED_OUTSIDE_RANGE,
    "TP511",
    "reserved-ports-outside-range",
    Warning,
    "reserved ports that lie outside the local port range reserve nothing",
    "`ip_local_reserved_ports` keeps ports out of ephemeral allocation, which only draws \
     from `ip_local_port_range`. Reserved ports outside that range have no effect (and \
     reservation never stops an explicit bind())."
);
code!(
    RESERVED_SHRINK_RANGE,
    "TP512",
    "reserved-ports-shrink-range",
    Warning,
    "reserved ports take more than half of the local port range",
    "Every reserved port inside `ip_local_port_range` is one fewer ephemeral port. When \
     reservations take more than half the range, busy clients run out of ports (EADDRNOTAVAIL \
     on connect) much sooner than the range suggests."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&RESERVED_OUTSIDE_RANGE, &RESERVED_SHRINK_RANGE],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(r) = ctx.get("net.ipv4.ip_local_reserved_ports") else {
        return;
    };
    let Some(Value::Ports(ports)) = ctx.exact("net.ipv4.ip_local_reserved_ports") else {
        return;
    };
    let (low, high) = match ctx.exact("net.ipv4.ip_local_port_range").map(|v| v.ints()) {
        Some(v) if v.len() == 2 => (v[0], v[1]),
        _ => (32768, 60999),
    };
    if ports.is_empty() || high < low {
        return;
    }
    let inside: i128 = ports
        .iter()
        .map(|(a, b)| (i128::from(*b).min(high) - i128::from(*a).max(low) + 1).max(0))
        .sum();
    let range_label = |d: Diagnostic| match ctx.get("net.ipv4.ip_local_port_range") {
        Some(pr) => {
            let l = ctx.value(pr);
            d.secondary(Label::with_message(l.file, l.span, "local port range"))
        }
        None => d.note(format!("the local port range is the default {low}-{high}")),
    };
    if inside == 0 {
        out.push(range_label(Diagnostic::new(
            &RESERVED_OUTSIDE_RANGE,
            ctx.value(r),
            format!(
                "reserved ports lie outside the local port range {low}-{high}: they reserve nothing"
            ),
        )));
    } else if inside * 2 > high - low + 1 {
        out.push(range_label(Diagnostic::new(
            &RESERVED_SHRINK_RANGE,
            ctx.value(r),
            format!(
                "reserved ports leave {} of {} ephemeral ports",
                high - low + 1 - inside,
                high - low + 1
            ),
        )));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_reservations_outside_or_swallowing_the_range() {
        assert_eq!(
            only(
                "TP511",
                settings(
                    "  net.ipv4.ip_local_reserved_ports:\n    value: [8080, \"9000-9100\"]\n    rationale: r\n"
                )
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP511",
                settings(
                    "  net.ipv4.ip_local_reserved_ports:\n    value: [40000]\n    rationale: r\n"
                )
            ),
            Vec::<u32>::new()
        );
        assert_eq!(
            only(
                "TP512",
                settings(
                    "  net.ipv4.ip_local_reserved_ports:\n    value: \"30000-50000\"\n    rationale: r\n"
                )
            ),
            vec![6]
        );
    }
}
