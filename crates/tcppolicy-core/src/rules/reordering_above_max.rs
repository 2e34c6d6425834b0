//! `tcp_reordering` above `tcp_max_reordering`.
//!
//! The kernel enforces the bound only since the fix for CVE-2026-64422 (efb8763d7bbb,
//! "net: ipv4: bound TCP reordering sysctl writes and MTU probe sizes"), which landed in
//! mainline after 7.1 and in these stable releases: 5.10.261, 5.15.212, 6.1.178, 6.6.145,
//! 6.12.96, 6.18.39, 7.1.4. Before it `tcp_reordering` was a plain `proc_dointvec`.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::version::{Version, VersionRange, v};

code!(
    REORDERING_ABOVE_MAX,
    "TP504",
    "reordering-above-max",
    Error,
    "`tcp_reordering` is above `tcp_max_reordering`",
    "Kernels with the fix for CVE-2026-64422 (efb8763d7bbb; mainline after 7.1 and the \
     stable releases 7.1.4, 6.18.39, 6.12.96, 6.6.145, 6.1.178, 5.15.212, 5.10.261) bound \
     `tcp_reordering` by the same namespace's `tcp_max_reordering` (300 by default) and \
     reject a larger value with EINVAL. An error when every kernel of the policy's range \
     has the fix, a warning when only some do; older kernels accept the value. Raise \
     `tcp_max_reordering` in the same policy; tcppolicy writes it first."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&REORDERING_ABOVE_MAX],
    check,
};

/// The first release with the bound in each stable line; the last one is open-ended
/// (it covers every later mainline release too).
const BOUND_SINCE: &[Version] = &[
    v3(5, 10, 261),
    v3(5, 15, 212),
    v3(6, 1, 178),
    v3(6, 6, 145),
    v3(6, 12, 96),
    v3(6, 18, 39),
    v3(7, 1, 4),
];

const fn v3(major: u16, minor: u16, patch: u16) -> Version {
    Version {
        major,
        minor,
        patch,
    }
}

/// The kernels with the bound, as half-open intervals `[from, until)`.
fn bounded_intervals() -> impl Iterator<Item = (Version, Option<Version>)> {
    BOUND_SINCE.iter().enumerate().map(|(i, &from)| {
        let until = (i + 1 < BOUND_SINCE.len()).then(|| v(from.major, from.minor + 1));
        (from, until)
    })
}

/// Whether the kernels of `range` enforce the bound: all of them, some, or none.
fn enforced_in(range: &VersionRange) -> Option<bool> {
    let all = bounded_intervals()
        .any(|(from, until)| range.all_at_least(from) && until.is_none_or(|u| range.all_below(u)));
    if all {
        return Some(true);
    }
    let none = bounded_intervals()
        .all(|(from, until)| range.all_below(from) || until.is_some_and(|u| range.all_at_least(u)));
    (!none).then_some(false)
}

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
    let Some(everywhere) = enforced_in(&ctx.range) else {
        return; // no kernel of the range bounds it
    };
    if value > max {
        let mut d = Diagnostic::new(
            &REORDERING_ABOVE_MAX,
            ctx.value(r),
            format!("`tcp_reordering` is above `tcp_max_reordering` ({max}): {value}"),
        );
        if !everywhere {
            d = d.severity(Severity::Warning).note(format!(
                "only kernels with the fix for CVE-2026-64422 reject it (7.1.4, 6.18.39, \
                 6.12.96 and other stable releases, mainline after 7.1); some kernels of {} \
                 accept it",
                ctx.range
            ));
        }
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
    use super::*;
    use crate::rules::testing::{only, run, settings};

    fn policy(kernel: &str, body: &str) -> String {
        format!("tcppolicy: 1\nname: t\nkernel: \"{kernel}\"\nsettings:\n{body}")
    }

    const ABOVE: &str = "  net.ipv4.tcp_reordering:\n    value: 301\n    rationale: r\n";

    #[test]
    fn default_max_is_300() {
        assert_eq!(only("TP504", settings(ABOVE)), vec![6]);
        let found = settings(
            "  net.ipv4.tcp_max_reordering:\n    value: 1000\n    rationale: r\n  net.ipv4.tcp_reordering:\n    value: 301\n    rationale: r\n",
        );
        assert_eq!(only("TP504", found), Vec::<u32>::new());
    }

    /// Issue 10: the bound exists only on kernels with the CVE-2026-64422 fix, so it is an
    /// error only where every kernel of the range has it.
    #[test]
    fn the_bound_is_version_aware() {
        let severity = |kernel: &str| {
            let c =
                crate::compile::compile_str(std::path::Path::new("t.yaml"), &policy(kernel, ABOVE));
            c.diagnostics
                .iter()
                .find(|d| d.code.id == "TP504")
                .map(|d| d.severity)
        };
        assert_eq!(severity(">=7.2"), Some(Severity::Error));
        assert_eq!(severity(">=6.18.39, <6.19"), Some(Severity::Error));
        assert_eq!(severity(">=6.12"), Some(Severity::Warning));
        assert_eq!(severity(">=6.13, <6.18"), None);
        assert_eq!(severity(">=4.19, <5.10"), None);
        assert_eq!(
            only("TP504", run(&policy(">=6.13, <6.18", ABOVE))),
            Vec::<u32>::new()
        );
    }
}
