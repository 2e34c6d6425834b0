//! `tcp_max_syn_backlog` while SYN cookies are on.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    SYN_BACKLOG_WITH_SYNCOOKIES,
    "TP605",
    "syn-backlog-with-syncookies",
    Warning,
    "`tcp_max_syn_backlog` has no effect while SYN cookies are enabled",
    "Since 4.4 the SYN queue of a listener is bounded by its listen() backlog (capped by \
     `net.core.somaxconn`), not by `tcp_max_syn_backlog`. The sysctl is only consulted with \
     `tcp_syncookies = 0`, to drop unverified peers early. To accept more connections, \
     raise `net.core.somaxconn` and the application's backlog."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&SYN_BACKLOG_WITH_SYNCOOKIES],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_max_syn_backlog") else {
        return;
    };
    if ctx.int_or_default("net.ipv4.tcp_syncookies").unwrap_or(1) != 0 {
        out.push(
            Diagnostic::new(
                &SYN_BACKLOG_WITH_SYNCOOKIES,
                ctx.value(s),
                "`tcp_max_syn_backlog` is ignored while `tcp_syncookies` is enabled",
            )
            .help("raise `net.core.somaxconn` and the application's listen() backlog instead"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_syn_backlog_with_default_syncookies() {
        assert_eq!(
            only(
                "TP605",
                settings("  net.ipv4.tcp_max_syn_backlog:\n    value: 65535\n    rationale: r\n")
            ),
            vec![6]
        );
    }
}
