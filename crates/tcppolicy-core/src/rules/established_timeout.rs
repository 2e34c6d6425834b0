//! How long an established connection retransmits before giving up.

use super::{Ctx, Rule};
use crate::derived::{established_timeout_of, human_ms};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    ESTABLISHED_TIMEOUT,
    "TP703",
    "established-timeout",
    Note,
    "how long an established connection retransmits before the kernel gives up",
    "Derived from `tcp_retries2` with the model of tcp_timer.c (`tcp_model_timeout` with \
     the 200 ms minimum RTO): 15 (the default) gives about 924.6 s, 8 about 102 s, 5 about \
     12.6 s. The connection dies at the first retransmission timeout after this budget. \
     TCP_USER_TIMEOUT overrides it per socket; since 6.15 `tcp_rto_max_ms` replaces the \
     120 s cap in the model."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&ESTABLISHED_TIMEOUT],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_retries2") else {
        return;
    };
    let Some(ms) = established_timeout_of(&|n| ctx.int_or_default(n)) else {
        return;
    };
    out.push(Diagnostic::new(
        &ESTABLISHED_TIMEOUT,
        ctx.value(s),
        format!(
            "an established connection gives up after about {} of retransmissions",
            human_ms(ms)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn notes_the_established_timeout() {
        assert_eq!(
            only(
                "TP703",
                settings("  net.ipv4.tcp_retries2:\n    value: 8\n    rationale: r\n")
            ),
            vec![6]
        );
    }
}
