//! TIME_WAIT reuse without timestamps.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};

code!(
    TW_REUSE_WITHOUT_TIMESTAMPS,
    "TP503",
    "tw-reuse-without-timestamps",
    Warning,
    "`tcp_tw_reuse` enabled while `tcp_timestamps` is disabled",
    "Reusing a TIME_WAIT 4-tuple for a new outgoing connection is only safe with PAWS, \
     which needs TCP timestamps: the kernel checks the TIME_WAIT socket's `ts_recent_stamp`. \
     With `tcp_timestamps = 0` the reuse never happens and `tcp_tw_reuse` has no effect."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&TW_REUSE_WITHOUT_TIMESTAMPS],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(reuse), Some(ts)) = (
        ctx.get("net.ipv4.tcp_tw_reuse"),
        ctx.get("net.ipv4.tcp_timestamps"),
    ) else {
        return;
    };
    if ctx.int("net.ipv4.tcp_tw_reuse").unwrap_or(0) != 0
        && ctx.int("net.ipv4.tcp_timestamps") == Some(0)
    {
        let t = ctx.value(ts);
        out.push(
            Diagnostic::new(
                &TW_REUSE_WITHOUT_TIMESTAMPS,
                ctx.value(reuse),
                "`tcp_tw_reuse` has no effect while `tcp_timestamps` is disabled",
            )
            .secondary(Label::with_message(
                t.file,
                t.span,
                "timestamps disabled here",
            ))
            .help("enable `tcp_timestamps` (1 or 2)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_reuse_without_timestamps() {
        let found = settings(
            "  net.ipv4.tcp_timestamps:\n    value: 0\n    rationale: r\n  net.ipv4.tcp_tw_reuse:\n    value: 1\n    rationale: r\n",
        );
        assert_eq!(only("TP503", found), vec![9]);
    }
}
