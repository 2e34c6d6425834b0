//! Host settings that containers do not see.

use super::equals_kernel_default::same_default_across_range;
use super::{Ctx, Rule};
use crate::catalog::{Scope, netns_start};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Label};
use crate::effective::{EffectiveSetting, Target};

code!(
    NOT_SEEN_BY_CONTAINERS,
    "TP406",
    "not-seen-by-containers",
    Note,
    "a host policy sets per-namespace parameters that containers do not inherit",
    "Most TCP parameters are per network namespace, and a container or pod gets a new \
     namespace. The kernel fills it in when it is created: almost every parameter starts \
     at the kernel's own default (`tcp_sk_init()` and friends), not at the host's value, \
     so a keepalive or `somaxconn` tuned on the host never reaches a pod. Only `tcp_rmem`, \
     `tcp_wmem` and `tcp_congestion_control` are copied from the host, and only into \
     namespaces created after the host was tuned. Settings that containers need belong \
     in a `container: true` policy applied inside each pod (`tcppolicy emit k8s` renders \
     one for Kubernetes). Host-wide parameters (`tcp_mem`, `net.core.rmem_max`, ...) are \
     not listed: containers share them."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&NOT_SEEN_BY_CONTAINERS],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.policy.container {
        return;
    }
    let mut copied = Vec::new();
    let mut unseen = Vec::new();
    for s in &ctx.policy.settings {
        if s.param.scope != Scope::Netns || s.param.read_only {
            continue; // host-wide parameters reach containers; read-only ones are errors
        }
        let restates_default = || match &s.target {
            Target::Value(v) => same_default_across_range(ctx, s.param).as_ref() == Some(v),
            _ => false,
        };
        match netns_start(s.param.name) {
            Some(e) if e.start.inherits_host_value() => copied.push(s),
            // A container starts with the same value anyway.
            Some(_) if restates_default() => {}
            Some(_) => unseen.push(s),
            None => {}
        }
    }
    let Some((first, rest)) = unseen.split_first() else {
        return;
    };
    let names = |v: &[&EffectiveSetting]| {
        v.iter()
            .map(|s| format!("`{}`", s.param.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut d = Diagnostic::new(
        &NOT_SEEN_BY_CONTAINERS,
        ctx.key(first),
        format!(
            "containers do not see {} of this host policy's settings: a new network \
             namespace starts from the kernel's values, not the host's: {}",
            unseen.len(),
            names(&unseen)
        ),
    )
    .help(
        "set what containers need in a `container: true` policy applied inside each pod \
         (`tcppolicy emit k8s` renders one for Kubernetes)",
    );
    for s in rest {
        let key = ctx.key(s);
        d = d.secondary(Label::with_message(
            key.file,
            key.span,
            "not seen by containers",
        ));
    }
    if !copied.is_empty() {
        d = d.note(format!(
            "copied into namespaces created after the host is tuned: {}",
            names(&copied)
        ));
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, run, settings};

    const BODY: &str = "  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n  net.ipv4.tcp_keepalive_time:\n    value: 600\n    rationale: r\n  net.ipv4.tcp_rmem:\n    value: [4096, 131072, 8388608]\n    rationale: r\n  net.core.somaxconn:\n    at_least: 8192\n    rationale: r\n  net.ipv4.tcp_mem:\n    value: [1, 2, 3]\n    rationale: r\n";

    #[test]
    fn lists_per_netns_host_settings_that_start_at_the_kernel_default() {
        // Primary at the first unseen setting; tcp_sack (the default anyway), tcp_rmem
        // (copied) and tcp_mem (host-wide) are not listed.
        assert_eq!(only("TP406", settings(BODY)), vec![8]);
        let c = crate::compile::compile_str(
            std::path::Path::new("t.yaml"),
            &format!("{}{BODY}", crate::rules::testing::HEADER),
        );
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code.id == "TP406")
            .expect("a TP406 note");
        assert_eq!(
            d.message,
            "containers do not see 2 of this host policy's settings: a new network namespace \
             starts from the kernel's values, not the host's: `net.ipv4.tcp_keepalive_time`, \
             `net.core.somaxconn`"
        );
        assert_eq!(d.secondary.len(), 1);
        assert_eq!(d.notes.len(), 1);
        assert!(d.notes[0].contains("`net.ipv4.tcp_rmem`"), "{:?}", d.notes);
    }

    #[test]
    fn container_policies_and_host_wide_only_policies_get_no_note() {
        let text = format!(
            "tcppolicy: 1\nname: t\ncontainer: true\nkernel: \">=6.12\"\nsettings:\n{}",
            "  net.ipv4.tcp_keepalive_time:\n    value: 600\n    rationale: r\n"
        );
        assert_eq!(only("TP406", run(&text)), Vec::<u32>::new());
        let host_wide = "  net.ipv4.tcp_mem:\n    value: [1, 2, 3]\n    rationale: r\n  net.ipv4.tcp_wmem:\n    value: [4096, 16384, 8388608]\n    rationale: r\n";
        assert_eq!(only("TP406", settings(host_wide)), Vec::<u32>::new());
    }
}
