//! `tcp_rmem` elements below 4096.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    RMEM_BELOW_STABLE_FLOOR,
    "TP514",
    "rmem-below-stable-floor",
    Warning,
    "a `tcp_rmem` element below 4096 bytes",
    "Kernels with the 2026 stable fix \"tcp: do not let tcp_rmem be set below 4096\" (for \
     example Debian 6.12.113 and later) reject any `tcp_rmem` element below 4096 with \
     EINVAL; older kernels accept down to 1. A receive buffer that small is never useful."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&RMEM_BELOW_STABLE_FLOOR],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(s), Some(v)) = (ctx.get("net.ipv4.tcp_rmem"), ctx.exact("net.ipv4.tcp_rmem")) else {
        return;
    };
    for (i, x) in v.ints().iter().enumerate() {
        if *x < 4096 && *x >= 1 {
            out.push(
                Diagnostic::new(
                    &RMEM_BELOW_STABLE_FLOOR,
                    ctx.value_at(s, &format!("/{i}")),
                    format!(
                        "`tcp_rmem` element is below 4096 bytes, which patched kernels reject: {x}"
                    ),
                )
                .help("use at least 4KiB"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_small_rmem() {
        assert_eq!(
            only(
                "TP514",
                settings(
                    "  net.ipv4.tcp_rmem:\n    value: [1024, 131072, 6MiB]\n    rationale: r\n"
                )
            ),
            vec![6]
        );
    }
}
