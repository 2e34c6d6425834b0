//! SYN cookies off.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    SYNCOOKIES_DISABLED,
    "TP507",
    "syncookies-disabled",
    Warning,
    "`tcp_syncookies` disabled exposes listeners to SYN floods",
    "With `tcp_syncookies = 1` (the default) the kernel answers with SYN cookies only when \
     a listener's SYN queue overflows, which keeps the listener reachable during a SYN \
     flood. With 0, an overflowing queue drops new connections. Disable cookies only \
     behind something that absorbs SYN floods, and say so in an `allow` entry."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&SYNCOOKIES_DISABLED],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_syncookies") else {
        return;
    };
    if ctx.int("net.ipv4.tcp_syncookies") == Some(0) {
        out.push(
            Diagnostic::new(
                &SYNCOOKIES_DISABLED,
                ctx.value(s),
                "SYN cookies disabled: a SYN flood fills the queue and drops real clients",
            )
            .help("keep `tcp_syncookies: 1` unless something in front absorbs SYN floods"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_syncookies_off() {
        assert_eq!(
            only(
                "TP507",
                settings("  net.ipv4.tcp_syncookies:\n    value: 0\n    rationale: r\n")
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP507",
                settings("  net.ipv4.tcp_syncookies:\n    value: 1\n    rationale: r\n")
            ),
            Vec::<u32>::new()
        );
    }
}
