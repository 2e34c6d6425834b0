//! DSACK without SACK.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};

code!(
    DSACK_WITHOUT_SACK,
    "TP502",
    "dsack-without-sack",
    Warning,
    "`tcp_dsack` enabled while `tcp_sack` is disabled",
    "Duplicate SACK (RFC 2883) is only sent when SACK is negotiated (`tcp_is_sack(tp) && \
     sysctl_tcp_dsack` in tcp_input.c). With `tcp_sack` off, `tcp_dsack` has no effect."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&DSACK_WITHOUT_SACK],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(dsack), Some(sack)) = (ctx.get("net.ipv4.tcp_dsack"), ctx.get("net.ipv4.tcp_sack"))
    else {
        return;
    };
    if ctx.int("net.ipv4.tcp_dsack").unwrap_or(0) != 0 && ctx.int("net.ipv4.tcp_sack") == Some(0) {
        let s = ctx.value(sack);
        out.push(
            Diagnostic::new(
                &DSACK_WITHOUT_SACK,
                ctx.value(dsack),
                "`tcp_dsack` has no effect while `tcp_sack` is disabled",
            )
            .secondary(Label::with_message(s.file, s.span, "SACK disabled here")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_dsack_with_sack_off() {
        let found = settings(
            "  net.ipv4.tcp_sack:\n    value: 0\n    rationale: r\n  net.ipv4.tcp_dsack:\n    value: 1\n    rationale: r\n",
        );
        assert_eq!(only("TP502", found), vec![9]);
    }
}
