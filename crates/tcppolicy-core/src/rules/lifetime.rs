//! Parameters that do not exist on (all of) the target kernels.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    NOT_IN_RANGE,
    "TP402",
    "parameter-not-in-range",
    Error,
    "a parameter that does not exist on any kernel of the target range",
    "The parameter was removed before the policy's kernel range starts (`tcp_tw_recycle` \
     was removed in 4.12), or added after it ends. Writing it fails: the file does not \
     exist. Without a `kernel` range, tcppolicy assumes `>=5.10`."
);
code!(
    LIFETIME_IN_RANGE,
    "TP403",
    "parameter-lifetime-in-range",
    Warning,
    "a parameter added or removed inside the target kernel range",
    "The parameter exists on some kernels of the range and not on others (e.g. \
     `tcp_syn_linear_timeouts`, added in 6.5, in a policy for `>=5.15`). Applying the \
     policy on an older or newer kernel of the range fails for this parameter. Narrow the \
     `kernel` range, or split the policy."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&NOT_IN_RANGE, &LIFETIME_IN_RANGE],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let range = ctx.range;
    for s in &ctx.policy.settings {
        let p = s.param;
        if !p.exists_in(&range) {
            let why = match p.removed {
                Some(r) if range.all_at_least(r) => format!("removed in Linux {r}"),
                _ => format!("added in Linux {}", p.added),
            };
            out.push(
                Diagnostic::new(
                    &NOT_IN_RANGE,
                    ctx.key(s),
                    format!("`{}` does not exist on kernels {range}: {why}", p.name),
                )
                .help(if p.removed.is_some() {
                    "remove the setting"
                } else {
                    "raise the `kernel` range or remove the setting"
                }),
            );
            continue;
        }
        let mut changes = Vec::new();
        if !range.all_at_least(p.added) {
            changes.push(format!("added in {}", p.added));
        }
        if let Some(r) = p.removed.filter(|r| !range.all_below(*r)) {
            changes.push(format!("removed in {r}"));
        }
        if !changes.is_empty() {
            out.push(
                Diagnostic::new(
                    &LIFETIME_IN_RANGE,
                    ctx.key(s),
                    format!(
                        "`{}` exists on only part of kernels {range}: {}",
                        p.name,
                        changes.join(", ")
                    ),
                )
                .help("narrow the policy's `kernel` range to kernels that have it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, run};

    #[test]
    fn tw_recycle_is_gone_from_current_kernels() {
        let found = run(
            "tcppolicy: 1\nname: t\nsettings:\n  net.ipv4.tcp_tw_recycle:\n    value: 0\n    rationale: r\n",
        );
        assert_eq!(only("TP402", found), vec![4]);
    }

    #[test]
    fn a_parameter_added_inside_the_range_warns() {
        let text = "tcppolicy: 1\nname: t\nkernel: \">=5.15\"\nsettings:\n  net.ipv4.tcp_syn_linear_timeouts:\n    value: 2\n    rationale: r\n";
        assert_eq!(only("TP403", run(text)), vec![5]);
        let text = text.replace(">=5.15", ">=6.5");
        assert_eq!(only("TP403", run(&text)), Vec::<u32>::new());
    }

    #[test]
    fn removal_inside_the_range_warns() {
        let text = "tcppolicy: 1\nname: t\nkernel: \">=4.9, <4.14\"\nsettings:\n  net.ipv4.tcp_tw_recycle:\n    value: 0\n    rationale: r\n";
        assert_eq!(only("TP403", run(text)), vec![5]);
    }
}
