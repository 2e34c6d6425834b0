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
        let why = match s.param.scope {
            Scope::Netns => continue,
            Scope::InitNetns => "it exists only in the host's initial network namespace",
            Scope::GlobalReadOnlyInChild => "it is global and read-only inside containers",
        };
        out.push(
            Diagnostic::new(
                &NOT_NAMESPACED,
                ctx.key(s),
                format!(
                    "container policy sets a host-wide parameter: `{}`",
                    s.param.name
                ),
            )
            .note(why)
            .help("move the setting to the host's policy"),
        );
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
}
