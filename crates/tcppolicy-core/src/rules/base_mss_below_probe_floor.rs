//! `tcp_base_mss` below `tcp_mtu_probe_floor`.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    BASE_MSS_BELOW_PROBE_FLOOR,
    "TP513",
    "base-mss-below-probe-floor",
    Warning,
    "`tcp_base_mss` is below `tcp_mtu_probe_floor` (or below 48)",
    "Packetization-layer path MTU discovery (`tcp_mtu_probing`) starts searching at \
     `tcp_base_mss` and never goes below `tcp_mtu_probe_floor` (48..65535, default 48). \
     The kernel does not bound `tcp_base_mss` at all, so a value below the floor, zero or \
     negative is accepted and makes probing start from nonsense."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&BASE_MSS_BELOW_PROBE_FLOOR],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_base_mss") else {
        return;
    };
    let (Some(mss), Some(floor)) = (
        ctx.int("net.ipv4.tcp_base_mss"),
        ctx.int_or_default("net.ipv4.tcp_mtu_probe_floor"),
    ) else {
        return;
    };
    if mss < floor.max(48) {
        out.push(
            Diagnostic::new(
                &BASE_MSS_BELOW_PROBE_FLOOR,
                ctx.value(s),
                format!(
                    "`tcp_base_mss` is below the MTU probing floor ({}): {mss}",
                    floor.max(48)
                ),
            )
            .help("the kernel default is 1024"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_tiny_base_mss() {
        assert_eq!(
            only(
                "TP513",
                settings("  net.ipv4.tcp_base_mss:\n    value: 0\n    rationale: r\n")
            ),
            vec![6]
        );
    }
}
