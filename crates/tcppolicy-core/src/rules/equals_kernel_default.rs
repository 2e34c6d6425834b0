//! A value equal to the kernel default.

use super::container_restates_default::starts_at_kernel_default;
use super::{Ctx, Rule};
use crate::catalog::DefaultValue;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;
use crate::effective::Target;
use crate::value::Value;
use crate::version::Edge;

code!(
    EQUALS_KERNEL_DEFAULT,
    "TP607",
    "equals-kernel-default",
    Note,
    "a value equal to the kernel's default on every kernel of the range",
    "The setting restates the kernel default. That can be deliberate (pinning a value \
     against a distribution that changes it, or documenting a decision), so this is only \
     a note. `value: default` says the same thing explicitly."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&EQUALS_KERNEL_DEFAULT],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &ctx.policy.settings {
        let Target::Value(v) = &s.target else {
            continue;
        };
        if ctx.policy.container && starts_at_kernel_default(s.param.name) {
            continue; // TP407 warns about it instead
        }
        if same_default_across_range(ctx, s.param).as_ref() == Some(v) {
            out.push(Diagnostic::new(
                &EQUALS_KERNEL_DEFAULT,
                ctx.value(s),
                format!(
                    "value equals the kernel default for `{}`: {v}",
                    s.param.name
                ),
            ));
        }
    }
}

/// The default, if one fixed default holds on every kernel of the range.
pub(super) fn same_default_across_range(ctx: &Ctx<'_>, p: &crate::catalog::Param) -> Option<Value> {
    let lower = match ctx.range.lower {
        Edge::Inclusive(v) | Edge::Exclusive(v) => Some(v),
        Edge::Open => None,
    };
    let mut values = Vec::new();
    values.push(p.default_for(lower));
    for d in p.defaults {
        if d.since.is_some_and(|since| {
            ctx.range.contains(since)
                || lower.is_some_and(|l| since > l) && !ctx.range.all_below(since)
        }) {
            values.push(Some(d.value));
        }
    }
    let first = values.first()?.as_ref()?;
    if values.iter().any(|v| v.as_ref() != Some(first)) {
        return None;
    }
    match first {
        DefaultValue::Fixed(text) => Value::parse_kernel(p.kind, text),
        DefaultValue::Computed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, run, settings};

    #[test]
    fn notes_a_restated_default() {
        assert_eq!(
            only(
                "TP607",
                settings("  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n")
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP607",
                settings("  net.ipv4.tcp_sack:\n    value: false\n    rationale: r\n")
            ),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn no_note_when_the_default_changed_inside_the_range() {
        let text = "tcppolicy: 1\nname: t\nkernel: \">=4.19\"\nsettings:\n  net.core.somaxconn:\n    value: 4096\n    rationale: r\n";
        assert_eq!(only("TP607", run(text)), Vec::<u32>::new());
        let text = text.replace(">=4.19", ">=5.4");
        assert_eq!(only("TP607", run(&text)), vec![6]);
    }
}
