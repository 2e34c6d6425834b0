//! FACK without SACK.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::version::v;

code!(
    FACK_WITHOUT_SACK,
    "TP501",
    "fack-without-sack",
    Error,
    "`tcp_fack` enabled while `tcp_sack` is disabled",
    "Forward acknowledgement works on SACK information; with SACK off it has nothing to \
     work with. On kernels before 4.15 this is an error. FACK loss detection was retired in \
     4.15 (713bafea9292) and `tcp_fack` does nothing since, so on a range entirely from \
     4.15 on this is only a warning that the setting is dead."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&FACK_WITHOUT_SACK],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(fack), Some(sack)) = (ctx.get("net.ipv4.tcp_fack"), ctx.get("net.ipv4.tcp_sack"))
    else {
        return;
    };
    if ctx.int("net.ipv4.tcp_fack").unwrap_or(0) == 0 || ctx.int("net.ipv4.tcp_sack") != Some(0) {
        return;
    }
    let retired = v(4, 15);
    let d = Diagnostic::new(
        &FACK_WITHOUT_SACK,
        ctx.value(fack),
        "`tcp_fack` needs `tcp_sack`, which this policy disables",
    )
    .secondary(crate::diagnostic::Label::with_message(
        ctx.value(sack).file,
        ctx.value(sack).span,
        "SACK disabled here",
    ));
    out.push(if ctx.range.all_at_least(retired) {
        d.severity(Severity::Warning)
            .note("FACK does nothing since Linux 4.15; the setting is dead")
            .help("remove `tcp_fack`")
    } else {
        d.help("enable `tcp_sack`, or disable `tcp_fack`")
    });
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::rules::testing::{only, run};

    const BODY: &str = "settings:\n  net.ipv4.tcp_sack:\n    value: false\n    rationale: r\n  net.ipv4.tcp_fack:\n    value: true\n    rationale: r\n";

    #[test]
    fn is_an_error_before_4_15() {
        let text = format!("tcppolicy: 1\nname: t\nkernel: \">=4.9, <4.15\"\n{BODY}");
        assert_eq!(only("TP501", run(&text)), vec![9]);
        let c = crate::compile::compile_str(std::path::Path::new("t"), &text);
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.code.id == "TP501" && d.severity == Severity::Error)
        );
    }

    #[test]
    fn is_a_warning_from_4_15() {
        let text = format!("tcppolicy: 1\nname: t\nkernel: \">=5.15\"\n{BODY}");
        let c = crate::compile::compile_str(std::path::Path::new("t"), &text);
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.code.id == "TP501" && d.severity == Severity::Warning)
        );
    }
}
