//! The connect() timeout that `tcp_syn_retries` implies.

use super::{Ctx, Rule};
use crate::derived::{connect_timeout_of, human_ms};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;
use crate::version::v;

code!(
    CONNECT_TIMEOUT,
    "TP701",
    "connect-timeout",
    Note,
    "how long connect() waits for an unanswered SYN",
    "Derived from `tcp_syn_retries` (N) and, on 6.5+, `tcp_syn_linear_timeouts` (L): the \
     first L retransmissions come at 1 s intervals, then the timeout doubles up to \
     `tcp_rto_max_ms`; connect() fails with ETIMEDOUT after N + L retransmissions or \
     once the exponential model for N retries has elapsed, whichever is first. Defaults \
     (N=6, L=4) give 131 s; N=2 gives 7 s. Measured on 6.18 to within 0.5 s."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&CONNECT_TIMEOUT],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx
        .get("net.ipv4.tcp_syn_retries")
        .or_else(|| ctx.get("net.ipv4.tcp_syn_linear_timeouts"))
    else {
        return;
    };
    let Some(t) = connect_timeout_of(&|n| ctx.int_or_default(n)) else {
        return;
    };
    let mut d = Diagnostic::new(
        &CONNECT_TIMEOUT,
        ctx.value(s),
        format!(
            "connect() gives up after {} ({} SYNs)",
            human_ms(t.gives_up_after_ms),
            t.syns_sent
        ),
    );
    if !ctx.range.all_at_least(v(6, 5)) {
        let old = connect_timeout_of(&|n| match n {
            "net.ipv4.tcp_syn_linear_timeouts" => Some(0),
            "net.ipv4.tcp_rto_max_ms" => None,
            _ => ctx.int_or_default(n),
        });
        if let Some(old) = old {
            d = d.note(format!(
                "on kernels before 6.5 (no linear SYN timeouts): after {} ({} SYNs)",
                human_ms(old.gives_up_after_ms),
                old.syns_sent
            ));
        }
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn notes_the_connect_timeout() {
        assert_eq!(
            only(
                "TP701",
                settings("  net.ipv4.tcp_syn_retries:\n    value: 2\n    rationale: r\n")
            ),
            vec![6]
        );
        let c = crate::compile::compile_str(
            std::path::Path::new("t"),
            &format!(
                "{}  net.ipv4.tcp_syn_retries:\n    value: 2\n    rationale: r\n",
                crate::rules::testing::HEADER
            ),
        );
        let d = c.diagnostics.iter().find(|d| d.code.id == "TP701").unwrap();
        assert_eq!(d.message, "connect() gives up after 7 s (6 SYNs)");
    }
}
