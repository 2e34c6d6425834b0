//! `tcp_reordering` above `tcp_max_reordering`.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};

code!(
    REORDERING_ABOVE_MAX,
    "TP504",
    "reordering-above-max",
    Error,
    "`tcp_reordering` is above `tcp_max_reordering`",
    "The kernel bounds `tcp_reordering` by the same namespace's `tcp_max_reordering` (300 \
     by default) and rejects a larger value with EINVAL. Raise `tcp_max_reordering` in the \
     same policy; tcppolicy writes it first."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&REORDERING_ABOVE_MAX],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(r) = ctx.get("net.ipv4.tcp_reordering") else {
        return;
    };
    let value = match &r.target {
        crate::effective::Target::Value(v) => v.as_int(),
        crate::effective::Target::AtLeast(n) => Some(*n),
        _ => None,
    };
    let (Some(value), Some(max)) = (value, ctx.int_or_default("net.ipv4.tcp_max_reordering"))
    else {
        return;
    };
    if value > max {
        let mut d = Diagnostic::new(
            &REORDERING_ABOVE_MAX,
            ctx.value(r),
            format!("`tcp_reordering` is above `tcp_max_reordering` ({max}): {value}"),
        );
        d = match ctx.get("net.ipv4.tcp_max_reordering") {
            Some(m) => {
                let l = ctx.value(m);
                d.secondary(Label::with_message(l.file, l.span, "maximum set here"))
            }
            None => d.help(format!(
                "also set `net.ipv4.tcp_max_reordering` to at least {value}"
            )),
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn default_max_is_300() {
        assert_eq!(
            only(
                "TP504",
                settings("  net.ipv4.tcp_reordering:\n    value: 301\n    rationale: r\n")
            ),
            vec![6]
        );
        let found = settings(
            "  net.ipv4.tcp_max_reordering:\n    value: 1000\n    rationale: r\n  net.ipv4.tcp_reordering:\n    value: 301\n    rationale: r\n",
        );
        assert_eq!(only("TP504", found), Vec::<u32>::new());
    }
}
