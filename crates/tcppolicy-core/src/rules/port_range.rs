//! The local port range: order, the unprivileged start, parity.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};

code!(
    BELOW_UNPRIVILEGED_START,
    "TP508",
    "port-range-below-unprivileged",
    Error,
    "`ip_local_port_range` starts below `ip_unprivileged_port_start`",
    "The kernel rejects (EINVAL) a local port range whose low end is below \
     `ip_unprivileged_port_start` (1024 by default): ephemeral ports must not be \
     privileged ports. Lower `ip_unprivileged_port_start` in the same policy (tcppolicy \
     writes it first) or start the range higher."
);
code!(
    PORT_RANGE_INVERTED,
    "TP509",
    "port-range-inverted",
    Error,
    "`ip_local_port_range` has its high end below its low end",
    "`ip_local_port_range` is `[low, high]` with low ≤ high, both 1..65535; the kernel \
     rejects anything else."
);
code!(
    PORT_RANGE_SAME_PARITY,
    "TP510",
    "port-range-same-parity",
    Warning,
    "`ip_local_port_range` low and high have the same parity",
    "Since 4.6, connect() searches even ports first and bind() odd ones, so a range with \
     an odd number of ports is unbalanced. The kernel accepts it and logs \"prefer \
     different parity for start/end values\". The default `32768 60999` has different \
     parity."
);

pub(super) static RULE: Rule = Rule {
    codes: &[
        &BELOW_UNPRIVILEGED_START,
        &PORT_RANGE_INVERTED,
        &PORT_RANGE_SAME_PARITY,
    ],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.ip_local_port_range") else {
        return;
    };
    let Some(v) = ctx.exact("net.ipv4.ip_local_port_range") else {
        return;
    };
    let [low, high] = v.ints()[..] else { return };
    if high < low {
        out.push(
            Diagnostic::new(
                &PORT_RANGE_INVERTED,
                ctx.value(s),
                format!("local port range runs backwards: {low} > {high}"),
            )
            .help(format!("write `[{high}, {low}]`")),
        );
        return;
    }
    if let Some(start) = ctx.int_or_default("net.ipv4.ip_unprivileged_port_start")
        && low < start
    {
        {
            let mut d = Diagnostic::new(
                &BELOW_UNPRIVILEGED_START,
                ctx.value_at(s, "/0"),
                format!(
                    "local port range starts below `ip_unprivileged_port_start` ({start}): {low}"
                ),
            );
            d = match ctx.get("net.ipv4.ip_unprivileged_port_start") {
                Some(u) => {
                    let l = ctx.value(u);
                    d.secondary(Label::with_message(l.file, l.span, "unprivileged ports start here"))
                }
                None => d.help(format!("start the range at {start} or above, or lower `net.ipv4.ip_unprivileged_port_start`")),
            };
            out.push(d);
        }
    }
    if low % 2 == high % 2 {
        out.push(
            Diagnostic::new(
                &PORT_RANGE_SAME_PARITY,
                ctx.value(s),
                format!("local port range ends have the same parity: {low} and {high}"),
            )
            .help(format!(
                "end the range at {} for a balanced even/odd split",
                high - 1
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_range_below_1024_unless_start_is_lowered() {
        let found = settings(
            "  net.ipv4.ip_local_port_range:\n    value: [1000, 65535]\n    rationale: r\n",
        );
        assert_eq!(only("TP508", found), vec![6]);
        let found = settings(
            "  net.ipv4.ip_unprivileged_port_start:\n    value: 1000\n    rationale: r\n  net.ipv4.ip_local_port_range:\n    value: [1000, 65535]\n    rationale: r\n",
        );
        assert_eq!(only("TP508", found), Vec::<u32>::new());
    }

    #[test]
    fn flags_inverted_and_same_parity_ranges() {
        assert_eq!(
            only(
                "TP509",
                settings(
                    "  net.ipv4.ip_local_port_range:\n    value: {low: 40000, high: 30000}\n    rationale: r\n"
                )
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP510",
                settings(
                    "  net.ipv4.ip_local_port_range:\n    value: [32768, 61000]\n    rationale: r\n"
                )
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP510",
                settings(
                    "  net.ipv4.ip_local_port_range:\n    value: [32768, 60999]\n    rationale: r\n"
                )
            ),
            Vec::<u32>::new()
        );
    }
}
