//! Window scaling off.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};

code!(
    WINDOW_SCALING_DISABLED,
    "TP505",
    "window-scaling-disabled",
    Warning,
    "`tcp_window_scaling` disabled caps every receive window at 64 KiB",
    "Without window scaling (RFC 7323) the TCP window field holds at most 65535 bytes, \
     whatever `tcp_rmem` says. On a 100 ms path that limits a connection to about 5 Mbit/s. \
     Disabling it is almost always a leftover from debugging a broken middlebox."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&WINDOW_SCALING_DISABLED],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(ws) = ctx.get("net.ipv4.tcp_window_scaling") else {
        return;
    };
    if ctx.int("net.ipv4.tcp_window_scaling") != Some(0) {
        return;
    }
    let mut d = Diagnostic::new(
        &WINDOW_SCALING_DISABLED,
        ctx.value(ws),
        "window scaling disabled: receive windows are capped at 64 KiB",
    );
    if let (Some(rmem), Some(v)) = (ctx.get("net.ipv4.tcp_rmem"), ctx.exact("net.ipv4.tcp_rmem"))
        && v.ints().get(2).is_some_and(|max| *max > 65535)
    {
        {
            let l = ctx.value_at(rmem, "/2");
            d = d.secondary(Label::with_message(
                l.file,
                l.span,
                "this maximum cannot be used",
            ));
        }
    }
    out.push(d.help("enable `tcp_window_scaling`"));
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_window_scaling_off() {
        assert_eq!(
            only(
                "TP505",
                settings("  net.ipv4.tcp_window_scaling:\n    value: false\n    rationale: r\n")
            ),
            vec![6]
        );
    }
}
