//! How long keepalive takes to notice a dead peer.

use super::{Ctx, Rule};
use crate::derived::{human_ms, keepalive_detection_of};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    KEEPALIVE_DETECTION,
    "TP702",
    "keepalive-detection-time",
    Note,
    "how long an idle connection to a dead peer survives with keepalive",
    "For sockets with SO_KEEPALIVE, a dead peer is detected after `tcp_keepalive_time + \
     tcp_keepalive_probes × tcp_keepalive_intvl` seconds of silence: 7200 + 9 × 75 = 7875 s \
     (2 h 11 min 15 s) by default. Per-socket TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT and \
     TCP_USER_TIMEOUT override it."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&KEEPALIVE_DETECTION],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let names = [
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ];
    let Some(s) = names.iter().find_map(|n| ctx.get(n)) else {
        return;
    };
    let Some(k) = keepalive_detection_of(&|n| ctx.int_or_default(n)) else {
        return;
    };
    out.push(Diagnostic::new(
        &KEEPALIVE_DETECTION,
        ctx.value(s),
        format!(
            "keepalive notices a dead peer after {} ({} s + {} × {} s)",
            human_ms(k.after_ms),
            k.time_s,
            k.probes,
            k.intvl_s
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn notes_detection_time() {
        assert_eq!(
            only(
                "TP702",
                settings("  net.ipv4.tcp_keepalive_time:\n    value: 10m\n    rationale: r\n")
            ),
            vec![6]
        );
    }
}
