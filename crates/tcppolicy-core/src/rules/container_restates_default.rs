//! A container policy setting what every new network namespace already has.

use super::equals_kernel_default::same_default_across_range;
use super::{Ctx, Rule};
use crate::catalog::{Start, netns_start};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;
use crate::effective::Target;

code!(
    CONTAINER_RESTATES_DEFAULT,
    "TP407",
    "container-restates-default",
    Warning,
    "a container policy sets a value every new network namespace already has",
    "A `container: true` policy is applied inside a container's own network namespace, \
     which the kernel creates with its own defaults (`tcp_sk_init()` and friends), \
     whatever the host has. A setting equal to that default changes nothing there; for \
     Kubernetes it only adds a sysctl the kubelet must allow. It is usually a leftover of \
     a host policy: keep in a container policy what the pod needs to differ. If a \
     container runtime changes the value (containerd and Docker lower \
     `ip_unprivileged_port_start`, for example), say so with an `allow` entry, or write \
     `value: default`."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&CONTAINER_RESTATES_DEFAULT],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.policy.container {
        return;
    }
    for s in &ctx.policy.settings {
        let Target::Value(v) = &s.target else {
            continue;
        };
        if !starts_at_kernel_default(s.param.name) {
            continue;
        }
        if same_default_across_range(ctx, s.param).as_ref() == Some(v) {
            out.push(
                Diagnostic::new(
                    &CONTAINER_RESTATES_DEFAULT,
                    ctx.value(s),
                    format!(
                        "every new network namespace already has this value of `{}`: {v}",
                        s.param.name
                    ),
                )
                .help("remove the setting, or `allow` this code with the reason it is needed"),
            );
        }
    }
}

/// Whether a new network namespace starts at the kernel default for `name`.
pub(super) fn starts_at_kernel_default(name: &str) -> bool {
    netns_start(name).is_some_and(|e| e.start == Start::KernelDefault)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, run};

    fn container(body: &str) -> String {
        format!("tcppolicy: 1\nname: t\ncontainer: true\nkernel: \">=6.12\"\nsettings:\n{body}")
    }

    #[test]
    fn warns_when_a_container_sets_what_a_new_namespace_has() {
        let text = container(
            "  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n  net.ipv4.tcp_keepalive_time:\n    value: 2h\n    rationale: r\n  net.ipv4.tcp_fin_timeout:\n    value: 30\n    rationale: r\n",
        );
        let found = run(&text);
        assert_eq!(only("TP407", found.clone()), vec![7, 10]);
        // The note that a host policy gets for the same values is not repeated.
        assert_eq!(only("TP607", found), Vec::<u32>::new());
    }

    #[test]
    fn no_warning_for_host_policies_explicit_defaults_or_copied_parameters() {
        let host = "tcppolicy: 1\nname: t\nkernel: \">=6.12\"\nsettings:\n  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n";
        assert_eq!(only("TP407", run(host)), Vec::<u32>::new());
        assert_eq!(only("TP607", run(host)), vec![6]);
        let text = container(
            "  net.ipv4.tcp_sack:\n    value: default\n    rationale: r\n  net.ipv4.tcp_congestion_control:\n    value: reno\n    rationale: r\n",
        );
        assert_eq!(only("TP407", run(&text)), Vec::<u32>::new());
    }

    #[test]
    fn no_warning_when_the_default_changed_inside_the_range() {
        let text = container("  net.core.somaxconn:\n    value: 4096\n    rationale: r\n")
            .replace(">=6.12", ">=4.19");
        assert_eq!(only("TP407", run(&text)), Vec::<u32>::new());
        let text = text.replace(">=4.19", ">=5.4");
        assert_eq!(only("TP407", run(&text)), vec![7]);
    }
}
