//! A TCP Fast Open key committed in a policy.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    FASTOPEN_KEY_IN_POLICY,
    "TP610",
    "fastopen-key-in-policy",
    Warning,
    "a TCP Fast Open key written in a policy",
    "`tcp_fastopen_key` is secret key material (the file is mode 0600): anyone who knows \
     it can forge Fast Open cookies for every server using it. A policy is committed to git \
     and rendered into world-readable drop-ins and plans. Distribute keys with a secret \
     store and rotate them; leave them out of policies."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&FASTOPEN_KEY_IN_POLICY],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(s) = ctx.get("net.ipv4.tcp_fastopen_key") {
        out.push(
            Diagnostic::new(
                &FASTOPEN_KEY_IN_POLICY,
                ctx.value(s),
                "secret key material in a policy: `net.ipv4.tcp_fastopen_key`",
            )
            .help("distribute Fast Open keys through a secret store, not a policy"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_fastopen_keys() {
        assert_eq!(
            only(
                "TP610",
                settings(
                    "  net.ipv4.tcp_fastopen_key:\n    value: 00000001-00000002-00000003-00000004\n    rationale: r\n"
                )
            ),
            vec![6]
        );
    }
}
