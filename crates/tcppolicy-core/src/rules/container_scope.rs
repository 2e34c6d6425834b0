//! Parameters a container cannot set.

use super::{Ctx, Rule};
use crate::catalog::Scope;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    NOT_NAMESPACED,
    "TP405",
    "not-namespaced",
    Error,
    "a container policy sets a parameter that is not per network namespace",
    "A policy with `container: true` is applied inside a child network namespace. There, \
     global parameters are absent (`tcp_mem`, `tcp_max_orphans`, `net.core.netdev_max_backlog`, \
     `net.core.default_qdisc`) or read-only (`net.core.rmem_max` and friends, \
     `tcp_allowed_congestion_control`). Set them in the host's policy instead."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&NOT_NAMESPACED],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.policy.container {
        return;
    }
    for s in &ctx.policy.settings {
        // A parameter that became per-netns inside the range (`optmem_max` in 6.8) is
        // host-wide on the older kernels of the range: a warning, or an error when the
        // whole range is older.
        let (scope, partly) = match s.param.earlier_scope {
            Some(e) if s.param.scope == Scope::Netns && !ctx.range.all_at_least(e.until) => {
                (e.scope, !ctx.range.all_below(e.until))
            }
            _ => (s.param.scope, false),
        };
        let why = match scope {
            Scope::Netns => continue,
            Scope::InitNetns => "it exists only in the host's initial network namespace",
            Scope::GlobalReadOnlyInChild => "it is global and read-only inside containers",
        };
        let mut d = Diagnostic::new(
            &NOT_NAMESPACED,
            ctx.key(s),
            format!(
                "container policy sets a host-wide parameter: `{}`",
                s.param.name
            ),
        )
        .note(why)
        .help("move the setting to the host's policy");
        if let (true, Some(e)) = (partly, s.param.earlier_scope) {
            d = d
                .severity(crate::diagnostic::Severity::Warning)
                .note(format!(
                    "only before Linux {}: it is per network namespace since then",
                    e.until
                ))
                .help(format!("raise the `kernel` range to `>={}`", e.until));
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, run};

    #[test]
    fn rmem_max_is_not_settable_in_a_container() {
        let text = "tcppolicy: 1\nname: t\ncontainer: true\nkernel: \">=6.12\"\nsettings:\n  net.core.rmem_max:\n    value: 8MiB\n    rationale: r\n  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n";
        assert_eq!(only("TP405", run(text)), vec![6]);
    }

    /// Issue 10: `net.core.optmem_max` is per network namespace only since 6.8.
    #[test]
    fn optmem_max_is_host_wide_before_6_8() {
        let policy = |kernel: &str| {
            format!(
                "tcppolicy: 1\nname: t\ncontainer: true\nkernel: \"{kernel}\"\nsettings:\n  net.core.optmem_max:\n    value: 64KiB\n    rationale: r\n"
            )
        };
        assert_eq!(only("TP405", run(&policy(">=6.8"))), Vec::<u32>::new());
        assert_eq!(only("TP405", run(&policy(">=6.6"))), vec![6]);
        assert_eq!(only("TP405", run(&policy(">=6.1, <6.8"))), vec![6]);
    }
}
