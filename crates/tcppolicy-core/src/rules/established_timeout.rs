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
     the 200 ms minimum RTO, the RTO capped at `tcp_rto_max_ms`, 120 s before 6.15): 15 \
     (the default) gives at least 924.6 s, 8 at least 102.2 s, 5 at least 12.6 s. The \
     figure is a lower bound: the connection dies at the first retransmission timeout after \
     this budget (measured on 6.18: 3 gives up after 7.0 s, 5 after 13.9 s). \
     TCP_USER_TIMEOUT overrides it per socket."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&ESTABLISHED_TIMEOUT],
    check,
};

/// The RTO cap the policy leaves in place: `tcp_rto_max_ms` if set, else its default
/// (the fixed 120 s of kernels before 6.15).
pub(super) fn rto_max_ms(ctx: &Ctx<'_>) -> u64 {
    crate::derived::rto_max_ms(&|n| ctx.int_or_default(n))
}

/// The established-connection timeout (a lower bound, ms) the policy leaves in place,
/// with the `tcp_retries2` it uses; `None` when it cannot be known.
pub(super) fn timeout_ms(ctx: &Ctx<'_>) -> Option<(u64, u64)> {
    let n = u64::try_from(ctx.int_or_default("net.ipv4.tcp_retries2")?).ok()?;
    Some((n, established_timeout_of(&|n| ctx.int_or_default(n))?))
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_retries2") else {
        return;
    };
    if ctx.int("net.ipv4.tcp_retries2").is_none() {
        return;
    }
    let Some((_, ms)) = timeout_ms(ctx) else {
        return;
    };
    out.push(Diagnostic::new(
        &ESTABLISHED_TIMEOUT,
        ctx.value(s),
        format!(
            "an established connection gives up after at least {} of retransmissions",
            human_ms(ms)
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{HEADER, only, settings};

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

    /// Issue 10: the figure is a lower bound (retries2=3 died at 7.0 s, not 3 s).
    #[test]
    fn the_figure_says_at_least() {
        let c = crate::compile::compile_str(
            std::path::Path::new("t"),
            &format!("{HEADER}  net.ipv4.tcp_retries2:\n    value: 3\n    rationale: r\n"),
        );
        let d = c.diagnostics.iter().find(|d| d.code.id == "TP703").unwrap();
        assert_eq!(
            d.message,
            "an established connection gives up after at least 3 s of retransmissions"
        );
    }
}
