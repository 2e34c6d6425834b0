//! How long an established connection retransmits before giving up.

use super::{Ctx, Rule};
use crate::derived::{RTO_MAX_MS, human_ms, retries2_timeout_ms};
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
    let Some(n) = ctx
        .int("net.ipv4.tcp_retries2")
        .and_then(|n| u64::try_from(n).ok())
    else {
        return;
    };
    if n > 255 {
        return; // out of bounds: reported by `out-of-bounds`
    }
    let rto_max = ctx
        .int_or_default("net.ipv4.tcp_rto_max_ms")
        .and_then(|m| u64::try_from(m).ok())
        .unwrap_or(RTO_MAX_MS);
    out.push(Diagnostic::new(
        &ESTABLISHED_TIMEOUT,
        ctx.value(s),
        format!(
            "an established connection gives up after about {} of retransmissions",
            human_ms(retries2_timeout_ms(n, rto_max))
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
