//! Parameters the kernel still accepts but ignores.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    NO_OP_PARAMETER,
    "TP404",
    "no-op-parameter",
    Warning,
    "a parameter that has no effect (or is obsolete) on kernels of the target range",
    "Some parameters survive as files after the feature behind them was removed: \
     `tcp_fack` does nothing since 4.15, `tcp_low_latency` since 4.14, and \
     `tcp_adv_win_scale` is documented obsolete since 6.6. Setting them changes nothing and \
     misleads readers of the policy."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&NO_OP_PARAMETER],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &ctx.policy.settings {
        let Some(o) = s.param.obsolete else { continue };
        if ctx.range.all_below(o.since) {
            continue;
        }
        let scope = if ctx.range.all_at_least(o.since) {
            "has no effect"
        } else {
            "has no effect on part of the range"
        };
        out.push(
            Diagnostic::new(
                &NO_OP_PARAMETER,
                ctx.key(s),
                format!("`{}` {scope} since Linux {}", s.param.name, o.since),
            )
            .note(o.note)
            .help("remove the setting"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn adv_win_scale_is_obsolete() {
        let found = settings("  net.ipv4.tcp_adv_win_scale:\n    value: 1\n    rationale: r\n");
        assert_eq!(only("TP404", found), vec![5]);
    }
}
