//! `tcp_fin_timeout` does not shorten TIME_WAIT.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Severity};

code!(
    FIN_TIMEOUT_NOT_TIME_WAIT,
    "TP604",
    "fin-timeout-not-time-wait",
    Warning,
    "`tcp_fin_timeout` does not shorten TIME_WAIT",
    "TIME_WAIT lasts a fixed 60 seconds (TCP_TIMEWAIT_LEN); no sysctl changes it. \
     `tcp_fin_timeout` only bounds how long an orphaned socket waits in FIN_WAIT_2 for the \
     peer's FIN. Its default equals TIME_WAIT's length (60 s), which is why so many tuning \
     guides confuse the two. Reported as a warning when the rationale talks about \
     TIME_WAIT (the setting will not do what the policy says), as a note otherwise. For too \
     many TIME_WAIT sockets, see `tcp_tw_reuse` and a wider `ip_local_port_range`."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&FIN_TIMEOUT_NOT_TIME_WAIT],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get("net.ipv4.tcp_fin_timeout") else {
        return;
    };
    let Some(v) = ctx.int("net.ipv4.tcp_fin_timeout") else {
        return;
    };
    if v >= 60 {
        return;
    }
    let confused = expects_shorter_time_wait(&s.rationale);
    let d = Diagnostic::new(
        &FIN_TIMEOUT_NOT_TIME_WAIT,
        ctx.value(s),
        format!(
            "`tcp_fin_timeout` shortens FIN_WAIT_2 for orphaned sockets only; TIME_WAIT stays 60 s: {v}"
        ),
    );
    out.push(if confused {
        d.help("to cope with many TIME_WAIT sockets use `tcp_tw_reuse` or a wider `ip_local_port_range`")
    } else {
        d.severity(Severity::Note)
    });
}

/// Whether a sentence of the rationale talks about TIME_WAIT without denying that the
/// setting changes it ("does not shorten TIME_WAIT" is the understanding we want).
fn expects_shorter_time_wait(rationale: &str) -> bool {
    let text = rationale.to_ascii_lowercase().replace(['-', '_'], " ");
    text.split(['.', ';', '\n', '!', '?']).any(|sentence| {
        let mentions = sentence.contains("time wait") || sentence.contains("timewait");
        let words: Vec<&str> = sentence.split_whitespace().collect();
        let denies = words.iter().any(|w| {
            matches!(
                *w,
                "not" | "no" | "never" | "unlike" | "only" | "nor" | "neither"
            ) || w.ends_with("n't")
        });
        mentions && !denies
    })
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::{HEADER, only, settings};

    #[test]
    fn a_rationale_that_denies_the_myth_is_not_confused() {
        assert!(super::expects_shorter_time_wait(
            "Shorten TIME_WAIT on busy proxies"
        ));
        assert!(!super::expects_shorter_time_wait(
            "Reclaim orphans sooner; this does not shorten TIME_WAIT, which stays 60 s."
        ));
        assert!(!super::expects_shorter_time_wait(
            "Only FIN_WAIT_2 of orphans, not TIME-WAIT"
        ));
    }

    #[test]
    fn warns_when_the_rationale_expects_shorter_time_wait() {
        let body = "  net.ipv4.tcp_fin_timeout:\n    value: 15\n    rationale: Reduce TIME_WAIT sockets on busy proxies\n";
        assert_eq!(only("TP604", settings(body)), vec![6]);
        let c = crate::compile::compile_str(std::path::Path::new("t"), &format!("{HEADER}{body}"));
        assert_eq!(
            c.diagnostics
                .iter()
                .find(|d| d.code.id == "TP604")
                .unwrap()
                .severity,
            Severity::Warning
        );
        let body = "  net.ipv4.tcp_fin_timeout:\n    value: 15\n    rationale: Reclaim orphaned FIN_WAIT_2 sockets sooner\n";
        let c = crate::compile::compile_str(std::path::Path::new("t"), &format!("{HEADER}{body}"));
        assert_eq!(
            c.diagnostics
                .iter()
                .find(|d| d.code.id == "TP604")
                .unwrap()
                .severity,
            Severity::Note
        );
    }
}
